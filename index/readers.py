"""Readers: turn input paths into `SourceArticle`s, or `ReadFailure`s that say what went wrong.

Supported inputs: `.txt` (first non-empty line is the title, the rest the body; id = file stem),
`.jsonl` (one record per line) and `.json` (one record or a list of records) with the fields
`id, title, body, outlet, date, url, author` (`authors` as a list is accepted too).
Directories are walked recursively in sorted order; other files inside them are counted as skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.schema import PIPELINE_VERSION

TEXT_SUFFIXES = {".txt"}
RECORD_SUFFIXES = {".jsonl", ".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES


@dataclass
class SourceArticle:
    """One article as read, before enrichment. Metadata fields are None when the source lacks them."""

    id: str
    title: str
    body: str
    source: str
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    author: str | None = None
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            payload = json.dumps(
                [PIPELINE_VERSION, self.id, self.title, self.body, self.outlet, self.date, self.url, self.author],
                ensure_ascii=False,
            )
            self.content_hash = hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class ReadFailure:
    path: str
    reason: str


@dataclass
class ReadReport:
    skipped: list[ReadFailure] = field(default_factory=list)  # unsupported files met in directories


def iter_input_files(paths: Iterable[str | os.PathLike], report: ReadReport) -> Iterator[Path | ReadFailure]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield child
                    else:
                        report.skipped.append(ReadFailure(str(child), "unsupported file type"))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path
            else:
                yield ReadFailure(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                                  "expected .txt, .jsonl or .json")
        else:
            yield ReadFailure(str(path), "no such file or directory")


def read_articles(paths: Iterable[str | os.PathLike], report: ReadReport | None = None
                  ) -> Iterator[SourceArticle | ReadFailure]:
    """Every article in `paths`, in a stable order; a bad file or record yields a ReadFailure."""
    report = report if report is not None else ReadReport()
    for item in iter_input_files(paths, report):
        if isinstance(item, ReadFailure):
            yield item
            continue
        try:
            raw = item.read_bytes()
        except OSError as exc:
            yield ReadFailure(str(item), f"cannot read: {exc.strerror or exc}")
            continue
        try:
            text = decode_text(raw)
        except ValueError as exc:
            yield ReadFailure(str(item), str(exc))
            continue
        if item.suffix.lower() in TEXT_SUFFIXES:
            yield read_text_article(item, text)
        elif item.suffix.lower() == ".jsonl":
            yield from read_jsonl(item, text)
        else:
            yield from read_json(item, text)


def decode_text(raw: bytes) -> str:
    if not raw.strip():
        raise ValueError("empty file")
    if b"\x00" in raw[:4096]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_article(path: Path, text: str) -> SourceArticle | ReadFailure:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            body = "\n".join(lines[i + 1:]).strip("\n")
            return SourceArticle(id=path.stem, title=title, body=body, source=str(path))
    return ReadFailure(str(path), "empty file")


def read_jsonl(path: Path, text: str) -> Iterator[SourceArticle | ReadFailure]:
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        yield article_from_record(record, where)


def read_json(path: Path, text: str) -> Iterator[SourceArticle | ReadFailure]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ReadFailure(str(path), f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield article_from_record(record, f"{path}[{i}]" if isinstance(data, list) else str(path))


def _text_field(record: dict, name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, list):  # e.g. "authors": ["A", "B"]
        value = ", ".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def article_from_record(record: object, where: str) -> SourceArticle | ReadFailure:
    if not isinstance(record, dict):
        return ReadFailure(where, f"expected a JSON object, got {type(record).__name__}")
    article_id = _text_field(record, "id")
    if not article_id:
        return ReadFailure(where, "record has no 'id'")
    title = _text_field(record, "title") or ""
    body = record.get("body") or record.get("text") or ""
    if not isinstance(body, str):
        return ReadFailure(where, "'body' is not a string")
    if not title and not body.strip():
        return ReadFailure(where, f"record {article_id!r} has neither title nor body")
    return SourceArticle(
        id=article_id,
        title=title,
        body=body.replace("\r\n", "\n"),
        source=where,
        outlet=_text_field(record, "outlet"),
        date=_text_field(record, "date"),
        url=_text_field(record, "url"),
        author=_text_field(record, "author") or _text_field(record, "authors"),
    )
