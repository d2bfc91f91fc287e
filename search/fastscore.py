"""Every match of a query and its score, without scoring every match in Python.

Whoosh scores a match with several Python calls (matcher id/next, weight, field length, BM25);
collecting every match of a broad query ("Obama", "Trump OR Clinton") at 37.5k articles cost most
of a query. Here the query tree is evaluated with numpy: each term's postings are read block by
block as arrays and scored with the same BM25F formula, compound queries are unions/intersections
of those arrays. That gives every matching document and its score, Whoosh's to within rounding
(the same formula summed in another order: at most 1e-9 apart, relative): the engine ranks by it
(`newsfind.search.engine`), or Whoosh ranks the candidates near the top N where it scored part of
the query (`whoosh_scored`); what each hit matched, for its snippet, comes from the same arrays.

Modelled: terms, AND/OR/AND NOT/ANDMAYBE, phrases (slop 1: positions decoded for the documents that
hold every word, all at once), prefixes, wildcards and fuzzy terms (the union of the terms they
expand to, as Whoosh scores them) and date ranges (the `date` column compared as an array; other
numeric ranges through the trie terms Whoosh compiles them to). Other query parts are scored
exactly by their own Whoosh matcher, document by document; a query that is such a part as a whole
is left to the engine entirely (`evaluate` returns None).
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain

import numpy as np
from newsfind.index.whoosh_ext import columns, postings, queries
from newsfind.search import postings_cache
from newsfind.search.scored_sets import intersection, union
from newsfind.search.whoosh_rank import DocSet, candidates, restricted
from whoosh import query as wq
from whoosh.columns import NumericColumn
from whoosh.fields import DATETIME
from whoosh.formats import Positions
from whoosh.scoring import BM25F
from whoosh.util.times import datetime_to_long

__all__ = ["DocSet", "Evaluation", "Unsupported", "candidates", "column_values", "evaluate", "restricted"]

_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Unsupported(Exception):
    """The query (or the index) is outside what this module models exactly."""


class _Evaluator:
    def __init__(self, searcher, needs_current: bool) -> None:
        self.searcher = searcher
        self.needs_current = needs_current  # the collector that ranks will ask for matched terms
        self.leaves = searcher.leaf_searchers()
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise Unsupported("weighting")
        self.weighting = weighting
        self.context = searcher.context(needs_current=needs_current)
        # id(node) -> (node, its matching docnums, sorted; its leaf terms: [(text, docnums holding it)])
        self.memo: dict[int, tuple[wq.Query, np.ndarray, list[tuple[bytes, np.ndarray]]]] = {}
        self.whoosh_scored = False  # some part was scored by Whoosh's own matcher

    # -- leaves ---------------------------------------------------------------------------------

    def term(self, q: wq.Term):
        if q.fieldname not in self.searcher.schema:
            return _EMPTY
        try:
            text = self.searcher.schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return _EMPTY
        docs, scores = self.postings(q.fieldname, text)
        self._leaf_terms = [(text, docs)]
        if q.boost != 1.0:
            scores = scores * q.boost
        return docs, scores

    def postings(self, fieldname: str, text: bytes):
        """Every document holding the term, with its BM25F score (Whoosh's formula)."""
        searcher = self.searcher
        field = searcher.schema[fieldname]
        scorable = field.scorable
        if scorable:
            B = queries.field_b(self.weighting, fieldname)
            if B is None:
                raise Unsupported("weighting")
            K1 = self.weighting.K1
            # idf only once the term is found, as Whoosh's term matcher does: Whoosh's idf is
            # log(N / (n + 1)) + 1, a math domain error on an index of no documents (N = 0)
            idf = None
            avgfl = searcher.avg_field_length(fieldname) or 1
        ids_parts, score_parts = [], []
        for sub, offset in self.leaves:
            reader = sub.reader()
            found = postings_cache.CACHE.get(reader, fieldname, text)
            if found is None:
                if (fieldname, text) not in reader:
                    continue
                found = self._decode(sub, fieldname, text, scorable)
                postings_cache.CACHE.put(reader, fieldname, text, found)
            local, w, fl = found
            if scorable and idf is None:
                idf = searcher.idf(fieldname, text)
            s = idf * ((w * (K1 + 1)) / (w + K1 * ((1 - B) + B * fl / avgfl))) if scorable else w
            ids_parts.append(local + offset)
            score_parts.append(s)
        if not ids_parts:
            return _EMPTY
        return np.concatenate(ids_parts), np.concatenate(score_parts)

    def _decode(self, sub, fieldname: str, text: bytes, scorable: bool):
        """(local docnums, weights, field lengths) of a term in one segment, deleted documents out."""
        reader = sub.reader()
        found = postings.term_postings(reader, fieldname, text)
        if found is None:
            raise Unsupported("codec")
        local, w = found
        fl = np.zeros(0)
        if scorable:
            fl = columns.field_lengths(reader, fieldname, local)
            if fl is None:
                raise Unsupported("lengths")
        return local, w, fl

    def expanded(self, q: wq.MultiTerm):
        """Prefix, wildcard, fuzzy term, term range: Whoosh ORs the terms it expands to in each
        segment and scores them with the searcher's weighting (its `constantscore` only sets the
        weighting to None, which `searcher.postings` replaces with the default). The OR's boost
        is skipped in a segment with one expansion, so only boost 1 is modelled. Expanded segment by
        segment, as Whoosh's matcher does: a fuzzy term's edit distance is the plain Levenshtein of a
        segment's automaton, never the Damerau-Levenshtein (transpositions) of a multi-segment reader."""
        if q.boost != 1.0 or q.fieldname not in self.searcher.schema:
            raise _Exact
        found: set[bytes] = set()
        for sub, _ in self.leaves:
            expanded = queries.expansions(q, sub.reader())
            if expanded is None:
                raise _Exact
            # bytes, as the index stores them (a fuzzy term's automaton gives str)
            found.update(t.encode("utf-8") if isinstance(t, str) else t for t in expanded if t)
        texts = sorted(found)
        parts = [self.postings(q.fieldname, text) for text in texts]
        self._leaf_terms = [(text, docs) for text, (docs, _) in zip(texts, parts, strict=True)]
        return union(parts) if parts else _EMPTY

    def date_range(self, q: wq.NumericRange):
        """A range on the sortable `date` column: its raw values (microseconds, Whoosh's
        `datetime_to_long`) compared as an array. Whoosh compiles the range to disjoint trie
        terms, so a document (one date) matches one term of weight 1: its score is 1 with the
        matcher needed or not (ConstantScoreQuery's boost 1 otherwise). Other numeric ranges: the
        compiled trie terms and term ranges."""
        field = dict(self.searcher.schema.items()).get(q.fieldname)
        if isinstance(field, DATETIME) and isinstance(field.column_type, NumericColumn):
            return self._date_column_range(q, field)
        compiled = queries.compiled_range(q, self.searcher.reader())
        if compiled is None:
            raise _Exact
        if isinstance(compiled, wq.ConstantScoreQuery):
            docs, scores = self.node(compiled.child)
            return docs, (scores if self.needs_current else np.full(len(docs), compiled.score))
        if isinstance(compiled, type(wq.NullQuery)):
            return _EMPTY
        return self.node(compiled)

    def _date_column_range(self, q: wq.DateRange, field):
        lo = 0 if q.start is None else _as_long(q.start) + bool(q.startexcl)
        hi = None if q.end is None else _as_long(q.end) - bool(q.endexcl)
        missing = field.column_type.default_value()
        parts = []
        for sub, offset in self.leaves:
            values = self._column(sub, q.fieldname, field.column_type)
            inside = (values >= lo) & (values != missing)
            if hi is not None:
                inside &= values <= hi
            parts.append(np.flatnonzero(inside) + offset)
        docs = np.concatenate(parts) if parts else _EMPTY[0]
        return docs, np.ones(len(docs), dtype=np.float64)

    def _column(self, sub, fieldname: str, column_type) -> np.ndarray:
        """A segment's numeric column as an array (the default where a value is missing); deleted
        documents excluded by setting them to the default."""
        values = columns.numeric_values(sub.reader(), fieldname, column_type)
        if values is None:
            raise _Exact
        return values

    def phrase(self, q: wq.Phrase):
        """Documents with the words at consecutive positions (slop 1, the only phrase the query
        language writes); score = the sum of the words' scores, as Whoosh's SpanNear2 over an
        intersection gives. Positions are decoded only for documents that hold every word."""
        schema = self.searcher.schema
        if q.slop != 1 or q.fieldname not in schema or not q.words:
            raise _Exact
        field = schema[q.fieldname]
        if type(field.format) is not Positions:
            raise _Exact  # Whoosh raises its own error for a field without positions
        try:
            words = [field.to_bytes(word) for word in q.words]
        except ValueError:
            return _EMPTY
        docs, scores = intersection([self.postings(q.fieldname, word) for word in words])
        if not len(docs):
            return _EMPTY
        keep = np.zeros(len(docs), dtype=bool)
        # the documents of a segment that hold the phrase depend on nothing but the segment's state:
        # cached with the postings (a key no term can have: NUL bytes between the words)
        phrase_key = b"\x00phrase\x00" + b"\x00".join(words)
        for sub, offset in self.leaves:
            lo, hi = np.searchsorted(docs, [offset, offset + sub.doc_count_all()])
            if lo < hi:
                reader, local = sub.reader(), docs[lo:hi] - offset
                cached = postings_cache.CACHE.get(reader, q.fieldname, phrase_key)
                if cached is None:
                    cached = (local[_consecutive(reader, q.fieldname, words, local)],)
                    postings_cache.CACHE.put(reader, q.fieldname, phrase_key, cached)
                keep[lo:hi] = np.isin(local, cached[0], assume_unique=True)
        docs, scores = docs[keep], scores[keep]
        self._leaf_terms = [(word, docs) for word in words]  # a phrase's words match where it does
        return docs, (scores * q.boost if q.boost != 1.0 else scores)

    def exact(self, q: wq.Query):
        """Any query, scored by its own Whoosh matcher (exact; one Python step per match)."""
        self.whoosh_scored = True
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
        self._leaf_terms = []
        try:
            docs, scores = self._modelled_node(q)
        except _Exact:
            docs, scores = self.exact(q)
            self._leaf_terms = []
        leaf_terms = self._leaf_terms if type(q) in _LEAVES else []
        self.memo[id(q)] = (q, docs, leaf_terms)
        return docs, scores

    def matched_terms(self, q: wq.Query, docnum: int) -> list[tuple[str, bytes]] | None:
        """The (field, text) terms by which `docnum` matches `q`, as Whoosh's collector records them
        (the leaves positioned on the document: not a NOT's, not a phrase's words where the phrase
        does not match, not a date range's trie terms); None when `docnum` does not match `q`."""
        _, docs, leaf_terms = self.memo[id(q)]
        if not _holds(docs, docnum):
            return None
        kind = type(q)
        if kind in _LEAVES:
            return [(q.fieldname, text) for text, where in leaf_terms if _holds(where, docnum)]
        if kind in (wq.Or, wq.And):
            found = [self.matched_terms(sub, docnum) for sub in q.subqueries]
            return list(chain.from_iterable(terms for terms in found if terms))
        if kind is wq.AndNot:
            return self.matched_terms(q.a, docnum)
        if kind is wq.AndMaybe:
            return [*self.matched_terms(q.a, docnum), *(self.matched_terms(q.b, docnum) or [])]
        return []  # date and numeric ranges

    def _modelled_node(self, q: wq.Query):
        kind = type(q)
        if kind is wq.Term:
            return self.term(q)
        if kind is wq.Phrase:
            return self.phrase(q)
        if kind in _EXPANDING and getattr(q, "text", None) != "":
            return self.expanded(q)
        if kind in (wq.NumericRange, wq.DateRange) and q.boost == 1.0:
            return self.date_range(q)
        if kind in (wq.Or, wq.And) and not getattr(q, "scale", None) and not getattr(q, "minmatch", 0):
            parts = [self.node(sub) for sub in q.subqueries]
            if not parts:
                return _EMPTY
            docs, scores = (union if kind is wq.Or else intersection)(parts)
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
        raise _Exact


class _Exact(Exception):
    """This part is not modelled: score it with its own Whoosh matcher."""


def _as_long(bound) -> int:
    """A range bound as Whoosh's datetime long (DateRange holds longs already)."""
    if isinstance(bound, datetime):
        return datetime_to_long(bound)
    if isinstance(bound, int) and not isinstance(bound, bool):
        return bound
    raise _Exact


_EXPANDING = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.TermRange)
_LEAVES = (wq.Term, wq.Phrase, *_EXPANDING)  # the nodes whose own terms a match records


