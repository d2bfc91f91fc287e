"""Every state an index directory can be in, every command and web page: a correct answer or one
clear line with the documented exit code (0 ok, 1 runtime failure, 2 usage), never a traceback,
never an HTTP 500. States that can be repaired say how, and the repair is tested.

The index is small and written through the schema (no spaCy); each cell works on its own copy."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import newsfind.index.ingest.writer as ingest_writer
import pytest
from click.testing import CliRunner
from newsfind.index.curation import apply
from newsfind.index.curation.accounts import hash_password
from newsfind.index.curation.feeds import FeedTokenStore
from newsfind.index.curation.store import CurationStore
from newsfind.index.ingest.writer import index_paths, open_or_create
from newsfind.index.schema import PIPELINE_VERSION, join_searchable, join_values
from newsfind.search import watches as search_watches
from newsfind.web import create_app
from newsfind.web import watches as web_watches
from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT
from whoosh.writing import NO_MERGE, SegmentWriter

import newsfind.cli.watches as cli_watches
from newsfind.cli.main import cli
from tests.conftest import ROOT, needs
from tests.generate import articles, write_articles
from tests.test_crash import Tmpfs, newsfind_cmd

ARTICLES = [("d1", "Lavrov said talks", "Sergei Lavrov said the talks on Syria went well.", "CNN"),
            ("d2", "Kerry said", "John Kerry said it was a long day.", "UPI"),
            ("d3", "Aid", "Aid reached the city.", "CNN")]

COMMANDS = {
    "query": ["query", "said", "--facet", "outlet"],
    "show": ["show", "d1"],
    "export": ["export"],
    "tags": ["tags"],
    "history": ["history"],
    "check": ["check"],
    "index": ["index", "{empty}"],
    "tag": ["tag", "d1", "checked"],
    "correct": ["correct", "d1", "--outlet", "Reuters"],
    "entity": ["entity", "rules"],
    "entity-rename": ["entity", "rename", "person", "Sergei Lavrov", "S. Lavrov"],
    "watch-add": ["watch", "add", "w2", "said", "--filter", "outlet=CNN"],
    "watch-list": ["watch", "list"],
    "watch-new": ["watch", "new", "w1", "--mark-seen"],
    "watch-remove": ["watch", "remove", "w1"],
}
ROUTES = ["/", "/?q=said", "/?q=said&sort=date", "/api/search?q=said&facet=outlet", "/articles/d1",
          "/api/articles/d1", "/entities/person/Sergei%20Lavrov", "/export.csv?q=said", "/history"]
# Watches on the web, as the template's reader (wendy, who has watch w1 and a feed token) and anonymously.
WATCH_ROUTES = ["/watches", "/watches/w1", "/watches/nope", "/account/feed", "/api/watches", "/api/watches/w1/new",
                "/watches/w1/feed.atom?token={token}", "/watches/w1/feed.atom"]
READER_PASSWORD = "reader-password"


def write_documents(index_dir: Path) -> None:
    ix = open_or_create(index_dir)
    with ix.writer() as writer:
        for doc_id, title, body, outlet in ARTICLES:
            persons = ["Sergei Lavrov"] if "Lavrov" in body else []
            writer.add_document(id=doc_id, title=title, body=body, content_hash=f"h-{doc_id}",
                                outlet=join_searchable([outlet]), facet_outlet=join_values([outlet]),
                                person=join_searchable(persons), facet_person=join_values(persons),
                                speaker=join_searchable(persons), facet_speaker=join_values(persons))


def run(index_dir: Path, *args: str):
    """`newsfind --index DIR ARGS` in this process; whatever it raises is in the result."""
    return CliRunner().invoke(cli, ["--index", str(index_dir), *args], catch_exceptions=True)


def assert_clear(result, codes=(0, 1, 2)) -> None:
    """Exit code as documented, no traceback, a failure in one line."""
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"{exc!r}\n{result.output}"
    assert result.exit_code in codes, result.output
    assert "Traceback" not in result.output, result.output
    if result.exit_code:
        errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, result.output


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """The states that take a run of newsfind to make, made once: an index of a few documents with
    curation, facet tables, groups and canonical names; an empty index; a first run killed before
    its first commit."""
    root = tmp_path_factory.mktemp("states")
    empty_folder = root / "nothing"
    empty_folder.mkdir()
    full = root / "full"
    write_documents(full)
    for args in (["index", str(empty_folder)], ["tag", "d2", "seen"], ["watch", "add", "w1", "tag:seen"],
                 ["watch", "add", "w1", "tag:seen", "--user", "wendy"],
                 ["tag", "d1", "seen"], ["query", "said", "--facet", "outlet"]):
        assert run(full, *args).exit_code == 0
    CurationStore(full).add_user("wendy", "reader", hash_password(READER_PASSWORD), "test")
    feed_token = FeedTokenStore(full).create("wendy", "test")
    (full / "canonical.json").write_text("{}", encoding="utf-8")
    empty = root / "empty"
    assert run(empty, "index", str(empty_folder)).exit_code == 0
    killed = root / "killed"
    kill_before_first_commit(killed)
    return {"full": full, "empty": empty, "killed": killed, "nothing": empty_folder, "feed token": feed_token}


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
import newsfind.index.ingest.writer as ingest_writer
from newsfind.index.curation import apply
from newsfind.index.ingest.writer import index_paths, open_or_create
writer = open_or_create(Path(sys.argv[1])).writer(limitmb=128)
for n in range(50):
    writer.add_document(id=f"k{n}", title="killed", body="said talks " * 50)
os.kill(os.getpid(), signal.SIGKILL)
"""


