"""`newsfind index --cluster`: the per-article NLP on a real Dask cluster (a `dask scheduler` and two
`dask worker --nthreads 1` processes from this venv, on loopback), compared field by field with a local run;
a worker SIGKILLed mid-run; a worker without the model, another version, a scheduler that goes away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsfind.cli.main import cli
from tests import crash_hook
from tests.conftest import SEEDS, needs
from tests.dask_procs import DaskCluster
from tests.generate import articles

pytestmark = [pytest.mark.cluster, pytest.mark.model]
NEWSFIND = Path(sys.executable).with_name("newsfind")
# The module's workers make the enrichment of the article with this id raise (enrich.py's test hook); no
# other test has an article so named.

# Written for these tests: the index-wide name table decides who a lone surname is, across articles
# ('Clinton' is Hillary once the index names her far more often than Bill; 'Trump' the one Trump).
NAMES = [
    ("Hillary Clinton campaigned in Iowa on Monday.", "\u201cWe will win,\u201d Hillary Clinton said."),
    ("Donald Trump spoke in Ohio.", "\u201cIt will be great,\u201d Donald Trump told supporters."),
    ("Bill Clinton visited Little Rock.", "\u201cI am proud of her,\u201d Bill Clinton said."),
    ("Clinton returned to New York.", "\u201cThe race is close,\u201d Clinton said on Tuesday."),
    ("Trump attacked the press again.", "\u201cFake news,\u201d Trump said, according to Reuters."),
    ("Mrs. Clinton met Senator Bernie Sanders.", "\u201cWe agree on a lot,\u201d Mr. Sanders said."),
]


def corpus(path: Path, count: int = 40, prefix: str = "g") -> Path:
    records = []
    for i in range(count):
        lead, quote = NAMES[i % len(NAMES)] if i % 3 else NAMES[i % 2]
        records.append({"id": f"{prefix}n{i:03d}", "title": f"Story {i}", "body": f"{lead} {quote}\n\nMore on {i}.",
                        "outlet": "Example Wire", "date": "2016-03-01"})
    records += articles(count // 2, seed=7, prefix=f"{prefix}a")
    path.mkdir(parents=True, exist_ok=True)
    (path / "written.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for seed in SEEDS.glob("*.txt"):
        (path / seed.name).write_bytes(seed.read_bytes())
    return path


@pytest.fixture(scope="module")
@needs("model")
def dask_cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("dask-logs")
    cluster = DaskCluster(logs, preload=[Path(crash_hook.__file__)])
    try:
        cluster.start_scheduler()
        cluster.add_worker(wait=False)
        cluster.add_worker(wait=False)
        cluster.wait_workers(2)
        yield cluster
    finally:
        cluster.stop()


def run(index_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["--index", str(index_dir), *args], catch_exceptions=False)


def export(index_dir: Path) -> dict[str, dict]:
    result = run(index_dir, "export")
    assert result.exit_code == 0, result.output
    return {a["id"]: a for a in map(json.loads, result.output.splitlines())}


def assert_same_export(local: dict[str, dict], remote: dict[str, dict]) -> None:
    assert sorted(local) == sorted(remote)
    for article_id, article in local.items():
        for name in sorted(set(article) | set(remote[article_id])):
            assert remote[article_id].get(name) == article.get(name), (article_id, name)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("local")
    texts = corpus(base / "texts")
    result = run(base / "index", "index", str(texts), "--jobs", "1")
    assert result.exit_code == 0, result.output
    return texts, base / "index"


def names_in(data) -> int:
    """The names a piece of the name table sent to the workers holds: a snapshot or a chunk."""
    if isinstance(data, dict):
        return len(data["person"]) + len(data["org"]) + len(data["place"])
    return len(data.person) + len(data.org) + len(data.place)


def test_cluster_run_is_field_by_field_the_local_run(dask_cluster, local_run, tmp_path, monkeypatch):
    """Batches of two, many in flight: workers compute against a name table that lacks what the batches
    ahead of them add, so some articles are recomputed, and new snapshots of the table go out every few
    batches; the export and the name table are the local run's."""
    from newsfind.index.nlp import cluster

    monkeypatch.setattr(cluster, "BATCH_SIZE", 2)
    monkeypatch.setattr(cluster, "SNAPSHOT_LIMIT", 40)
    sent: list[int] = []  # names in each piece of the name table sent to the workers
    scatter = cluster._scatter
    monkeypatch.setattr(cluster, "_scatter",
                        lambda client, data: (sent.append(names_in(data)), scatter(client, data))[1])
    texts, local_index = local_run
    result = run(tmp_path / "index", "index", str(texts), "--cluster", dask_cluster.address, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["failed"] == [] and summary["indexed"] == len(export(local_index))
    assert summary["cluster"]["workers"] == 2 and summary["cluster"]["retried"] == 0
    assert summary["cluster"]["recomputed"] > 0  # the exact-table path ran, and still the same output
    assert_same_export(export(local_index), export(tmp_path / "index"))
    canonical = [json.loads((d / "canonical.json").read_text("utf-8")) for d in (local_index, tmp_path / "index")]
    assert canonical[0] == canonical[1]
    # the table went out in pieces, each name once (not the whole table again at every renewal); what the
    # last piece lacks went with the batches
    table = canonical[1]
    names = len(table["person"]) + len(table["org"]) + len(table["place"])
    assert len(sent) > 3 and names - cluster.SNAPSHOT_LIMIT <= sum(sent) <= names, (sent, names)


def test_cluster_run_with_default_batches_says_workers_and_retries(dask_cluster, local_run, tmp_path):
    texts, local_index = local_run
    result = run(tmp_path / "index", "index", str(texts), "--cluster", dask_cluster.address)
    assert result.exit_code == 0, result.output
    assert f"cluster {dask_cluster.address}: 2 workers," in result.output
    assert "0 retried after a lost worker" in result.output
    assert_same_export(export(local_index), export(tmp_path / "index"))
    again = run(tmp_path / "index", "index", str(texts), "--cluster", dask_cluster.address)
    assert again.exit_code == 0 and "indexed 0 (0 new, 0 replaced), unchanged" in again.output


def test_article_that_crashes_the_nlp_on_a_worker_fails_as_in_a_local_run(dask_cluster, tmp_path, monkeypatch):
    """One article's enrichment raises on the worker (after it asked the name table its questions): the run
    completes, that article is failed with the path and reason of a local run where it raises the same way,
    and the others are indexed, field by field as locally."""
    texts = corpus(tmp_path / "texts", count=12)
    crash = {"id": crash_hook.CRASHING, "title": "A crash",
             "body": "Hillary Clinton spoke in Iowa. \u201cWe go on,\u201d Clinton said.\n\nMore.",
             "outlet": "Example Wire", "date": "2016-03-02"}
    (texts / "crash.jsonl").write_text(json.dumps(crash) + "\n", encoding="utf-8")
    with monkeypatch.context() as patched:  # the workers carry the same wrapper (dask worker --preload)
        crash_hook.install(patched.setattr)
        local = run(tmp_path / "local", "index", str(texts), "--jobs", "1", "--json")
    remote = run(tmp_path / "remote", "index", str(texts), "--cluster", dask_cluster.address, "--json")
    assert local.exit_code == remote.exit_code == 1, (local.output, remote.output)
    local_summary, remote_summary = json.loads(local.stdout), json.loads(remote.stdout)
    [failure] = local_summary["failed"]
    assert failure["path"].startswith(str(texts / "crash.jsonl")) and crash_hook.REASON in failure["reason"]
    assert remote_summary["failed"] == local_summary["failed"]
    assert remote_summary["indexed"] == local_summary["indexed"] == len(export(tmp_path / "local")) > 0
    assert crash_hook.CRASHING not in export(tmp_path / "remote")
    assert_same_export(export(tmp_path / "local"), export(tmp_path / "remote"))
    canonical = [json.loads((tmp_path / d / "canonical.json").read_text("utf-8")) for d in ("local", "remote")]
    assert canonical[0] == canonical[1]


def test_cluster_address_from_the_environment(dask_cluster, tmp_path):
    texts = corpus(tmp_path / "texts", count=3)
    env = {**os.environ, "NEWSFIND_CLUSTER": dask_cluster.address}
    done = subprocess.run([str(NEWSFIND), "--index", str(tmp_path / "index"), "index", str(texts), "--json"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cluster"]["address"] == dask_cluster.address


@pytest.mark.parametrize("address", ["tcp://10.1.2.3:8786", "tcp://nlp-head.example:8786"])
def test_tcp_to_another_machine_is_refused_without_insecure(tmp_path, address):
    result = run(tmp_path / "index", "index", str(SEEDS), "--cluster", address)
    assert result.exit_code == 2
    assert "unencrypted" in result.output and "tls://" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://127.0.0.1:8786", "tcp://127.0.0.1"])
def test_malformed_cluster_address_is_a_usage_error(tmp_path, address):
    result = run(tmp_path / "index", "index", str(SEEDS), "--cluster", address)
    assert result.exit_code == 2 and "tls://HOST:PORT" in result.output


def test_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    from newsfind.index.nlp import cluster

    from tests.dask_procs import free_port

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2.0)
    result = run(tmp_path / "index", "index", str(SEEDS), "--cluster", f"tcp://127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach the Dask scheduler") and result.output.count("\n") == 1


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_version_mismatch_stops_with_one_line_and_the_same_command_resumes(dask_cluster, tmp_path, monkeypatch):
    from newsfind.index.nlp import cluster

    texts = corpus(tmp_path / "texts", count=4)
    real = cluster.versions()
    monkeypatch.setattr(cluster, "versions", lambda: {**real, "pipeline": "999"})
    result = run(tmp_path / "index", "index", str(texts), "--cluster", dask_cluster.address)
    assert result.exit_code == 1
    assert "(pipeline 999): install the same newsfind on every worker" in one_error_line(result.output)
    monkeypatch.setattr(cluster, "versions", lambda: real)
    again = run(tmp_path / "index", "index", str(texts), "--cluster", dask_cluster.address)
    assert again.exit_code == 0, again.output


def test_worker_without_the_model_stops_with_one_line(tmp_path):
    from newsfind.index.nlp.pipeline import MODEL_PACKAGES

    blocked = tmp_path / "blocked"
    for name in MODEL_PACKAGES:
        (blocked / name).mkdir(parents=True)
        (blocked / name / "__init__.py").write_text("raise ImportError('no model on this worker')\n")
    (tmp_path / "logs").mkdir()
    broken = DaskCluster(tmp_path / "logs")
    try:
        broken.start_scheduler()
        broken.add_worker(env={"PYTHONPATH": str(blocked)})
        done = subprocess.run([str(NEWSFIND), "--index", str(tmp_path / "index"), "index", str(SEEDS), "--cluster",
                               broken.address], capture_output=True, text=True, timeout=300)
    finally:
        broken.stop()
    assert done.returncode == 1
    assert "cannot load the spaCy model: " in one_error_line(done.stderr)


def batches_started(address: str) -> int:
    from distributed import Client

    with Client(address, timeout=10, set_as_default=False) as client:
        return len(client.get_events("newsfind-batch"))


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_scheduler_gone_stops_with_one_line_keeps_commits_and_resumes(dask_cluster, tmp_path):
    texts = corpus(tmp_path / "texts", count=60)
    (tmp_path / "logs").mkdir()
    doomed = DaskCluster(tmp_path / "logs")
    try:
        doomed.start_scheduler()
        doomed.add_worker()
        proc = subprocess.Popen([str(NEWSFIND), "--index", str(tmp_path / "index"), "index", str(texts),
                                 "--cluster", doomed.address, "--commit-every", "8"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # two batches (32 articles) done: 4 commits; a loaded machine (a worker loading spaCy beside a full
        # suite) took over two minutes once; a run that ended meanwhile fails below with its output
        wait_for(lambda: batches_started(doomed.address) >= 3 or proc.poll() is not None, timeout=300)
        doomed.kill(doomed.scheduler)
        out, err = proc.communicate(timeout=300)
    finally:
        doomed.stop()
    assert proc.returncode == 1, out + err
    assert "lost the Dask scheduler" in one_error_line(err)
    kept = len(export(tmp_path / "index"))  # what was committed before the scheduler went
    assert kept >= 8
    again = run(tmp_path / "index", "index", str(texts), "--cluster", dask_cluster.address, "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.output)
    assert summary["unchanged"] == kept and summary["indexed"] + kept == len(export(tmp_path / "index"))


def long_corpus(path: Path, count: int) -> Path:
    """Articles long enough (a few hundred words each) that a batch of 16 keeps a worker busy for seconds."""
    records = []
    for r in articles(count, seed=11, prefix="k"):
        r["body"] = "\n\n".join(f"{r['body']} Paragraph {i} of {r['id']}." for i in range(12))
        records.append(r)
    path.mkdir(parents=True, exist_ok=True)
    (path / "long.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def first_worker_busy(cluster: DaskCluster, seen: int) -> bool:
    """The module's worker `w0` has started a batch since the first `seen` batch events."""
    from distributed import Client

    with Client(cluster.address, timeout=10, set_as_default=False) as client:
        names = {addr: w["name"] for addr, w in client.scheduler_info(n_workers=-1)["workers"].items()}
        events = client.get_events("newsfind-batch")[seen:]
    return any(names.get(msg.get("worker")) == "w0" for _, msg in events)


def test_sigkilled_worker_costs_a_retry_and_nothing_else(dask_cluster, tmp_path):
    """Kills one of the module's workers mid-batch (and starts a new one for whatever follows)."""
    texts = long_corpus(tmp_path / "texts", count=96)
    before = batches_started(dask_cluster.address)
    proc = subprocess.Popen([str(NEWSFIND), "--index", str(tmp_path / "index"), "index", str(texts),
                             "--cluster", dask_cluster.address, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: first_worker_busy(dask_cluster, before))
        dask_cluster.kill(dask_cluster.workers[0])  # SIGKILL while it parses its batch
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
        dask_cluster.add_worker(wait=False)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["failed"] == [] and summary["cluster"]["retried"] >= 1
    exported = run(tmp_path / "index", "export").output.splitlines()
    ids = [json.loads(line)["id"] for line in exported]
    assert len(ids) == len(set(ids)) == summary["indexed"] == summary["added"] == 96


def self_signed(directory: Path) -> tuple[Path, Path, Path]:
    """One self-signed certificate, used as the CA and by every role (Dask checks the CA, not host names)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=newsfind-test"], check=True, capture_output=True)
    return cert, cert, key


def test_tls_cluster_indexes_and_refuses_a_client_without_the_certificates(tmp_path):
    """The README's TLS setup on loopback: scheduler and worker with Dask's --tls-* options, the client with
    Dask's configuration in the environment; without it the client cannot connect: one line, exit 1."""
    (tmp_path / "logs").mkdir()
    secure = DaskCluster(tmp_path / "logs", tls=self_signed(tmp_path))
    command = [str(NEWSFIND), "--index", str(tmp_path / "index"), "index", str(SEEDS), "--cluster", secure.address]
    try:
        secure.start_scheduler()
        secure.add_worker()
        refused = subprocess.run(command, capture_output=True, text=True, timeout=300,
                                 env={**os.environ, "NEWSFIND_CLUSTER_CONNECT_TIMEOUT": "5"})
        done = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=300,
                              env={**os.environ, **secure.client_env()})
    finally:
        secure.stop()
    assert refused.returncode == 1
    assert "speaks TLS, and Dask's TLS settings for a client are missing here" in one_error_line(refused.stderr)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indexed"] == len(list(SEEDS.glob("*.txt")))
