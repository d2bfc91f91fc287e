"""Applying curation to the Whoosh index.

* `apply_changes(ix, store)`: every change still `pending` in the curation database is applied to
  the documents it concerns, under the Whoosh write lock, in batches; then its `pending` row is
  deleted. Called after every change (CLI and web), at the end of every indexing run, and by
  `newsfind check --repair`. If it fails or the process is killed, the rows stay pending and the
  next call applies them: applying reads the *current* curation of each document, so applying twice
  or late gives the same index.
* `IndexCuration`: what an indexing run applies to each document it writes (`writer.index_paths`),
  so re-indexing from scratch restores every tag and correction.
* `check(ix, store)`: compares every document with what curation says it should be.

Knobs for tests and very large bulk changes: `NEWSFIND_APPLY_BATCH` (documents per commit, default
500) and `NEWSFIND_APPLY_DELAY` (seconds to wait after each document; 0).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsfind.index.curation.document import ArticleCuration, curate, needs_update
from newsfind.index.curation.rules import LIST_FIELDS, SPEAKER_FIELDS, EntityRule
from newsfind.index.curation.store import CurationStore
from newsfind.index.curation.watches import journal_written
from newsfind.index.store import IndexBusyError
from whoosh import query as wq
from whoosh.index import LockError

WRITER_TIMEOUT = 30.0  # seconds to wait for another process's Whoosh writer
DEFAULT_BATCH = 500
# One Whoosh writer per process at a time (threads of `newsfind serve` queue here, processes on the lock file).
_WRITE_LOCK = threading.Lock()


@dataclass
class ApplyReport:
    changes: list[int] = field(default_factory=list)  # pending changes now applied
    documents: int = 0  # documents re-written
    missing: list[str] = field(default_factory=list)  # curated articles that are not in the index


def _batch_size() -> int:
    return max(1, int(os.environ.get("NEWSFIND_APPLY_BATCH") or DEFAULT_BATCH))


def _delay() -> float:
    return float(os.environ.get("NEWSFIND_APPLY_DELAY") or 0)


def acquire_writer(ix, timeout: float = WRITER_TIMEOUT):
    try:
        return ix.writer(timeout=timeout)
    except LockError:
        raise IndexBusyError("the index is busy (another newsfind run is writing to it)") from None


def fields_of(kind: str) -> list[str]:
    return [LIST_FIELDS[kind]] + ([SPEAKER_FIELDS[kind]] if kind in SPEAKER_FIELDS else [])


def resolve_scope(searcher, conn, store: CurationStore, scope: dict) -> set[str]:
    """Article ids a change's scope covers: its articles, every document naming one of its values,
    and every article its rules changed before."""
    ids = set(scope.get("articles") or [])
    id_column = searcher.reader().column_reader("id") if searcher.doc_count() else None
    for kind, value in scope.get("values") or []:
        for name in fields_of(kind):
            for docnum in searcher.docs_for_query(wq.Term(name, value)):
                ids.add(id_column[docnum])
    ids |= store.recorded_articles(conn, scope.get("rules") or [])
    return ids


def apply_changes(ix, store: CurationStore, extra_scopes: Iterable[dict] = (),
                  timeout: float = WRITER_TIMEOUT) -> ApplyReport:
    """Apply pending changes (and `extra_scopes`, e.g. {"articles": [...]}) to the index."""
    report = ApplyReport()
    extra = list(extra_scopes)
    if not store.exists():
        return report
    if not _WRITE_LOCK.acquire(timeout=timeout):
        raise IndexBusyError("the index is busy (this process is writing to it)")
    try:
        return _apply(ix, store, extra, timeout, report)
    finally:
        _WRITE_LOCK.release()


def _apply(ix, store: CurationStore, extra: list[dict], timeout: float, report: ApplyReport) -> ApplyReport:
    writer = acquire_writer(ix, timeout)
    try:
        # Under the lock: what is pending now, and the curation of the documents concerned.
        with store.db.read() as conn:
            pending = store.pending(conn)
            if not pending and not extra:
                writer.cancel()
                return report
            with writer.searcher() as searcher:
                scope_ids = {change_id: resolve_scope(searcher, conn, store, scope) for change_id, scope in pending}
                extra_ids = set().union(*(resolve_scope(searcher, conn, store, s) for s in extra)) if extra else set()
            ids = sorted(set().union(extra_ids, *scope_ids.values()))
            rules, curation = store.snapshot(conn, ids)
        updated: set[str] = set()
        hits: dict[int, set[str]] = {}
        batch, delay = _batch_size(), _delay()
        for start in range(0, len(ids), batch):
            if writer is None:
                writer = acquire_writer(ix, timeout)
            written: list[str] = []
            with writer.searcher() as searcher:
                for article_id in ids[start:start + batch]:
                    stored = searcher.document(id=article_id)
                    if stored is None:
                        report.missing.append(article_id)
                        continue
                    doc, applied = curate(stored, curation.get(article_id), rules)
                    for rule_id in applied:
                        hits.setdefault(rule_id, set()).add(article_id)
                    if needs_update(stored, doc):
                        writer.update_document(**doc)
                        updated.add(article_id)
                        written.append(article_id)
                    if delay:
                        time.sleep(delay)
            if written:
                journal_written(store.db.index_dir, written)  # for watches: before the commit (watches.py)
                writer.commit()
            else:
                writer.cancel()
            writer = None
        if writer is not None:  # nothing to look at
            writer.cancel()
            writer = None
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    for change_id, covered in scope_ids.items():
        touched = covered & updated
        if touched:
            hits.setdefault(change_id, set()).update(touched)
    store.applied([change_id for change_id, _ in pending], hits)
    report.changes = [change_id for change_id, _ in pending]
    report.documents = len(updated)
    return report


class IndexCuration:
    """The curation an indexing run applies to each document it writes: loaded once at the start
    of the run; `finish()` afterwards applies whatever changed during the run (and anything
    pending), so a change made while the run was going is never overwritten by it."""

    def __init__(self, index_dir: Path) -> None:
        self.store = CurationStore(index_dir)
        self.rules: list[EntityRule] = []
        self.articles: dict[str, ArticleCuration] = {}
        self.revision = 0
        self.hits: dict[int, set[str]] = {}
        if self.store.exists():
            with self.store.db.read() as conn:
                self.revision = conn.execute("SELECT COALESCE(MAX(id), 0) FROM changes").fetchone()[0]
                self.rules, self.articles = self.store.snapshot(conn)

    def curate(self, doc: dict) -> dict:
        if not self.rules and doc["id"] not in self.articles:
            return doc
        curated, applied = curate(doc, self.articles.get(doc["id"]), self.rules)
        for rule_id in applied:
            self.hits.setdefault(rule_id, set()).add(doc["id"])
        return curated

    def finish(self, ix) -> ApplyReport | None:
        """Record what rules changed; apply changes made during the run and pending ones. None
        when the index was busy (they stay pending for the next write)."""
        if not self.store.exists():
            return None
        self.store.applied([], self.hits)
        with self.store.db.read() as conn:
            since = self.store.scopes_since(conn, self.revision)
        try:
            return apply_changes(ix, self.store, since)
        except IndexBusyError:
            return None


@dataclass
class CheckReport:
    documents: int = 0
    mismatched: list[str] = field(default_factory=list)  # documents that differ from their curation
    pending: int = 0  # changes not yet applied
    missing: list[str] = field(default_factory=list)  # curated articles not in the index
    problems: list[str] = field(default_factory=list)  # from SQLite's integrity check
    repaired: int = 0

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.pending or self.problems)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "documents": self.documents, "mismatched": self.mismatched, "pending": self.pending,
                "missing": self.missing, "problems": self.problems, "repaired": self.repaired}


def check(ix, store: CurationStore, repair: bool = False) -> CheckReport:
    """Compare every document of the index with its curation; with `repair`, re-apply where they
    differ and apply pending changes."""
    report = CheckReport(problems=store.db.integrity())
    if not store.exists():
        return report
    with store.db.read() as conn:
        rules, curation = store.snapshot(conn)
        report.pending = len(store.pending(conn))
    seen: set[str] = set()
    with ix.searcher() as searcher:
        for _, stored in searcher.reader().iter_docs():
            report.documents += 1
            seen.add(stored["id"])
            doc, _ = curate(stored, curation.get(stored["id"]), rules)
            if needs_update(stored, doc):
                report.mismatched.append(stored["id"])
    report.missing = sorted(set(curation) - seen)
    report.mismatched.sort()
    if repair and (report.mismatched or report.pending):
        result = apply_changes(ix, store, [{"articles": report.mismatched}] if report.mismatched else [])
        report.repaired = result.documents
        again = check(ix, store, repair=False)
        report.mismatched, report.pending = again.mismatched, again.pending
    return report