def _holds(docs: np.ndarray, docnum: int) -> bool:
    """Whether the sorted `docs` hold `docnum`."""
    i = int(np.searchsorted(docs, docnum))
    return i < len(docs) and int(docs[i]) == docnum


def _consecutive(reader, fieldname: str, words: list[bytes], local_docs: np.ndarray) -> np.ndarray:
    """For each of `local_docs` (each holds every word): do the words occur at consecutive
    positions, word i at p + i? Keys doc * 2**32 + p, intersected word by word."""
    keys = None
    for i, word in enumerate(words):
        found = postings.term_positions(reader, fieldname, word, local_docs)
        if found is None:
            raise _Exact
        owner, positions = found
        word_keys = np.unique(owner * 2**32 + (positions - i))
        keys = word_keys if keys is None else keys[np.isin(keys, word_keys, assume_unique=True)]
        if not len(keys):
            break
    found = np.zeros(len(local_docs), dtype=bool)
    if keys is not None and len(keys):
        found[np.unique(keys >> 32)] = True
    return found




def _modelled(q: wq.Query) -> bool:
    return type(q) in (wq.Term, wq.Or, wq.And, wq.AndNot, wq.AndMaybe, wq.Phrase, wq.DateRange,
                       wq.NumericRange, *_EXPANDING)