def kill_before_first_commit(index_dir: Path) -> None:
    """What a first indexing run killed before its first commit leaves: the index created (a TOC of
    generation 0, no segment), the lock file, a writer's half-written segment files and temp folder."""
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(index_dir)], cwd=ROOT, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    names = {p.name for p in index_dir.iterdir()}
    assert "_MAIN_0.toc" in names and "MAIN_WRITELOCK" in names and any(n.endswith(".trm") for n in names)


@pytest.fixture
def short_waits(monkeypatch):
    """Writers wait a moment, not 10-30 s, for a lock another writer holds."""
    monkeypatch.setattr(ingest_writer, "WRITER_TIMEOUT", 0.2)
    monkeypatch.setattr(search_watches, "LOCK_TIMEOUT", 0.2)
    monkeypatch.setattr(cli_watches, "LOOK_TIMEOUT", 0.2)
    monkeypatch.setattr(web_watches, "LOOK_TIMEOUT", 0.2)
    monkeypatch.setattr(apply.apply_changes, "__defaults__", ((), 0.2))


@contextmanager
def held_if(hold: bool, index_dir: Path):
    """Whoosh's write lock held by a live writer (an `fcntl` lock: held against this process too)."""
    if not hold:
        yield
        return
    writer = open_or_create(index_dir).writer()
    try:
        yield
    finally:
        writer.cancel()


def segment_files(index_dir: Path) -> list[Path]:
    """The segment files the index's TOC lists (compound files, one a segment)."""
    ix = open_or_create(index_dir)
    return [index_dir / f"{segment.segment_id()}.seg" for segment in ix._segments()]


