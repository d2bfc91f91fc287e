"""Decoded postings of recently used terms, per segment, bounded in bytes (LRU).

A segment never changes once written except for its deletions, which only grow until a merge
replaces it with a new segment: (segment id, number of deleted documents) names one state of a
segment, whichever searcher reads it. So a term's documents, weights and field lengths decoded by
one searcher serve every other searcher of the process on the same segments (the web server's
pooled searchers, one per thread). `newsfind.search.fastscore` reads a term's posting blocks (inflate and
unpickle, ~130 blocks for a common word at 37.5k articles) only on a miss.

Budget: `NEWSFIND_POSTINGS_CACHE_MB` (default 64 per process; 0 turns the cache off). Entries of
readers that were closed age out like any other.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np


class PostingsCache:
    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self.used = 0
        self.hits = self.misses = 0  # misses: terms decoded (terms absent from a segment are not counted)
        self._entries: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(reader, fieldname: str, text: bytes) -> tuple:
        try:
            segment = reader.segment()
            state = (segment.segment_id(), segment.deleted_count())
        except AttributeError:  # not a segment reader: this reader object only
            state = reader.__dict__.setdefault("_newsfind_cache_token", object())
        return state, fieldname, text

    def get(self, reader, fieldname: str, text: bytes) -> tuple[np.ndarray, ...] | None:
        if self.budget <= 0:
            return None
        key = self._key(reader, fieldname, text)
        with self._lock:
            arrays = self._entries.get(key)
            if arrays is None:
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return arrays

    def put(self, reader, fieldname: str, text: bytes, arrays: tuple[np.ndarray, ...]) -> None:
        """Keep a term's decoded arrays (called after each miss that decoded them)."""
        if self.budget <= 0:
            return
        self.misses += 1
        size = sum(a.nbytes for a in arrays)
        if size > self.budget // 4:  # one huge term must not flush everything else
            return
        for a in arrays:
            a.flags.writeable = False  # shared between requests: nobody may change them
        key = self._key(reader, fieldname, text)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= sum(a.nbytes for a in old)
            self._entries[key] = arrays
            self.used += size
            while self.used > self.budget and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self.used -= sum(a.nbytes for a in evicted)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0


def _budget_from_environment() -> int:
    try:
        return max(0, int(float(os.environ.get("NEWSFIND_POSTINGS_CACHE_MB", "64")) * 2**20))
    except ValueError:
        return 64 * 2**20


CACHE = PostingsCache(_budget_from_environment())
