"""Curation applied to one Whoosh document: tags, metadata corrections and entity rules.

`curate(doc, article, rules)` takes a document as the indexer builds it (`writer.document_fields`)
or as the index stores it, and returns the document to write. It never loses what extraction said:
the original value of every field curation changed is kept in the stored field `extracted`, so a
correction that is removed or undone restores the extracted value without re-running spaCy, and
curating a document twice gives the same document (idempotent).

The fields derived from stored values (search fields, `date`, `year`, `month`, `quote`) are built
here exactly as `writer.document_fields` builds them; every other stored field is kept as it is.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from newsfind.index.curation.rules import EntityRule, apply_rules
from newsfind.index.nlp.metadata import ArticleDate, make_date, split_authors
from newsfind.index.schema import ENTITY_KINDS, FACETS, join_searchable, join_values, split_values

# Stored values that extraction produced and curation may change.
BASE_FIELDS = ("title", "date_text", "date_precision", "metadata_sources", "quotes", "mentions",
               *(facet_field for name, (_, facet_field) in FACETS.items() if name != "tag"))
# Fields computed from the base values (not stored, or stored only as a copy).
DERIVED_FIELDS = (*(search_field for search_field, _ in FACETS.values()), FACETS["tag"][1],
                  "date", "dated", "year", "month", "quote", "extracted")
MANAGED_FIELDS = frozenset(BASE_FIELDS) | frozenset(DERIVED_FIELDS)
# What `needs_update` compares: the stored managed fields.
COMPARED_FIELDS = (*BASE_FIELDS, FACETS["tag"][1], "year", "month", "extracted")
CORRECTABLE = ("outlet", "date", "author", "title")

_DATE_VALUE = re.compile(r"^(?:(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?"
                         r"|--(?P<md_m>\d{1,2})-(?P<md_d>\d{1,2}))$")


@dataclass(frozen=True)
class Correction:
    value: str  # '' means "none"
    change_id: int
    who: str


@dataclass
class ArticleCuration:
    """What archivists said about one article."""

    tags: list[str] = field(default_factory=list)  # labels, sorted
    corrections: dict[str, Correction] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.tags or self.corrections)


def parse_date_value(text: str) -> ArticleDate:
    """A corrected date: YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD (month and day, year unknown)."""
    m = _DATE_VALUE.match(text.strip())
    parsed = None
    if m and m["y"]:
        parsed = make_date(int(m["y"]), int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None)
    elif m:
        parsed = make_date(None, int(m["md_m"]), int(m["md_d"]))
    if parsed is None:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD")
    return parsed


def original_base(doc: dict) -> dict:
    """The extracted values of a document: its stored values, with `extracted` put back."""
    base = {name: copy.deepcopy(doc.get(name)) for name in BASE_FIELDS}
    base.update(copy.deepcopy(doc.get("extracted") or {}))
    return base


def apply_corrections(base: dict, corrections: dict[str, Correction]) -> None:
    for name, correction in corrections.items():
        value = correction.value
        if name == "title":
            base["title"] = value
            # Marks in the title point into the extracted title: they go with it.
            base["mentions"] = [m for m in base.get("mentions") or [] if m.get("field") != "title"]
            continue
        if name == "outlet":
            base[FACETS["outlet"][1]] = join_values([value]) if value else ""
        elif name == "author":
            base[FACETS["author"][1]] = join_values(split_authors(value))
        elif name == "date":
            date = parse_date_value(value) if value else None
            base["date_text"] = date.text if date else None
            base["date_precision"] = date.precision if date else None
        sources = dict(base.get("metadata_sources") or {})
        sources[name] = f"correction #{correction.change_id} by {correction.who}" + ("" if value else " (none)")
        base["metadata_sources"] = sources


def derive(base: dict, tags: list[str]) -> dict:
    """The whole set of managed fields of a document from its (curated) base values, built as
    `writer.document_fields` builds them."""
    doc = {name: base.get(name) for name in BASE_FIELDS}
    doc["metadata_sources"] = doc["metadata_sources"] or {}
    doc["quotes"] = doc["quotes"] or []
    doc["mentions"] = doc["mentions"] or []
    doc["title"] = doc["title"] or ""
    date = parse_date_value(base["date_text"]) if base.get("date_text") else None
    doc["dated"] = 1 if date and date.when else 0
    if date and date.when:
        doc["date"] = date.when
    if date and date.year:
        doc["year"] = f"{date.year:04d}"
    if date and date.month_key:
        doc["month"] = date.month_key
    surfaces: dict[str, list[str]] = {}
    for m in doc["mentions"]:
        surfaces.setdefault(m["value"], []).append(m["text"])
    for name, (search_field, facet_field) in FACETS.items():
        if name == "tag":
            doc[facet_field] = join_values(tags)
            # KEYWORD lowercases; the case-folded key is added so that e.g. "STRASSE" finds "Straße".
            doc[search_field] = join_values(dict.fromkeys([*tags, *(t.casefold() for t in tags)]))
            continue
        values = split_values(base.get(facet_field))
        doc[facet_field] = join_values(values)
        searchable = []
        for v in values:
            searchable.append(v)
            if name in ENTITY_KINDS:
                searchable.extend(s for s in dict.fromkeys(surfaces.get(v, [])) if s != v)
        doc[search_field] = join_searchable(searchable)
    doc["quote"] = join_searchable(q["text"] for q in doc["quotes"] if q.get("speaker"))
    return doc


def curate(doc: dict, article: ArticleCuration | None, rules: list[EntityRule]) -> tuple[dict, set[int]]:
    """The document with curation applied, and the ids of the entity rules that changed it.
    A document no curation touches (and never did) comes back as it is."""
    article = article or ArticleCuration()
    original = original_base(doc)
    base = copy.deepcopy(original)
    applied = apply_rules(base, doc["id"], rules)
    apply_corrections(base, article.corrections)
    if not (applied or article or doc.get("extracted") or doc.get(FACETS["tag"][1])):
        return doc, applied
    out = {name: value for name, value in doc.items() if name not in MANAGED_FIELDS}
    out.update(derive(base, article.tags))
    extracted = {name: original[name] for name in BASE_FIELDS if _empty(original[name]) != _empty(base[name])}
    if extracted:
        out["extracted"] = extracted
    return {name: value for name, value in out.items() if value is not None}, applied


def _empty(value):
    """None, '' and empty containers compare equal (the index drops or keeps them as it likes)."""
    return None if value in (None, "", [], {}) else value


def needs_update(stored: dict, curated: dict) -> bool:
    """True if the stored document differs from what curation says it should be."""
    return any(_empty(stored.get(name)) != _empty(curated.get(name)) for name in COMPARED_FIELDS)
