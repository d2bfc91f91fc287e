"""WARC and WARC.gz files from web crawls: every HTML page captured with HTTP 200 is an article.

Each such `response` record becomes an article with the record's URL (`WARC-Target-URI`) and a
stable id, the first 16 hex digits of sha1("URL CAPTURE-DATE"). Its date is the page's own
publication date where it states one, else the capture date (`WARC-Date`);
`metadata_sources` says which, and keeps the capture date as "capture_date". Every other record
(requests, warcinfo, images, redirects, errors, ...) is skipped and counted: one skipped entry per
archive. The size limit applies to each record's payload, never to the archive, which is
streamed. A gzip-compressed WARC that is one gzip stream rather than one member per record (as
`gzip file.warc` makes) is read too.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from newsfind.index.readers.decode import DecodeError
from newsfind.index.readers.types import ReadFailure, ReadOptions, ReadReport, SourceArticle, too_large
from newsfind.index.readers.webpage import PageRefused, decode_html, extract_page

HTML_TYPES = {"text/html", "application/xhtml+xml"}


def warc_id(url: str, capture_date: str) -> str:
    return hashlib.sha1(f"{url} {capture_date}".encode()).hexdigest()[:16]


def iter_records(path: Path) -> Iterator:
    """The records of a WARC, chunked-gzip, single-stream gzip or uncompressed."""
    from warcio.archiveiterator import ArchiveIterator  # imported here: only WARC input needs it
    from warcio.exceptions import ArchiveLoadFailed

    done = 0
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                yield record
                done += 1
        return
    except ArchiveLoadFailed as exc:
        if "non-chunked gzip" not in str(exc):
            raise
    with gzip.open(path, "rb") as fh:  # one gzip stream: read it decompressed, past the records done
        for i, record in enumerate(ArchiveIterator(fh)):
            if i >= done:
                yield record


def mime_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def http_charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("'\"")
    return None


def truncated(record, drain: bool = True) -> bool:
    """Whether the file ended before the record's declared length (warcio just stops reading).
    `drain=False` once the iterator has read past the record (and may have closed the file)."""
    stream = record.raw_stream
    while drain and stream.read(1 << 16):
        pass
    return getattr(stream, "limit", 0) > 0


def skip_reason(record) -> str | None:
    """Why a record is not an article, or None for an HTML page captured with HTTP 200."""
    if record.rec_type != "response":
        return f"{record.rec_type} record"
    if record.http_headers is None:
        return "non-HTTP response"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"HTTP {status} response"
    mime = mime_type(record.http_headers.get_header("Content-Type"))
    if mime not in HTML_TYPES:
        return f"{mime or 'untyped'} response"
    return None


def read_warc(path: Path, report: ReadReport, options: ReadOptions) -> Iterator[SourceArticle | ReadFailure]:
    skipped: Counter[str] = Counter()
    total = 0
    record = None
    try:
        for record in iter_records(path):
            total += 1
            if not str(record.format).startswith("warc"):
                yield ReadFailure(str(path), f"not a WARC file (record {total} reads as {record.format!r} at best)")
                break
            reason = skip_reason(record)
            if reason:
                skipped[reason] += 1
            else:
                yield read_html_record(path, record, options)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        yield ReadFailure(str(path), f"unreadable WARC after {total} record(s): {exc}")
    except Exception as exc:  # warcio's ArchiveLoadFailed and anything else a broken archive causes
        message = " ".join(str(exc).split()) or type(exc).__name__
        yield ReadFailure(str(path), f"unreadable WARC after {total} record(s): {message}")
    else:
        if total == 0:
            yield ReadFailure(str(path), "no WARC records in the file")
        elif truncated(record, drain=False) and skip_reason(record) is not None:  # HTML ones report themselves
            yield ReadFailure(str(path), f"truncated: the file ends inside its last record ({total})")
    if skipped:
        counted = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        report.skipped.append(ReadFailure(str(path), f"{sum(skipped.values())} of {total} WARC records "
                                                     f"are not HTML pages: {counted}"))


def read_html_record(path: Path, record, options: ReadOptions) -> SourceArticle | ReadFailure:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    captured = record.rec_headers.get_header("WARC-Date") or ""
    where = f"{path}#{url}"
    try:
        raw = record.content_stream().read(options.max_bytes + 1)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        return ReadFailure(where, f"unreadable record payload: {exc}")
    if len(raw) > options.max_bytes:
        return ReadFailure(where, too_large(None, options.max_bytes, "record payload"))
    if truncated(record):
        return ReadFailure(where, "truncated record: the file ends inside it")
    try:
        html = decode_html(raw, http_charset(record.http_headers.get_header("Content-Type")))
    except DecodeError as exc:
        return ReadFailure(where, str(exc).replace("empty file", "empty page"))
    try:
        page = extract_page(html, url or None)
    except PageRefused as exc:
        return ReadFailure(where, str(exc))
    except Exception as exc:  # a page that trips the extractor must not end the archive
        return ReadFailure(where, f"HTML extraction failed: {exc!r}")
    if page is None:
        return ReadFailure(where, "no article text found in the HTML")
    provenance = {**page.provenance, "url": "WARC-Target-URI"}
    if captured:
        provenance["capture_date"] = f"{captured} (WARC-Date)"
    date = page.date
    if not date and captured:
        date = captured[:10]
        provenance["date"] = "WARC-Date (capture date; the page states none)"
    return SourceArticle(id=warc_id(url, captured), title=page.title, body=page.body, source=where,
                         outlet=page.outlet, date=date, url=url or page.url, author=page.author,
                         provenance=provenance)
