"""Watches (saved searches that watch the archive): validating, matching and listing what is new.

The storage, and the design that makes every new article count exactly once (a journal of written
articles, per-watch rows of the articles that match, a seen-up-to number), are in
`newsfind.index.curation.watches`; read its docstring first. This module evaluates: a watch's
matching set is `engine.matching` of its query and filters, exactly what `newsfind query QUERY
--filter ...` matches, so a watch and a search never disagree.

The API (the CLI's `newsfind watch`, the index run's summary and the web use these):

* `add_watch(ix, store, owner, name, query, filters, sort, notify_url, who)`: validate the query and
  filters as `newsfind query` does (`QueryError` with the parser's message), then save the watch with
  everything that matches it now as seen (a new watch starts with nothing new).
* `match_pending(ix, store)`: look at the articles journaled since the last look (those an index run
  or a curation change wrote or deleted), holding the Whoosh write lock; record new hits. Called
  after every index run and before `watch new`. Returns a `MatchReport`; a busy index is
  `report.busy` (the journal waits for the next look), never an error.
* `new_matches(ix, store, watch, limit)`: the new hits of a watch as data (newest first by the
  watch's sort, collapsed by syndication group with the other new versions named), and `up_to`,
  the hit number to hand to `store.mark_seen` so that hits recorded meanwhile stay new.
  `latest_matches(ix, store, watch, limit)`: the same for the latest hits, seen or not (a feed).
* The store (`WatchStore(index_dir)`): `watches(owner)` (each with `new`, its unseen count), `get`,
  `remove`, `mark_seen`; `Watch.public()` is what the CLI's `--json` shows.

Cost: the work after an index run is one engine evaluation per distinct (query, filters) of the
watches on each segment that holds a journaled document (usually the few small segments the run
wrote), intersected with the journaled documents, plus SQLite rows for the journaled articles only.
Nothing is evaluated when the journal is empty. `make bench` (bench/watches.py) measures it.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
from newsfind.index.curation.apply import _WRITE_LOCK
from newsfind.index.curation.changes import Change
from newsfind.index.curation.watches import Hit, Watch, WatchStore
from newsfind.index.store import IndexBusyError
from newsfind.search import engine
from newsfind.search.query import QueryError
from newsfind.search.searcher import SearchRequest, build_query, hit_data, snippet_for
from newsfind.search.versions import group_ordinals, version_data, versions_fields

LOCK_TIMEOUT = 10.0  # seconds to wait for another writer before leaving the journal for later
MAX_SHOWN = 1000
ID_LOOKUPS = 2000  # up to this many ids are looked up one by one; more: the whole id column is read


@dataclass
class MatchReport:
    looked_at: int = 0  # journaled articles looked at
    new: dict[int, int] = field(default_factory=dict)  # watch id -> hits recorded now
    watches: list[Watch] = field(default_factory=list)  # every watch (with its count of unseen hits)
    busy: str = ""  # why the journal could not be looked at now (the index busy, read-only); left for later
    errors: dict[int, str] = field(default_factory=dict)  # watch id -> why it could not be evaluated
    seconds: float = 0.0

    def with_new(self) -> list[tuple[Watch, int]]:
        return [(w, self.new[w.id]) for w in self.watches if self.new.get(w.id)]


def request_for(watch_query: str, filters: dict[str, list[str]], sort: str = "relevance") -> SearchRequest:
    return SearchRequest(query=watch_query, filters={k: list(v) for k, v in filters.items()},
                         sort=sort if sort in ("relevance", "date", "-date") else "relevance", snippets=False)


def validate(searcher, watch_query: str, filters: dict[str, list[str]], sort: str = "-date") -> None:
    """`QueryError` (the message `newsfind query` gives) unless the query and filters can be run."""
    request = request_for(watch_query, filters, sort)
    request.validate()
    build_query(searcher, request)


def add_watch(ix, store: WatchStore, owner: str, name: str, watch_query: str, filters: dict[str, list[str]],
              sort: str = "-date", notify_url: str | None = None, who: str | None = None) -> tuple[Watch, Change]:
    """Validate and save a watch; what matches it now is seen. QueryError for a bad query or filter,
    CurationError for a bad name, URL or a name the owner already uses."""
    with ix.searcher() as searcher:
        validate(searcher, watch_query, filters, sort)

    def baseline() -> list[str]:  # inside the transaction that adds the watch: see watches.py
        with ix.searcher() as searcher:
            return _matching_ids(searcher, watch_query, filters)

    return store.add(owner, name, watch_query, filters, sort, notify_url, who or owner, baseline)


def _matching_ids(searcher, watch_query: str, filters: dict[str, list[str]],
                  among: np.ndarray | None = None) -> list[str]:
    q, filter_q = build_query(searcher, request_for(watch_query, filters))
    docs = engine.matching(searcher, q, filter_q).docs
    if among is not None:
        docs = np.intersect1d(docs, among, assume_unique=True)
    if not len(docs):
        return []
    ids = searcher.reader().column_reader("id")
    return [ids[d] for d in docs.tolist()]


def docnums_of(searcher, article_ids: list[str]) -> dict[str, int]:
    """article id -> live docnum, for the ids in the index."""
    if not article_ids or not searcher.doc_count():
        return {}
    if len(article_ids) <= ID_LOOKUPS:
        found = {a: searcher.document_number(id=a) for a in article_ids}
        return {a: d for a, d in found.items() if d is not None}
    wanted = set(article_ids)
    reader = searcher.reader()
    ids = reader.column_reader("id")
    return {ids[d]: d for d in reader.all_doc_ids() if ids[d] in wanted}


@contextmanager
def write_lock(ix, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """The Whoosh write lock (and this process's writer lock), without opening a writer: while it is
    held no journaled document can be committed under the matcher. IndexBusyError after `timeout`."""
    if not _WRITE_LOCK.acquire(timeout=timeout):
        raise IndexBusyError("the index is busy (this process is writing to it)")
    try:
        lock = ix.lock("WRITELOCK")
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexBusyError("the index is busy (another newsfind run is writing to it)")
            time.sleep(0.05)
        try:
            yield
        finally:
            lock.release()
    finally:
        _WRITE_LOCK.release()


def match_pending(ix, store: WatchStore, timeout: float | None = None) -> MatchReport:
    """Look at every journaled article for every watch; record what began to match. See the module
    docstring. A busy index (waited for `timeout`, default LOCK_TIMEOUT) or one whose lock cannot be
    taken (a read-only directory) is `report.busy`: the journal waits for the next look."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    started = time.monotonic()
    report = MatchReport()
    if not store.exists():
        return report
    try:
        with write_lock(ix, timeout):
            report.new = {watch_id: len(hits) for watch_id, hits in
                          store.match_journal(lambda ids, watches: _evaluate(ix, ids, watches, report)).items()}
    except (IndexBusyError, PermissionError) as exc:
        report.busy = str(exc)
    except OSError as exc:  # the lock file cannot be made: a read-only index directory
        if exc.errno not in (errno.EROFS, errno.EACCES):
            raise
        report.busy = str(exc)
    report.watches = store.watches()
    report.seconds = time.monotonic() - started
    return report


def _evaluate(ix, article_ids: list[str], watches: list[Watch], report: MatchReport) -> dict[int, set[str]]:
    """Which of `article_ids` match each watch now. Evaluated per segment holding one of them (the
    segments a run wrote, unless a merge folded them into an older one): membership of a document
    depends on its own segment only (terms, expansions of wildcards and fuzzy terms from that
    segment's lexicon, its columns); scores, which depend on the whole index, are not needed."""
    report.looked_at = len(article_ids)
    out: dict[int, set[str]] = {w.id: set() for w in watches}
    with ix.searcher() as searcher:
        present = np.fromiter(docnums_of(searcher, article_ids).values(), dtype=np.int64)
        if not len(present):
            return out
        present.sort()
        for sub, offset in searcher.leaf_searchers():
            local = present[(present >= offset) & (present < offset + sub.doc_count_all())] - offset
            if not len(local):
                continue
            done: dict[tuple, list[str] | QueryError] = {}
            for watch in watches:
                key = (watch.query, tuple(sorted((k, tuple(v)) for k, v in watch.filters.items())))
                if key not in done:
                    try:
                        done[key] = _matching_ids(sub, watch.query, watch.filters, local)
                    except QueryError as exc:  # a query that no longer parses (a newer query language)
                        done[key] = exc
                if isinstance(done[key], QueryError):
                    report.errors[watch.id] = str(done[key])
                else:
                    out[watch.id].update(done[key])
    for watch_id in report.errors:  # not evaluated is not "matches nothing": its rows stay as they are
        out.pop(watch_id, None)
    return out


def new_matches(ix, store: WatchStore, watch: Watch, limit: int = MAX_SHOWN, since: int | None = None) -> dict:
    """The new hits of `watch` (above `since`, default its seen-up-to) as data:
    {watch, new, new_articles, shown, up_to, hits}. `hits`: one per story (syndication group), in the
    watch's order (`-date`: newest first, undated last), each as a
    search hit (id, title, outlet, date, speakers, snippet, group, group_size, other_versions) with
    `new_versions` (the other new articles of its group), `hit` and `matched_at`. `new`: stories;
    `new_articles`: articles; `up_to`: the largest hit number included, for `store.mark_seen`."""
    rows = store.new_hits(watch, since)
    return _hits_data(ix, watch, rows, limit, since if since is not None else watch.seen_up_to)


def latest_matches(ix, store: WatchStore, watch: Watch, limit: int = 50) -> dict:
    """The `limit` most recently recorded hits of `watch`, seen or not (for a feed), as `new_matches`
    gives them (`new`/`new_articles` then count these hits, not what is unseen)."""
    return _hits_data(ix, watch, store.latest_hits(watch, limit), limit, watch.seen_up_to)


def _hits_data(ix, watch: Watch, rows: list[Hit], limit: int, floor: int) -> dict:
    up_to = max((h.hit for h in rows), default=floor)
    data = {"watch": watch.public(), "new": 0, "new_articles": 0, "shown": 0, "up_to": up_to, "hits": []}
    if not rows:
        return data
    by_id = {h.article_id: h for h in rows}
    with ix.searcher() as searcher:
        present = docnums_of(searcher, list(by_id))
        q, filter_q = build_query(searcher, request_for(watch.query, watch.filters))
        matches = engine.matching(searcher, q, filter_q)
        docs = np.intersect1d(matches.docs, np.fromiter(present.values(), dtype=np.int64, count=len(present)),
                              assume_unique=True)
        matches = replace(matches, docs=docs)
        hits = _ordered(searcher, matches, watch.sort)
        groups = group_ordinals(searcher)
        stories: dict[int, list] = {}
        order: list[int] = []
        for hit in hits:
            key = int(groups[hit.docnum]) if groups[hit.docnum] >= 0 else -1 - hit.docnum
            if key not in stories:
                stories[key] = []
                order.append(key)
            stories[key].append(hit)
        data["new"], data["new_articles"] = len(order), len(hits)
        for key in order[:limit]:
            first, *others = stories[key]
            stored = first.fields()
            item = hit_data(first, stored)
            item["score"] = None
            item["snippet"] = snippet_for(first, stored, q)
            item.update(versions_fields(searcher, stored, docnum=first.docnum))
            item["new_versions"] = [version_data(h.fields()) for h in others]
            row = by_id[stored["id"]]
            item["hit"], item["matched_at"] = row.hit, row.at
            data["hits"].append(item)
        data["shown"] = len(data["hits"])
    return data


def _ordered(searcher, matches: engine.Matches, sort: str) -> list:
    """Hits (with matched terms, for snippets) of `matches` in the watch's order, as a search orders
    them: by relevance, or by date (undated last, equal dates in index order)."""
    if not len(matches.docs):
        return []
    if sort == "relevance":
        return engine.ranked_hits(searcher, matches, len(matches.docs))
    return engine.hits_at(searcher, matches, engine.by_date(searcher, matches.docs, sort), terms=True)
