"""Browsing helpers on top of `search()`: all values of one facet (optionally only those containing
some text), every hit of a request for export, the ids a bulk change applies to, and the articles
most like a given one.

They reuse `build_query` / `search` from `newsfind.search.searcher` and take their documents from
`newsfind.search.engine`, so filters, dates, query errors and the matching set are exactly a search's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from newsfind.search import engine
from newsfind.search.facets import FACETS_BY_NAME, FacetResult, FacetValue
from newsfind.search.query import QueryError
from newsfind.search.searcher import SearchRequest, article_data, build_query, hit_data, search
from newsfind.search.versions import group_sizes
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

MAX_FACET_VALUES = 1000
# Whoosh's list plus frequent news words, as the body analyser stems them: not "key terms" of an article.
_NOT_KEY_TERMS = STOP_WORDS | frozenset("""
    wa were ha had been said sai say their they thei he she his her who which would also but about after
    than there other what all more one two new onli over into ani could should been
    """.split())


def facet_values(searcher, request: SearchRequest, name: str, contains: str = "", size: int = 50) -> FacetResult:
    """Values of facet `name` with their counts over the request's result set, most frequent first;
    only values containing `contains` (case-insensitive) when given; `truncated` when more exist."""
    if name not in FACETS_BY_NAME:
        raise QueryError(f"unknown facet {name!r}; facets are {', '.join(FACETS_BY_NAME)}")
    if not 1 <= size <= MAX_FACET_VALUES:
        raise QueryError(f"size must be between 1 and {MAX_FACET_VALUES}, not {size}")
    counting = replace(request, page=1, per_page=1, facets=[name], facet_size=None, snippets=False)
    data = search(searcher, counting)
    needle = contains.strip().casefold()
    facet = FACETS_BY_NAME[name]
    chosen = {facet.key(v) for v in request.filters.get(name, [])}
    matching = [v for v in data["facets"][name] if needle in v["value"].casefold()]
    shown = matching[:size]
    # As in a search: a selected value stays listed (so it can be unselected) even outside the top `size`.
    shown += [v for v in matching[size:] if facet.key(v["value"]) in chosen]
    return FacetResult(
        name, facet.label,
        [FacetValue(v["value"], v["count"], facet.key(v["value"]) in chosen) for v in shown],
        truncated=len(matching) > size,
    )


def iter_hits(searcher, request: SearchRequest, full: bool = False) -> Iterator[dict]:
    """Every hit of `request` (all pages), in its sort order: hit data, or the whole article with
    `full` (as `newsfind export` writes it). Raises `QueryError` before yielding anything."""
    request.validate()
    q, filter_q = build_query(searcher, request)
    return _iter_hits(searcher, q, filter_q, request.sort, full)


def _iter_hits(searcher, q, filter_q, sort: str, full: bool) -> Iterator[dict]:
    hits = engine.ordered_hits(searcher, engine.matching(searcher, q, filter_q), sort)
    sizes = group_sizes(searcher) if full else {}
    for hit in hits:
        stored = hit.fields()
        if full:  # as `newsfind export` writes it, syndication group included
            group = stored.get("group")
            yield {**article_data(stored), "group": group, "group_size": sizes.get(group, 1)}
        else:
            data = hit_data(hit, stored)
            del data["snippet"]
            if sort != "relevance":
                data["score"] = None
            yield data


def matching_ids(searcher, q, filter_q=None) -> list[str]:
    """The ids of every document matching `q` (and `filter_q`), sorted: what a bulk change applies to."""
    docs = engine.matching(searcher, q, filter_q).docs.tolist()
    if not docs:
        return []
    ids = searcher.reader().column_reader("id")
    return sorted(ids[docnum] for docnum in docs)


def similar_articles(searcher, article_id: str, top: int = 5, numterms: int = 12) -> list[dict]:
    """The articles most like `article_id` by the key terms of its body (Whoosh's more-like-this,
    without stop words, and without the block-quality shortcut that can return a worse top N)."""
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        return []
    terms = searcher.key_terms([docnum], "body", numterms=numterms * 3)
    terms = [(t, w) for t, w in terms if t not in _NOT_KEY_TERMS and len(t) > 2][:numterms]
    if not terms:
        return []
    q = wq.Or([wq.Term("body", t, boost=w) for t, w in terms])
    out = []
    for hit in engine.ranked_hits(searcher, engine.matching(searcher, q).without(docnum), top):
        data = hit_data(hit, hit.fields())
        del data["snippet"]
        out.append(data)
    return out