class Evaluation:
    """Every match of a query with its score, and what a matching document matched."""

    def __init__(self, q: wq.Query, docs: np.ndarray, scores: np.ndarray, evaluator: _Evaluator) -> None:
        self.q = q
        self.docs = docs  # every matching global docnum, sorted
        self.scores = scores  # each one's score
        self.whoosh_scored = evaluator.whoosh_scored  # then Whoosh ranks the candidates (see above)
        self._evaluator = evaluator

    def ranked(self, positions: np.ndarray, n: int) -> np.ndarray:
        """Of the matches at `positions` (indexes into `docs`), the `n` best in ranking order: by
        score, ties by docnum (Whoosh's order)."""
        scores = self.scores[positions]
        if n < len(positions):
            nth = np.partition(scores, len(scores) - n)[len(scores) - n]
            keep = np.flatnonzero(scores >= nth)
            positions, scores = positions[keep], scores[keep]
        order = np.lexsort((self.docs[positions], -scores))[:n]
        return positions[order]

    def matched_terms(self, docnum: int) -> list[tuple[str, bytes]]:
        """(field, text) of each query term by which `docnum` matched, as Whoosh's `Hit.matched_terms`
        gives them (without a date range's trie terms)."""
        return self._evaluator.matched_terms(self.q, docnum) or []

    def part_docs(self, part: wq.Query) -> np.ndarray | None:
        """The documents (sorted) that `part`, a node of the query, matched; None if not evaluated."""
        memo = self._evaluator.memo.get(id(part))
        return memo[1] if memo is not None else None


def evaluate(searcher, q: wq.Query, needs_current: bool = False) -> Evaluation | None:
    """Every match of `q` with its score, or None when the query as a whole is not modelled here
    (then Whoosh's collector is as fast as anything). `needs_current`: the ranking will need
    matched terms (Whoosh then scores date ranges by their terms instead of a constant)."""
    if not _modelled(q):
        return None
    evaluator = _Evaluator(searcher, needs_current)
    try:
        docs, scores = evaluator.node(q)
    except Unsupported:
        return None
    order = np.argsort(docs, kind="stable")
    return Evaluation(q, docs[order], scores[order], evaluator)


def column_values(searcher, fieldname: str) -> np.ndarray:
    """The raw values of a numeric column for every document by global docnum (the column's default
    where a document has none or is deleted), as date ranges compare them: date sorts order by them."""
    evaluator = _Evaluator(searcher, needs_current=False)
    column_type = searcher.schema[fieldname].column_type
    try:
        parts = [evaluator._column(sub, fieldname, column_type) for sub, _ in evaluator.leaves]
    except _Exact:
        raise Unsupported(f"{fieldname} column") from None
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
