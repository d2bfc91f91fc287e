"""newsfind on stock Whoosh (`NEWSFIND_STOCK_WHOOSH=1`) writes and finds exactly what it does with its
Whoosh patches: the same segment files byte for byte after two indexing runs (several commits,
replaced articles deleted from older segments), and the same answers from the product's `search()`
(hits, scores, snippets, facet counts, totals) for queries of every kind the engine models, through
the same engine path. Each side runs in a process of its own: patches are process-wide."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from newsfind.index import whoosh_ext
from newsfind.index.ingest.writer import index_paths
from newsfind.index.store import open_index
from newsfind.search import fastscore
from newsfind.search.searcher import SearchRequest, build_query, search

from tests.conftest import ROOT
from tests.generate import articles, write_articles

REQUESTS = [
    SearchRequest(query="Lavrov"),
    SearchRequest(query="Kerry OR Merkel OR Putin", per_page=20),
    SearchRequest(query='"State Department" talks'),
    SearchRequest(query="talks -sanctions"),
    SearchRequest(query="speaker:Lavrov"),  # the snippet is the quote
    SearchRequest(query="Syr* Geneva"),
    SearchRequest(query="Mogherrini~"),
    SearchRequest(query="date:2015-03 OR summit"),
    SearchRequest(query="ceasefire", filters={"outlet": ["UPI"]}),
    SearchRequest(query="Obama", expand=True),
    SearchRequest(query="summit", sort="date"),
    SearchRequest(query="", sort="-date", page=2),
    SearchRequest(query="a00004"),
    SearchRequest(query="nonexistentword"),
]


def write_corpus(folder: Path) -> list[Path]:
    """Two runs' inputs: 36 articles, then 10 new ones and new versions of three of the first."""
    folder.mkdir(parents=True, exist_ok=True)
    first = articles(36, seed=11)
    changed = [{**first[i], "body": first[i]["body"] + " A later edit adds Geneva talks."} for i in (3, 17, 30)]
    return [write_articles(folder / "first.jsonl", first),
            write_articles(folder / "second.jsonl", changed + articles(10, seed=12, prefix="b"))]


def build_and_search(index_dir: Path, corpus: list[Path]) -> dict:
    """Index the corpus as an entry point would (install() first), then describe the segments and
    answer REQUESTS."""
    installation = whoosh_ext.install()
    for path in corpus:
        summary = index_paths([str(path)], index_dir, commit_every=6)
        assert not summary.failed, summary.failed
    ix = open_index(index_dir)
    answers = []
    with ix.searcher() as searcher:
        for request in REQUESTS:
            q, _ = build_query(searcher, request)
            engine = "fastscore" if fastscore.evaluate(searcher, q) is not None else "whoosh"
            answers.append({"engine": engine, **search(searcher, request)})
    return {"patches": list(installation.patches), "segments": segment_files(ix), "answers": answers}


def segment_files(ix) -> list[dict]:
    """Each segment in the index's order: its documents, deletions and every file's sha256, named
    without the segment's random id (a compound segment's files read one by one: the compound file
    also holds their modification times)."""
    segments = []
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segment = leaf.segment()
            files = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
            names = files.list() if segment.is_compound() else segment.list_files(ix.storage)
            digests = {}
            for name in sorted(names):
                with files.open_file(name) as f:
                    digests[name.replace(segment.segment_id(), "*")] = hashlib.sha256(f.read()).hexdigest()
            segments.append({"docs": segment.doc_count_all(), "deleted": sorted(segment.deleted_docs()),
                             "files": digests})
    return segments


BUILD_AND_SEARCH = """
import json, sys
from pathlib import Path
from tests.test_stock_whoosh import build_and_search
print(json.dumps(build_and_search(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])))
"""


def built_and_searched(index_dir: Path, corpus: list[Path], stock: bool) -> dict:
    """`build_and_search` in a process of its own, on stock Whoosh or patched. The same hash seed for
    both: Whoosh's merges write a document's stored fields in the order of a set of names."""
    env = {key: value for key, value in os.environ.items() if key != whoosh_ext.STOCK_ENV}
    env.update({"PYTHONHASHSEED": "0", **({whoosh_ext.STOCK_ENV: "1"} if stock else {})})
    run = subprocess.run([sys.executable, "-c", BUILD_AND_SEARCH, str(index_dir), *map(str, corpus)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "newsfind:" not in run.stderr  # no warning: Whoosh is the one written for, and stock is asked for
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.model  # both builds index the corpus through spaCy (in a subprocess)
def test_stock_whoosh_writes_and_finds_what_the_patched_whoosh_does(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    ours = built_and_searched(tmp_path / "patched", corpus, stock=False)
    stocks = built_and_searched(tmp_path / "stock", corpus, stock=True)
    assert ours["patches"] == ["zerocopy", "blockdecode", "columnread", "boolean_matchers", "fastanalysis", "fastflush"]
    assert stocks["patches"] == []
    # what the comparison covers: several segments, deletions, hits with snippets, facet counts
    assert len(ours["segments"]) >= 2 and any(s["deleted"] for s in ours["segments"])
    assert sum(len(a["hits"]) for a in ours["answers"]) > 40 and all(a["snippet"] for a in ours["answers"][0]["hits"])
    assert {a["engine"] for a in ours["answers"]} == {"fastscore", "whoosh"}
    assert ours["answers"][0]["facets"]["person"]
    assert ours["segments"] == stocks["segments"]
    for request, mine, theirs in zip(REQUESTS, ours["answers"], stocks["answers"], strict=True):
        assert mine == theirs, request
