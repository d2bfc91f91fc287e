"""newsfind on a Dask cluster: local `--jobs 2` against a real scheduler and two single-thread workers, a
worker killed mid-run, and the writer's ceiling (how many worker machines one index can feed).

    .venv/bin/python bench/cluster.py                       # everything (make bench-cluster)
    .venv/bin/python bench/cluster.py --only rate,identical # parts: rate, identical, ceiling
    .venv/bin/python bench/cluster.py --ceiling-size 37554 --ceiling-policy both

rate       the same ARTICLES (default 2,000) of the corpus, in one run: `newsfind index --jobs 2` and
           `newsfind index --cluster` through `dask scheduler` + 2 x `dask worker --nthreads 1` on loopback.
identical  300 articles, local `--jobs 2` and on the cluster with one worker SIGKILLed mid-run and a new one
           started: the exports compared field by field; the retried batches from the summary.
ceiling    what the client sustains when the NLP costs nothing: real worker results computed for a SAMPLE
           of articles (real NLP, recorded table calls) and replayed cyclically, each with its real article's
           own id, title, body, metadata and fingerprint (computed before the clock starts, as the workers
           would), into a fresh index of CEILING-SIZE articles through the real `index_paths` (reading, table
           settling, syndication groups, curation, Whoosh writes, commits and every merge, the final one
           included); docs/s over the whole run and client CPU per article, per merge policy.

The corpus defaults to ../shared/corpora/allsides.jsonl.gz; with no corpus the run says so and exits 0.
Results go to bench/results/cluster-<time>.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dask_procs import DaskCluster  # noqa: E402

DEFAULT_CORPUS = CORPORA / "allsides.jsonl.gz"
NEWSFIND = Path(sys.executable).with_name("newsfind")
WORK = Path(os.environ.get("NEWSFIND_BENCH_DIR", "/tmp/newsfind-bench")) / "cluster"


def write_slice(corpus: Path, size: int, target: Path) -> int:
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        lines = list(itertools.islice(src, size))
        dst.writelines(lines)
    return len(lines)


def index(slice_path: Path, index_dir: Path, *args: str) -> tuple[float, dict]:
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([str(NEWSFIND), "--index", str(index_dir), "index", str(slice_path), "--json", *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"newsfind index {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = json.loads(done.stdout)
    return seconds, summary


def export(index_dir: Path) -> dict[str, dict]:
    done = subprocess.run([str(NEWSFIND), "--index", str(index_dir), "export"], capture_output=True, text=True,
                          check=True)
    return {a["id"]: a for a in map(json.loads, done.stdout.splitlines())}


def differences(a: dict[str, dict], b: dict[str, dict]) -> list[str]:
    out = [f"ids differ: {sorted(set(a) ^ set(b))[:5]}"] if set(a) != set(b) else []
    for article_id in sorted(set(a) & set(b)):
        out += [f"{article_id}.{name}" for name in sorted(set(a[article_id]) | set(b[article_id]))
                if a[article_id].get(name) != b[article_id].get(name)]
    return out


def start_cluster(logs: Path, workers: int = 2) -> DaskCluster:
    logs.mkdir(parents=True, exist_ok=True)
    cluster = DaskCluster(logs)
    cluster.start_scheduler()
    for _ in range(workers):
        cluster.add_worker(wait=False)
    cluster.wait_workers(workers)
    return cluster


def bench_rate(corpus: Path, size: int, repeat: int) -> dict:
    slice_path = WORK / f"slice-{size}.jsonl"
    n = write_slice(corpus, size, slice_path)
    local, remote = [], []
    cluster = start_cluster(WORK / "logs-rate")
    try:
        for _ in range(repeat):
            seconds, summary = index(slice_path, WORK / "rate-local", "--jobs", "2")
            local.append(summary["indexed"] / seconds)
            seconds, summary = index(slice_path, WORK / "rate-cluster", "--cluster", cluster.address)
            remote.append(summary["indexed"] / seconds)
            cluster_summary = summary["cluster"]
    finally:
        cluster.stop()
    same = differences(export(WORK / "rate-local"), export(WORK / "rate-cluster"))
    result = {"articles": n, "local_jobs2_docs_per_s": statistics.median(local),
              "cluster_2x1_docs_per_s": statistics.median(remote), "runs": repeat, "local_runs": local,
              "cluster_runs": remote, "cluster": cluster_summary, "export_differences": len(same)}
    result["ratio"] = result["cluster_2x1_docs_per_s"] / result["local_jobs2_docs_per_s"]
    return result


def bench_identical(corpus: Path, size: int = 300) -> dict:
    slice_path = WORK / f"slice-{size}.jsonl"
    n = write_slice(corpus, size, slice_path)
    index(slice_path, WORK / "same-local", "--jobs", "2")
    cluster = start_cluster(WORK / "logs-same")
    try:
        shutil.rmtree(WORK / "same-cluster", ignore_errors=True)
        proc = subprocess.Popen([str(NEWSFIND), "--index", str(WORK / "same-cluster"), "index", str(slice_path),
                                 "--json", "--cluster", cluster.address], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        from distributed import Client

        with Client(cluster.address, set_as_default=False) as client:
            while len(client.get_events("newsfind-batch")) < 4 and proc.poll() is None:
                time.sleep(0.2)
        time.sleep(1.0)
        cluster.kill(cluster.workers[0])  # SIGKILL, mid-batch
        cluster.add_worker(wait=False)
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"cluster run with a killed worker failed: {err[-2000:]}")
        summary = json.loads(out)
    finally:
        cluster.stop()
    diffs = differences(export(WORK / "same-local"), export(WORK / "same-cluster"))
    return {"articles": n, "indexed": summary["indexed"], "retried_batches": summary["cluster"]["retried"],
            "recomputed_articles": summary["cluster"]["recomputed"], "export_differences": len(diffs),
            "first_differences": diffs[:10]}


# -- the writer's ceiling ------------------------------------------------------------------------------

def sample_results(corpus: Path, size: int) -> list:
    """Real worker results (real NLP, recorded table calls) for the first `size` articles, cached."""
    cache = WORK / f"sample-{size}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from newsfind.index.nlp.canonical import CanonicalTable
    from newsfind.index.nlp.enrich import analysed, enrich_article
    from newsfind.index.nlp.pipeline import load_pipeline
    from newsfind.index.nlp.split import ArticleResult, RecordingTable, to_plain
    from newsfind.index.readers.files import read_articles

    slice_path = WORK / f"slice-{size}.jsonl"
    write_slice(corpus, size, slice_path)
    articles = [a for a in read_articles([str(slice_path)]) if hasattr(a, "body")]
    nlp, table, out = load_pipeline(), CanonicalTable(), []
    seen = [analysed(a) for a in articles]
    for article, s, doc in zip(articles, seen, nlp.pipe([s.text for s in seen], batch_size=16), strict=True):
        recording = RecordingTable(table)
        out.append(ArticleResult(plain=to_plain(enrich_article(article, doc, s, recording)), calls=recording.calls))
    cache.write_bytes(pickle.dumps(out))
    return out


def own_parts(slice_path: Path) -> dict:
    """Each article's own metadata and fingerprint, as its worker would compute them (before the clock)."""
    from newsfind.index.ingest.dedup import fingerprint
    from newsfind.index.nlp.metadata import infer_metadata
    from newsfind.index.readers.files import read_articles

    return {a.id: (infer_metadata(a.title, a.body, a.outlet, a.date, a.author), fingerprint(a.title, a.body))
            for a in read_articles([str(slice_path)]) if hasattr(a, "body")}