def make_state(state: str, templates: dict[str, Path], target: Path) -> Path:
    """A copy of the template in `target` put into `state`."""
    if state == "absent":
        return target
    source = templates["empty" if state == "empty" else "killed" if state == "killed" else "full"]
    shutil.copytree(source, target)
    if state == "truncated segment":
        for path in segment_files(target):
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif state == "deleted segment":
        segment_files(target)[0].unlink()
    elif state == "killed during a merge":
        # A merge writes the merged segment under a new name and only then a new TOC: killed in
        # between, the old TOC and segments stand beside a half-written segment no TOC lists.
        first = segment_files(target)[0]
        (target / ORPHAN).write_bytes(first.read_bytes()[: first.stat().st_size // 2])
    elif state == "all deleted":  # segments whose every document is deleted (none live)
        with open_or_create(target).writer() as writer:
            for doc_id, *_ in ARTICLES:
                writer.delete_by_term("id", doc_id)
            writer.mergetype = NO_MERGE
    elif state == "future":
        write_future_documents(target)
    elif state.startswith("missing "):
        for path in target.glob(state.removeprefix("missing ")):
            path.unlink()
    elif state.startswith("corrupt "):
        paths = list(target.glob(state.removeprefix("corrupt ")))
        assert paths, state
        for path in paths:
            path.write_bytes(b"\x00garbage\xff" * 7)
    return target


def write_future_documents(index_dir: Path) -> None:
    """What a newer newsfind (a later PIPELINE_VERSION, so other content hashes) may leave: fields
    this one does not know, in the TOC's schema and in a segment."""
    ix = whoosh_index.open_dir(str(index_dir))  # the schema pickled in the TOC, not newsfind's
    with ix.writer() as writer:
        writer.add_field("future_stored", STORED)
        writer.add_field("future_text", TEXT(stored=True))
        writer.add_field("future_id", ID(stored=True, sortable=True))
        writer.add_document(id="f1", title="From a newer newsfind, said", body="Said by a later pipeline.",
                            content_hash=f"v{int(PIPELINE_VERSION) + 1}-hash", future_stored={"x": 1},
                            future_text="said future", future_id="zz")


SIDE_FILES = ["canonical.json", "groups.sqlite", "facets-*.tables", "curation.sqlite3"]
ORPHAN = "MAIN_killedduringmerg.seg"  # a segment name as Whoosh makes them: 16 letters and digits
STATES = ["absent", "empty", "killed", "killed during a merge", "all deleted", "full", "locked", "future",
          "truncated segment",
          "deleted segment", *(f"{how} {name}" for name in SIDE_FILES for how in ("missing", "corrupt"))]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("state", STATES)
def test_every_command_in_every_state_answers_or_says_what_is_wrong(state, command, templates, tmp_path,
                                                                   short_waits):
    index_dir = make_state(state, templates, tmp_path / "index")
    args = [a.replace("{empty}", str(templates["nothing"])) for a in COMMANDS[command]]
    with held_if(state == "locked", index_dir):
        result = run(index_dir, *args)
    assert_clear(result)


@pytest.mark.parametrize("state", STATES)
def test_every_page_in_every_state_answers_without_a_500(state, templates, tmp_path, short_waits):
    index_dir = make_state(state, templates, tmp_path / "index")
    if state == "absent":  # `newsfind serve` refuses to start, saying how to create the index
        result = run(index_dir, "serve")
        assert result.exit_code == 1 and "no newsfind index at" in result.output, result.output
        assert_clear(result)
        return
    app = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True})
    client = app.test_client()
    with held_if(state == "locked", index_dir):
        for route in ROUTES:
            response = client.get(route)
            assert response.status_code != 500, (route, response.data[:300])
        wendy = reader_client(app)
        for user in (wendy, app.test_client()):
            for route in WATCH_ROUTES:
                response = user.get(route.format(token=templates["feed token"]))
                assert response.status_code != 500, (route, response.data[:300])
        if state == "locked":  # what the template tagged after the watch was added waits for the lock
            page = wendy.get("/watches").get_data(as_text=True)
            assert re.search(r"\d+ articles? written since the last look waits? for the index to be free", page)
        if state in ("full", "locked"):
            assert wendy.get("/watches/w1").status_code == 200
            assert wendy.get(f"/watches/w1/feed.atom?token={templates['feed token']}").status_code == 200


def reader_client(app):
    """Logged in as wendy where the curation database lets her log in; else anonymous."""
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    if token:
        client.post("/login", data={"name": "wendy", "password": READER_PASSWORD, "csrf_token": token.group(1)})
    return client


# -- an empty index, and a first run killed before its first commit -----------------------------


