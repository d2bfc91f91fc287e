"""index/ingest/commits.py: commits in a thread lose, duplicate and reorder nothing; a failed commit is
raised in the main thread; a cancel waits for the commit under way and releases the write lock."""
import threading

import pytest
from newsfind.index.ingest.commits import BackgroundWriter
from newsfind.index.ingest.writer import open_or_create
from newsfind.index.store import open_index
from whoosh.writing import SegmentWriter


@pytest.fixture
def slow_commits(monkeypatch):
    """Every Whoosh commit waits until the test releases it, so documents arrive during it."""
    release = threading.Event()
    started = threading.Event()
    real_commit = SegmentWriter.commit

    def commit(self, *args, **kwargs):
        started.set()
        assert release.wait(10)
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(SegmentWriter, "commit", commit)
    return started, release


def ids(index_dir) -> dict[str, str]:
    with open_index(index_dir).searcher() as s:
        return {d["id"]: d["title"] for d in s.all_stored_fields()}


def test_documents_added_during_a_commit_are_all_written_once(tmp_path, slow_commits):
    started, release = slow_commits
    ix = open_or_create(tmp_path)
    writer = BackgroundWriter(lambda: ix.writer(timeout=5))
    for n in range(5):
        writer.update_document(id=f"d{n}", title="first", body="syria")
    writer.commit()
    assert started.wait(5)
    for n in range(3, 8):  # d3 and d4 replaced while their first version is being committed
        writer.update_document(id=f"d{n}", title="second", body="syria")
    assert ids(tmp_path) == {}  # nothing is committed yet
    release.set()
    writer.commit()  # waits for the first, then commits the waiting documents
    writer.update_document(id="d9", title="last", body="syria")
    writer.finish()
    assert ids(tmp_path) == {"d0": "first", "d1": "first", "d2": "first", "d3": "second", "d4": "second",
                             "d5": "second", "d6": "second", "d7": "second", "d9": "last"}


def test_a_failed_commit_is_raised_and_the_lock_released(tmp_path, monkeypatch):
    ix = open_or_create(tmp_path)
    writer = BackgroundWriter(lambda: ix.writer(timeout=5))
    writer.update_document(id="d0", title="t", body="syria")
    def failing_commit(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(SegmentWriter, "commit", failing_commit)
    writer.commit()
    with pytest.raises(OSError, match="disk full"):  # at the next call once the thread has failed
        writer.update_document(id="d1", title="t", body="syria")
        writer.finish()
    monkeypatch.undo()
    again = ix.writer(timeout=1)  # no LockError: the failed writer gave the lock back
    again.cancel()


def test_cancel_waits_for_the_commit_under_way_and_releases_the_lock(tmp_path, slow_commits):
    started, release = slow_commits
    ix = open_or_create(tmp_path)
    writer = BackgroundWriter(lambda: ix.writer(timeout=5))
    writer.update_document(id="d0", title="t", body="syria")
    writer.commit()
    assert started.wait(5)
    writer.update_document(id="d1", title="t", body="syria")  # waiting: given up by the cancel
    threading.Timer(0.2, release.set).start()
    writer.cancel()
    assert ids(tmp_path) == {"d0": "t"}
    again = ix.writer(timeout=1)
    again.cancel()
