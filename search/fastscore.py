"""Exact top N without scoring every match in Python.

Whoosh scores a match with several Python calls (matcher id/next, weight, field length, BM25);
collecting every match of a broad query ("Obama", "Trump OR Clinton") at 37.5k articles cost
most of a query. Here the query tree is evaluated with numpy instead: each term's postings are
read block by block as arrays and scored with the same BM25F formula, compound queries are
unions/intersections of those arrays. That gives every matching document (for totals and facet
counts) and a close estimate of its score.

The estimate only chooses candidates: the documents whose estimated score is within a small
margin of the N-th best estimate. The final ranking is Whoosh's own, run on the query restricted
to those candidates (`Require(query, candidates)`, which keeps the query's scores), so scores,
order, ties and matched terms are Whoosh's. The margin is far wider than the rounding differences
between the two computations (summation order), so every document that Whoosh ranks in the top
N is a candidate.

Query parts this module does not model (phrases, prefixes, date ranges, ...) are scored exactly
by their own Whoosh matcher, document by document; a query that is such a part as a whole is
left to Whoosh entirely (`evaluate` returns None).
"""

from __future__ import annotations

from array import array

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

# byte -> field length, as Whoosh decodes its length column
_BYTE_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Unsupported(Exception):
    """The query (or the index) is outside what this module models exactly."""


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


class _Evaluator:
    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.leaves = searcher.leaf_searchers()
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise Unsupported("weighting")
        self.weighting = weighting
        self.context = searcher.context(needs_current=False)

    # -- leaves ---------------------------------------------------------------------------------

    def _lengths(self, sub, fieldname: str) -> np.ndarray | None:
        reader = sub.reader()
        cache = reader.__dict__.setdefault("_newsfind_lengths", {})
        if fieldname not in cache:
            perdoc = getattr(reader, "_perdoc", None)
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
            if column is None:
                cache[fieldname] = None
            else:
                if type(column) is not type(LENGTHS_COLUMN).Reader or column._fixedlen != 1:
                    raise Unsupported("length column")
                raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
                lengths = np.zeros(reader.doc_count_all(), dtype=np.uint8)
                lengths[:len(raw)] = raw[:len(lengths)]
                cache[fieldname] = lengths
        return cache[fieldname]

    def term(self, q: wq.Term):
        searcher = self.searcher
        fieldname = q.fieldname
        if fieldname not in searcher.schema:
            return _EMPTY
        field = searcher.schema[fieldname]
        try:
            text = field.to_bytes(q.text)
        except ValueError:
            return _EMPTY
        scorable = field.scorable
        if scorable:
            B = self.weighting._field_B.get(fieldname, self.weighting.B)
            K1 = self.weighting.K1
            idf = searcher.idf(fieldname, text)
            avgfl = searcher.avg_field_length(fieldname) or 1
        ids_parts, score_parts = [], []
        for sub, offset in self.leaves:
            reader = sub.reader()
            if (fieldname, text) not in reader:
                continue
            m = reader.postings(fieldname, text)
            deleted = None
            if isinstance(m, matching.FilterMatcher):
                deleted, m = m._ids, m.child
            if type(m) is not W3LeafMatcher:
                raise Unsupported("codec")
            ids, weights = [], []
            while m.is_active():
                ids.append(_block_ids(m))
                weights.append(_block_weights(m))
                m._next_block()
            local = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
            w = np.concatenate(weights).astype(np.float64) if weights else np.zeros(0)
            if deleted:
                keep = ~np.isin(local, np.fromiter(deleted, dtype=np.int64))
                local, w = local[keep], w[keep]
            if scorable:
                lbytes = self._lengths(sub, fieldname)
                if lbytes is None:
                    raise Unsupported("lengths")
                fl = _BYTE_LENGTH[lbytes[local]]
                s = idf * ((w * (K1 + 1)) / (w + K1 * ((1 - B) + B * fl / avgfl)))
            else:
                s = w
            ids_parts.append(local + offset)
            score_parts.append(s)
        if not ids_parts:
            return _EMPTY
        docs, scores = np.concatenate(ids_parts), np.concatenate(score_parts)
        if q.boost != 1.0:
            scores = scores * q.boost
        return docs, scores

    def exact(self, q: wq.Query):
        """Any query, scored by its own Whoosh matcher (exact; one Python step per match)."""
        ids, scores = [], []
        for sub, offset in self.leaves:
            m = q.matcher(sub, self.context)
            while m.is_active():
                ids.append(m.id() + offset)
                scores.append(m.score())
                m.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64)

    # -- tree -----------------------------------------------------------------------------------

    def node(self, q: wq.Query):
        kind = type(q)
        if kind is wq.Term:
            return self.term(q)
        if kind in (wq.Or, wq.And) and not getattr(q, "scale", None) and not getattr(q, "minmatch", 0):
            parts = [self.node(sub) for sub in q.subqueries]
            if not parts:
                return _EMPTY
            docs, scores = (_union if kind is wq.Or else _intersection)(parts)
            return docs, (scores * q.boost if q.boost != 1.0 else scores)
        if kind is wq.AndNot and q.boost == 1.0:
            docs, scores = self.node(q.a)
            neg, _ = self.node(q.b)
            keep = ~np.isin(docs, neg, assume_unique=True)
            return docs[keep], scores[keep]
        if kind is wq.AndMaybe and q.boost == 1.0:
            docs, scores = self.node(q.a)
            mdocs, mscores = self.node(q.b)
            pos = np.searchsorted(mdocs, docs)
            pos[pos >= len(mdocs)] = 0
            hit = mdocs[pos] == docs if len(mdocs) else np.zeros(len(docs), dtype=bool)
            scores = scores.copy()
            scores[hit] += mscores[pos[hit]]
            return docs, scores
        return self.exact(q)