@pytest.mark.parametrize("state", ["empty", "killed", "all deleted"])
def test_an_index_without_documents_answers_every_command_with_nothing(state, templates, tmp_path):
    index_dir = make_state(state, templates, tmp_path / "index")
    for args, expected in [(["query", "said"], "0 articles match 'said'"),
                           (["query", "said", "--sort", "date", "--facet", "outlet"], "0 articles"),
                           (["query", '"said talks"~2 OR sa* OR said~'], "0 articles"),
                           (["tags"], "no tags yet"), (["history"], "no changes yet"),
                           (["check"], "0 articles checked"), (["entity", "rules"], "no entity corrections")]:
        if state == "all deleted" and args[0] == "history":
            continue  # the copy's curation still holds the tag it gave d2 before d2 was deleted
        result = run(index_dir, *args)
        assert result.exit_code == 0 and expected in result.output, (args, result.output)
    assert run(index_dir, "export").output == ""
    for args in (["tag", "d1", "x"], ["correct", "d1", "--outlet", "X"]):
        result = run(index_dir, *args)
        assert result.exit_code == 2 and "no article with id 'd1'" in result.output, result.output
    client = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/?q=said").status_code == 200
    assert client.get("/").status_code == 200
    found = client.get("/api/search?q=said&facet=outlet").get_json()
    assert found["total"] == 0 and found["hits"] == [] and found["facets"] == {"outlet": []}
    assert client.get("/articles/d1").status_code == 404
    assert client.get("/entities/person/Sergei%20Lavrov").status_code == 404


def test_the_next_run_after_a_killed_first_run_completes(templates, tmp_path):
    index_dir = make_state("killed", templates, tmp_path / "index")
    result = run(index_dir, "index", str(templates["nothing"]))
    assert result.exit_code == 0, result.output
    names = {p.name for p in index_dir.iterdir()}
    assert "MAIN.tmp" not in names and not [n for n in names if n.endswith((".trm", ".pst"))], names
    assert run(index_dir, "query", "said").exit_code == 0


@pytest.mark.model
def test_a_real_first_run_killed_before_its_first_commit_reads_as_empty_and_the_next_run_completes(tmp_path):
    """The same state from the real command: `newsfind index` SIGKILLed once its writer is open
    (segment files created) and before its only commit."""
    source = write_articles(tmp_path / "a.jsonl", articles(12, seed=5, prefix="r"))
    index_dir = tmp_path / "index"
    proc = subprocess.Popen(newsfind_cmd(index_dir, "index", str(source), commit_every=1000), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(index_dir.glob("MAIN_*.trm")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert not (index_dir / "_MAIN_1.toc").exists(), "the run committed before it was killed"
    result = run(index_dir, "query", "said", "--facet", "outlet")
    assert result.exit_code == 0 and "0 articles match" in result.output, result.output
    client = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True}).test_client()
    assert all(client.get(route).status_code == 200 for route in ("/", "/?q=said", "/api/search?q=said"))
    again = subprocess.run(newsfind_cmd(index_dir, "index", str(source)), cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert open_or_create(index_dir).doc_count() == 12


def test_the_template_answers(templates, tmp_path):
    index_dir = make_state("full", templates, tmp_path / "index")
    result = run(index_dir, "query", "said")
    assert result.exit_code == 0 and "2 articles match" in result.output, result.output


# -- damaged files: which, and how to repair; the repair works ------------------------------------


def move_away(index_dir: Path, pattern: str) -> None:
    aside = index_dir.parent / "aside"
    aside.mkdir(exist_ok=True)
    for path in index_dir.glob(pattern):
        path.rename(aside / path.name)


@pytest.mark.parametrize("state", ["truncated segment", "deleted segment"])
def test_a_damaged_segment_says_how_to_rebuild_and_the_rebuild_keeps_curation(state, templates, tmp_path):
    index_dir = make_state(state, templates, tmp_path / "index")
    for args in (["query", "said"], ["show", "d1"], ["index", str(templates["nothing"])], ["tag", "d1", "x"]):
        result = run(index_dir, *args)
        assert result.exit_code == 1 and f"the index in {index_dir} is damaged" in result.output, result.output
        assert "run `newsfind index` on the sources again" in result.output
    client = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True}).test_client()
    response = client.get("/api/search?q=said")
    assert response.status_code == 503 and "is damaged" in response.get_json()["error"]["message"]
    move_away(index_dir, "*MAIN_*")
    assert run(index_dir, "index", str(templates["nothing"])).exit_code == 0
    assert run(index_dir, "query", "said").exit_code == 0
    history = run(index_dir, "history")
    assert history.exit_code == 0 and "seen" in history.output, history.output


