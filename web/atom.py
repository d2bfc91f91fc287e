"""An Atom 1.0 document (RFC 4287) of a watch's latest matches, written with `feedgen` (lxml underneath,
which escapes every text and attribute). Only the feed view imports this module, so `newsfind serve`
and the other pages never load feedgen or lxml.

One entry per story (syndication group), as the watch page shows them: `id` a urn:uuid made from the
watch and the hit number (stable across requests and host names: a feed reader shows an entry once),
`title` the article's, `link rel=alternate` the absolute URL of its article page, `updated` when
matching recorded it, `published` the article's date when it has a full one, `author` its outlet,
one `category` per speaker, and a `summary` (HTML) with outlet, date, speakers, the snippet and the
other versions of the story. XML 1.0 cannot hold most control characters (lxml refuses them): they
are dropped first.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from markupsafe import escape

# Characters XML 1.0 does not allow (C0 controls but tab/newline/return, surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean(text) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))


def _moment(text: str) -> datetime:
    """'2026-12-07T00:46:09Z' (the curation database's times) or '2015-09-25' as an aware datetime."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _EntryLinks(BaseEntryExtension):
    """feedgen 1.0.0 writes an entry's <link> with its href only, dropping rel and type (its open issue
    lkiesow/python-feedgen#135: the loop variable shadows the link's data); this puts back what
    `entry.link()` was given, through feedgen's extension hook (idempotent once feedgen is fixed)."""

    def __init__(self):
        self.links: list[dict] = []

    def extend_atom(self, entry):
        for element, given in zip(entry.findall("link"), self.links, strict=False):
            element.attrib.update({k: given[k] for k in ("rel", "type") if given.get(k)})
        return entry


def entry_id(owner: str, watch_id: int, hit: int) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"newsfind:watch:{owner.casefold()}:{watch_id}:hit:{hit}").urn


def summary_html(hit: dict, date_text: str) -> str:
    parts = [f"<p>{escape(hit.get('outlet') or 'outlet unknown')} · {escape(date_text)}"]
    if hit.get("speakers"):
        parts.append(" · speakers: " + escape(", ".join(hit["speakers"])))
    parts.append("</p>")
    if hit.get("snippet"):
        parts.append(f"<p>{hit['snippet']}</p>")  # the search layer's snippet: escaped text, <b> marks
    others = [*hit.get("new_versions", [])]
    if others:
        outlets = ", ".join(dict.fromkeys(v.get("outlet") or "outlet unknown" for v in others))
        parts.append(f"<p>+{len(others)} other version{'s' if len(others) != 1 else ''}: {escape(outlets)}</p>")
    return "".join(parts)


def feed_document(watch: dict, watch_id: int, data: dict, self_url: str, page_url: str,
                  article_url: Callable[[str], str], display_date: Callable[[str | None], str],
                  generated_at: str) -> bytes:
    """The feed as UTF-8 bytes. `watch`: `Watch.public()`; `data`: `newsfind.search.watches.new_matches`."""
    owner = watch["owner"]
    feed = FeedGenerator()
    feed.id(uuid.uuid5(uuid.NAMESPACE_URL, f"newsfind:watch:{owner.casefold()}:{watch_id}").urn)
    feed.title(clean(f"newsfind watch {watch['name']}: {watch['query']}"))
    feed.subtitle("Articles that began to match this saved search, newest matches first.")
    hits = data["hits"]
    feed.updated(_moment(max((h["matched_at"] for h in hits), default=watch.get("created_at") or generated_at)))
    feed.author(name="newsfind")
    feed.link(href=clean(self_url), rel="self", type="application/atom+xml")
    feed.link(href=clean(page_url), rel="alternate", type="text/html")
    feed.generator("newsfind")  # instead of feedgen's own name, version and URL
    feed.register_extension("newsfind", BaseExtension, _EntryLinks, atom=True, rss=False)
    for hit in hits:
        entry = feed.add_entry(order="append")  # feedgen prepends by default; the hits are newest first
        entry.id(entry_id(owner, watch_id, hit["hit"]))
        entry.title(clean(hit.get("title")) or clean(hit["id"]) or "untitled")  # feedgen refuses an empty title
        entry.newsfind.links = entry.link(href=clean(article_url(hit["id"])), rel="alternate", type="text/html")
        entry.updated(_moment(hit["matched_at"]))
        if hit.get("date") and _FULL_DATE.match(hit["date"]):
            with suppress(ValueError):  # a full-looking date that is no day (2015-02-30): left out
                entry.published(_moment(hit["date"]))
        entry.author(name=clean(hit.get("outlet")) or "outlet unknown")
        for speaker in hit.get("speakers") or []:
            if term := clean(speaker):
                entry.category(term=term, scheme="newsfind:speaker", label=f"Speaker: {term}")
        entry.summary(clean(summary_html(hit, display_date(hit.get("date")))), type="html")
    return feed.atom_str(encoding="utf-8")
