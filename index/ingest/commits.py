"""The Whoosh writer of an indexing run, committed in the background.

Whoosh merges segments inside `commit()` (its MERGE_SMALL policy merges each document about 1.5
times over a 37,554-article run, at ~23 ms of Python per merged document on this corpus; one
merge there joined 14,600 documents). While the main process merged, nobody took the workers'
parsed articles, so both cores idled behind one. Here each commit runs in a thread: the main
process goes on taking parsed articles, and the documents that arrive meanwhile wait in a list
until the commit is done and the next writer is open. The list holds at most one commit's worth:
the next commit waits for the previous one first.

Durability is unchanged: documents count as written when their commit is done; a run killed
during a background commit loses that commit's documents, as it would lose them in `commit()`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable


class BackgroundWriter:
    """`update_document`, `delete_by_term`, `commit` (started in a thread), `finish` (the last
    commit, waited for) and `cancel`, over a writer that `open_writer()` opens, and
    `reopen_writer()` (default: `open_writer`) opens again after each commit. Each commit gives
    the write lock up, so another writer (a curation change) may take it in between: what
    reopening raises then comes out of the next call in the main thread."""

    def __init__(self, open_writer: Callable[[], object],
                 reopen_writer: Callable[[], object] | None = None) -> None:
        self._open_writer = reopen_writer or open_writer  # after each commit: may wait longer
        self._writer = open_writer()
        self._thread: threading.Thread | None = None
        self._committed_writer = None  # the writer being committed by the thread
        self._next_writer = None  # opened by the thread once the commit is done
        self._error: BaseException | None = None
        self._waiting: list[dict] = []  # documents added while a commit runs

    def update_document(self, **fields) -> None:
        if self._thread is not None and not self._thread.is_alive():
            self._take_next_writer()
        if self._thread is None:
            self._writer.update_document(**fields)
        else:
            self._waiting.append(fields)

    def delete_by_term(self, fieldname: str, text: str) -> None:
        self._take_next_writer()
        self._writer.delete_by_term(fieldname, text)

    def commit(self, before: Callable[[], None] | None = None) -> None:
        """Start committing everything added so far (after the previous commit is done). `before` runs
        first, holding the write lock (the watches' journal: index/curation/watches.py)."""
        self._take_next_writer()
        if before is not None:
            before()
        writer = self._committed_writer = self._writer
        self._writer = None

        def run() -> None:
            try:
                writer.commit()
                self._next_writer = self._open_writer()
            except BaseException as exc:  # re-raised in the main thread by _take_next_writer
                self._error = exc

        self._thread = threading.Thread(target=run, name="newsfind-commit", daemon=True)
        self._thread.start()

    def finish(self, before: Callable[[], None] | None = None, mergetype=None) -> None:
        """Commit everything and wait until it is written (`before`: as for `commit`; `mergetype`: Whoosh's
        merge policy of that commit)."""
        self._take_next_writer()
        if before is not None:
            before()
        self._writer.commit(mergetype=mergetype)
        self._writer = None

    def cancel(self) -> None:
        """Give up what is not committed (after waiting for a commit under way) and release the lock."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            if self._error is not None:
                _cancel_quietly(self._committed_writer)
            self._writer = self._next_writer
        self._waiting.clear()
        if self._writer is not None:
            _cancel_quietly(self._writer)
            self._writer = None

    def _take_next_writer(self) -> None:
        """Wait for the commit under way, if any; then the next writer gets the waiting documents."""
        if self._thread is None:
            return
        self._thread.join()
        self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            _cancel_quietly(self._committed_writer)
            self._waiting.clear()
            raise error
        self._writer, self._next_writer, self._committed_writer = self._next_writer, None, None
        for fields in self._waiting:
            self._writer.update_document(**fields)
        self._waiting.clear()


def _cancel_quietly(writer) -> None:
    with contextlib.suppress(Exception):  # already committed or closed: nothing left to give up
        writer.cancel()
