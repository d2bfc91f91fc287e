"""Enrichment split in two: the per-article part (anywhere) and the index-wide part (the client).

Everything an article needs is computed from its own text, except the answers of the index-wide
`CanonicalTable` (canonical names, persons known elsewhere, how many articles name whom), and the
speaker rules branch on those answers ('Clinton' is Hillary where the index names her far more often
than Bill). So the per-article part runs against a *speculative* table (the client's table as of a
recent moment), through a `RecordingTable` that records every call with its answer; the client then
replays the calls, in input order, against the real table (`settle`). Where every answer is the same,
the result is exactly what a run against the real table computes (the computation depends on the
table only through those answers) and the replay has made the real table's changes; where one
differs, the article is computed again against the exact table (the caller's job) and only the calls
after those already replayed are applied.

A local run computes against the real table itself: the same function, nothing to settle.

`TableFeed` keeps the workers' speculative tables close to the real one: a snapshot when the run
begins, then chunks of the entries added since (the table only ever adds entries) and the articles
counted (`count_article`); `WorkerTable` puts them together on a worker.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections import ChainMap
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from newsfind.index.nlp.canonical import CanonicalTable

Call = tuple[str, tuple, dict, Any]  # method, arguments, keyword arguments, answer


def _frozen(value):
    """A copy of a call's argument that later changes of the caller's list cannot alter."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, set | dict):
        return type(value)(value)
    return value


class RecordingTable:
    """Stands for a CanonicalTable: every method call goes to `table` and is recorded with its answer.
    Reading a table attribute directly would escape the record, so it is refused."""

    def __init__(self, table: CanonicalTable) -> None:
        self._table = table
        self.calls: list[Call] = []

    def __getattr__(self, name: str):
        attr = getattr(self._table, name)
        if not callable(attr):
            raise AttributeError(f"CanonicalTable.{name} is read directly: the per-article part may only call the "
                                 "table's methods (index/nlp/split.py records them for the client to replay)")

        def call(*args, **kwargs):
            answer = attr(*args, **kwargs)
            self.calls.append((name, tuple(_frozen(a) for a in args), {k: _frozen(v) for k, v in kwargs.items()},
                               _frozen(answer)))
            return answer

        return call


def settle(calls: list[Call], table: CanonicalTable, skip: int = 0, real: list | None = None) -> int | None:
    """Replay `calls[skip:]` against the real `table`, in order. None when every answer is the one
    recorded; else how many calls were replayed (the last one answered differently, with the answer
    appended to `real` when given)."""
    for done, (name, args, kwargs, answer) in enumerate(calls[skip:], start=skip + 1):
        got = getattr(table, name)(*args, **kwargs)
        if got != answer:
            if real is not None:
                real.append(got)
            return done
    return None


# -- results as plain values ---------------------------------------------------------------------------
# The per-article result travels as plain values: a dataclass becomes {"__dataclass__": "module:Name",
# field: value...}, field by field, so a field added to `Enrichment` (or to a dataclass inside it) travels
# without any change here. Only newsfind's own dataclasses are rebuilt.

_TAG = "__dataclass__"
# A field whose metadata holds this key stays where it was computed (it comes back as its default):
# what only the local process uses, such as the model's candidates with their features.
LOCAL_ONLY = "newsfind.local_only"


