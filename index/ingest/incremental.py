"""What a re-run needs besides content hashes: which input file an article came from (for
`--prune`), which stored articles vanished, and a Ctrl-C that stops between documents.

Sources as the readers write them: `PATH` (text files, web pages, a JSON record), `PATH:LINE`
(JSON Lines, CSV rows), `PATH[I]` (an element of a JSON list), `PATH#URL` (a WARC record),
`<stdin>:LINE` (never under any path, so never pruned).
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Iterable
from pathlib import Path

from newsfind.index.readers.types import STDIN, ReadFailure

_RECORD_SUFFIX = re.compile(r"(?::\d+|\[\d+\])$")


def source_file(source: str | None) -> str | None:
    """The absolute path of the input file a source string names, or None (stdin, or a file that
    no longer exists and whose name cannot be told from the record suffix)."""
    if not source or source.startswith("<"):
        return None
    candidates = [source, _RECORD_SUFFIX.sub("", source)]
    pos = source.find("#")
    while pos != -1:  # PATH#URL: the first '#' after which the prefix is a file
        candidates.append(source[:pos])
        pos = source.find("#", pos + 1)
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            return str(Path(candidate).resolve())
    return None


def prune_roots(paths: Iterable[str]) -> list[Path]:
    """The given inputs that exist, resolved. A path that does not exist prunes nothing: a typo or
    an unmounted disk must not empty the index."""
    return [Path(p).resolve() for p in paths if p != STDIN and os.path.exists(p)]


def is_under(file: str, roots: list[Path]) -> bool:
    path = Path(file)
    return any(path == root or root in path.parents for root in roots)


def vanished(members: Iterable[tuple[str, str | None]], seen: set[str], roots: list[Path],
             failures: Iterable[ReadFailure]) -> list[str]:
    """Ids of stored articles (id, input file) whose file lies under `roots` but that this run did
    not see. Files that failed to read in this run keep their articles (broken is not gone)."""
    protected = {f for f in (source_file(failure.path) for failure in failures) if f}
    return [doc_id for doc_id, file in members
            if doc_id not in seen and file and file not in protected and is_under(file, roots)]


class StopRequests:
    """While active (main thread only), SIGINT and SIGTERM set `requested` instead of raising, so a
    run stops between documents and commits what it finished. A second signal raises
    KeyboardInterrupt at once (the uncommitted documents are then dropped, never half-written)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, object] = {}

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
