"""An Atom 1.0 document (RFC 4287) of a watch's latest matches, written with the standard library's
ElementTree (which escapes every text and attribute); no feed library at run time.

One entry per story (syndication group), as the watch page shows them: `id` a urn:uuid made from the
watch and the hit number (stable across requests and host names: a feed reader shows an entry once),
`title` the article's, `link rel=alternate` the absolute URL of its article page, `updated` when
matching recorded it, `published` the article's date when it has a full one, `author` its outlet,
one `category` per speaker, and a `summary` (HTML) with outlet, date, speakers, the snippet and the
other versions of the story. XML 1.0 cannot hold most control characters: they are dropped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from xml.etree import ElementTree as ET

from markupsafe import escape

ATOM_NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 does not allow (C0 controls but tab/newline/return, surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean(text) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


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
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def sub(parent, tag, text=None, **attrs):
        return _sub(parent, f"{{{ATOM_NS}}}{tag}", text, **attrs)

    owner = watch["owner"]
    sub(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"newsfind:watch:{owner.casefold()}:{watch_id}").urn)
    sub(feed, "title", f"newsfind watch {watch['name']}: {watch['query']}")
    sub(feed, "subtitle", "Articles that began to match this saved search, newest matches first.")
    hits = data["hits"]
    updated = max((h["matched_at"] for h in hits), default=watch.get("created_at") or generated_at)
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", "newsfind")
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    sub(feed, "generator", "newsfind")
    for hit in hits:
        entry = sub(feed, "entry")
        sub(entry, "id", entry_id(owner, watch_id, hit["hit"]))
        sub(entry, "title", hit.get("title") or hit["id"])
        sub(entry, "link", rel="alternate", type="text/html", href=article_url(hit["id"]))
        sub(entry, "updated", hit["matched_at"])
        if hit.get("date") and _FULL_DATE.match(hit["date"]):
            sub(entry, "published", f"{hit['date']}T00:00:00Z")
        entry_author = sub(entry, "author")
        sub(entry_author, "name", hit.get("outlet") or "outlet unknown")
        for speaker in hit.get("speakers") or []:
            sub(entry, "category", term=speaker, scheme="newsfind:speaker", label=f"Speaker: {speaker}")
        sub(entry, "summary", summary_html(hit, display_date(hit.get("date"))), type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)
