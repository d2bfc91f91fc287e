"""The matching set of a request, and its orders: one engine for every path.

Which documents a request matches (its query, its facet filters, its dates) is decided here and
only here. The search page (hits, pages, totals, facet counts, snippets) in every sort, `export`,
the CSV and JSON Lines downloads, bulk tagging (`tag --query`, "Tag all N"), entity pages and
more-like-this all take their documents from `matching`. When relevance came from numpy and the
other paths from Whoosh's collector, the two disagreed: Whoosh's AND NOT matcher kept documents
the query excludes (`"health care" -Obama`: index/whoosh_ext/boolean_matchers.py).

The set is fastscore's evaluation of the query when fastscore models every part of it (its
documents are then exact by construction); otherwise `members`: the query language's set
semantics over the query tree (AND: intersection, OR: union, AND NOT and NOT: difference, `*`:
every live document), each leaf's documents from fastscore, or from the leaf's own Whoosh matcher
where fastscore does not model the leaf (a phrase with slop). Deleted documents are never in it.
Whoosh still scores and orders a given set where fastscore cannot (`whoosh_rank`), never more.

Orders of the set: by relevance, fastscore's scores (ties by docnum, as Whoosh breaks them), or
Whoosh's ranking of the candidates near the top N where Whoosh scored part of the query; by date,
the `dated` and `date` columns sorted with numpy, exactly as Whoosh's sort keys order them
(undated articles last, ties by docnum).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial, reduce

import numpy as np
from newsfind.index.whoosh_ext import columns
from newsfind.search import fastscore
from newsfind.search.whoosh_rank import candidates, restricted
from whoosh import query as wq
from whoosh import sorting

_NO_DOCS = np.zeros(0, dtype=np.int64)
_intersect = partial(np.intersect1d, assume_unique=True)


@dataclass(frozen=True)
class Matches:
    """Every document a request matches, and what ranks them."""

    q: wq.Query  # the user's query: scores and snippets come from it, never from the filters
    docs: np.ndarray  # every live matching global docnum, sorted
    found: fastscore.Evaluation | None  # the query's scores and matched terms; None: not modelled

    def mask(self, doc_count: int) -> np.ndarray:
        """The matches as a boolean array over docnums (what facet counts take)."""
        matched = np.zeros(doc_count, dtype=bool)
        matched[self.docs] = True
        return matched

    def without(self, docnum: int) -> Matches:
        return replace(self, docs=self.docs[self.docs != docnum])


def matching(searcher, q: wq.Query, filter_q: wq.Query | None = None) -> Matches:
    """Every live document matching `q` and `filter_q` (facet values, dates). Scored as Whoosh scores
    when it records matched terms (for snippets), snippets asked or not: Whoosh scores a boosted
    date range by its trie terms then, by a constant otherwise, and the order must not depend on
    whether a page shows snippets."""
    found = fastscore.evaluate(searcher, q, True)  # needs_current: scored as when terms are recorded
    docs = found.docs if found is not None and not found.whoosh_scored else members(searcher, q, found)
    if filter_q is not None:
        docs = _intersect(docs, members(searcher, filter_q))
    return Matches(q, docs, found)


def members(searcher, q: wq.Query, found: fastscore.Evaluation | None = None) -> np.ndarray:
    """The live documents matching `q` (sorted global docnums), by the query language's set
    semantics; a leaf's documents from `found` (fastscore's evaluation of the whole query) or from
    fastscore alone where it models the leaf, else from the leaf's own Whoosh matcher. Boosts
    change scores, never membership."""
    kind = type(q)
    if kind is type(wq.NullQuery):
        return _NO_DOCS
    if kind is wq.Every and q.fieldname is None:
        return live_docs(searcher)
    if kind is wq.Not:
        return np.setdiff1d(live_docs(searcher), members(searcher, q.query, found), assume_unique=True)
    if kind in (wq.And, wq.Or) and not getattr(q, "minmatch", 0):
        parts = [members(searcher, sub, found) for sub in q.subqueries]
        return reduce(_intersect if kind is wq.And else np.union1d, parts) if parts else _NO_DOCS
    if kind is wq.AndNot:
        return np.setdiff1d(members(searcher, q.a, found), members(searcher, q.b, found), assume_unique=True)
    if kind is wq.AndMaybe:
        return members(searcher, q.a, found)
    docs = found.part_docs(q) if found is not None else None
    if docs is not None:
        return docs
    found = fastscore.evaluate(searcher, q)  # a leaf: Whoosh's own matcher scores what is not modelled
    if found is not None:
        return found.docs
    return np.sort(np.fromiter(searcher.docs_for_query(q), dtype=np.int64))


def live_docs(searcher) -> np.ndarray:
    """Every document that is not deleted, as sorted global docnums."""
    docs = np.arange(searcher.doc_count_all(), dtype=np.int64)
    if not searcher.reader().has_deletions():
        return docs
    deleted = []
    for sub, offset in searcher.leaf_searchers():
        local = columns.deleted_docs(sub.reader())
        if local is None:  # Whoosh's internals unreadable: its public (slower) list of live documents
            return np.fromiter(searcher.reader().all_doc_ids(), dtype=np.int64)
        deleted += [offset + d for d in local]
    return np.setdiff1d(docs, np.asarray(deleted, dtype=np.int64), assume_unique=True)


class RankedHit:
    """A hit from the engine: what the rendering asks of Whoosh's `Hit`. Matched terms are given
    (recorded by Whoosh), or read from fastscore's evaluation of the whole query."""

    __slots__ = ("searcher", "docnum", "score", "_found", "_terms")

    def __init__(self, searcher, docnum: int, score: float | None, found: fastscore.Evaluation | None,
                 terms: list[tuple[str, bytes]] | None = None) -> None:
        self.searcher, self.docnum, self.score, self._found, self._terms = searcher, docnum, score, found, terms

    def fields(self) -> dict:
        return self.searcher.stored_fields(self.docnum)

    def matched_terms(self) -> list[tuple[str, bytes]]:
        if self._terms is not None:
            return self._terms
        return self._found.matched_terms(self.docnum) if self._found is not None else []


