"""Progress of an indexing run: a cheap count of the articles ahead (for the ETA) and a one-line
display of documents done, documents per second and the time left.

The count reads the inputs without parsing text: one article per text file or web page, non-empty
lines of JSON Lines, rows of CSV, elements of a JSON list, HTML responses of a WARC. Standard input
cannot be counted, so a run that reads it shows no ETA.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from newsfind.index.readers.files import input_kind, iter_input_files
from newsfind.index.readers.types import STDIN, ReadReport

OUTCOMES = ("added", "replaced", "unchanged", "failed")


def count_file(path: Path) -> int:
    kind = input_kind(path)
    try:
        if kind in ("text", "html"):
            return 1
        if kind == "jsonl":
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        if kind == "json":
            data = json.loads(path.read_bytes())
            return len(data) if isinstance(data, list) else 1
        if kind == "csv":
            with path.open(encoding="utf-8", errors="replace", newline="") as fh:
                return max(sum(1 for row in csv.reader(fh) if row) - 1, 0)
        if kind == "warc":
            from warcio.archiveiterator import ArchiveIterator

            with path.open("rb") as fh:
                return sum(1 for r in ArchiveIterator(fh) if r.rec_type == "response"
                           and "html" in (r.http_headers.get_header("Content-Type") or "" if r.http_headers else ""))
    except Exception:  # the reader will report what is wrong with it; count it once
        return 1
    return 1


def count_articles(paths: Iterable[str]) -> int | None:
    """About how many articles (and failures) the readers will yield; None when reading stdin."""
    paths = list(paths)
    if STDIN in paths:
        return None
    total = 0
    for item in iter_input_files(paths, ReadReport()):
        total += count_file(item) if isinstance(item, Path) else 1
    return total


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts outcomes; when `stream` is given, redraws one status line on it (at most 5 times a
    second): documents done (of the total when known), documents per second over the last
    `window` seconds, the ETA, and the outcomes so far."""

    def __init__(self, stream: TextIO | None = None, total: int | None = None,
                 clock: Callable[[], float] = time.monotonic, window: float = 30.0) -> None:
        self.stream = stream
        self.total = total
        self.clock = clock
        self.window = window
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.started = clock()
        self._recent: deque[tuple[float, int]] = deque([(self.started, 0)])
        self._drawn = 0.0
        self._width = 0
        self.workers: int | None = None  # Dask workers connected, on a cluster run

    def set_workers(self, count: int) -> None:
        self.workers = count

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def rate(self) -> float:
        now = self.clock()
        while len(self._recent) > 1 and now - self._recent[1][0] >= self.window:
            self._recent.popleft()
        t0, n0 = self._recent[0]
        return (self.done - n0) / max(now - t0, 1e-6)

    def line(self) -> str:
        c = self.counts
        done, rate = self.done, self.rate()
        head = f"{done:,}/{self.total:,}" if self.total else f"{done:,}"
        parts = [f"{head} articles", f"{rate:.1f} docs/s"]
        if self.total and rate > 0:
            parts.append(f"ETA {format_duration(max(self.total - done, 0) / rate)}")
        parts.append(f"({c['added'] + c['replaced']} indexed, {c['unchanged']} unchanged, {c['failed']} failed)")
        if self.workers is not None:
            parts.append(f"{self.workers} workers")
        return "  ".join(parts)

    def __call__(self, outcome: str) -> None:
        self.counts[outcome] += 1
        now = self.clock()
        if now - self._recent[-1][0] >= 0.1:  # samples for the rate, ten a second at most
            self._recent.append((now, self.done))
        if self.stream is not None and (now - self._drawn >= 0.2 or self.done == self.total):
            self._drawn = now
            text = self.line()
            self.stream.write("\r" + text.ljust(self._width))
            self.stream.flush()
            self._width = len(text)

    def close(self) -> None:
        if self.stream is not None and self.done:
            self.stream.write("\r" + self.line().ljust(self._width) + "\n")
            self.stream.flush()


def progress_for(stream: io.TextIOBase | None, paths: Iterable[str]) -> Progress:
    """A Progress that draws on `stream` (None: silent), with the total counted when drawing."""
    total = count_articles(paths) if stream is not None else None
    return Progress(stream, total)
