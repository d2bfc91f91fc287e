"""One entity (a person, organisation or place by its canonical value) across the index: how many
articles name it, when (day counts for a timeline), what it said, and who else appears with it.

Everything is computed with `search()` and exact facet filters, so counts agree with the facet
counts of a search page."""

from __future__ import annotations

from newsfind.index.schema import ENTITY_KINDS, FACETS
from newsfind.search import engine
from newsfind.search.searcher import SearchRequest, search
from whoosh import query as wq

# The facet whose values are this kind's speakers: quotes "by" an entity come from there.
SPEAKER_FACETS = {"person": "speaker", "org": "speaker_org"}
KIND_LABELS = {"person": "Person", "org": "Organisation", "place": "Place"}


def entity_data(searcher, kind: str, name: str, recent: int = 10, related: int = 12,
                max_quotes: int = 200) -> dict | None:
    """{kind, name, total, timeline, recent, cooccurring, quotes, quotes_total}, or None when no
    article names this entity (or `kind` is not an entity kind)."""
    if kind not in ENTITY_KINDS:
        return None
    facet_names = [*ENTITY_KINDS, "date"]
    data = search(searcher, SearchRequest(filters={kind: [name]}, per_page=recent, sort="-date",
                                          facets=facet_names, facet_size=related + 1, snippets=False))
    if data["total"] == 0:
        return None
    cooccurring = {
        other: [v for v in data["facets"][other] if not (other == kind and v["value"] == name)][:related]
        for other in ENTITY_KINDS
    }
    quotes, quotes_total = quotes_by(searcher, kind, name, max_quotes)
    return {
        "kind": kind,
        "label": KIND_LABELS[kind],
        "name": name,
        "total": data["total"],
        "timeline": data["facets"]["date"],  # [{value: "YYYY-MM-DD", count}] of dated articles
        "recent": data["hits"],
        "cooccurring": cooccurring,
        "quotes": quotes,
        "quotes_total": quotes_total,
    }


def quotes_by(searcher, kind: str, name: str, limit: int) -> tuple[list[dict], int]:
    """Quotes attributed to the entity (newest article first), at most `limit`, and how many there are."""
    speaker_facet = SPEAKER_FACETS.get(kind)
    if speaker_facet is None:
        return [], 0
    q = wq.Term(FACETS[speaker_facet][1], name)
    quotes: list[dict] = []
    total = 0
    for docnum in engine.by_date(searcher, engine.matching(searcher, q).docs, "-date").tolist():
        stored = searcher.stored_fields(docnum)
        for quote in stored.get("quotes", []):
            if quote.get("speaker") != name and name not in quote.get("co_speakers", ()):
                continue
            total += 1
            if len(quotes) < limit:
                quotes.append({
                    "text": quote["text"], "kind": quote.get("kind"), "cue": quote.get("cue"),
                    "start": quote.get("start"), "article_id": stored["id"], "title": stored.get("title", ""),
                    "date": stored.get("date_text"),
                })
    return quotes, total
