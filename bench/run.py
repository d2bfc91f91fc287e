"""newsfind benchmark: ingestion, the NLP ceiling, query latency (newsfind vs bare Whoosh), cold
queries, the web API under concurrent clients, and index size — side by side in one run.

    .venv/bin/python bench/run.py                       # 2,000 articles of the benchmark corpus
    .venv/bin/python bench/run.py --sizes 2000,37554    # more sizes (37,554 takes hours of NLP)
    .venv/bin/python bench/run.py --index-only-from DIR  # query side only, on an existing index
    make bench                                          # the default run

The corpus defaults to ../shared/corpora/allsides.jsonl.gz (37,554 real articles); with no corpus the
run says so and exits 0. Sizes above the corpus are a replica ("synthetic scale"): the indexed
articles are copied under new ids (no new NLP), which tests search at scale, not extraction.
Results go to bench/results/<time>.json and a table on stdout. Speed lives here, never in unit tests.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queries import QUERIES  # noqa: E402
from whoosh_reference import whoosh_facet  # noqa: E402

DEFAULT_CORPUS = CORPORA / "allsides.jsonl.gz"
NEWSFIND = Path(sys.executable).with_name("newsfind")
WORK = Path(os.environ.get("NEWSFIND_BENCH_DIR", "/tmp/newsfind-bench"))


# -- helpers -------------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)

    def pick(p: float) -> float:
        return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]

    return {"p50": 1000 * statistics.median(s), "p95": 1000 * pick(0.95), "p99": 1000 * pick(0.99), "n": len(s)}


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as fh:
                stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_measured(cmd: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall seconds and peak RSS (KB, the whole process tree) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    return time.perf_counter() - started, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def write_slice(corpus: Path, size: int, target: Path) -> int:
    opener = gzip.open if corpus.suffix == ".gz" else open
    n = 0
    with opener(corpus, "rt", encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        for line in itertools.islice(src, size):
            dst.write(line)
            n += 1
    return n


# -- ingestion -----------------------------------------------------------------------------------


def bench_ingest(slice_path: Path, index_dir: Path, jobs: int) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    cmd = [str(NEWSFIND), "--index", str(index_dir), "index", str(slice_path), "--jobs", str(jobs), "--json"]
    seconds, peak_kb, proc = run_measured(cmd)
    summary = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    docs = summary.get("indexed", 0)
    again_seconds, _, again = run_measured(cmd)
    return {"docs": docs, "seconds": seconds, "docs_per_s": docs / seconds if seconds else 0,
            "peak_rss_mb": peak_kb / 1024, "failed": len(summary.get("failed", [])),
            "reindex_unchanged_seconds": again_seconds,
            "reindex_ratio": again_seconds / seconds if seconds else 0}


def bench_nlp_ceiling(slice_path: Path, jobs: int, limit: int) -> dict:
    """Bare `nlp.pipe` of the same pipeline on the same texts, same processes: the ingestion ceiling."""
    code = f"""
import json, time, itertools
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.nlp.enrich import analysed_text
from newsfind.index.readers.files import read_articles
arts = [a for a in itertools.islice(read_articles([{str(slice_path)!r}]), {limit}) if hasattr(a, 'body')]
texts = [analysed_text(a)[0] for a in arts]
nlp = load_pipeline()
t = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=16, n_process={jobs}):
    pass
