"""Readers: turn input paths into `SourceArticle`s, or `ReadFailure`s that say what went wrong.

Supported inputs (a directory is walked recursively in sorted order; other files inside it are
listed as skipped, hidden ones ignored):

* `.txt`: first non-empty line is the title, the rest the body; id = file stem;
* `.jsonl` (one record per line), `.json` (one record or a list of records) and `.csv`/`.tsv`
  (a header row, one record per row) with the fields `id, title, body, outlet, date, url, author`,
  or other keys named by a `FieldMap` (`--map body=text,...`); see `index/readers_fields.py`,
  `index/readers_csv.py`;
* `.html`/`.htm`/`.xhtml`: a saved web page; main text and page metadata by trafilatura; id = file
  stem (`index/readers_html.py`);
* `.warc`/`.warc.gz`: every HTML response record of a web crawl (`index/readers_warc.py`);
* `-`: JSON Lines on standard input.

Text is decoded by `index/readers_decode.py` (BOMs, UTF-8, charset-normalizer); empty, binary,
undecodable and too-large inputs (`ReadOptions.max_bytes`, per record for WARC, JSON Lines and stdin) become
ReadFailures with the reason. Nothing here raises for a bad input: every problem is reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from newsfind.index.schema import PIPELINE_VERSION

if TYPE_CHECKING:
    from newsfind.index.readers.fields import FieldMap

# Suffix -> reader kind. `.warc.gz` is matched on the whole name (see `input_kind`).
KINDS = {
    ".txt": "text",
    ".jsonl": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
}
WARC_GZ = ".warc.gz"
SUPPORTED_SUFFIXES = set(KINDS) | {WARC_GZ}
STDIN = "-"
STDIN_NAME = "<stdin>"
DEFAULT_MAX_BYTES = 50_000_000  # 50 MB


@dataclass
class SourceArticle:
    """One article as read, before enrichment. Metadata fields are None when the source lacks them.

    `provenance` says where a reader found a field when it is more than "the record" (e.g.
    {"date": "WARC-Date (capture date; the page states none)"}); the writer shows it in
    `metadata_sources`."""

    id: str
    title: str
    body: str
    source: str
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    author: str | None = None
    content_hash: str = ""
    provenance: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("id", "title", "body", "source", "outlet", "date", "url", "author"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, valid_text(value))
        if not self.content_hash:
            fields = [PIPELINE_VERSION, self.id, self.title, self.body, self.outlet, self.date, self.url, self.author]
            if self.provenance:  # only then, so articles without one keep the hashes they had
                fields.append(self.provenance)
            payload = json.dumps(fields, ensure_ascii=False, sort_keys=True)
            self.content_hash = hashlib.sha256(payload.encode("utf-8")).hexdigest()


def valid_text(text: str) -> str:
    """`text` without lone surrogates, which Whoosh, JSON output and terminals cannot encode: bytes of
    a file name that is not UTF-8 (decoded by Python as U+DC80..U+DCFF) become "\\xNN", any other
    lone surrogate (e.g. "\\ud800" in a JSON string) U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
                       else "\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


_CONTROLS = {i: f"\\x{i:02x}" for i in range(32)} | {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


@dataclass
class ReadFailure:
    path: str  # as shown: control characters and bytes that are not UTF-8 escaped ("a\\nb", "\\xff")
    reason: str

    def __post_init__(self) -> None:
        self.path = valid_text(str(self.path)).translate(_CONTROLS)
        self.reason = valid_text(str(self.reason))


@dataclass
class ReadReport:
    # Inputs deliberately not read: unsupported files met in directories, and per WARC archive
    # one entry counting its records that are not HTML pages (requests, images, redirects, ...).
    skipped: list[ReadFailure] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """How to read: which record keys hold which field, the size limit, where `-` reads from."""

    fields: FieldMap | None = None
    max_bytes: int = DEFAULT_MAX_BYTES  # per file; per record for WARC archives, JSON Lines and stdin
    stdin: BinaryIO | None = None  # default: sys.stdin.buffer


_SIZE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
               "kib": 1024, "mib": 1024**2, "gib": 1024**3}


def parse_size(text: str) -> int:
    """"50000000", "50MB", "50M", "1.5GB", "512KiB" -> bytes; ValueError if it is none of these."""
    value = text.strip().lower().replace("_", "")
    number = value.rstrip("bkmgi")
    unit = value[len(number):].strip()
    try:
        size = int(float(number) * _SIZE_UNITS[unit])
    except (KeyError, ValueError):
        raise ValueError(f"not a size: {text!r} (e.g. 50000000, 50MB, 2GB, 512KiB)") from None
    if size < 1:
        raise ValueError(f"a size must be at least 1 byte, not {text!r}")
    return size


def input_kind(path: Path) -> str | None:
    if path.name.lower().endswith(WARC_GZ):
        return "warc"
    return KINDS.get(path.suffix.lower())


def shown_suffix(path: Path) -> str:
    suffix = "".join(path.suffixes[-2:]) if path.suffix.lower() == ".gz" else path.suffix
    return repr(suffix) if suffix else "(none)"


def unsupported_reason(path: Path) -> str:
    return f"unsupported file type {shown_suffix(path)}; expected {', '.join(sorted(KINDS))} or {WARC_GZ}"