def ranked_hits(searcher, matches: Matches, n: int) -> list[RankedHit]:
    """The best `n` matches in ranking order, as hits. From fastscore's scores; where Whoosh scored
    part of the query, Whoosh ranks the candidates near the N-th best, and every match of a query
    fastscore does not model."""
    found = matches.found
    if found is None and type(matches.q) in (wq.Every, wq.Not):
        # Whoosh scores every match of `*` and of a NOT alone 1.0 (ListMatcher, InverseMatcher): docnum order
        return [RankedHit(searcher, docnum, 1.0, None) for docnum in matches.docs[:n].tolist()]
    if found is not None:
        positions = (np.arange(len(found.docs)) if matches.docs is found.docs
                     else np.flatnonzero(np.isin(found.docs, matches.docs, assume_unique=True)))
        if not found.whoosh_scored:
            best = found.ranked(positions, n).tolist()
            return [RankedHit(searcher, int(found.docs[i]), float(found.scores[i]), found) for i in best]
        chosen = candidates(found.docs[positions], found.scores[positions], n)
    else:
        chosen = matches.docs
    results = _whoosh_results(searcher, matches.q, chosen)
    return [RankedHit(searcher, hit.docnum, hit.score, found, hit.matched_terms()) for hit in results[:n]]


def hits_at(searcher, matches: Matches, docnums: np.ndarray, terms: bool) -> list[RankedHit]:
    """Hits for `docnums` (matches), in that order, without a score: a page of a date sort. Matched
    terms (`terms`, for snippets) come from fastscore's evaluation, or where Whoosh scored part of
    the query (or all of it), from Whoosh's matchers on these documents alone."""
    found = matches.found
    if not terms or (found is not None and not found.whoosh_scored):
        return [RankedHit(searcher, docnum, None, found) for docnum in docnums.tolist()]
    recorded = {hit.docnum: hit.matched_terms() for hit in _whoosh_results(searcher, matches.q, docnums)}
    return [RankedHit(searcher, docnum, None, None, recorded[docnum]) for docnum in docnums.tolist()]


def _whoosh_results(searcher, q: wq.Query, docnums: np.ndarray):
    """Whoosh's results of `q` on `docnums` only, best first, with the terms each matched (scored
    as `matching` says). optimize=False and no limit: Whoosh's block-quality shortcuts can return
    a lower-scoring top N."""
    top = searcher.collector(limit=None, terms=True, optimize=False)
    searcher.search_with_collector(restricted(searcher, q, docnums), top)
    return top.results()


def by_date(searcher, docs: np.ndarray, sort: str) -> np.ndarray:
    """`docs` (sorted) ordered oldest first (`date`) or newest first (`-date`), undated last, ties
    by docnum: Whoosh's sort keys (the raw column values, `0 - value` reversed) sorted with numpy."""
    try:
        dated = fastscore.column_values(searcher, "dated")[docs]
        date = fastscore.column_values(searcher, "date")[docs]
    except fastscore.Unsupported:  # a column or an index fastscore cannot read: Whoosh sorts
        facet = sorting.MultiFacet([sorting.FieldFacet("dated", reverse=True),
                                    sorting.FieldFacet("date", reverse=sort == "-date")])
        results = searcher.search(restricted(searcher, wq.Every(), docs), limit=None, sortedby=facet)
        return np.asarray([docnum for _, docnum in results.top_n], dtype=np.int64)
    # unsigned columns: ~value orders as Whoosh's 0 - value; lexsort is stable, so ties stay by docnum
    return docs[np.lexsort((date if sort == "date" else ~date, ~dated))]


def ordered_hits(searcher, matches: Matches, sort: str) -> list:
    """Every match as a hit (without matched terms), in the order of `sort` (relevance, date, -date)."""
    if sort == "relevance":
        return ranked_hits(searcher, matches, len(matches.docs))
    return hits_at(searcher, matches, by_date(searcher, matches.docs, sort), terms=False)
