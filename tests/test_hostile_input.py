"""Bad input: a seeded corpus of hostile files (tests/hostile.py: binary, empty, huge, invalid
UTF-8, mixed encodings, truncated gzip/WARC, malformed JSON, ragged CSV, HTML bombs, odd file
names, symlink loops, a FIFO) indexed in one `newsfind index` run: no crash, exit code 1, every
input either indexed or reported with its path and a reason, the good articles indexed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from newsfind.index.readers.types import ReadFailure, valid_text
from newsfind.index.store import open_index

from tests import hostile
from tests.conftest import ROOT, Runner


def shown(path: str) -> str:
    return ReadFailure(path, "").path


def input_files(root: Path) -> list[str]:
    """Every file the run reads, as shown in reports: hidden ones ("..dots..") are left out, as
    documented, and links to directories are not followed."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [shown(os.path.join(folder, name)) for name in files if not name.startswith(".")]
    return found


def index_hostile_corpus(tmp_path: Path, count: int, seed: int) -> dict:
    corpus = hostile.build(tmp_path / "corpus", count, seed)
    assert corpus.inputs >= count
    index_dir = tmp_path / "index"
    started = time.monotonic()
    result = subprocess.run([str(Path(sys.executable).with_name("newsfind")), "--index", str(index_dir), "index",
                             str(corpus.root), "--json"], cwd=ROOT, capture_output=True, timeout=900)
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, stderr[-3000:]  # failures present: 1, never a crash
    assert "Traceback" not in stderr, stderr[-3000:]
    summary = json.loads(result.stdout)  # valid JSON, odd file names included
    reported = summary["failed"] + summary["skipped"]
    assert all(f["path"] and f["reason"] for f in reported)
    assert all(valid_text(f["path"]) == f["path"] for f in reported)

    with open_index(index_dir).searcher() as searcher:
        docs = [fields for _, fields in searcher.reader().iter_docs()]
    ids = {d["id"] for d in docs}
    assert corpus.good_ids <= ids, sorted(corpus.good_ids - ids)[:5]
    assert summary["indexed"] == len(docs) == len(ids)
    # every input is accounted for: indexed (its path is a document's source) or reported
    accounted = {shown(d["source"]) for d in docs} | {f["path"] for f in reported}
    unaccounted = [p for p in input_files(corpus.root)
                   if not any(a == p or a.startswith((p + ":", p + "[", p + "#")) for a in accounted)]
    assert not unaccounted, unaccounted[:10]
    for failure in summary["failed"]:  # the reasons say what is wrong
        assert not failure["reason"].startswith("unreadable: "), failure  # nothing unforeseen
    print(f"\nhostile corpus: {corpus.inputs} inputs ({corpus.kinds}) in {elapsed:.1f}s: "
          f"{summary['indexed']} indexed, {len(summary['failed'])} failed, {len(summary['skipped'])} skipped")
    return summary


@pytest.mark.model
def test_a_thousand_hostile_inputs_index_without_a_crash(tmp_path):
    index_hostile_corpus(tmp_path, count=1000, seed=1)


@pytest.mark.long
@pytest.mark.model
def test_five_thousand_hostile_inputs_index_without_a_crash(tmp_path):
    index_hostile_corpus(tmp_path, count=5000, seed=2)


def test_html_attribute_bombs_are_refused_quickly_and_deep_nesting_yields_no_text(tmp_path):
    from newsfind.index.readers.files import read_articles
    from newsfind.index.readers.types import ReadReport

    bomb = tmp_path / "attributes.html"
    bomb.write_text("<html><body><p " + " ".join(f"a{i}='{i}'" for i in range(100_000)) + ">x</p></body></html>")
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 200_000 + "text" + "</div>" * 200_000 + "</body></html>")
    started = time.monotonic()
    results = list(read_articles([str(bomb), str(deep)], ReadReport()))
    assert time.monotonic() - started < 10
    assert [r.reason for r in results] == [
        "refused: an element with 100,000 attributes (at most 1,000; parsing it would take very long)",
        "no article text found in the HTML"]


@pytest.mark.model
def test_odd_file_names_and_lone_surrogates_are_indexed_with_printable_ids(tmp_path, fresh_index):
    from newsfind.index.ingest.writer import index_paths

    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    for name in (b"bad-\xff\xfe.txt", b"new\nline.txt"):
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(b"A title\n\nSergei Lavrov spoke in Vienna.")
    Path(os.fsdecode(folder), "records.jsonl").write_text('{"id": "s\\ud800", "title": "Lone \\udc00 surrogate"}\n')
    summary = index_paths([os.fsdecode(folder)], fresh_index)
    assert not summary.failed
    assert sorted(summary.added) == ["bad-\\xff\\xfe", "new\nline", "s\ufffd"]
    with open_index(fresh_index).searcher() as searcher:
        assert searcher.document(id="s\ufffd")["title"] == "Lone \ufffd surrogate"
    with open(os.path.join(folder, b"binary-\xff\n.txt"), "wb") as fh:  # a failure with an odd name, as text
        fh.write(b"\x00\x01\x02" * 100)
    result = Runner(fresh_index)("index", os.fsdecode(folder))
    assert result.exit_code == 1, result.output
    assert "binary-\\xff\\n.txt: binary file (contains NUL bytes)" in result.output
