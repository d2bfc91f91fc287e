"""Damaged files of an index directory, told from a bug: a segment file truncated or deleted, a
curation or groups database that is no longer SQLite, a `canonical.json` that is no longer JSON.
`newsfind` reports each as one line that names the file and says how to repair it (exit code 1; the
web UI answers 503), never as a traceback. Standard library only: every command imports this."""

from __future__ import annotations

import pickle
import sqlite3
import struct
import zlib
from pathlib import Path

# What reading a damaged Whoosh file raises (a truncated pickle or compound file, a bad header).
WHOOSH_DAMAGE = (EOFError, struct.error, pickle.UnpicklingError, zlib.error)
SQLITE_HEADER = b"SQLite format 3\x00"
DATABASES = {
    "curation.sqlite3": "restore it from a backup, or move it away to start without curation (query, show, "
                        "export and serve work meanwhile)",
    "groups.sqlite": "move it away and run the same `newsfind index` command again: it is rebuilt from the index",
}


class IndexDamagedError(RuntimeError):
    """A file of the index directory that cannot be read; the message says which and what to do."""


DAMAGE = (IndexDamagedError, *WHOOSH_DAMAGE, FileNotFoundError, sqlite3.DatabaseError)


def whoosh_repair(index_dir: Path | None) -> str:
    where = f" in {index_dir}" if index_dir else ""
    return (f"the index{where} is damaged; move its Whoosh files (_MAIN_*.toc, MAIN_*) away and run "
            "`newsfind index` on the sources again (tags, corrections and history are kept in "
            "curation.sqlite3 and applied again)")


def _whoosh_file(name: str) -> bool:
    return name.startswith(("MAIN_", "_MAIN_"))


def damaged_database(index_dir: Path | None) -> Path | None:
    """The first database of the index directory that is not an SQLite file (no or a wrong header)."""
    for name in DATABASES:
        path = index_dir / name if index_dir else None
        if path is not None and path.is_file():
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
            if head and head != SQLITE_HEADER:
                return path
    return None


def damage_message(exc: BaseException, index_dir: Path | None) -> str | None:
    """One line for `exc` if it means a damaged file of the index directory, else None (a bug: let
    it show)."""
    if isinstance(exc, IndexDamagedError):
        return str(exc)
    if isinstance(exc, WHOOSH_DAMAGE):
        return f"{whoosh_repair(index_dir)} [{type(exc).__name__}: {exc}]"
    if isinstance(exc, FileNotFoundError) and exc.filename and _whoosh_file(Path(exc.filename).name):
        return f"{whoosh_repair(index_dir)} [{Path(exc.filename).name} is missing]"
    if type(exc) is sqlite3.DatabaseError:  # not OperationalError (locked, read-only, full: faults.py)
        path = damaged_database(index_dir)
        if path is None:
            return f"a database in {index_dir} is damaged ({exc}): restore it from a backup"
        return f"{path} is damaged ({exc}): {DATABASES[path.name]}"
    return None
