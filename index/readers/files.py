"""The entry point of reading: input paths (files, directories walked recursively in sorted order,
`-` for standard input) -> the reader of each file's kind -> `SourceArticle`s and `ReadFailure`s.

A file's kind is its suffix (`KINDS`; `.warc.gz` by the whole name). Other files met in a directory
are listed in the `ReadReport` as skipped, hidden ones ignored; a file named on its own that is of no
kind, missing or unreadable is a failure. Nothing here raises for a bad input: every problem is reported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsfind.index.readers.decode import decode_text
from newsfind.index.readers.delimited import read_csv
from newsfind.index.readers.jsonl import read_json, read_jsonl_stream
from newsfind.index.readers.mojibake import repair_article
from newsfind.index.readers.text import read_text_article
from newsfind.index.readers.types import (
    STDIN,
    STDIN_NAME,
    ReadFailure,
    ReadOptions,
    ReadReport,
    SourceArticle,
    too_large,
)
from newsfind.index.readers.warc import read_warc
from newsfind.index.readers.webpage import read_html_file

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


def read_articles(paths: Iterable[str | os.PathLike], report: ReadReport | None = None,
                  options: ReadOptions | None = None) -> Iterator[SourceArticle | ReadFailure]:
    """Every article in `paths`, in a stable order, its mis-decoded characters repaired (`mojibake`); a bad file
    or record yields a ReadFailure."""
    for item in _read_articles(paths, report, options):
        yield repair_article(item) if isinstance(item, SourceArticle) else item


def _read_articles(paths: Iterable[str | os.PathLike], report: ReadReport | None,
                   options: ReadOptions | None) -> Iterator[SourceArticle | ReadFailure]:
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
        yield read_html_file(path, raw)
        return
    try:
        text = decode_text(raw)
    except ValueError as exc:
        yield ReadFailure(str(path), str(exc))
        return
    if kind == "text":
        yield read_text_article(path, text)
    elif kind == "csv":
        yield from read_csv(path, text, options.fields)
    else:
        yield from read_json(path, text, options)
