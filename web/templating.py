"""Jinja helpers shared by the templates: dates for people, facet labels, entity links."""

from __future__ import annotations

import calendar
import textwrap
from urllib.parse import urlsplit

from flask import Flask, url_for
from newsfind.index.curation.rules import KIND_NOUNS, indefinite
from newsfind.search.facets import FACETS_BY_NAME
from newsfind.search.query import HELP as QUERY_HELP
from newsfind.web.params import SORT_LABELS

# Facets whose values have an entity page, and the entity kind of each.
ENTITY_OF_FACET = {"speaker": "person", "speaker_org": "org", "person": "person", "org": "org", "place": "place"}
SINGULAR = {"speaker": "Speaker", "speaker_org": "Speaking organisation", "person": "Person", "org": "Organisation",
            "place": "Place", "outlet": "Outlet", "author": "Author", "tag": "Tag", "year": "Year", "month": "Month",
            "date": "Date"}


def display_date(text: str | None, precision: str | None = None) -> str:
    """'2015-09-07' -> '7 Sep 2015'; '--09-18' -> '18 Sep (year not stated)'; '2015-09' -> 'Sep 2015'."""
    if not text:
        return "date unknown"
    try:
        if text.startswith("--"):
            month, day = (int(p) for p in text[2:].split("-"))
            return f"{day} {calendar.month_abbr[month]} (year not stated)"
        parts = [int(p) for p in text.split("-")]
    except (ValueError, IndexError):
        return text
    if len(parts) == 3 and 1 <= parts[1] <= 12:
        return f"{parts[2]} {calendar.month_abbr[parts[1]]} {parts[0]}"
    if len(parts) == 2 and 1 <= parts[1] <= 12:
        return f"{calendar.month_abbr[parts[1]]} {parts[0]}"
    return text


def display_filter(name: str, value: str) -> str:
    if name == "date" and ".." in value:
        start, _, end = value.partition("..")
        return f"{display_date(start) if start else '…'} – {display_date(end) if end else '…'}"
    if name in ("date", "month"):
        return display_date(value)
    return value


def entity_url(facet_or_kind: str, name: str) -> str | None:
    kind = ENTITY_OF_FACET.get(facet_or_kind)
    return url_for("ui.entity", kind=kind, name=name) if kind else None


def safe_link(url: str | None) -> str | None:
    """An article's own URL, only when it is http(s): never a javascript: or data: link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def init_templating(app: Flask) -> None:
    app.jinja_env.autoescape = True  # also for .svg partials
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(display_date=display_date, safe_link=safe_link, indefinite=indefinite)
    app.jinja_env.globals.update(
        QUERY_HELP=textwrap.dedent(QUERY_HELP).strip("\n"), SORT_LABELS=SORT_LABELS,
        FACET_LABELS={n: f.label for n, f in FACETS_BY_NAME.items()},
        SINGULAR=SINGULAR, KIND_NOUNS=KIND_NOUNS, entity_url=entity_url, display_filter=display_filter,
    )
