"""Record fields -> article fields, shared by the CSV, JSON, JSON Lines and stdin readers.

By default a record's `id, title, body, outlet, date, url, author` are read from keys of the same
name (`text` for the body and `authors` for the author are accepted too; a key that differs only
in case, e.g. a CSV header "Title", matches). `--map body=text,outlet=source` names other keys:
each mapped field is read from its key only; unmapped fields keep the defaults. `records` reads a
record with a `FieldMap`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