print(json.dumps({{"docs": len(texts), "seconds": time.perf_counter() - t}}))
"""
    # the environment of newsfind's own processes (search/__init__.py): OpenBLAS with one thread, not
    # one spinning thread per core in each of the forked workers
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                          env=env)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["docs_per_s"] = data["docs"] / data["seconds"]
    return data


# -- queries -------------------------------------------------------------------------------------


def bench_queries(index_dir: Path, repeats: int) -> dict:
    from newsfind.index import whoosh_ext
    from newsfind.index.store import open_index
    from newsfind.search import postings_cache
    from newsfind.search.facets import DEFAULT_FACETS, FACETS_BY_NAME
    from newsfind.search.searcher import SearchRequest, build_query, search
    from whoosh import sorting

    ix = open_index(index_dir)
    out = {}
    with ix.searcher() as s:
        for q in QUERIES:  # warm: facet tables, OS cache
            search(s, SearchRequest(query=q))
        plain, faceted, uncached, whoosh_ref = [], [], [], []
        for _ in range(repeats):
            # each kind in its own pass over the queries: the uncached pass empties the postings
            # cache, so the cached passes come first, after a pass that fills it again
            for q in QUERIES:
                search(s, SearchRequest(query=q))
            for q in QUERIES:
                t = time.perf_counter()
                search(s, SearchRequest(query=q, facets=[]))
                plain.append(time.perf_counter() - t)
            for q in QUERIES:
                t = time.perf_counter()
                search(s, SearchRequest(query=q))
                faceted.append(time.perf_counter() - t)
            for q in QUERIES:
                # no decoded postings cached: every term read from its blocks, as the first time a
                # word is searched in a process
                postings_cache.CACHE.clear()
                t = time.perf_counter()
                search(s, SearchRequest(query=q))
                uncached.append(time.perf_counter() - t)
            # the reference: the same queries and facets through Whoosh's own groupedby, with
            # Whoosh's own posting reader (index/whoosh_ext/blockdecode.py off)
            whoosh_ext.uninstall("blockdecode")
            for q in QUERIES:
                t = time.perf_counter()
                query, _ = build_query(s, SearchRequest(query=q))
                groupedby = {}
                for name in DEFAULT_FACETS:
                    groupedby[name] = whoosh_facet(FACETS_BY_NAME[name])
                results = s.search(query, limit=10, groupedby=groupedby, maptype=sorting.Count, terms=True)
                for hit in results[:10]:
                    hit.highlights("body", top=2)
                for name in groupedby:
                    results.groups(name)
                whoosh_ref.append(time.perf_counter() - t)
            whoosh_ext.install()
        out["top10_snippets"] = percentiles(plain)
        out["top10_snippets_facets"] = percentiles(faceted)
        out["top10_snippets_facets_uncached"] = percentiles(uncached)
        out["whoosh_groupedby_reference"] = percentiles(whoosh_ref)
        out["speedup_vs_whoosh_p50"] = out["whoosh_groupedby_reference"]["p50"] / out["top10_snippets_facets"]["p50"]
        out["speedup_vs_whoosh_uncached_p50"] = (out["whoosh_groupedby_reference"]["p50"]
                                                 / out["top10_snippets_facets_uncached"]["p50"])
        out["docs"] = s.doc_count()
    return out


def bench_cold(index_dir: Path, runs: int = 7) -> dict:
    # as installed: the project's modules byte-compiled (an editable install is not, and this
    # machine sets PYTHONDONTWRITEBYTECODE, so each run would compile them again)
    packages = ["newsfind", "index", "search", "web"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], cwd=ROOT, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(NEWSFIND), "--index", str(index_dir), "query", "Syria speaker:Lavrov", "--json"],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "min_s": min(times)}


def bench_web(index_dir: Path, clients: int = 8, per_client: int = 25) -> dict:
    from newsfind.web.served import served

    try:
        with served(index_dir) as server:
            urls = [f"{server.url}api/search?q={urllib.parse.quote(q)}" for q in QUERIES]
            for u in urls:  # warm
                urllib.request.urlopen(u, timeout=60).read()

            def client(i: int) -> list[float]:
                times = []
                for k in range(per_client):
                    # each client starts at its own place in the query list, as independent users
                    # would (i * per_client was a multiple of the list's length: every client asked
                    # the same query at the same moment)
                    u = urls[(i * len(urls) // clients + k) % len(urls)]
                    t = time.perf_counter()
                    with urllib.request.urlopen(u, timeout=60) as r:
                        r.read()
                    times.append(time.perf_counter() - t)
                return times

            t0 = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                samples = list(itertools.chain.from_iterable(pool.map(client, range(clients))))
            elapsed = time.perf_counter() - t0
            result = percentiles(samples)
            result["clients"] = clients
            result["requests_per_s"] = len(samples) / elapsed
            result["server_rss_mb"] = tree_rss_kb(server.proc.pid) / 1024
            return result
    except RuntimeError as exc:
        return {"error": f"server did not start: {exc}"}


# -- replica -------------------------------------------------------------------------------------


def doc_count(index_dir: Path) -> int:
    from newsfind.index.store import open_index

    return open_index(index_dir).doc_count()


def _copy_documents(source_dir: Path, target_dir: Path, copy: int) -> int:
    """Copy number `copy` (1 or more) of every live document of `source_dir`, under new ids and
    new syndication groups, rebuilt from its stored fields (no NLP) into a new index."""
    from newsfind.index import whoosh_ext
    from newsfind.index.ingest.writer import open_or_create
    from newsfind.index.schema import FACETS, join_searchable, split_values
    from newsfind.index.store import open_index

    whoosh_ext.install()  # a worker process: forked with the patches, or started without them
    shutil.rmtree(target_dir, ignore_errors=True)
    ix_target = open_or_create(target_dir)
    source = open_index(source_dir)
    writer = ix_target.writer(limitmb=256)
    names = set(ix_target.schema.names())
    date_field = source.schema["date"]
    n = 0
    with source.searcher() as s:
        reader = s.reader()
        dates = reader.column_reader("date", translate=False)
        for docnum, stored in reader.iter_docs():
            doc = {k: v for k, v in stored.items() if k in names}
            doc["id"] = f"{stored['id']}~{copy}"
            doc["group"] = f"{stored.get('group') or stored['id']}~{copy}"  # copies are separate stories
            for facet, (search_field, facet_field) in FACETS.items():
                values = split_values(stored.get(facet_field))
                doc[search_field] = ",".join(values) if facet == "tag" else join_searchable(values)
            doc["quote"] = join_searchable(q["text"] for q in stored.get("quotes", []) if q.get("speaker"))
            raw = dates[docnum]
            if raw != date_field.column_type.default_value():
                doc["date"] = date_field.from_column_value(raw)
            writer.add_document(**doc)
            n += 1
    writer.commit()
    return n


def build_replica(source_dir: Path, target_dir: Path, copies: int, jobs: int = 1) -> int:
    """A synthetic-scale index: every document of `source_dir` `copies` times, under new ids.

    Copy 0 is the source's own segment files (linked, not re-indexed); copies 1.. are rebuilt from
    stored fields, `jobs` at a time in separate processes; one new table of contents then lists
    every segment. Returns the replica's document count."""
    from concurrent.futures import ProcessPoolExecutor

    from newsfind.index.ingest.writer import open_or_create
    from newsfind.index.store import open_index
    from whoosh import index as whoosh_index

    shutil.rmtree(target_dir, ignore_errors=True)
    parts = [target_dir.with_name(f"{target_dir.name}.copy{k}") for k in range(1, copies)]
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(parts)))) as pool:
        list(pool.map(_copy_documents, [source_dir] * len(parts), parts, range(1, copies)))
    ix_target = open_or_create(target_dir)
    segments = []
    for part in [source_dir, *parts]:
        ix_part = whoosh_index.open_dir(str(part))
        for segment in ix_part._segments():
            for name in segment.list_files(ix_part.storage):
                try:
                    os.link(part / name, target_dir / name)
                except OSError:
                    shutil.copy2(part / name, target_dir / name)
            segments.append(segment)
    toc = whoosh_index.TOC(ix_target.schema, segments, ix_target.latest_generation() + 1)
    toc.write(ix_target.storage, ix_target.indexname)
    for part in parts:
        shutil.rmtree(part, ignore_errors=True)
    return open_index(target_dir).doc_count()