@pytest.mark.parametrize("name", ["groups.sqlite", "canonical.json"])
def test_a_damaged_side_file_of_indexing_says_so_and_the_run_completes_without_it(name, templates, tmp_path):
    index_dir = make_state(f"corrupt {name}", templates, tmp_path / "index")
    assert run(index_dir, "query", "said").exit_code == 0  # reading does not need it
    result = run(index_dir, "index", str(templates["nothing"]))
    assert result.exit_code == 1 and f"{index_dir / name} is damaged" in result.output, result.output
    assert "move it away and run the same" in result.output
    move_away(index_dir, name)
    assert run(index_dir, "index", str(templates["nothing"])).exit_code == 0
    assert run(index_dir, "check").exit_code == 0


def test_a_damaged_curation_database_says_so_and_reading_still_works(templates, tmp_path):
    index_dir = make_state("corrupt curation.sqlite3", templates, tmp_path / "index")
    for args in (["query", "said"], ["show", "d1"], ["export"]):
        assert run(index_dir, *args).exit_code == 0
    for args in (["tags"], ["history"], ["check"], ["tag", "d1", "x"]):
        result = run(index_dir, *args)
        assert result.exit_code == 1, result.output
        assert f"{index_dir / 'curation.sqlite3'} is damaged" in result.output and "backup" in result.output
    client = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/?q=said").status_code == 200 and client.get("/history").status_code == 503
    move_away(index_dir, "curation.sqlite3*")
    assert run(index_dir, "tag", "d1", "again").exit_code == 0
    assert "again" in run(index_dir, "tags").output


# -- a live writer holds the lock; a read-only index directory --------------------------------------


def test_a_held_lock_lets_watch_new_list_what_is_recorded_and_the_rest_waits(templates, tmp_path, short_waits):
    """The template tagged d1 `seen` after watch w1 (tag:seen) was added: journaled, not looked at yet."""
    index_dir = make_state("full", templates, tmp_path / "index")
    with held_if(True, index_dir):
        busy = run(index_dir, "watch", "new", "w1")
        assert busy.exit_code == 0 and "nothing new for watch 'w1'" in busy.stdout, busy.output
        assert "written since the last look are not matched yet" in busy.stderr, busy.stderr
    free = run(index_dir, "watch", "new", "w1")
    assert free.exit_code == 0 and "1 new story for watch 'w1'" in free.output and "d1 · CNN" in free.output
    assert free.stderr == ""



def test_a_held_lock_lets_reading_go_on_and_writers_say_the_index_is_busy(templates, tmp_path, short_waits):
    index_dir = make_state("full", templates, tmp_path / "index")
    with held_if(True, index_dir):
        for args in (["query", "said"], ["show", "d1"], ["export"], ["tags"], ["history"]):
            assert run(index_dir, *args).exit_code == 0, args
        for args in (["index", str(templates["nothing"])], ["tag", "d1", "busy"]):
            result = run(index_dir, *args)
            assert result.exit_code == 1 and "another newsfind run is writing" in result.output, result.output
    tagged = run(index_dir, "check", "--repair")  # the saved change is applied once the lock is free
    assert tagged.exit_code in (0, 1) and "Traceback" not in tagged.output
    assert run(index_dir, "check").exit_code == 0
    assert "busy" in run(index_dir, "query", "tag:busy").output


@pytest.fixture
@needs("root")
def read_only_copy(templates, tmp_path):
    disk = Tmpfs(tmp_path / "mnt", "16m")
    try:
        index_dir = make_state("full", templates, disk.path / "index")
        run(index_dir, "query", "said", "--facet", "outlet")  # facet tables of this copy written
        disk.remount("ro")
        yield index_dir
    finally:
        disk.close()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_read_only_index_directory_reads_and_refuses_changes_in_one_line(command, read_only_copy, templates):
    args = [a.replace("{empty}", str(templates["nothing"])) for a in COMMANDS[command]]
    result = run(read_only_copy, *args)
    assert_clear(result, codes=(0, 1))
    if command in ("query", "show", "export", "history", "check", "watch-list"):
        assert result.exit_code == 0, result.output