def bench_ceiling(corpus: Path, size: int, sample: int, policy: str) -> dict:
    from newsfind.index.ingest import writer
    from newsfind.index.ingest.merging import CLUSTER_COMMIT_EVERY
    from newsfind.index.nlp import enrich
    from newsfind.index.nlp.split import TableFeed, settle

    results = sample_results(corpus, sample)
    slice_path = WORK / f"slice-{size}.jsonl"
    n = write_slice(corpus, size, slice_path)
    parts = own_parts(slice_path)
    mismatched = 0

    def replay(articles, table, **_):  # the client's side of enrich_on_cluster, minus the network
        nonlocal mismatched
        feed = TableFeed(table)
        for i, article in enumerate(articles):
            result = results[i % len(results)]
            if settle(result.calls, table) is not None:  # cyclic reuse: answers may differ; apply the rest
                mismatched += 1
                for name, args, kwargs, _ in result.calls:
                    getattr(table, name)(*args, **kwargs)
            feed.counted(result.calls)
            value = result.value()
            value.metadata, value.fingerprint = parts[article.id]
            yield article, value
            if i % 16 == 15:
                feed.maybe_renew()

    index_dir = WORK / f"ceiling-{policy}"
    shutil.rmtree(index_dir, ignore_errors=True)
    original = enrich.enrich_many
    enrich.enrich_many = replay
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        if policy == "deferred":
            summary = writer.index_paths([str(slice_path)], index_dir, commit_every=CLUSTER_COMMIT_EVERY,
                                         deferred_merges=True)
        else:
            summary = writer.index_paths([str(slice_path)], index_dir)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        enrich.enrich_many = original
    segments = len(list(index_dir.glob("*.seg"))) or len(list(index_dir.glob("*_*.toc")))
    return {"policy": policy, "articles": n, "indexed": summary.indexed, "seconds": wall,
            "docs_per_s": summary.indexed / wall, "client_cpu_ms_per_article": 1000 * cpu / summary.indexed,
            "sample_of_real_results": len(results), "replayed_with_other_answers": mismatched,
            "segment_files": segments}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", default="rate,identical,ceiling")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--ceiling-size", type=int, default=37554)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--ceiling-policy", default="both", choices=["default", "deferred", "both"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}: nothing to measure (bench/cluster.py needs it)")
        return
    WORK.mkdir(parents=True, exist_ok=True)
    from newsfind.index import whoosh_ext

    whoosh_ext.install()  # as the entry points do: the ceiling runs index_paths in this process
    parts = args.only.split(",")
    out: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if "rate" in parts:
        out["rate"] = r = bench_rate(args.corpus, args.articles, args.repeat)
        print(f"rate      {r['articles']} articles: local --jobs 2 {r['local_jobs2_docs_per_s']:.2f} docs/s, "
              f"cluster 2 x 1 thread {r['cluster_2x1_docs_per_s']:.2f} docs/s ({100 * r['ratio']:.0f} %), "
              f"export differences {r['export_differences']}", flush=True)
    if "identical" in parts:
        out["identical"] = r = bench_identical(args.corpus)
        print(f"identical {r['articles']} articles, a worker SIGKILLed: {r['retried_batches']} batches retried, "
              f"{r['recomputed_articles']} recomputed, export differences {r['export_differences']}", flush=True)
    if "ceiling" in parts:
        policies = ["default", "deferred"] if args.ceiling_policy == "both" else [args.ceiling_policy]
        out["ceiling"] = []
        for policy in policies:
            r = bench_ceiling(args.corpus, args.ceiling_size, args.sample, policy)
            out["ceiling"].append(r)
            print(f"ceiling   {policy:8} {r['indexed']} articles in {r['seconds']:.0f} s: "
                  f"{r['docs_per_s']:.1f} docs/s, client CPU {r['client_cpu_ms_per_article']:.1f} ms/article",
                  flush=True)
    target = args.json or ROOT / "bench" / "results" / f"cluster-{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"-> {target}")


if __name__ == "__main__":
    main()