def _block_ids(m: W3LeafMatcher) -> np.ndarray:
    """The block's document numbers, as `W3LeafMatcher._read_ids` decodes them (deltas summed)."""
    if m._data is None:
        m._read_data()
    raw = np.asarray(m._data[0], dtype=np.int64)
    return raw if m._byteids else np.cumsum(raw)


def _block_weights(m: W3LeafMatcher) -> np.ndarray:
    """The block's weights, as `W3LeafMatcher._read_weights` decodes them (float32 when stored so)."""
    if m._data is None:
        m._read_data()
    raw = m._data[1]
    if raw is None:
        return np.ones(m._blocklength, dtype=np.float32)
    if isinstance(raw, float):
        return np.full(m._blocklength, raw, dtype=np.float32)
    if isinstance(raw, array) and raw.typecode == "f":
        return np.frombuffer(raw, dtype=np.float32)
    return np.asarray(raw, dtype=np.float64)


def _union(parts):
    docs = np.concatenate([d for d, _ in parts])
    scores = np.concatenate([s for _, s in parts])
    unique, inverse = np.unique(docs, return_inverse=True)
    return unique, np.bincount(inverse, weights=scores, minlength=len(unique))


def _intersection(parts):
    docs, scores = parts[0]
    order = np.argsort(docs, kind="stable")
    docs, scores = docs[order], scores[order]
    for other_docs, other_scores in parts[1:]:
        order = np.argsort(other_docs, kind="stable")
        other_docs, other_scores = other_docs[order], other_scores[order]
        common, ia, ib = np.intersect1d(docs, other_docs, assume_unique=True, return_indices=True)
        docs, scores = common, scores[ia] + other_scores[ib]
    return docs, scores


def _modelled(q: wq.Query) -> bool:
    return type(q) in (wq.Term, wq.Or, wq.And, wq.AndNot, wq.AndMaybe)


def evaluate(searcher, q: wq.Query) -> tuple[np.ndarray, np.ndarray] | None:
    """(every matching global docnum, sorted; an estimate of each one's score), or None when the
    query as a whole is not modelled here (then Whoosh's collector is as fast as anything)."""
    if not _modelled(q):
        return None
    try:
        docs, scores = _Evaluator(searcher).node(q)
    except Unsupported:
        return None
    order = np.argsort(docs, kind="stable")
    return docs[order], scores[order]


def candidates(docs: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """The documents that can be in the top `n`: estimate within a margin of the n-th best."""
    if n >= len(docs):
        return docs
    nth = np.partition(scores, len(scores) - n)[len(scores) - n]
    margin = 1e-7 * max(1.0, abs(float(nth)))
    return docs[scores >= nth - margin]