# -- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", default="2000",
                    help='comma-separated article counts to ingest (default 2000; "" for none)')
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeats", type=int, default=3, help="passes over the query set")
    ap.add_argument("--index-only-from", type=Path, default=None,
                    help="skip ingestion; benchmark queries on this existing index")
    ap.add_argument("--reuse-index", action="append", default=[], metavar="LABEL=DIR",
                    help="also benchmark an index built earlier (for a size whose NLP takes hours: "
                         "37554=/tmp/bench/ix37k); its ingestion is not measured in this run")
    ap.add_argument("--replica", type=int, default=0, help="also build an N-times replica of the largest index")
    ap.add_argument("--no-web", action="store_true")
    args = ap.parse_args(argv)
    from newsfind.index import whoosh_ext

    whoosh_ext.install()  # this process opens and writes indexes itself, as newsfind does
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "jobs": args.jobs, "runs": []}
    WORK.mkdir(parents=True, exist_ok=True)
    indexes: list[tuple[str, Path, dict]] = []
    if args.index_only_from:
        indexes.append(("existing", args.index_only_from, {}))
    else:
        if not args.corpus.exists():
            print(f"benchmark corpus not found at {args.corpus}; nothing measured "
                  "(put allsides.jsonl.gz there or pass --corpus)")
            return 0
        for size in [int(x) for x in args.sizes.split(",") if x.strip()]:  # --sizes "": no ingestion
            slice_path = WORK / f"corpus-{size}.jsonl"
            docs = write_slice(args.corpus, size, slice_path)
            index_dir = WORK / f"index-{docs}"
            print(f"[{docs} articles] ingesting with --jobs {args.jobs} ...", flush=True)
            ingest = bench_ingest(slice_path, index_dir, args.jobs)
            print(f"[{docs} articles] bare nlp.pipe ceiling ...", flush=True)
            ceiling = bench_nlp_ceiling(slice_path, args.jobs, min(docs, 500))
            ingest["nlp_ceiling_docs_per_s"] = ceiling["docs_per_s"]
            ingest["ratio_to_ceiling"] = ingest["docs_per_s"] / ceiling["docs_per_s"]
            indexes.append((f"{docs}", index_dir, ingest))
    for spec in args.reuse_index:
        label, _, directory = spec.partition("=")
        if not directory or not Path(directory).is_dir():
            print(f"--reuse-index {spec!r}: expected LABEL=DIR with an existing index directory")
            return 2
        indexes.append((f"{label} (built earlier)", Path(directory), {}))
    if args.replica and indexes:
        label, src, _ = max(indexes, key=lambda item: doc_count(item[1]))
        target = WORK / f"index-replica-{args.replica}x"
        print(f"building a {args.replica}x replica of {label} (synthetic scale) ...", flush=True)
        n = build_replica(src, target, args.replica, args.jobs)
        indexes.append((f"{n} (synthetic {args.replica}x of {label})", target, {}))
    for label, index_dir, ingest in indexes:
        print(f"[{label}] queries ...", flush=True)
        run = {"label": label, "index": str(index_dir), "ingest": ingest,
               "queries": bench_queries(index_dir, args.repeats), "cold_query": bench_cold(index_dir),
               "index_size_mb": dir_size_mb(index_dir)}
        if not args.no_web:
            print(f"[{label}] web /api/search, 8 clients ...", flush=True)
            run["web"] = bench_web(index_dir)
        results["runs"].append(run)

    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    out_file = out_dir / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    out_file.write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"\nresults: {out_file}")
    return 0


