"""The index, opened once per app, and a searcher per request on `flask.g`.

Opening a searcher reads every segment (slow on a large index), so finished searchers go back to a
small pool instead of being closed; a searcher taken from the pool is re-opened first when the
index has changed since (`up_to_date()`; not `refresh()`, whose reused readers miss deletions). A request
never shares its searcher with another request."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app, g
from newsfind.index.store import open_index

EXTENSION = "newsfind"


class SearcherPool:
    def __init__(self, index_dir: Path, size: int = 4) -> None:
        self.index_dir = index_dir
        self.ix = open_index(index_dir)  # raises IndexNotFoundError with a clear message
        self.size = size
        self._idle: list = []
        self._lock = threading.Lock()

    def acquire(self):
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        if searcher is None:
            return self.ix.searcher()
        if not searcher.up_to_date():
            # Not `searcher.refresh()`: Whoosh reuses segment readers by segment id alone, so a reused
            # reader keeps its old deletions and a replaced document shows twice (old and new).
            searcher.close()
            searcher = self.ix.searcher()
        return searcher

    def release(self, searcher) -> None:
        with self._lock:
            if len(self._idle) < self.size and not searcher.is_closed:
                self._idle.append(searcher)
                return
        searcher.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()


def init_app(app: Flask, index_dir: Path) -> None:
    app.extensions[EXTENSION] = SearcherPool(index_dir, size=app.config["NEWSFIND_SEARCHERS"])
    app.teardown_appcontext(release_searcher)


def pool() -> SearcherPool:
    return current_app.extensions[EXTENSION]


def get_searcher():
    """This request's searcher, on the latest version of the index."""
    if "searcher" not in g:
        g.searcher = pool().acquire()
    return g.searcher


def release_searcher(exc: BaseException | None = None) -> None:
    searcher = g.pop("searcher", None)
    if searcher is not None:
        pool().release(searcher)
