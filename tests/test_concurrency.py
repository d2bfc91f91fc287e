"""Concurrency: while `newsfind index` writes (committing every few documents, new and replaced
articles), 8 clients query the real `newsfind serve`: zero errors, and every response is
consistent — each hit of a faceted search resolves through /api/articles/<id> to the same article."""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from newsfind.web.served import served

from tests.conftest import ROOT
from tests.generate import articles, write_articles
from tests.serving import get
from tests.test_crash import newsfind_cmd

# Both runs index generated articles with the real pipeline.
pytestmark = pytest.mark.model

QUERIES = ["Token", "talks", 'speaker:"Sergei Lavrov"', "", "Syria OR Vienna", "discuss -sanctions", "person:Kerry",
           "date:2015", "Revision"]


def client(base: str, rng: random.Random, stop: threading.Event, errors: list, counts: dict) -> None:
    while not stop.is_set():
        q = rng.choice(QUERIES)
        params = [("q", q), ("per_page", "25"), ("facet", "person"), ("facet", "outlet"), ("facet", "date")]
        try:
            status, body = get(f"{base}api/search?{urlencode(params)}")
            counts["requests"] += 1
            if status != 200:
                errors.append(f"search {q!r}: HTTP {status} {body[:200]!r}")
                continue
            data = json.loads(body)
            for hit in data["hits"][:5]:
                status, body = get(f"{base}api/articles/{quote(hit['id'], safe='')}")
                counts["requests"] += 1
                if status != 200:
                    errors.append(f"hit {hit['id']} of {q!r} resolves to HTTP {status}")
                elif json.loads(body)["id"] != hit["id"]:
                    errors.append(f"hit {hit['id']} resolves to another article")
            if rng.random() < 0.2:
                status, _ = get(f"{base}?{urlencode([('q', q), ('outlet', 'UPI')])}")
                counts["requests"] += 1
                if status != 200:
                    errors.append(f"page {q!r}: HTTP {status}")
        except Exception as exc:  # a refused connection, a reset, a timeout: all errors
            errors.append(f"{q!r}: {exc!r}")


def query_while_indexing(tmp_path: Path, docs: int, clients: int = 8, seed: int = 3, in_process: bool = False
                         ) -> dict:
    """`in_process`: the indexing run is `index_paths` in this process instead of `newsfind index`."""
    from newsfind.index.ingest.writer import index_paths

    index_dir = tmp_path / "index"
    first = articles(20, seed=seed, prefix="f")
    assert not index_paths([str(write_articles(tmp_path / "first.jsonl", first))], index_dir).failed
    revised = [dict(r, body=r["body"] + " Revision 1.") for r in first]  # replaced while clients read them
    source = write_articles(tmp_path / "more.jsonl", revised + articles(docs, seed=seed + 1, prefix="n"))
    errors: list[str] = []
    counts = {"requests": 0}
    stop = threading.Event()
    with served(index_dir, threads=clients, cwd=ROOT) as server:
        base = server.url
        threads = [threading.Thread(target=client, args=(base, random.Random(i), stop, errors, counts))
                   for i in range(clients)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        if in_process:  # the spaCy pipeline of this process is loaded already: a shorter test
            summary = index_paths([str(source)], index_dir, commit_every=5)
            assert not summary.failed and summary.indexed == docs + len(first)
        else:
            indexing = subprocess.run(newsfind_cmd(index_dir, "index", str(source), commit_every=10), cwd=ROOT,
                                      capture_output=True, text=True, timeout=900)
            assert indexing.returncode == 0, indexing.stderr[-2000:]
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # and a moment after the last commit
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        status, body = get(f"{base}api/search?q=Token&per_page=1")
        total = json.loads(body)["total_versions"]  # `total` counts syndication groups
    assert not errors, errors[:10]
    assert total == docs + len(first)
    assert counts["requests"] > 50
    print(f"\nconcurrency: {clients} clients made {counts['requests']} requests while {docs + len(first)} articles "
          f"were indexed ({docs} new, {len(first)} replaced) in {elapsed:.0f}s: 0 errors, every hit resolved")
    return counts


def test_eight_clients_query_while_an_indexing_run_writes(tmp_path):
    query_while_indexing(tmp_path, docs=20, in_process=True)


@pytest.mark.long
def test_eight_clients_query_while_a_long_indexing_run_writes(tmp_path):
    query_while_indexing(tmp_path, docs=800, seed=5)
