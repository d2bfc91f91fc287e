"""Whoosh ranking a given set of documents: the query restricted to them, and which of them can
be in the top N.

Where fastscore's scores are only estimates (part of the query was scored by Whoosh's own matcher)
or missing (a query it does not model), Whoosh scores and orders the documents the engine chose,
never others: `restricted` keeps the query's own scores on exactly that set, and `candidates`
narrows the set to the documents whose estimate can reach the top N."""

from __future__ import annotations

import numpy as np
from whoosh import matching
from whoosh import query as wq


class DocSet(wq.Query):
    """Matches a fixed set of global document numbers (score 1, never used: see `Require`)."""

    def __init__(self, docnums: np.ndarray, offsets: dict[int, int]) -> None:
        self.docnums = docnums  # sorted global docnums
        self.offsets = offsets  # id(leaf searcher) -> docnum offset

    def __eq__(self, other) -> bool:
        return self is other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"DocSet({len(self.docnums)} docs)"

    def estimate_size(self, ixreader) -> int:
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        offset = self.offsets.get(id(searcher), 0)
        count = searcher.doc_count_all()
        lo, hi = np.searchsorted(self.docnums, [offset, offset + count])
        local = (self.docnums[lo:hi] - offset).tolist()
        return matching.ListMatcher(local) if local else matching.NullMatcher()


def restricted(searcher, q: wq.Query, docnums: np.ndarray) -> wq.Query:
    """`q` limited to `docnums` with `q`'s own scores."""
    offsets = {id(sub): offset for sub, offset in searcher.leaf_searchers()}
    return wq.Require(q, DocSet(np.sort(docnums), offsets))


def candidates(docs: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """The documents that can be in the top `n`: estimate within a margin of the n-th best.

    When every estimate in that margin is the same number (a date range or another constant
    score: thousands of ties), the documents tie exactly for Whoosh too, and Whoosh breaks ties by
    docnum: only the lowest docnums needed to fill the top `n` are kept."""
    if n >= len(docs):
        return docs
    nth = np.partition(scores, len(scores) - n)[len(scores) - n]
    margin = 1e-7 * max(1.0, abs(float(nth)))
    chosen = scores >= nth - margin
    band = chosen & (scores <= nth + margin)
    band_scores = scores[band]
    if len(band_scores) > 1 and band_scores.min() == band_scores.max():
        above = chosen & ~band
        needed = n - int(above.sum())
        band_docs = np.sort(docs[band])[:needed]
        return np.sort(np.concatenate([docs[above], band_docs]))
    return docs[chosen]
