"""Re-runs and large runs: --prune, parallel parsing identical to one process, progress, and a run
killed with SIGKILL that the next run completes."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import newsfind.index.nlp.parallel
import pytest
from newsfind.index.ingest.incremental import source_file, vanished
from newsfind.index.ingest.progress import Progress, count_articles, format_duration
from newsfind.index.readers.types import ReadFailure

from tests.conftest import ROOT, SEED_IDS, SEEDS, Runner, write_jsonl

WORDS = """budget bridge council harbour school river tax election court police museum hospital railway
farm market festival storm library airport factory union park theatre village mayor teacher doctor
judge river forest coast mine church stadium garden bakery ferry tunnel canal prison clinic""".split()


def article(n: int) -> dict:
    """A short article; different numbers give different texts (no two are near-duplicates)."""
    rng = random.Random(n)
    topics = " and the ".join(rng.sample(WORDS, 12))
    text = f"The committee met on day {n} to discuss the {topics}, officials said on Friday."
    return {"id": f"a{n:03d}", "title": f"Report {n}", "body": text, "outlet": "Wire", "date": "2016-03-04"}


def ids(run: Runner) -> list[str]:
    return sorted(json.loads(line)["id"] for line in run("export").output.splitlines())


# -- prune ---------------------------------------------------------------------------------------


def test_source_file_strips_record_suffixes_only_for_existing_files(tmp_path):
    jsonl = write_jsonl(tmp_path / "x.jsonl", [article(1)])
    warc = tmp_path / "crawl#1.warc.gz"
    warc.write_bytes(b"x")
    assert source_file(f"{jsonl}:3") == str(jsonl.resolve())
    assert source_file(f"{jsonl}[2]") == str(jsonl.resolve())
    assert source_file(f"{warc}#https://example.org/a#b") == str(warc.resolve())
    assert source_file("<stdin>:4") is None
    assert source_file(str(tmp_path / "gone.txt")) is None
    roots = [tmp_path.resolve()]
    members = [("a", "/elsewhere/a.txt"), ("b", str(tmp_path.resolve() / "b.txt")), ("c", None),
               ("d", str(jsonl.resolve()))]
    assert vanished(members, set(), roots, []) == ["b", "d"]
    assert vanished(members, {"b"}, roots, [ReadFailure(f"{jsonl}:2", "invalid JSON")]) == []


@pytest.mark.model
def test_prune_removes_only_vanished_articles_under_the_given_paths(tmp_path):
    archive, other = tmp_path / "archive", tmp_path / "other"
    (archive / "sub").mkdir(parents=True)
    other.mkdir()
    (archive / "a.txt").write_text("Kept story\nThe committee met and talked for an hour about the budget.\n")
    (archive / "b.txt").write_text("Removed story\nThe council voted on the new bridge after a long debate.\n")
    records = write_jsonl(archive / "sub" / "records.jsonl", [article(1), article(2), article(3)])
    (other / "c.txt").write_text("Elsewhere\nA story from another folder that is not pruned.\n")
    run = Runner(tmp_path / "index")
    assert run("index", str(archive), str(other), "--jobs", "1").exit_code == 0
    assert ids(run) == ["a", "a001", "a002", "a003", "b", "c"]

    (archive / "b.txt").unlink()
    write_jsonl(records, [article(1), article(3)])
    kept = run.json("index", str(archive), "--jobs", "1")  # without --prune nothing goes
    assert kept["pruned"] == 0 and len(ids(run)) == 6

    missing = run("index", str(tmp_path / "typo"), "--prune", "--jobs", "1", "--json")
    assert missing.exit_code == 1  # a path that does not exist fails, and prunes nothing
    assert json.loads(missing.output)["pruned"] == 0 and len(ids(run)) == 6

    result = run.json("index", str(archive), "--prune", "--jobs", "1")
    assert (result["pruned"], sorted(result["pruned_ids"])) == (2, ["a002", "b"])
    assert ids(run) == ["a", "a001", "a003", "c"]  # c is outside archive/

    text = run("index", str(archive / "sub"), "--prune", "--jobs", "1").output
    assert "pruned 0" in text and ids(run) == ["a", "a001", "a003", "c"]

    for path in (archive / "a.txt", records, other / "c.txt"):
        path.unlink()
    assert run.json("index", str(archive), str(other), "--prune", "--jobs", "1")["pruned"] == 4
    assert ids(run) == [] and run.json("query", "")["total"] == 0  # an empty index still answers


@pytest.mark.model
def test_a_file_that_fails_to_read_keeps_its_articles(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    records = write_jsonl(folder / "r.jsonl", [article(1), article(2)])
    run = Runner(tmp_path / "index")
    assert run("index", str(folder), "--jobs", "1").exit_code == 0
    records.write_bytes(b"\x00\x01 not text any more")
    result = run("index", str(folder), "--prune", "--jobs", "1", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["pruned"] == 0 and ids(run) == ["a001", "a002"]


# -- parallel parsing ----------------------------------------------------------------------------


def stored_extraction(index_dir: Path) -> dict:
    lines = Runner(index_dir)("export").output.splitlines()
    keys = ("speakers", "speaker_orgs", "persons", "orgs", "places", "quotes", "mentions", "outlet", "date")
    return {a["id"]: {k: a[k] for k in keys} for a in map(json.loads, lines)}


def test_two_jobs_store_exactly_what_one_job_stores(tmp_path, monkeypatch, seed_index):
    one, two = seed_index, tmp_path / "two"  # the session's seed index is one job's work (n_process=1)
    monkeypatch.setattr(newsfind.index.nlp.parallel, "MIN_BATCHES_PER_WORKER", 0)  # use the workers even for five seeds
    calls = []
    real = newsfind.index.nlp.parallel.parse_parallel
    monkeypatch.setattr(newsfind.index.nlp.parallel, "parse_parallel", lambda *a: calls.append(a[2]) or real(*a))
    assert Runner(two)("index", str(SEEDS), "--jobs", "2").exit_code == 0
    assert calls == [2]
    first, second = stored_extraction(one), stored_extraction(two)
    assert sorted(first) == SEED_IDS
    assert first == second
    assert any(a["quotes"] for a in first.values()) and any(a["speakers"] for a in first.values())


# -- progress ------------------------------------------------------------------------------------


def test_progress_shows_docs_per_second_and_eta(tmp_path):
    write_jsonl(tmp_path / "r.jsonl", [article(n) for n in range(7)])
    (tmp_path / "one.txt").write_text("Title\nBody.\n")
    assert count_articles([str(tmp_path)]) == 8
    assert count_articles(["-"]) is None
    now = [100.0]
    out = io.StringIO()
    progress = Progress(out, total=100, clock=lambda: now[0])
    for _ in range(10):
        now[0] += 0.5
        progress("added")
    line = progress.line()
    assert line.startswith("10/100 articles  2.0 docs/s  ETA 0:45")
    assert "(10 indexed, 0 unchanged, 0 failed)" in line
    progress.close()
    assert out.getvalue().startswith("\r") and out.getvalue().endswith("\n")
    assert format_duration(3725) == "1:02:05"
    assert "ETA" not in Progress(None, total=None).line()


# -- killed runs ---------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def committed_count(index_dir: Path) -> int:
    from whoosh import index as whoosh_index

    if not whoosh_index.exists_in(str(index_dir)):
        return 0
    return whoosh_index.open_dir(str(index_dir)).doc_count()


@pytest.mark.model
def test_sigkill_mid_run_then_rerun_completes_with_every_article_once(tmp_path):
    records = [article(n) for n in range(100)]
    records[97] = dict(records[97], body=records[3]["body"])  # an exact copy of a003, after the kill point
    index_dir = tmp_path / "index"
    code = (
        "import sys, newsfind.index.nlp.parallel\n"
        "newsfind.index.nlp.parallel.MIN_BATCHES_PER_WORKER = 0\n"
        "from newsfind.cli.main import main\n"
        f"sys.argv = ['newsfind', '--index', {str(index_dir)!r}, 'index', '-', '--jobs', '2', '--commit-every', '5']\n"
        "main()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # 90 records, stdin left open: the run parses and commits what it can, then waits for more
        proc.stdin.write("".join(json.dumps(r) + "\n" for r in records[:90]).encode())
        proc.stdin.flush()
        deadline = time.monotonic() + 120
        while committed_count(index_dir) < 5:
            assert proc.poll() is None and time.monotonic() < deadline, "no commit"
            time.sleep(0.2)
        workers = children_of(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    committed = committed_count(index_dir)
    assert 5 <= committed < 90 and committed % 5 == 0
    # the spawned workers notice that their parent is gone and exit
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not any(alive(w) for w in workers)

    # every committed document is whole and searchable; no lock is left behind
    run = Runner(index_dir)
    data = run.json("query", "committee", "--expand", "--limit", "100")
    assert data["total"] == committed
    assert all(h["group"] for h in data["hits"])

    path = write_jsonl(tmp_path / "all.jsonl", records)
    summary = run.json("index", str(path), "--jobs", "1")
    assert (summary["unchanged"], summary["indexed"]) == (committed, 100 - committed)
    exported = [json.loads(line) for line in run("export").output.splitlines()]
    assert sorted(a["id"] for a in exported) == [f"a{n:03d}" for n in range(100)]
    groups = {a["id"]: a["group"] for a in exported}
    assert groups["a097"] == groups["a003"]  # grouped across the kill
    assert len(set(groups.values())) == 99


@pytest.mark.model
def test_first_ctrl_c_commits_what_is_done(tmp_path):
    records = [article(n) for n in range(40)]
    path = write_jsonl(tmp_path / "r.jsonl", records)
    index_dir = tmp_path / "index"
    code = (
        "import os, signal, sys, newsfind.index.ingest.writer as w\n"
        "real = w.document_fields\n"
        "def interrupt_after_12(article, enrichment, n=[0]):\n"
        "    n[0] += 1\n"
        "    if n[0] == 12:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(article, enrichment)\n"
        "w.document_fields = interrupt_after_12\n"
        "from newsfind.cli.main import main\n"
        f"sys.argv = ['newsfind', '--index', {str(index_dir)!r}, 'index', {str(path)!r}, '--jobs', '1']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 130, done.stderr
    assert "indexed 12 (12 new, 0 replaced)" in done.stdout and "interrupted" in done.stdout
    assert committed_count(index_dir) == 12
    rest = Runner(index_dir).json("index", str(path), "--jobs", "1")
    assert (rest["unchanged"], rest["indexed"]) == (12, 28)
