"""Crashes and faults: `newsfind index` killed with SIGKILL at random moments (seeded), a bulk tag
and an entity merge killed half-way, a full disk and a read-only index directory. After each: the
index opens, what was committed before is intact, nothing is duplicated, no stale lock blocks the
next run, and running the job again completes it.

The long variants (`-m long`, `make test-long`) kill more often over more documents."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from newsfind.index.schema import build_schema
from newsfind.index.store import open_index
from whoosh import index as whoosh_index

from tests.conftest import ROOT, needs
from tests.generate import articles, write_articles

KILL_SEED = 20150907


def newsfind_cmd(index_dir: Path, *args: str, commit_every: int | None = None,
                 writer_timeout: float | None = None) -> list[str]:
    """The real `newsfind` command (see tests/knobs.py for the lock wait)."""
    cmd = [sys.executable, "-m", "tests.knobs"]
    if writer_timeout is not None:
        cmd += ["--writer-timeout", str(writer_timeout)]
    every = ["--commit-every", str(commit_every)] if commit_every else []
    return [*cmd, "--", "--index", str(index_dir), *args, *every]


def stored_documents(index_dir: Path) -> list[dict]:
    with open_index(index_dir).searcher() as searcher:
        return [fields for _, fields in searcher.reader().iter_docs()]


def assert_lock_is_free(index_dir: Path) -> None:
    """A new writer gets the lock at once: nothing a killed run left behind blocks the next."""
    writer = whoosh_index.open_dir(str(index_dir)).writer(timeout=0.5)
    writer.cancel()


@dataclass
class KillRun:
    """Source versions of every article, and what the index held after each kill."""

    versions: dict[str, list[dict]]  # id -> every version the source file has had, oldest first
    kills: int = 0
    completed_runs: int = 0
    committed: dict[str, int] = field(default_factory=dict)  # id -> version index in the index now
    history: list[int] = field(default_factory=list)  # documents in the index after each kill

    def version_of(self, doc: dict) -> int:
        for i, record in enumerate(self.versions[doc["id"]]):
            if (doc["title"], doc["body"]) == (record["title"], record["body"]):
                return i
        raise AssertionError(f"document {doc['id']} matches no version of its source: {doc['body'][:200]!r}")

    def check_index(self, index_dir: Path) -> None:
        """The index opens; every document is whole and equal to a version of its source, the
        same or newer than the one committed before; no id twice; the lock is free."""
        if not whoosh_index.exists_in(str(index_dir)):
            assert not self.committed, "the index vanished"
            return
        docs = stored_documents(index_dir)
        ids = [d["id"] for d in docs]
        assert len(ids) == len(set(ids)), "duplicate documents"
        now = {d["id"]: self.version_of(d) for d in docs}
        for doc in docs:
            assert doc["facet_outlet"] == self.versions[doc["id"]][now[doc["id"]]]["outlet"]
        lost = set(self.committed) - set(now)
        assert not lost, f"committed documents lost: {sorted(lost)[:5]}"
        older = [i for i, v in self.committed.items() if now[i] < v]
        assert not older, f"documents went back to an older version: {older[:5]}"
        self.committed = now
        self.history.append(len(now))
        assert_lock_is_free(index_dir)


def generation(index_dir: Path) -> int:
    """The newest commit's generation (-1: none yet); a new one appears with every commit."""
    tocs = [int(p.name[6:-4]) for p in index_dir.glob("_MAIN_*.toc") if p.name[6:-4].isdigit()]
    return max(tocs, default=-1)


