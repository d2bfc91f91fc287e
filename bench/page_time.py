"""Time a faceted search page through the real server.

Starts `newsfind --index DIR serve --port 0` (waitress), warms it up, then requests URL N times
one after another from this process over loopback and prints p50/p90/max in milliseconds (the
whole HTML page: search, 7 sidebar facets, the day histogram, snippets, rendering).

    .venv/bin/python bench/page_time.py --index /tmp/seed-index            # default: /?q=Syria, 50 requests
    .venv/bin/python bench/page_time.py --index DIR --path '/?q=Syria&speaker=Sergei+Lavrov' -n 100
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request

from newsfind.web.served import served


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="index directory to serve")
    parser.add_argument("--path", default="/?q=Syria", help="page to request (default: /?q=Syria)")
    parser.add_argument("-n", type=int, default=50, help="timed requests (default 50)")
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    with served(args.index) as server:
        url = server.url.rstrip("/") + args.path
        for _ in range(args.warmup):
            fetch(url)
        times = sorted(fetch(url) for _ in range(args.n))
    result = {
        "path": args.path, "requests": args.n,
        "p50_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(0.9 * (len(times) - 1))], 2),
        "max_ms": round(times[-1], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