def to_plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {_TAG: f"{cls.__module__}:{cls.__qualname__}",
                **{f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                   if not f.metadata.get(LOCAL_ONLY)}}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def from_plain(value):
    if isinstance(value, dict):
        if _TAG in value:
            module, _, name = value[_TAG].partition(":")
            if not module.startswith("newsfind."):
                raise ValueError(f"refusing to rebuild {value[_TAG]}: not a newsfind dataclass")
            cls = getattr(importlib.import_module(module), name)
            kwargs = {k: from_plain(v) for k, v in value.items() if k != _TAG}
            init = {f.name for f in dataclasses.fields(cls) if f.init}
            obj = cls(**{k: v for k, v in kwargs.items() if k in init})
            for k, v in kwargs.items():
                if k not in init:
                    object.__setattr__(obj, k, v)
            return obj
        return {k: from_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    return value


class RemoteError(Exception):
    """An article's enrichment failed where it ran: its repr as it was there."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __repr__(self) -> str:
        return self.text


@dataclass
class ArticleResult:
    """What the per-article part sends back: the result (plain values) or the error, and the table calls."""

    plain: Any = None
    error: str | None = None
    calls: list[Call] = field(default_factory=list)

    def value(self):
        return RemoteError(self.error) if self.error is not None else from_plain(self.plain)


# -- the workers' speculative tables --------------------------------------------------------------------

def table_data(table: CanonicalTable) -> dict:
    return {"person": dict(table.persons), "org": dict(table.orgs), "place": dict(table.places),
            "person_articles": dict(table.articles)}


def table_from_data(data: dict) -> CanonicalTable:
    table = CanonicalTable(None)
    table.persons, table.orgs, table.places = dict(data["person"]), dict(data["org"]), dict(data["place"])
    table.articles = dict(data["person_articles"])
    for key in table.persons:
        table._index_surname(key)
    return table


def clone_table(table: CanonicalTable) -> CanonicalTable:
    copy = CanonicalTable(None)
    copy.persons, copy.orgs, copy.places = dict(table.persons), dict(table.orgs), dict(table.places)
    copy.articles = dict(table.articles)
    copy._surnames = {k: set(v) for k, v in table._surnames.items()}
    copy._tails = {k: set(v) for k, v in table._tails.items()}
    return copy


class _SetsOver(dict):
    """A name -> keys index (`CanonicalTable._surnames`, `_tails`) over a base one it never changes: a set is
    copied here before it grows. The table uses `get` and `setdefault` only."""

    def __init__(self, base: dict[str, set[str]]) -> None:
        super().__init__()
        self.base = base

    def get(self, key, default=None):
        return dict.get(self, key) if dict.__contains__(self, key) else self.base.get(key, default)

    def setdefault(self, key, default=None):
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, set(self.base[key]) if key in self.base else default)
        return dict.__getitem__(self, key)


def layered(table: CanonicalTable) -> CanonicalTable:
    """A table that reads `table` and writes only to a layer of its own: what `clone_table` gives, without
    copying (at 300,000 persons a copy takes ~0.9 s, more than spaCy's parse of a batch)."""
    layer = CanonicalTable(None)
    layer.persons, layer.orgs = ChainMap({}, table.persons), ChainMap({}, table.orgs)
    layer.places, layer.articles = ChainMap({}, table.places), ChainMap({}, table.articles)
    layer._surnames, layer._tails = _SetsOver(table._surnames), _SetsOver(table._tails)
    return layer


@dataclass
class Delta:
    """What the table gained since a snapshot: entries added (in order) and articles counted."""

    person: list[tuple[str, str]] = field(default_factory=list)
    org: list[tuple[str, str]] = field(default_factory=list)
    place: list[tuple[str, str]] = field(default_factory=list)
    counted: list[list[str]] = field(default_factory=list)

    def size(self) -> int:
        return len(self.person) + len(self.org) + len(self.place) + sum(len(c) for c in self.counted)

    def apply(self, table: CanonicalTable) -> None:
        for key, value in self.person:
            if key not in table.persons:
                table.persons[key] = value
                table._index_surname(key)
        for key, value in self.org:
            table.orgs.setdefault(key, value)
        for key, value in self.place:
            table.places.setdefault(key, value)
        for persons in self.counted:
            table.count_article(persons)


def _tail(d: dict, start: int, stop: int) -> list:
    return list(islice(d.items(), start, stop))


class TableFeed:
    """The client's side of the workers' tables. `data` is the table as the run found it; every time the
    entries gained since the last chunk grow past `limit`, they become a new chunk (`maybe_renew`), so
    the workers' table of generation g is `data` plus the first g `chunks`, and `delta()` is what the
    table gained since the last chunk. Each entry travels to a worker once: a whole new snapshot at every
    renewal sent the table again each time (at a million articles, tens of MB some hundreds of times).
    Counted articles are recorded by `counted`, called for every replayed `count_article`."""

    def __init__(self, table: CanonicalTable, limit: int = 20000) -> None:
        self.table, self.limit = table, limit
        self.chunks: list[Delta] = []
        self._base = self._sizes()
        self._counted: list[list[str]] = []
        self.data = table_data(table)

    @property
    def generation(self) -> int:
        return len(self.chunks)

    def _sizes(self) -> tuple[int, int, int]:
        return len(self.table.persons), len(self.table.orgs), len(self.table.places)

    def mark(self) -> tuple[tuple[int, int, int], int]:
        return self._sizes(), len(self._counted)

    def counted(self, calls: Iterator[Call]) -> None:
        self._counted.extend(list(args[0]) for name, args, _, _ in calls if name == "count_article")

    def delta(self, upto: tuple[tuple[int, int, int], int] | None = None) -> Delta:
        (persons, orgs, places), counted = upto or self.mark()
        b = self._base
        return Delta(_tail(self.table.persons, b[0], persons), _tail(self.table.orgs, b[1], orgs),
                     _tail(self.table.places, b[2], places), list(self._counted[:counted]))

    def maybe_renew(self) -> bool:
        """Close a chunk when the delta has grown past the limit; True when one was closed."""
        delta = self.delta()
        if delta.size() <= self.limit:
            return False
        self.chunks.append(delta)
        self._base = self._sizes()
        self._counted = []
        return True


class WorkerTable:
    """A worker's side: the table of the latest generation it was asked for, brought forward by the
    chunks it lacks (rebuilt from the snapshot for an older generation: a batch sent before a renewal)."""

    def __init__(self) -> None:
        self.generation = -1
        self._table: CanonicalTable | None = None

    def table(self, snapshot: dict, chunks: list[Delta], delta: Delta) -> CanonicalTable:
        """A table of its own for one batch: the snapshot, the chunks and the batch's delta."""
        if self._table is None or len(chunks) < self.generation:
            self._table, self.generation = table_from_data(snapshot), 0
        for chunk in chunks[self.generation:]:
            chunk.apply(self._table)
        self.generation = len(chunks)
        table = layered(self._table)  # the batch's articles add to their own layer, never to this table
        delta.apply(table)
        return table