def kill_at_random_moment(proc: subprocess.Popen, index_dir: Path, rng: random.Random,
                          window: tuple[float, float]) -> None:
    """SIGKILL `proc`, unless it finishes first. A quarter of the kills come at a random time in
    `window` (mostly while spaCy loads or the first batch is parsed); the rest a random 0-300 ms
    after the run's first or second commit, while it writes and commits documents."""
    if rng.random() < 0.25:
        deadline = time.monotonic() + rng.uniform(*window)
    else:
        start, commits = generation(index_dir), rng.choice([1, 1, 2])
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if generation(index_dir) >= start + commits:
                deadline = time.monotonic() + rng.uniform(0, 0.3)
                break
            time.sleep(0.01)
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def kill_indexing_runs(tmp_path: Path, docs: int, kills: int, commit_every: int, revise: int,
                       window: tuple[float, float], seed: int = KILL_SEED) -> KillRun:
    """Run `newsfind index` over `docs` articles and SIGKILL it at a random moment in `window`
    (seconds after the start), `kills` times; before each run `revise` articles get a new version,
    so there is always work (new and replaced documents). Then one run to the end."""
    rng = random.Random(seed)
    source, index_dir = tmp_path / "articles.jsonl", tmp_path / "index"
    current = {r["id"]: r for r in articles(docs, seed)}
    run = KillRun(versions={i: [r] for i, r in current.items()})
    log = tmp_path / "runs.log"
    attempts = 0
    while run.kills < kills:
        attempts += 1
        assert attempts <= 3 * kills, f"only {run.kills} of {attempts} runs were still running when killed"
        for article_id in rng.sample(sorted(current), revise):
            record = dict(current[article_id])
            record["body"] += f" Revision {len(run.versions[article_id])}."
            current[article_id] = record
            run.versions[article_id].append(record)
        write_articles(source, list(current.values()))
        with log.open("ab") as out:
            proc = subprocess.Popen(newsfind_cmd(index_dir, "index", str(source), commit_every=commit_every),
                                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            kill_at_random_moment(proc, index_dir, rng, window)
        if proc.returncode == -signal.SIGKILL:
            run.kills += 1
        else:
            assert proc.returncode == 0, log.read_text()[-3000:]
            run.completed_runs += 1
        run.check_index(index_dir)
    final = subprocess.run(newsfind_cmd(index_dir, "index", str(source), "--json"), cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stdout[-2000:] + final.stderr[-2000:]
    summary = json.loads(final.stdout)
    assert summary["indexed"] + summary["unchanged"] == docs and not summary["failed"]
    run.check_index(index_dir)
    latest = {i: len(v) - 1 for i, v in run.versions.items()}
    assert run.committed == latest, "the final run left documents missing or out of date"
    from tests.conftest import Runner

    assert Runner(index_dir).json("query", "Token", "--limit", "1")["total_versions"] == docs
    return run


def report(name: str, run: KillRun) -> None:
    print(f"\n{name}: {run.kills} SIGKILLs survived, {run.completed_runs} runs finished before their kill; "
          f"documents in the index after each: {run.history}")


@pytest.mark.model
def test_indexing_killed_at_random_moments_keeps_what_was_committed(tmp_path):
    run = kill_indexing_runs(tmp_path, docs=50, kills=3, commit_every=5, revise=15, window=(0.3, 3.0))
    report("indexing", run)
    assert run.kills >= 3 and max(run.history[:-1]) > 0  # some kills landed after commits


@pytest.mark.long
@pytest.mark.model
def test_indexing_killed_many_times_keeps_what_was_committed(tmp_path):
    run = kill_indexing_runs(tmp_path, docs=400, kills=25, commit_every=10, revise=40, window=(0.3, 4.0))
    report("indexing (long)", run)
    assert run.kills >= 25 and max(run.history[:-1]) > 0


def test_a_live_writer_keeps_its_lock_and_the_run_says_the_index_is_busy(tmp_path):
    """A lock held by a live writer is never cleared: the run waits, then fails with a message;
    the holder commits afterwards as if nothing happened."""
    source = write_articles(tmp_path / "a.jsonl", articles(3))
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    holder = ix.writer()
    try:
        result = subprocess.run(newsfind_cmd(index_dir, "index", str(source), writer_timeout=0.5), cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "another newsfind run is writing to" in result.stderr and "Traceback" not in result.stderr
        holder.add_document(id="mine", title="held", body="held")
    finally:
        holder.commit()
    assert [d["id"] for d in stored_documents(index_dir)] == ["mine"]


# -- curation: a bulk tag and an entity merge killed half-way --------------------------------------


@pytest.fixture(scope="module")
@needs("model")
def curation_template(tmp_path_factory) -> Path:
    """An index of 40 generated articles (enriched once; tests copy it)."""
    from newsfind.index.ingest.writer import index_paths

    root = tmp_path_factory.mktemp("curation-kill")
    summary = index_paths([str(write_articles(root / "a.jsonl", articles(40, seed=7, prefix="c")))], root / "index")
    assert len(summary.added) == 40 and not summary.failed
    return root / "index"


def person_values(index_dir: Path) -> set[str]:
    from newsfind.index.schema import split_values

    return {v for doc in stored_documents(index_dir) for v in split_values(doc.get("facet_person"))}


def history_length(index_dir: Path) -> int:
    from newsfind.index.curation.store import CurationStore

    return len(CurationStore(index_dir).history())


def kill_curation_change(index_dir: Path, args: list[str], rng: random.Random, log: Path) -> bool:
    """Run one curation command, applied in batches of 3 documents with a pause after each, and
    SIGKILL it: a quarter of the time at a random moment, else a random 0-600 ms after its change
    is in the audit log (while it is applied). True if it was killed, False if it finished first."""
    env = {**os.environ, "NEWSFIND_APPLY_BATCH": "3", "NEWSFIND_APPLY_DELAY": "0.02"}
    before = history_length(index_dir)
    with log.open("ab") as out:
        proc = subprocess.Popen(newsfind_cmd(index_dir, *args, "--user", "kill-test"), cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    if rng.random() < 0.25:
        delay = rng.uniform(0.05, 1.5)
    else:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and history_length(index_dir) == before:
            time.sleep(0.01)
        delay = rng.uniform(0, 0.6)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True
    assert proc.returncode == 0, log.read_text()[-2000:]
    return False


def assert_index_agrees_with_curation(index_dir: Path, merged_away: set[str]) -> None:
    from newsfind.index.curation.store import CurationStore
    from newsfind.index.schema import split_values

    store = CurationStore(index_dir)
    for doc in stored_documents(index_dir):
        assert sorted(split_values(doc.get("facet_tag"))) == sorted(store.tags_of(doc["id"])), doc["id"]
    assert not person_values(index_dir) & merged_away


def kill_curation_changes(tmp_path: Path, template: Path, rounds: int, seed: int = KILL_SEED) -> int:
    """`rounds` curation commands (bulk tag, bulk untag, entity merge), each killed half-way; the
    store stays sound and each change is all or nothing; `newsfind check` finds what was left
    undone and `check --repair` makes index and curation agree. Returns the kills."""
    import shutil

    from newsfind.index.curation.store import CurationStore

    from tests.conftest import Runner

    index_dir = tmp_path / "index"
    shutil.copytree(template, index_dir)
    run_cli = Runner(index_dir)
    rng = random.Random(seed)
    log = tmp_path / "curation.log"
    kills, tags, merged_away = 0, [], set()
    for n in range(rounds):
        people = sorted(person_values(index_dir) - merged_away)
        action = ["tag", "merge", "untag"][n % 3] if tags or n % 3 != 2 else "tag"
        if action == "merge" and len(people) < 2:  # everyone merged already
            action = "tag"
        if action == "tag":
            tags.append(f"batch {n}")
            args = ["tag", "--query", "Token", tags[-1], "--yes"]
        elif action == "untag":
            args = ["tag", "--query", "Token", tags.pop(rng.randrange(len(tags))), "--remove", "--yes"]
        else:
            pair = rng.sample(people, 2)
            merged_away |= set(pair)
            args = ["entity", "merge", "person", *pair, "--into", f"Merged Person {n}"]
        before = history_length(index_dir)
        kills += kill_curation_change(index_dir, args, rng, log)
        store = CurationStore(index_dir)
        assert store.db.integrity() == []
        after = store.history()
        logged = len(after) - before  # a merge of two values is two changes, saved in one transaction
        assert logged in ((0, 2) if action == "merge" else (0, 1)), f"{action} logged {logged} changes"
        if len(after) == before and action == "merge":  # killed before the change was saved
            merged_away -= set(pair)
        if len(after) == before and action == "tag":
            tags.pop()
        assert_lock_is_free(index_dir)
        if n % 3 == 2 or n == rounds - 1:  # `newsfind check` (in this process) finds and repairs what is left
            checked = run_cli("check", "--json")
            assert checked.exit_code in (0, 1), checked.output
            state = json.loads(checked.stdout)
            assert state["ok"] == (checked.exit_code == 0) and not state["problems"]
            repaired = run_cli("check", "--repair")
            assert repaired.exit_code == 0, repaired.output
            again = run_cli("check")
            assert again.exit_code == 0, again.output
            assert_index_agrees_with_curation(index_dir, merged_away)
    return kills


def test_bulk_tags_and_entity_merges_killed_half_way_are_repaired(tmp_path, curation_template):
    kills = kill_curation_changes(tmp_path, curation_template, rounds=4)
    print(f"\ncuration: {kills} of 4 changes killed half-way; index and curation agree after check --repair")
    assert kills >= 2


@pytest.mark.long
def test_many_curation_changes_killed_half_way_are_repaired(tmp_path, curation_template):
    kills = kill_curation_changes(tmp_path, curation_template, rounds=30, seed=KILL_SEED + 1)
    print(f"\ncuration (long): {kills} of 30 changes killed half-way; index and curation agree")
    assert kills >= 20


def test_a_merge_of_several_values_is_saved_whole_or_not_at_all(tmp_path, curation_template, monkeypatch):
    """`entity merge A B --into C` is two rules: saved in one transaction, so a crash between them
    (here: the second insert fails) leaves neither, not half a merge."""
    import shutil

    from newsfind.index.curation.rules import EntityRule
    from newsfind.index.curation.store import CurationStore

    index_dir = tmp_path / "index"
    shutil.copytree(curation_template, index_dir)
    store = CurationStore(index_dir)
    store.change_tags(["c00000"], ["first"], "test")  # the database exists
    real_insert, calls = CurationStore._insert_rule, []

    def crash_on_second(self, conn, rule, who, undoes=None):
        calls.append(rule.value)
        if len(calls) == 2:
            raise OSError("simulated crash between the two rules")
        return real_insert(self, conn, rule, who, undoes)

    monkeypatch.setattr(CurationStore, "_insert_rule", crash_on_second)
    rules = [EntityRule("merge", "person", name, "Both") for name in ("John Kerry", "Sergei Lavrov")]
    with pytest.raises(OSError, match="simulated crash"):
        store.add_rules(rules, "test")
    assert calls == ["John Kerry", "Sergei Lavrov"]
    assert store.rules() == [] and [c.action for c in store.history()] == ["tag"]


# -- a full disk and a read-only index directory ---------------------------------------------------


class Tmpfs:
    """A small tmpfs mounted at `path` for one test (unmounted afterwards, lazily if still busy), so
    that the disk really fills up and really turns read-only. Needs root, as `make test` has."""

    def __init__(self, path: Path, size: str) -> None:
        path.mkdir(parents=True)
        self.path = path
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "newsfind-test", str(path)], check=True)

    def run(self, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)

    def remount(self, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(self.path)], check=True)

    def view(self, path: Path) -> Path:
        return path

    def free(self) -> int:
        import shutil

        return shutil.disk_usage(self.path).free

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
@needs("root")
def tmpfs(tmp_path):
    mounts: list[Tmpfs] = []

    def make(size: str) -> Tmpfs:
        mounts.append(Tmpfs(tmp_path / f"mnt{len(mounts)}", size))
        return mounts[-1]

    yield make
    for mount in mounts:
        mount.close()


def assert_clear_failure(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("Error: "), result.stderr
    assert any(p in result.stderr for p in phrases), result.stderr


def assert_documents_match(docs: list[dict], sources: dict[str, dict]) -> None:
    for doc in docs:
        record = sources[doc["id"]]
        assert (doc["title"], doc["body"], doc["facet_outlet"]) == (record["title"], record["body"], record["outlet"])


def assert_clear_cli_failure(result, *phrases: str) -> None:
    """The same through click's test runner, in this process."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.startswith("Error: "), result.output
    assert any(p in result.output for p in phrases), result.output


@pytest.mark.model
def test_a_full_disk_is_a_clear_error_and_loses_nothing(tmp_path, tmpfs):
    """Most steps run in this process; the indexing run that meets the full disk is the real command."""
    from tests.conftest import Runner

    disk = tmpfs("4m")
    index_dir = disk.path / "index"
    run = Runner(disk.view(index_dir))
    first = articles(10, prefix="s")
    more = articles(40, seed=3, prefix="m")
    for record in more:  # bigger documents, so that the disk fills up after a few commits
        record["body"] += " " + " ".join(f"Paragraph {i} of {record['id']} on the talks." for i in range(20))
    sources = {r["id"]: r for r in first + more}
    small, big = write_articles(tmp_path / "first.jsonl", first), write_articles(tmp_path / "more.jsonl", more)
    assert run("index", str(small)).exit_code == 0
    assert run("tag", "s00001", "before-full").exit_code == 0
    filler = disk.free() - 420_000  # leave room for a few commits of `more`, not for all of them
    assert disk.run(["fallocate", "-l", str(filler), str(disk.path / "filler")]).returncode == 0

    result = disk.run(newsfind_cmd(index_dir, "index", str(big), commit_every=10))
    assert_clear_failure(result, "No space left on device", "no space left on the device")
    docs = stored_documents(disk.view(index_dir))  # the index opens: every document whole
    assert_documents_match(docs, sources)
    assert {f"s{i:05d}" for i in range(10)} <= {d["id"] for d in docs} and 10 < len(docs) < 50
    committed = len(docs)

    assert_clear_cli_failure(run("tag", "s00002", "while-full"), "no space left on the device")
    assert len(stored_documents(disk.view(index_dir))) == committed

    (disk.view(disk.path) / "filler").unlink()  # space again: the same commands complete
    assert run("index", str(big)).exit_code == 0
    assert run("tag", "s00002", "after-full").exit_code == 0
    docs = stored_documents(disk.view(index_dir))
    assert len(docs) == 50
    assert_documents_match(docs, sources)
    tags = {d["id"]: d.get("facet_tag") for d in docs if d.get("facet_tag")}
    assert tags == {"s00001": "before-full", "s00002": "after-full"}
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    print(f"\nfull disk: {committed - 10} of 40 documents committed before the disk filled; none partial")


@pytest.mark.model
def test_a_read_only_index_directory_can_be_read_but_not_changed(tmp_path, tmpfs):
    from tests.conftest import Runner

    disk = tmpfs("8m")
    index_dir = disk.path / "index"
    run = Runner(disk.view(index_dir))
    records = articles(10, prefix="r")
    source = write_articles(tmp_path / "a.jsonl", records)
    assert run("index", str(source)).exit_code == 0
    assert run("tag", "r00001", "kept").exit_code == 0
    disk.remount("ro")

    query = disk.run(newsfind_cmd(index_dir, "query", "Token", "--json"))  # the real command
    assert query.returncode == 0, query.stderr
    assert json.loads(query.stdout)["total"] == 10 and json.loads(query.stdout)["facets"]["tag"] == [
        {"value": "kept", "count": 1}]
    assert json.loads(run("show", "r00001", "--json").output)["tags"] == ["kept"]
    for args in (["history"], ["check"], ["tags"], ["query", "talks", "--facet", "tag"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)

    more = write_articles(tmp_path / "more.jsonl", articles(3, seed=5, prefix="x"))
    assert_clear_failure(disk.run(newsfind_cmd(index_dir, "index", str(more))), "Read-only file system", "read-only")
    assert_clear_cli_failure(run("tag", "r00002", "new"), "read-only")
    assert_clear_cli_failure(run("entity", "rename", "person", "John Kerry", "J. Kerry"), "read-only")
    docs = stored_documents(disk.view(index_dir))
    assert_documents_match(docs, {r["id"]: r for r in records})
    assert len(docs) == 10

    disk.remount("rw")
    assert run("index", str(more)).exit_code == 0
    assert run("tag", "r00002", "new").exit_code == 0
    assert len(stored_documents(disk.view(index_dir))) == 13
