"""The merge policy of cluster runs (index/ingest/merging.py) on a real on-disk Whoosh index: commits
during the run merge nothing; the run's last commit merges the smallest segments down to MAX_SEGMENTS."""

from __future__ import annotations

from newsfind.index.ingest import merging
from newsfind.index.ingest.commits import BackgroundWriter
from newsfind.index.schema import build_schema
from whoosh import index as whoosh_index


def write_run(index_dir, commits: int, deferred: bool):
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    policy = merging.deferred if deferred else (lambda w: w)
    writer = BackgroundWriter(lambda: policy(ix.writer(timeout=10)))
    counts = []
    for i in range(commits):
        writer.update_document(id=f"a{i}", title=f"Story {i}", body=f"Words of story {i}.")
        writer.commit()
        writer._take_next_writer()  # wait for the commit, as the next document would
        counts.append(len(ix.refresh()._segments()))
    writer.finish(mergetype=merging.merge_down if deferred else None)
    ix = ix.refresh()
    return ix, counts


def test_deferred_commits_merge_nothing_and_the_last_merges_down(tmp_path, monkeypatch):
    monkeypatch.setattr(merging, "MAX_SEGMENTS", 5)
    ix, counts = write_run(tmp_path / "deferred", 12, deferred=True)
    assert counts == list(range(1, 13))  # one new segment per commit, none merged
    assert len(ix._segments()) <= 5
    with ix.searcher() as searcher:
        assert sorted(d["id"] for d in searcher.all_stored_fields()) == sorted(f"a{i}" for i in range(13 - 1))


def test_whooshs_default_merges_during_the_run(tmp_path):
    _, counts = write_run(tmp_path / "default", 12, deferred=False)
    assert max(counts) < 12  # MERGE_SMALL merged small segments along the way


def test_few_segments_are_left_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setattr(merging, "MAX_SEGMENTS", 24)
    ix, counts = write_run(tmp_path / "few", 4, deferred=True)
    assert len(ix._segments()) == 4  # the last commit adds no documents of its own
