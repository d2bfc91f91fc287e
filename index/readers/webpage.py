"""Saved web pages: main text, title and page metadata by trafilatura.

The page's own metadata (site name, author, publication date, canonical URL) is handed to the
writer as record fields, so it wins over inference from the text; what the page does not state is
still inferred from the text (`index/nlp/metadata.py`). The date is the one the page declares (meta
tags, JSON-LD, <time>, the URL) with htmldate's opportunistic search of the running text turned
off: a date found somewhere in the text is the text inference's business, not the page's.

trafilatura is imported lazily (only indexing HTML needs it) and only its extraction functions are
used: it never fetches anything.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from newsfind.index.readers.decode import DecodeError, decode_text
from newsfind.index.readers.types import ReadFailure, SourceArticle

HEAD_BYTES = 4096  # where a <meta charset> or XML declaration may stand
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# HTML means windows-1252 by these labels (WHATWG Encoding Standard).
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "windows-1252"}
# A page whose elements carry thousands of attributes makes lxml and trafilatura quadratic (20,000
# attributes: 5 s; 100,000: minutes): such a page is refused before parsing. Deep nesting is safe:
# libxml2 stops at its own depth limit and the page yields no text.
MAX_ATTRIBUTES = 1000
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{4000,}>")
DATE_PARAMS = {"original_date": True, "extensive_search": False, "min_date": "1900-01-01"}

for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    # Their warnings ("discarding data: None") would land on the user's terminal through logging's
    # last-resort handler; a page that yields nothing is reported as a ReadFailure instead.
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass
class Page:
    """What a web page says about itself, and its main text (paragraphs separated by blank lines)."""

    title: str
    body: str
    outlet: str | None = None
    author: str | None = None
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


def declared_charset(raw: bytes) -> str | None:
    head = raw[:HEAD_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    return "cp1252" if label in _WINDOWS_1252_LABELS else label


def decode_html(raw: bytes, http_charset: str | None = None) -> str:
    """BOM first, then the charset the HTTP header or the page declares, then detection."""
    return decode_text(raw, declared=http_charset or declared_charset(raw))


class PageRefused(ValueError):
    """Markup that would take the parser too long; the message is the reason shown."""


def refuse_markup(html: str) -> None:
    for match in _LONG_TAG.finditer(html):
        attributes = match.group().count("=")
        if attributes > MAX_ATTRIBUTES:
            raise PageRefused(f"refused: an element with {attributes:,} attributes (at most {MAX_ATTRIBUTES:,}; "
                              "parsing it would take very long)")


def extract_page(html: str, url: str | None = None) -> Page | None:
    """The page's main text and metadata; None when trafilatura finds no text at all;
    `PageRefused` for pathological markup."""
    import trafilatura  # imported here: only indexing HTML needs it

    refuse_markup(html)

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params=dict(DATE_PARAMS),
    )
    if doc is None:
        return None
    title = " ".join((doc.title or "").split())
    paragraphs = [" ".join(line.split()) for line in (doc.text or "").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0] == title:  # the headline repeated as the first block
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return None
    page = Page(title=title, body="\n\n".join(paragraphs))
    if doc.sitename:
        page.outlet = doc.sitename.strip()
        from_host = "." in page.outlet and bool(doc.hostname) and page.outlet.lower() in doc.hostname.lower()
        page.provenance["outlet"] = "page: host name of its URL" if from_host else "page: site name"
    if doc.author:
        page.author = doc.author.strip()
        page.provenance["author"] = "page: author"
    if doc.date:
        page.date = doc.date
        page.provenance["date"] = "page: publication date"
    if doc.url and doc.url != url:
        page.url = doc.url
        page.provenance["url"] = "page: canonical URL"
    return page


def read_html_file(path: Path, raw: bytes) -> SourceArticle | ReadFailure:
    """A saved page; id = file stem."""
    try:
        html = decode_html(raw)
    except DecodeError as exc:
        return ReadFailure(str(path), str(exc))
    try:
        page = extract_page(html)
    except PageRefused as exc:
        return ReadFailure(str(path), str(exc))
    except Exception as exc:  # one odd page must not end the run
        return ReadFailure(str(path), f"HTML extraction failed: {exc!r}")
    if page is None:
        return ReadFailure(str(path), "no article text found in the HTML")
    return SourceArticle(id=path.stem, title=page.title, body=page.body, source=str(path), outlet=page.outlet,
                         date=page.date, url=page.url, author=page.author, provenance=page.provenance)
