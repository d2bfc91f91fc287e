"""Record fields -> article fields, shared by the CSV, JSON, JSON Lines and stdin readers.

By default a record's `id, title, body, outlet, date, url, author` are read from keys of the same
name (`text` for the body and `authors` for the author are accepted too; a key that differs only
in case, e.g. a CSV header "Title", matches). `--map body=text,outlet=source` names other keys:
each mapped field is read from its key only; unmapped fields keep the defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newsfind.index.readers import ReadFailure, SourceArticle

FIELDS = ("id", "title", "body", "outlet", "date", "url", "author")
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title",),
    "body": ("body", "text"),
    "outlet": ("outlet",),
    "date": ("date",),
    "url": ("url",),
    "author": ("author", "authors"),
}


class FieldMapError(ValueError):
    """A bad `--map` value; the message says what is wrong (a usage error)."""


@dataclass(frozen=True)
class FieldMap:
    """Which record key each article field is read from."""

    mapped: Mapping[str, str] = field(default_factory=dict)  # article field -> record key

    @classmethod
    def parse(cls, specs: Iterable[str]) -> FieldMap:
        """`["body=text,outlet=source", "id=guid"]` -> FieldMap; FieldMapError if a part is wrong."""
        mapped: dict[str, str] = {}
        for spec in specs:
            for part in spec.split(","):
                if not part.strip():
                    continue
                target, sep, key = (s.strip() for s in part.partition("="))
                if not sep or not target or not key:
                    raise FieldMapError(f"--map takes FIELD=COLUMN pairs (e.g. body=text,outlet=source), not {part!r}")
                if target not in FIELDS:
                    raise FieldMapError(f"--map: unknown field {target!r}; known fields: {', '.join(FIELDS)}")
                if target in mapped and mapped[target] != key:
                    raise FieldMapError(f"--map: field {target!r} is mapped twice ({mapped[target]!r}, {key!r})")
                mapped[target] = key
        return cls(mapped)

    def keys_for(self, name: str) -> tuple[str, ...]:
        return (self.mapped[name],) if name in self.mapped else DEFAULT_KEYS[name]

    def describe(self, name: str) -> str:
        return " or ".join(repr(k) for k in self.keys_for(name))


def lookup(record: Mapping[str, object], keys: tuple[str, ...]) -> object | None:
    """The first of `keys` present in `record` (exact key first, then any key equal ignoring case)."""
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    folded = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    for key in keys:
        value = folded.get(key.lower())
        if value not in (None, ""):
            return value
    return None


def text_value(value: object | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):  # e.g. "authors": ["A", "B"]
        value = ", ".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def article_from_record(record: object, where: str, fields: FieldMap | None = None,
                        default_id: str | None = None) -> SourceArticle | ReadFailure:
    """One record (a JSON object or a CSV row) as an article. `default_id` is the id of a record
    without one (CSV files without an id column: "stem:row"); otherwise a record needs an id."""
    fields = fields or FieldMap()
    if not isinstance(record, Mapping):
        return ReadFailure(where, f"expected a JSON object, got {type(record).__name__}")

    def get(name: str) -> str | None:
        return text_value(lookup(record, fields.keys_for(name)))

    article_id = get("id")
    if not article_id:
        if not default_id:
            return ReadFailure(where, f"record has no {fields.describe('id')}")
        article_id = default_id
    title = get("title") or ""
    body = lookup(record, fields.keys_for("body"))
    body = "" if body is None else body
    if not isinstance(body, str):
        return ReadFailure(where, f"{fields.describe('body')} is not a string")
    if not title and not body.strip():
        return ReadFailure(where, f"record {article_id!r} has neither title nor body "
                                  f"(read from {fields.describe('title')} and {fields.describe('body')})")
    return SourceArticle(
        id=article_id,
        title=title,
        body=body.replace("\r\n", "\n").replace("\r", "\n"),
        source=where,
        outlet=get("outlet"),
        date=get("date"),
        url=get("url"),
        author=get("author"),
    )
