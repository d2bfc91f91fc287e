"""Facets: small classes, one per kind, that the CLI and the web both iterate.

Each facet names the field it counts (counting itself is `search/facet_counts.py`), turns the
counts into a plain `FacetResult`, and builds the exact filter query for selected values.
Multi-valued facets (speaker, person, ...) count every value of a document; histogram facets
(year, month, date) are ordered by time, not by count, and never cut.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from newsfind.index.curation.tags import TagError, normalise_tag
from newsfind.index.schema import FACETS
from newsfind.search.query import QueryError, date_bounds
from whoosh import query as wq


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class FacetResult:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    truncated: bool = False  # more values exist than were returned

    def as_dict(self) -> dict:
        return asdict(self)


class Facet:
    name: str
    label: str
    field: str

    def order(self, counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    def result(self, groups: dict, size: int | None, selected: list[str] = ()) -> FacetResult:
        counts: dict[str, int] = {}
        for key, count in groups.items():
            if key in (None, ""):
                continue
            counts[key] = counts.get(key, 0) + count
        ordered = self.order(counts)
        truncated = size is not None and len(ordered) > size
        shown = ordered[:size] if size is not None else ordered
        chosen = set(selected)
        # A selected value stays visible even when it falls outside the top `size`.
        shown_values = {v for v, _ in shown}
        shown += [(v, counts.get(v, 0)) for v in selected if v not in shown_values]
        return FacetResult(self.name, self.label, [FacetValue(v, c, v in chosen) for v, c in shown], truncated)

    def filter_query(self, values: list[str]) -> wq.Query:
        """Documents having any of `values` (values of one facet combine with OR)."""
        return wq.Or([wq.Term(self.field, v) for v in values])

    def key(self, value: str) -> str:
        """What two values of this facet that mean the same have in common (the value itself)."""
        return value

    def selected_values(self, selected: list[str], known) -> list[str]:
        """The selected values as the index spells them (`known`: the facet's values)."""
        return list(selected)


class ValuesFacet(Facet):
    """A multi-valued facet of canonical values: speaker, person, org, place, outlet, author, tag."""

    def __init__(self, name: str, label: str) -> None:
        self.name, self.label = name, label
        self.field = FACETS[name][1]


class TagFacet(ValuesFacet):
    """Tags match by their key, as everywhere (index/curation/tags.py): `?tag=lavrov%20talks` and
    `--filter "tag=lavrov  talks"` select the tag shown as "Lavrov Talks"."""

    def key(self, value: str) -> str:
        try:
            return normalise_tag(value)[0]
        except TagError:
            return value

    def filter_query(self, values: list[str]) -> wq.Query:
        keys = []
        for value in values:
            try:
                keys.append(normalise_tag(value)[0])
            except TagError as exc:
                raise QueryError(f"tag filter {value!r}: {exc}") from None
        # The search field `tag` holds every tag's key (and its lowercased label).
        return wq.Or([wq.Term(FACETS[self.name][0], k) for k in keys])

    def selected_values(self, selected: list[str], known) -> list[str]:
        labels: dict[str, str] = {}
        for label in known:
            labels.setdefault(self.key(label), label)
        return list(dict.fromkeys(labels.get(self.key(v), v) for v in selected))


class HistogramFacet(Facet):
    """Counts per year or per month ("2015", "2015-09"), in time order."""

    def __init__(self, name: str, label: str) -> None:
        self.name, self.label, self.field = name, label, name

    def order(self, counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items())

    def result(self, groups: dict, size: int | None, selected: list[str] = ()) -> FacetResult:
        return super().result(groups, None, selected)  # a histogram is never cut


class DateFacet(HistogramFacet):
    """Counts per day of the dated articles (the finest histogram; coarser bars are sums of days).

    As a filter it takes days, months, years or ranges written `FROM..TO` (either side may be
    empty): "2015-09-07", "2015-09", "2015", "2015-09-01..2015-10". Each value becomes a
    `DateRange` built in code; a value that is not a date raises `QueryError`.
    """

    def __init__(self, name: str = "date", label: str = "Date") -> None:
        self.name, self.label, self.field = name, label, "date"

    def result(self, groups: dict, size: int | None, selected: list[str] = ()) -> FacetResult:
        return Facet.result(self, groups, None, ())  # selected ranges are not days: never listed as values

    def filter_query(self, values: list[str]) -> wq.Query:
        return wq.Or([date_range(v) for v in values])


def date_range(value: str) -> wq.DateRange:
    """A `DateRange` for "YYYY[-MM[-DD]]" or "FROM..TO" (open on an empty side)."""
    start_text, sep, end_text = value.partition("..")
    if not sep:
        end_text = start_text
    if not (start_text.strip() or end_text.strip()):
        raise QueryError(f"date filter {value!r} is empty; write YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO")
    start = date_bounds(start_text)[0] if start_text.strip() else None
    end = date_bounds(end_text)[1] if end_text.strip() else None
    if start and end and start > end:
        raise QueryError(f"date filter {value!r} ends before it starts")
    return wq.DateRange("date", start, end)


ALL_FACETS: list[Facet] = [
    ValuesFacet("speaker", "Speakers"),
    ValuesFacet("speaker_org", "Speaking organisations"),
    ValuesFacet("person", "People"),
    ValuesFacet("org", "Organisations"),
    ValuesFacet("place", "Places"),
    ValuesFacet("outlet", "Outlets"),
    ValuesFacet("author", "Authors"),
    TagFacet("tag", "Tags"),
    HistogramFacet("year", "Year"),
    HistogramFacet("month", "Month"),
    DateFacet(),
]
FACETS_BY_NAME = {f.name: f for f in ALL_FACETS}


def same_value(name: str, a: str, b: str) -> bool:
    """Whether two values of facet `name` select the same thing ("Lavrov Talks", "lavrov  talks")."""
    facet = FACETS_BY_NAME.get(name)
    return a == b if facet is None else facet.key(a) == facet.key(b)
DEFAULT_FACETS = ["speaker", "person", "org", "place", "outlet", "author", "year", "tag"]