def iter_input_files(paths: Iterable[str | os.PathLike], report: ReadReport
                     ) -> Iterator[Path | ReadFailure | str]:
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if input_kind(child):
                        yield child
                    else:
                        report.skipped.append(ReadFailure(str(child), f"unsupported file type {shown_suffix(child)}"))
        elif path.is_file():
            yield path if input_kind(path) else ReadFailure(str(path), unsupported_reason(path))
        else:
            yield ReadFailure(str(path), "no such file or directory")


def too_large(size: int | None, limit: int, what: str = "file") -> str:
    size_text = f"{size:,} bytes, " if size is not None else ""
    return f"{what} too large: {size_text}over the limit of {limit:,} bytes (--max-bytes)"


def read_articles(paths: Iterable[str | os.PathLike], report: ReadReport | None = None,
                  options: ReadOptions | None = None) -> Iterator[SourceArticle | ReadFailure]:
    """Every article in `paths`, in a stable order; a bad file or record yields a ReadFailure."""
    report = report if report is not None else ReadReport()
    options = options or ReadOptions()
    for item in iter_input_files(paths, report):
        if isinstance(item, ReadFailure):
            yield item
        elif item == STDIN:
            stream = options.stdin if options.stdin is not None else sys.stdin.buffer
            yield from read_jsonl_stream(stream, STDIN_NAME, options)
        else:
            assert isinstance(item, Path)
            try:
                yield from read_file(item, report, options)
            except Exception as exc:  # whatever a reader did not foresee ends this file only, reported
                yield ReadFailure(str(item), f"unreadable: {type(exc).__name__}: {exc}"[:500])


def read_file(path: Path, report: ReadReport, options: ReadOptions) -> Iterator[SourceArticle | ReadFailure]:
    """Every article of one file; a file that yields neither articles nor failures (blank lines
    only, a CSV header without rows, `[]`) is reported too: nothing is skipped silently."""
    nothing = True
    for item in _read_file(path, report, options):
        nothing = False
        yield item
    if nothing and input_kind(path) != "warc":
        yield ReadFailure(str(path), "no records in the file")


def _read_file(path: Path, report: ReadReport, options: ReadOptions) -> Iterator[SourceArticle | ReadFailure]:
    kind = input_kind(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ReadFailure(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if size == 0:
        yield ReadFailure(str(path), "empty file")
        return
    if kind == "warc":  # streamed record by record; the limit applies to each record
        from newsfind.index.readers.warc import read_warc

        yield from read_warc(path, report, options)
        return
    if kind == "jsonl":  # streamed line by line: a corpus file may be any size; the limit is per record
        try:
            with path.open("rb") as stream:
                yield from read_jsonl_stream(stream, str(path), options)
        except OSError as exc:
            yield ReadFailure(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if size > options.max_bytes:
        yield ReadFailure(str(path), too_large(size, options.max_bytes))
        return
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield ReadFailure(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if kind == "html":
        from newsfind.index.readers.webpage import read_html_file

        yield read_html_file(path, raw)
        return
    from newsfind.index.readers.decode import decode_text

    try:
        text = decode_text(raw)
    except ValueError as exc:
        yield ReadFailure(str(path), str(exc))
        return
    if kind == "text":
        yield read_text_article(path, text)
    elif kind == "jsonl":
        yield from read_jsonl(path, text, options)
    elif kind == "csv":
        from newsfind.index.readers.delimited import read_csv

        yield from read_csv(path, text, options.fields)
    else:
        yield from read_json(path, text, options)


def read_text_article(path: Path, text: str) -> SourceArticle | ReadFailure:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            body = "\n".join(lines[i + 1:]).strip("\n")
            return SourceArticle(id=path.stem, title=title, body=body, source=str(path))
    return ReadFailure(str(path), "empty file")


def article_from_record(record: object, where: str, fields: FieldMap | None = None
                        ) -> SourceArticle | ReadFailure:
    from newsfind.index.readers.fields import article_from_record as from_record

    return from_record(record, where, fields)


def parse_json_line(line: str, where: str, options: ReadOptions) -> SourceArticle | ReadFailure:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadFailure(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; arrays nested 100,000 deep
        return ReadFailure(where, f"invalid JSON: {exc}")
    return article_from_record(record, where, options.fields)


def read_jsonl(path: Path, text: str, options: ReadOptions | None = None) -> Iterator[SourceArticle | ReadFailure]:
    options = options or ReadOptions()
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield parse_json_line(line, f"{path}:{lineno}", options)


def read_jsonl_stream(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[SourceArticle | ReadFailure]:
    """JSON Lines from a stream (stdin), line by line: memory is bounded by one record, and a
    record over the size limit is refused without being held."""
    from newsfind.index.readers.decode import decode_text

    lineno = 0
    while True:
        raw = stream.readline(options.max_bytes + 1)
        if not raw:
            return
        lineno += 1
        where = f"{name}:{lineno}"
        if len(raw) > options.max_bytes and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):  # drop the rest of this line
                raw = stream.readline(1 << 20)
                size += len(raw)
            yield ReadFailure(where, too_large(size, options.max_bytes, "record"))
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = decode_text(raw)
            except ValueError as exc:
                yield ReadFailure(where, str(exc).replace("empty file", "empty line"))
                continue
        yield parse_json_line(line, where, options)


def read_json(path: Path, text: str, options: ReadOptions | None = None) -> Iterator[SourceArticle | ReadFailure]:
    options = options or ReadOptions()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ReadFailure(str(path), f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    except (ValueError, RecursionError) as exc:
        yield ReadFailure(str(path), f"invalid JSON: {exc}")
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield article_from_record(record, f"{path}[{i}]" if isinstance(data, list) else str(path), options.fields)
