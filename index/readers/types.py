"""What every reader makes and takes: `SourceArticle` (an article as read), `ReadFailure` (what went wrong
with an input), `ReadReport` (inputs deliberately skipped), `ReadOptions` (how to read), and the size
limit (`parse_size`, `too_large`).

Every reader imports these; none imports the dispatch (`files`), which imports them all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import BinaryIO

from newsfind.index.readers.fields import FieldMap
from newsfind.index.schema import PIPELINE_VERSION

# The path that means standard input (JSON Lines), and how its records are located.
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


def too_large(size: int | None, limit: int, what: str = "file") -> str:
    size_text = f"{size:,} bytes, " if size is not None else ""
    return f"{what} too large: {size_text}over the limit of {limit:,} bytes (--max-bytes)"
