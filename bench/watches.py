"""Benchmark of watches: the work after an index run, on an archive of ~38k articles with 100 watches.

    .venv/bin/python bench/watches.py                    # after bench/run.py built /tmp/newsfind-bench/index-2000
    .venv/bin/python bench/watches.py --source DIR --copies 19 --runs 2

1. A synthetic-scale replica (bench/run.py's `build_replica`) of an index of real articles: `--copies`
   times its documents under new ids (19 x 2,000 = 38,000).
2. 100 watches, made from the replica's own facet values and bench/queries.py: speakers, persons with
   a word, organisations filtered by outlet, places filtered by dates, the benchmark's query set
   (terms, phrases, OR/NOT, wildcards, date ranges). Each is added as `newsfind watch add` adds it
   (its current matches as seen): that time is reported too.
3. `--runs` index runs of `--new` (200) articles of the corpus that the source index does not hold,
   through the real indexing run (spaCy), then the step that follows every `newsfind index`
   (`match_pending`: journal, engine evaluation of every watch, hits recorded) timed on its own.
   Target: under 1 s per run.

Needs the corpus (../shared/corpora/allsides.jsonl.gz) and the source index; says so and exits 0
without them. Results: bench/results/watches-<time>.json and a line on stdout.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from queries import QUERIES  # noqa: E402
from run import DEFAULT_CORPUS, WORK, build_replica  # noqa: E402


def watch_specs(searcher, count: int = 100) -> list[tuple[str, dict[str, list[str]]]]:
    """`count` (query, filters) pairs from the index's most frequent facet values and QUERIES."""
    from newsfind.search.searcher import SearchRequest, search

    facets = search(searcher, SearchRequest(query="*", per_page=1, snippets=False, facet_size=40,
                                            facets=["speaker", "person", "org", "place", "outlet"]))["facets"]
    top = {name: [v["value"] for v in values] for name, values in facets.items()}
    words = ["election", "health", "Syria", "tax", "immigration", "court", "security", "trade", "police", "vote"]
    specs: list[tuple[str, dict[str, list[str]]]] = []
    specs += [(f'speaker:"{s}"', {}) for s in top["speaker"][:25]]
    specs += [(f'person:"{p}" {words[i % len(words)]}', {}) for i, p in enumerate(top["person"][:15])]
    specs += [(f'org:"{o}"', {"outlet": [top["outlet"][i % 8]]}) for i, o in enumerate(top["org"][:15])]
    specs += [(f'place:"{p}"', {"date": ["2016-01..2016-12"]}) for p in top["place"][:10]]
    specs += [(q, {}) for q in QUERIES]
    specs += [(f"{w} -Trump", {"speaker": [top["speaker"][i]]}) for i, w in enumerate(words)]
    return specs[:count]


def new_articles(corpus: Path, skip: int, count: int, target: Path) -> Path:
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        for line in itertools.islice(src, skip, skip + count):
            dst.write(line)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--source", type=Path, default=WORK / "index-2000", help="an index of real articles")
    ap.add_argument("--source-size", type=int, default=2000, help="corpus lines the source index holds")
    ap.add_argument("--copies", type=int, default=19)
    ap.add_argument("--watches", type=int, default=100)
    ap.add_argument("--new", type=int, default=200)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", action="store_true", help="keep the replica (with its watches) afterwards")
    args = ap.parse_args(argv)
    if not args.corpus.exists() or not args.source.is_dir():
        print(f"watch benchmark: needs the corpus ({args.corpus}) and a source index ({args.source}, "
              "made by bench/run.py); nothing measured")
        return 0
    from newsfind.index import whoosh_ext

    whoosh_ext.install()
    from newsfind.index.curation.watches import WatchStore
    from newsfind.index.ingest.writer import index_paths
    from newsfind.index.store import open_index
    from newsfind.search.watches import add_watch, match_pending

    target = WORK / f"watch-replica-{args.copies}x"
    started = time.perf_counter()
    docs = build_replica(args.source, target, args.copies, args.jobs)
    print(f"replica: {docs} articles in {time.perf_counter() - started:.0f} s", flush=True)
    ix = open_index(target)
    store = WatchStore(target)
    with ix.searcher() as searcher:
        specs = watch_specs(searcher, args.watches)
    adds = []
    for n, (query, filters) in enumerate(specs):
        t = time.perf_counter()
        add_watch(ix, store, "bench", f"w{n:03d}", query, filters, who="bench")
        adds.append(time.perf_counter() - t)
    print(f"{len(specs)} watches added: {sum(adds):.1f} s ({1000 * max(adds):.0f} ms at most)", flush=True)
    runs = []
    for run in range(args.runs):
        source = new_articles(args.corpus, args.source_size + run * args.new, args.new, WORK / f"watch-new-{run}.jsonl")
        t = time.perf_counter()
        summary = index_paths([str(source)], target, n_process=args.jobs)
        indexing = time.perf_counter() - t
        journaled = store.journal_size()
        report = match_pending(open_index(target), store)
        hits = sum(report.new.values())
        runs.append({"indexed": summary.indexed, "index_seconds": round(indexing, 1), "journaled": journaled,
                     "match_seconds": round(report.seconds, 3), "watches_with_new": len(report.new),
                     "hits_recorded": hits, "busy": report.busy})
        print(f"run {run + 1}: indexed {summary.indexed} in {indexing:.0f} s; watch matching {report.seconds:.3f} s "
              f"({journaled} journaled, {hits} hits for {len(report.new)} watches)", flush=True)
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "replica_docs": docs, "watches": len(specs),
               "add_seconds_total": round(sum(adds), 2), "add_ms_max": round(1000 * max(adds)), "runs": runs,
               "specs": [{"query": q, "filters": f} for q, f in specs]}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"watches-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"results: {path}")
    if args.keep:
        print(f"replica kept: {target}")
    else:
        shutil.rmtree(target, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
