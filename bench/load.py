"""Load test and soak of `newsfind serve` over loopback: faceted searches from N concurrent clients.

Starts `newsfind --index DIR serve --port 0 --threads T` on 127.0.0.1, warms it up, then for each
client count runs `--duration` seconds (at most `--max-requests` requests) of faceted searches
(`/api/search?q=...&facet=person&facet=org&facet=place&facet=outlet&facet=date`, the queries of
bench/queries.py in turn), each client on its own keep-alive connection, and reports requests/s,
p50/p95/p99 latency, errors and the server's resident memory. `--soak SECONDS` then keeps
`--soak-clients` clients busy and samples the server's RSS every `--sample-every` seconds: it must
stay up, answer without errors, and its memory should stay flat (end vs. start is reported).

Bounded in count and time, and only ever talks to the server it started on loopback.

    .venv/bin/python bench/load.py --index /tmp/newsfind-bench/index-2000                  # 8 and 32 clients, 30 s each
    .venv/bin/python bench/load.py --index DIR --clients 8,32 --duration 20 --soak 600    # plus a 10-minute soak
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newsfind.web.served import HOST, served  # noqa: E402
from queries import QUERIES  # noqa: E402

FACETS = ["person", "org", "place", "outlet", "date"]


def search_path(query: str) -> str:
    return "/api/search?" + urlencode([("q", query), *[("facet", f) for f in FACETS]])


def rss_mb(pid: int) -> float:
    """Resident memory of the server (MB): the process and all its children (`newsfind serve`
    forks one worker process per core), from /proc."""
    total_kb, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            stack.extend(int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total_kb / 1024 if total_kb else float("nan")


@dataclass
class Level:
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        ms = sorted(x * 1000 for x in self.latencies)

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(p / 100 * len(ms)))], 1) if ms else float("nan")

        return {"clients": self.clients, "requests": len(ms), "errors": len(self.errors),
                "seconds": round(self.seconds, 1), "req_per_s": round(len(ms) / self.seconds, 1) if self.seconds else 0,
                "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
                "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"), "first_errors": self.errors[:5]}


def client_loop(port: int, level: Level, deadline: float, budget: list[int], offset: int, lock: threading.Lock,
                stop: threading.Event | None = None) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    n = offset
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        path = search_path(QUERIES[n % len(QUERIES)])
        n += 1
        started = time.monotonic()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.monotonic() - started
            if response.status != 200:
                level.errors.append(f"HTTP {response.status} for {path}: {body[:120]!r}")
            else:
                level.latencies.append(elapsed)
        except (OSError, http.client.HTTPException) as exc:
            level.errors.append(f"{type(exc).__name__}: {exc} for {path}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.close()


def run_level(port: int, clients: int, duration: float, max_requests: int) -> Level:
    level = Level(clients)
    lock, budget = threading.Lock(), [max_requests]
    deadline = time.monotonic() + duration
    threads = [threading.Thread(target=client_loop, args=(port, level, deadline, budget, i * 7, lock))
               for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.monotonic() - started
    return level


def soak(proc: subprocess.Popen, port: int, clients: int, seconds: float, every: float) -> dict:
    level = Level(clients)
    lock, budget, stop = threading.Lock(), [10**9], threading.Event()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(port, level, deadline, budget, i * 7, lock, stop))
               for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    samples = []
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stop.set()
            break
        samples.append({"t": round(time.monotonic() - started), "rss_mb": round(rss_mb(proc.pid), 1),
                        "requests": len(level.latencies), "errors": len(level.errors)})
        print(f"  soak {samples[-1]['t']:4d}s  rss {samples[-1]['rss_mb']:7.1f} MB  "
              f"{samples[-1]['requests']} requests, {samples[-1]['errors']} errors", flush=True)
        time.sleep(min(every, max(0.0, deadline - time.monotonic())))
    for t in threads:
        t.join()
    level.seconds = time.monotonic() - started
    up = proc.poll() is None
    if up:
        samples.append({"t": round(level.seconds), "rss_mb": round(rss_mb(proc.pid), 1),
                        "requests": len(level.latencies), "errors": len(level.errors)})
    # The first sample is taken as the soak starts, after the load levels above: the server is warm.
    start, end = samples[0]["rss_mb"], samples[-1]["rss_mb"]
    peak = max(s["rss_mb"] for s in samples)
    return {**level.summary(), "server_up": up, "rss_start_mb": start, "rss_end_mb": end, "rss_peak_mb": peak,
            "rss_growth_pct": round((end - start) / start * 100, 1), "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="index directory to serve")
    parser.add_argument("--clients", default="8,32", help="comma-separated client counts (default 8,32)")
    parser.add_argument("--duration", type=float, default=30, help="seconds per client count (default 30)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="cap per client count (default 20000)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of the server (default 8)")
    parser.add_argument("--warmup", type=int, default=len(QUERIES), help="requests before measuring")
    parser.add_argument("--soak", type=float, default=0, help="seconds of soak after the levels (0: none; max 900)")
    parser.add_argument("--soak-clients", type=int, default=8)
    parser.add_argument("--sample-every", type=float, default=15, help="seconds between RSS samples in the soak")
    parser.add_argument("--json", dest="json_out", help="write the results here as JSON")
    args = parser.parse_args()
    if not 0 <= args.soak <= 900:
        parser.error("--soak is at most 900 seconds")
    from newsfind.index import whoosh_ext
    from newsfind.index.store import open_index

    whoosh_ext.install()
    with open_index(Path(args.index)).searcher() as s:
        docs = s.doc_count()
    results: dict = {"index": args.index, "documents": docs, "server_threads": args.threads,
                     "query": search_path("<q>"), "levels": []}
    with served(args.index, threads=args.threads) as server:
        proc, port = server.proc, server.port
        run_level(port, 1, 600, args.warmup)  # warm up: every query once, facet tables loaded
        results["rss_after_warmup_mb"] = round(rss_mb(proc.pid), 1)
        print(f"newsfind serve on {HOST}:{port}, {docs:,} articles, {args.threads} threads; "
              f"RSS after warm-up {results['rss_after_warmup_mb']} MB")
        print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'RSS MB':>7}")
        for clients in (int(c) for c in args.clients.split(",")):
            level = run_level(port, clients, args.duration, args.max_requests).summary()
            level["rss_mb"] = round(rss_mb(proc.pid), 1)
            results["levels"].append(level)
            print(f"{clients:>7} {level['requests']:>8} {level['errors']:>6} {level['req_per_s']:>7} "
                  f"{level['p50_ms']:>8} {level['p95_ms']:>8} {level['p99_ms']:>8} {level['rss_mb']:>7}", flush=True)
            for error in level["first_errors"]:
                print(f"        error: {error}")
        if args.soak:
            print(f"soak: {args.soak_clients} clients for {args.soak:.0f}s")
            results["soak"] = soak(proc, port, args.soak_clients, args.soak, args.sample_every)
            s = results["soak"]
            print(f"soak: server {'up' if s['server_up'] else 'DOWN'}, {s['requests']} requests, {s['errors']} "
                  f"errors, {s['req_per_s']} req/s, p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms; "
                  f"RSS {s['rss_start_mb']} -> {s['rss_end_mb']} MB "
                  f"(peak {s['rss_peak_mb']}, {s['rss_growth_pct']:+}%)")
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    failed = any(level["errors"] for level in results["levels"]) or (
        "soak" in results and (not results["soak"]["server_up"] or results["soak"]["errors"]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
