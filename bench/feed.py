"""Benchmark of a watch's Atom feed (web/atom.py): the time to build a feed of 50 entries.

    .venv/bin/python bench/feed.py            # median of 200 builds, and the one-time import cost

The entries are made up but sized like real ones: a title, an outlet, a date, three speakers, a
snippet of ~290 characters with <b> marks, and for every other entry two other versions of the
story. Prints one line: build time (median, p95), the feed's size, and what the first feed in a
fresh process pays to import the feed library. Needs nothing but the package.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ENTRIES = 50


def hits(n: int = ENTRIES) -> list[dict]:
    out = []
    for i in range(n):
        versions = [{"id": f"a{i}-{k}", "outlet": f"Outlet {k}"} for k in range(2)] if i % 2 else []
        out.append({
            "hit": 1000 - i, "id": f"2015_{i:04d}_3f9c1a2b",
            "title": f"Lavrov and Kerry meet in Vienna on Syria, day {i}",
            "outlet": "Reuters", "date": f"2015-09-{1 + i % 28:02d}", "matched_at": f"2026-12-07T00:{i % 60:02d}:00Z",
            "speakers": ["Sergei Lavrov", "John Kerry", "Staffan de Mistura"],
            "snippet": ("... the <b>Syria</b> talks in Vienna resumed on Friday, the foreign ministers said, "
                        "after a week in which <b>Lavrov</b> met his counterparts ") * 2,
            "new_versions": versions,
        })
    return out


def build(data: dict) -> bytes:
    from newsfind.web.atom import feed_document

    watch = {"owner": "rita", "name": "lavrov-syria", "query": "speaker:Lavrov Syria",
             "created_at": "2026-12-01T00:00:00Z"}
    return feed_document(watch, 7, data, "http://localhost/watches/lavrov-syria/feed.atom?token=t",
                         "http://localhost/watches/lavrov-syria", lambda a: f"http://localhost/articles/{a}",
                         lambda d: d or "date unknown", "2026-12-07T01:00:00Z")


def first_feed_seconds() -> float:
    """A fresh interpreter with the web app's modules imported, as a server has them: the first feed
    built, web/atom.py and the feed library imported by it."""
    code = ("import time, newsfind.web, bench.feed as b; d = {'hits': b.hits()}; "
            "t = time.perf_counter(); b.build(d); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return float(out.stdout)


def main() -> None:
    data = {"hits": hits()}
    body = build(data)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        build(data)
        times.append(time.perf_counter() - start)
    times.sort()
    first = statistics.median(first_feed_seconds() for _ in range(3))
    print(f"feed of {ENTRIES} entries: median {statistics.median(times) * 1000:.2f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, {len(body) / 1000:.1f} kB; "
          f"first feed in a fresh process {first * 1000:.1f} ms")


if __name__ == "__main__":
    main()