def test_a_read_only_index_directory_serves_every_page(read_only_copy, templates):
    app = create_app({"NEWSFIND_INDEX": str(read_only_copy), "TESTING": True})
    client = app.test_client()
    for route in ROUTES:
        assert client.get(route).status_code != 500, route
    wendy = reader_client(app)
    for route in WATCH_ROUTES:
        assert wendy.get(route.format(token=templates["feed token"])).status_code != 500, route
    assert wendy.get("/watches/w1").status_code == 200  # shown; marking seen waits for a writable directory
    token = re.search(r'name="csrf_token" value="([^"]+)"', wendy.get("/").get_data(as_text=True)).group(1)
    for path, data in [("/watches", {"name": "w2", "q": "said"}), ("/watches/w1/remove", {}), ("/account/feed", {})]:
        response = wendy.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 503 and "cannot be written" in response.get_data(as_text=True), path


# -- a curation change takes the write lock between two commits of an indexing run ----------------


class LockTaker:
    """After the run's first Whoosh commit, another writer (as a curation change would) takes the
    lock before the run re-opens its writer, and gives it back after `seconds` (None: at `release()`)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.held: list = []
        self.taken = 0

    def take(self, segment_writer) -> None:
        if self.taken:
            return
        self.taken += 1
        ix = whoosh_index.open_dir(segment_writer.storage.folder, indexname=segment_writer.indexname)
        self.held.append(ix.writer())
        if self.seconds is not None:
            threading.Timer(self.seconds, self.release).start()

    def release(self) -> None:
        while self.held:
            self.held.pop().cancel()


@pytest.fixture
def lock_taker(monkeypatch):
    taker = LockTaker(1.5)
    real_commit = SegmentWriter.commit

    def commit(self, *args, **kwargs):
        real_commit(self, *args, **kwargs)
        taker.take(self)

    monkeypatch.setattr(SegmentWriter, "commit", commit)
    monkeypatch.setattr(ingest_writer, "WRITER_TIMEOUT", 0.2)  # the wait that used to end the run
    yield taker
    taker.release()


@pytest.mark.model
def test_a_change_between_two_commits_of_a_run_is_waited_for(tmp_path, lock_taker):
    source = write_articles(tmp_path / "a.jsonl", articles(6, seed=3, prefix="w"))
    summary = index_paths([str(source)], tmp_path / "index", commit_every=2)
    assert lock_taker.taken == 1 and len(summary.added) == 6 and not summary.failed
    assert open_or_create(tmp_path / "index").doc_count() == 6


@pytest.mark.model
def test_a_lock_held_too_long_between_commits_is_one_line_and_keeps_what_was_committed(
        tmp_path, lock_taker, monkeypatch):
    lock_taker.seconds = None
    monkeypatch.setattr(ingest_writer, "REOPEN_TIMEOUT", 0.3, raising=False)
    source = write_articles(tmp_path / "a.jsonl", articles(6, seed=3, prefix="w"))
    index_dir = tmp_path / "index"
    result = run(index_dir, "index", str(source), "--commit-every", "2")
    lock_taker.release()
    assert_clear(result)
    assert result.exit_code == 1 and "another newsfind run is writing to" in result.output, result.output
    assert "run the same command again" in result.output
    first = open_or_create(index_dir).doc_count()
    assert first >= 2
    monkeypatch.undo()
    again = run(index_dir, "index", str(source))
    assert again.exit_code == 0 and open_or_create(index_dir).doc_count() == 6, again.output


def test_the_next_run_after_a_run_killed_during_a_merge_completes_and_clears_the_half_segment(templates, tmp_path):
    index_dir = make_state("killed during a merge", templates, tmp_path / "index")
    before = run(index_dir, "query", "said").output
    assert run(index_dir, "index", str(templates["nothing"])).exit_code == 0
    assert not (index_dir / ORPHAN).exists()  # the run's commit cleared what no TOC lists
    assert run(index_dir, "query", "said").output == before
