"""CSV and TSV exports: a header row, then one article per row.

Columns are found by name like JSON keys (`fields`: `id, title, body|text, outlet,
date, url, author|authors`, case-insensitive, or as named by `--map`). The delimiter of a `.csv`
is the one of `, ; <tab> |` that the header row holds most of; `.tsv` is tab-separated. Quoted
fields may hold line breaks. Rows without an id column get the id "stem:N" (N counts data rows
from 1); failures are located as "path:LINE", the line the row starts on.

Quoting is read strictly: a quoted field still open at the end of the file, or a closing quote
followed by more text (`"a"b`), is invalid CSV, refused with its line together with the rest of the
file. After such an error the reader may stand inside a quoted field, so where the next rows start
cannot be told: reading on made articles of the middle of a field ("second, paragraph here" of a
broken row's quoted body became an article). Rows with
more or fewer fields than the header are read: missing fields are empty, extra ones are ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from newsfind.index.readers.fields import FieldMap
from newsfind.index.readers.records import article_from_record
from newsfind.index.readers.types import ReadFailure, SourceArticle

DELIMITERS = ",;\t|"
UNCLOSED = "unexpected end of data"  # csv's message for a quoted field open at the end of the file


def header_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first on ties: ","
    return best if counts[best] else ","


def csv_error(exc: csv.Error) -> str:
    """The csv module's message, said as what is wrong with the file."""
    message = str(exc)
    if message == UNCLOSED:
        return "a quoted field is not closed before the end of the file (the rest of the file is that field)"
    if message.endswith("expected after '\"'"):
        return f"text after the closing quote of a field ({message}); the rest of the file is not read"
    return message


def read_csv(path: Path, text: str, fields: FieldMap | None = None) -> Iterator[SourceArticle | ReadFailure]:
    fields = fields or FieldMap()
    delimiter = "\t" if path.suffix.lower() == ".tsv" else header_delimiter(text)
    # A field may be as long as the file (which is under --max-bytes already); csv's default is 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        yield ReadFailure(str(path), "empty file")
        return
    except csv.Error as exc:
        yield ReadFailure(f"{path}:1", f"invalid CSV header: {csv_error(exc)}")
        return
    columns = {h.lower() for h in header if h}
    shown = ", ".join(repr(h) for h in header)
    missing = [f"{key!r} (--map {name}={key})" for name, key in fields.mapped.items() if key.lower() not in columns]
    if missing:
        yield ReadFailure(str(path), f"no column {', '.join(missing)} in the header row: {shown}")
        return
    if not any(k.lower() in columns for name in ("title", "body") for k in fields.keys_for(name)):
        yield ReadFailure(str(path), f"no title or body column in the header row ({shown}); expected "
                                     f"{fields.describe('title')} or {fields.describe('body')}, "
                                     "or name one with --map body=COLUMN")
        return
    has_id = any(k.lower() in columns for k in fields.keys_for("id"))

    rowno, line = 0, reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ReadFailure(f"{path}:{line}", f"invalid CSV: {csv_error(exc)}")
            return
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        rowno += 1
        record = dict(zip(header, row, strict=False))
        yield article_from_record(record, f"{path}:{start}", fields,
                                  default_id=None if has_id else f"{path.stem}:{rowno}")
