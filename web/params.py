"""URL parameters <-> search state. Every state of the UI lives in the query string, so pages are
shareable and the back button works:

    /?q=Syria&speaker=Sergei+Lavrov&speaker=John+Kerry&outlet=UPI&date=2015-09&sort=-date&page=2

`q`, `sort`, `page`, `per_page`; one parameter per selected facet value, named after the facet
(values of one facet OR, facets AND); `date` takes YYYY[-MM[-DD]] or FROM..TO; the UI also keeps
`expand` (a facet shown with all its values) and `within` (text to find inside that facet's values).
The API adds `facet` (repeatable, `none` for no facets) and `facet_size`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from newsfind.search.facets import FACETS_BY_NAME, same_value
from newsfind.search.query import QueryError
from newsfind.search.searcher import MAX_PER_PAGE, SearchRequest
from werkzeug.datastructures import MultiDict

MAX_QUERY_CHARS = 2000
MAX_FILTER_VALUES = 100
SORT_LABELS = {"relevance": "Relevance", "-date": "Newest first", "date": "Oldest first"}


def int_arg(args: MultiDict, name: str, default: int, low: int = 1, high: int | None = None) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"{low} or more"
        raise QueryError(f"{name} must be {bounds}, not {value}")
    return value


def filters_from(args: MultiDict) -> dict[str, list[str]]:
    """Selected facet values, in facet order; empty values dropped, duplicates kept once."""
    filters: dict[str, list[str]] = {}
    for name in FACETS_BY_NAME:
        values = list(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
        if len(values) > MAX_FILTER_VALUES:
            raise QueryError(f"at most {MAX_FILTER_VALUES} values per facet, not {len(values)} for {name!r}")
        if values:
            filters[name] = values
    return filters


@dataclass(frozen=True)
class State:
    """What a search page shows, as data; `url()` turns it back into a query string."""

    q: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    filters: dict[str, list[str]] = field(default_factory=dict)
    expand: str = ""
    within: str = ""
    all_versions: bool = False  # `versions=all`: every syndicated copy, not one hit per story

    default_per_page: int = 20

    @classmethod
    def from_args(cls, args: MultiDict, default_per_page: int = 20) -> State:
        q = args.get("q", "")
        if len(q) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is too long ({len(q)} characters; at most {MAX_QUERY_CHARS})")
        expand = args.get("expand", "").strip()
        if expand and expand not in FACETS_BY_NAME:
            raise QueryError(f"unknown facet {expand!r}; facets are {', '.join(FACETS_BY_NAME)}")
        return cls(
            q=q,
            sort=args.get("sort", "relevance").strip() or "relevance",
            page=int_arg(args, "page", 1),
            per_page=int_arg(args, "per_page", default_per_page, high=MAX_PER_PAGE),
            filters=filters_from(args),
            expand=expand,
            within=args.get("within", "")[:200],
            all_versions=args.get("versions", "") == "all",
            default_per_page=default_per_page,
        )

    def request(self, facets: list[str] | None = None, facet_size: int = 10) -> SearchRequest:
        return SearchRequest(query=self.q, filters=self.filters, page=self.page, per_page=self.per_page,
                             sort=self.sort, facets=facets, facet_size=facet_size, expand=self.all_versions)

    # -- URLs --------------------------------------------------------------------------------

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name, values in self.filters.items():
            out.extend((name, v) for v in values)
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.per_page != self.default_per_page:
            out.append(("per_page", str(self.per_page)))
        if self.all_versions:
            out.append(("versions", "all"))
        if self.expand:
            out.append(("expand", self.expand))
            if self.within:
                out.append(("within", self.within))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        return urlencode(self.pairs())

    def url(self, base: str = "/") -> str:
        qs = self.query_string()
        return f"{base}?{qs}" if qs else base

    def with_filters(self, filters: dict[str, list[str]]) -> State:
        """Another result set: back to page 1."""
        return replace(self, filters={k: v for k, v in filters.items() if v}, page=1)

    def toggled(self, name: str, value: str) -> State:
        values = self.filters.get(name, [])
        kept = [v for v in values if not same_value(name, v, value)]
        new = kept if len(kept) < len(values) else [*values, value]
        return self.with_filters({**self.filters, name: new})

    def without(self, name: str, value: str | None = None) -> State:
        new = [] if value is None else [v for v in self.filters.get(name, []) if v != value]
        return self.with_filters({**self.filters, name: new})

    def with_date(self, value: str) -> State:
        """Exactly this date filter (a bar or a range replaces any earlier date selection)."""
        return self.with_filters({**self.filters, "date": [value]})

    def at_page(self, page: int) -> State:
        return replace(self, page=page)

    def sorted_by(self, sort: str) -> State:
        return replace(self, sort=sort, page=1)

    def versions_toggled(self) -> State:
        return replace(self, all_versions=not self.all_versions, page=1)

    def expanded(self, name: str) -> State:
        return replace(self, expand=name, within="")

    def collapsed(self) -> State:
        return replace(self, expand="", within="")

    def chips(self) -> Iterable[tuple[str, str, State]]:
        """(facet, value, state without it) for every active filter."""
        for name, values in self.filters.items():
            for value in values:
                yield name, value, self.without(name, value)


def api_facets(args: MultiDict) -> list[str] | None:
    """`facet` parameters of the API: None (the default set), [] for `none`, else the names."""
    names = [n.strip() for n in args.getlist("facet") if n.strip()]
    if not names:
        return None
    if names == ["none"]:
        return []
    return names
