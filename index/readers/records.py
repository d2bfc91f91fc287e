"""One record (a JSON object or a CSV row) as an article, its fields read by a `FieldMap`."""

from __future__ import annotations

from collections.abc import Mapping

from newsfind.index.readers.fields import FieldMap
from newsfind.index.readers.types import ReadFailure, SourceArticle


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
