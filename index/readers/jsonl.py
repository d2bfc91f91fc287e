"""JSON input: `.json` (one record or a list of records), `.jsonl` (one record per line) and JSON Lines on
standard input, each record read by `records`. JSON Lines are read line by line from a stream: memory is
bounded by one record, and the size limit applies per record."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from newsfind.index.readers.decode import decode_text
from newsfind.index.readers.records import article_from_record
from newsfind.index.readers.types import ReadFailure, ReadOptions, SourceArticle, too_large


def unreadable_json(exc: ValueError | RecursionError) -> str:
    """What a decoding error that is not a syntax error means, said plainly: arrays or objects
    nested deeper than Python's recursion limit, or an integer over its digit limit."""
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    digits = re.search(r"limit \((\d+) digits\).*value has (\d+) digits", str(exc))
    if digits:
        return f"invalid JSON: a number of {int(digits[2]):,} digits (at most {int(digits[1]):,})"
    return f"invalid JSON: {exc}"


def parse_json_line(line: str, where: str, options: ReadOptions) -> SourceArticle | ReadFailure:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadFailure(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; arrays nested 100,000 deep
        return ReadFailure(where, unreadable_json(exc))
    return article_from_record(record, where, options.fields)


def read_jsonl_stream(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[SourceArticle | ReadFailure]:
    """JSON Lines from a stream (stdin), line by line: memory is bounded by one record, and a
    record over the size limit is refused without being held."""
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
        yield ReadFailure(str(path), unreadable_json(exc))
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield article_from_record(record, f"{path}[{i}]" if isinstance(data, list) else str(path), options.fields)
