"""Answering queries: one function computes the data (hits, total, facets) that the CLI and the
web render as text, JSON or HTML; the documents it pages, counts and ranks come from
`newsfind.search.engine`, as every other path's do. Filters on facet values are exact query
objects whose matches the engine intersects with the query's, never edits of the user's query text.

Syndicated copies (search/versions.py): by default each group of versions shows as its best-ranked
hit, with `group`, `group_size` and `other_versions`; `expand=True` shows every version. `total`
counts what is listed (groups, or versions when expanded), `total_versions` every matching
article; facets always count every matching article."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from newsfind.index.schema import split_values
from newsfind.search import engine, facet_counts, highlight
from newsfind.search.facets import DEFAULT_FACETS, FACETS_BY_NAME
from newsfind.search.query import QueryError, parse_query
from newsfind.search.versions import collapse, count_stories, group_sizes, versions_fields
from whoosh import query as wq

SORTS = ("relevance", "date", "-date")
MAX_PER_PAGE = 1000


@dataclass
class SearchRequest:
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> selected values
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    facets: list[str] | None = None  # None: the default set
    facet_size: int = 10
    snippets: bool = True
    expand: bool = False  # every version of a story as its own hit (default: one hit per group)

    def validate(self) -> None:
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if self.page < 1:
            raise QueryError(f"page must be 1 or more, not {self.page}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"limit must be between 1 and {MAX_PER_PAGE}, not {self.per_page}")
        for name in [*(self.facets or []), *self.filters]:
            if name not in FACETS_BY_NAME:
                raise QueryError(f"unknown facet {name!r}; facets are {', '.join(FACETS_BY_NAME)}")


def build_query(searcher, request: SearchRequest) -> tuple[wq.Query, wq.Query | None]:
    """(the user's query, the filter from selected facet values, or None)."""
    q = parse_query(request.query, searcher.schema)
    parts = [FACETS_BY_NAME[name].filter_query(values) for name, values in request.filters.items() if values]
    return q, (wq.And(parts) if parts else None)


def hit_data(hit, stored: dict) -> dict:
    score = hit.score if hit is not None else None
    return {
        "id": stored["id"],
        "title": stored.get("title", ""),
        "outlet": (split_values(stored.get("facet_outlet")) or [None])[0],
        "date": stored.get("date_text"),
        "date_precision": stored.get("date_precision"),
        "url": stored.get("url"),
        "score": round(score, 4) if isinstance(score, float | int) else None,  # None when sorted by date
        "snippet": "",
        "speakers": split_values(stored.get("facet_speaker")),
        "speaker_orgs": split_values(stored.get("facet_speaker_org")),
        "persons": split_values(stored.get("facet_person")),
        "orgs": split_values(stored.get("facet_org")),
        "places": split_values(stored.get("facet_place")),
        "authors": split_values(stored.get("facet_author")),
        "tags": split_values(stored.get("facet_tag")),
    }


def query_terms(q: wq.Query, fieldname: str) -> set[str]:
    return {text if isinstance(text, str) else text.decode("utf-8")
            for field, text in q.iter_all_terms() if field == fieldname}


def snippet_for(hit, stored: dict, q: wq.Query | None = None) -> str:
    """For a `speaker:`/`quote:` query, the quote that answers it; otherwise the best body fragments
    with matches marked; the article's lead when nothing in the body matched."""
    if q is not None:
        speaker_terms, quote_terms = query_terms(q, "speaker"), query_terms(q, "quote")
        # "Syria speaker:Lavrov": Lavrov's quote about Syria if there is one, else the body's fragments
        if speaker_terms and not quote_terms:
            quote_terms = query_terms(q, "body")
        if speaker_terms or quote_terms:
            schema = hit.searcher.schema
            found = highlight.quote_snippet(stored.get("quotes", []), speaker_terms, quote_terms,
                                            schema["speaker"].analyzer, schema["quote"].analyzer)
            if found:
                return found
    terms = {text.decode("utf-8") if isinstance(text, bytes) else text
             for field, text in (hit.matched_terms() or []) if field == "body"}
    phrases, phrase_only = highlight.phrase_parts(q, "body") if q is not None else ([], frozenset())
    raw = highlight.body_snippet(stored.get("body", ""), terms, hit.searcher.schema["body"].analyzer,
                                 phrases=phrases, phrase_only=phrase_only)
    if not raw or not highlight.has_marks(raw):
        return highlight.to_html(highlight.lead(stored.get("body", "")))
    return highlight.to_html(raw)


def _ranked_page(searcher, request: SearchRequest, matches: engine.Matches, first: int) -> tuple[list, int]:
    """The page's hits by relevance, and the total. With versions collapsed, N grows until the
    ranked prefix holds enough stories."""
    need = first + request.per_page
    n = need if request.expand else 2 * need
    while True:
        hits = engine.ranked_hits(searcher, matches, n)
        if request.expand:
            return hits[first:need], len(matches.docs)
        kept, _ = collapse(searcher, (hit.docnum for hit in hits))
        if len(kept) >= need or n >= len(matches.docs):
            return [hits[i] for i in kept[first:need]], count_stories(searcher, matches.docs)
        n *= 4


def _dated_page(searcher, request: SearchRequest, matches: engine.Matches, first: int) -> tuple[list, int]:
    """The page's hits in date order, and the total."""
    order = engine.by_date(searcher, matches.docs, request.sort)
    if request.expand:
        total, shown = len(order), order[first:first + request.per_page]
    else:
        kept, _ = collapse(searcher, order.tolist())
        total, shown = len(kept), order[kept[first:first + request.per_page]]
    return engine.hits_at(searcher, matches, shown, request.snippets), total


def search(searcher, request: SearchRequest) -> dict:
    """Run a search and return plain data: {query, total, total_versions, expand, page, per_page,
    sort, hits, facets}."""
    request.validate()
    q, filter_q = build_query(searcher, request)
    facet_names = DEFAULT_FACETS if request.facets is None else request.facets
    first = (request.page - 1) * request.per_page
    matches = engine.matching(searcher, q, filter_q)
    page = _ranked_page if request.sort == "relevance" else _dated_page
    shown, total = page(searcher, request, matches, first)
    hits = []
    for hit in shown:
        stored = hit.fields()
        data = hit_data(hit, stored)
        if request.snippets:
            data["snippet"] = snippet_for(hit, stored, q)
        data.update(versions_fields(searcher, stored, docnum=hit.docnum))
        hits.append(data)
    facets = {}
    if facet_names:
        chosen = [FACETS_BY_NAME[name] for name in facet_names]
        tables = facet_counts.tables_for(searcher, chosen)
        matched = matches.mask(searcher.doc_count_all())
        for facet in chosen:
            selected = facet.selected_values(request.filters.get(facet.name, []), tables[facet.name].values)
            groups = facet_counts.count(tables[facet.name], matched, facet, request.facet_size, selected,
                                        matches.docs)
            facets[facet.name] = facet.result(groups, request.facet_size, selected)
    return {
        "query": request.query,
        "total": total,
        "total_versions": len(matches.docs),
        "expand": request.expand,
        "page": request.page,
        "per_page": request.per_page,
        "sort": request.sort,
        "hits": hits,
        "facets": {name: [{"value": v.value, "count": v.count} for v in result.values]
                   for name, result in facets.items()},
        "facets_truncated": {name: result.truncated for name, result in facets.items()},
    }


def public_data(data: dict) -> dict:
    """`search()` data as `newsfind query --json` and `/api/search` publish it: without the
    internal `facets_truncated` (which only the text and HTML renderings use)."""
    return {key: value for key, value in data.items() if key != "facets_truncated"}


def article_data(stored: dict) -> dict:
    """Everything the index holds about one article."""
    data = hit_data(None, stored)
    del data["score"], data["snippet"]
    data.update({
        "author": ", ".join(data["authors"]) or None,
        "body": stored.get("body", ""),
        "source": stored.get("source"),
        "metadata_sources": stored.get("metadata_sources", {}),
        "quotes": [
            {**{k: q[k] for k in ("speaker", "speaker_type", "text", "start", "end", "kind", "cue", "rule",
                                  "confidence")},
             "probability": q.get("probability"),  # the model's; None: rules only, or stored before version 11
             # the others of a coordinated source and the model's probability of each (stored since version 17)
             "co_speakers": q.get("co_speakers", []), "co_probabilities": q.get("co_probabilities", [])}
            for q in stored.get("quotes", [])
        ],
        "mentions": stored.get("mentions", []),
    })
    return data


def quotes_by_speaker(quotes: list[dict]) -> dict[str | None, list[dict]]:
    """An article's quotes (`get_article`) grouped by who says them, in order of first appearance, each with
    `with`, the others who say it: a quote of a coordinated source ('“...,” Cruz and Rubio said') is listed under
    its speaker and under each co-speaker, there with that person's probability. None: quotes with no speaker
    found, listed last."""
    grouped: dict[str | None, list[dict]] = {}
    for q in sorted(quotes, key=lambda q: q["speaker"] is None):
        grouped.setdefault(q["speaker"], []).append({**q, "with": q["co_speakers"]})
        for other, p in zip(q["co_speakers"], q["co_probabilities"], strict=True):
            together = [v for v in (q["speaker"], *q["co_speakers"]) if v != other]
            grouped.setdefault(other, []).append(
                {**q, "speaker": other, "speaker_type": "person", "probability": p, "with": together})
    return grouped


def get_article(searcher, article_id: str) -> dict | None:
    """The article with `group`, `group_size` and every one of its `other_versions`."""
    stored = searcher.document(id=article_id)
    if not stored:
        return None
    return {**article_data(stored), **versions_fields(searcher, stored, limit=None)}


def iter_articles(searcher, query_text: str = "") -> Iterator[dict]:
    """Every article matching `query_text` (all when empty), in id order, for export; each marked
    with its syndication `group` and `group_size` (1: no other version in the index)."""
    q = parse_query(query_text, searcher.schema)
    docs = engine.matching(searcher, q).docs.tolist()
    if not docs:
        return
    ids = searcher.reader().column_reader("id")
    sizes = group_sizes(searcher)
    for docnum in sorted(docs, key=ids.__getitem__):
        stored = searcher.stored_fields(docnum)
        group = stored.get("group")
        yield {**article_data(stored), "group": group, "group_size": sizes.get(group, 1)}