def print_table(results: dict) -> None:
    print()
    print(f"{'index':<34}{'docs/s':>8}{'ceil/s':>8}{'ratio':>7}{'RSS MB':>8}{'reidx%':>7}"
          f"{'q p50':>8}{'q p95':>8}{'qf p50':>8}{'qf p95':>8}{'qf p99':>8}{'qfu p50':>8}{'qfu p95':>8}"
          f"{'whoosh':>8}{'x':>6}"
          f"{'cold s':>8}{'web p95':>8}{'MB':>7}")
    for r in results["runs"]:
        i, q = r["ingest"], r["queries"]
        web = r.get("web", {})
        print(f"{r['label']:<34}"
              f"{i.get('docs_per_s', float('nan')):>8.1f}{i.get('nlp_ceiling_docs_per_s', float('nan')):>8.1f}"
              f"{i.get('ratio_to_ceiling', float('nan')):>7.2f}{i.get('peak_rss_mb', float('nan')):>8.0f}"
              f"{100 * i.get('reindex_ratio', float('nan')):>7.1f}"
              f"{q['top10_snippets']['p50']:>8.1f}{q['top10_snippets']['p95']:>8.1f}"
              f"{q['top10_snippets_facets']['p50']:>8.1f}{q['top10_snippets_facets']['p95']:>8.1f}"
              f"{q['top10_snippets_facets']['p99']:>8.1f}"
              f"{q.get('top10_snippets_facets_uncached', {}).get('p50', float('nan')):>8.1f}"
              f"{q.get('top10_snippets_facets_uncached', {}).get('p95', float('nan')):>8.1f}"
              f"{q['whoosh_groupedby_reference']['p50']:>8.1f}"
              f"{q['speedup_vs_whoosh_p50']:>6.1f}{r['cold_query']['median_s']:>8.2f}"
              f"{web.get('p95', float('nan')):>8.1f}{r['index_size_mb']:>7.0f}")
    print("(times in ms unless marked; q = top-10 with snippets, qf = the same with all facets and the year "
          "histogram; qfu = qf with the decoded-postings cache emptied before each query; whoosh = the same "
          "through Whoosh groupedby; x = whoosh p50 / qf p50)")


if __name__ == "__main__":
    raise SystemExit(main())
