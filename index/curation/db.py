"""Opening the curation database: `curation.sqlite3` in the index directory.

WAL journal (readers never wait for the writer), `foreign_keys=ON`, a busy timeout so that
concurrent writers queue instead of failing, `synchronous=FULL` (a committed change survives a
crash of the process and of the machine). Write transactions start with `BEGIN IMMEDIATE`, so two
writers never both read and then both try to write.

Reads of an index that has no curation database yet do not create one (an index directory may be
read-only): they see an empty in-memory database with the same schema.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from newsfind.index.curation.migrations import MIGRATIONS

DB_FILE = "curation.sqlite3"
BUSY_TIMEOUT_MS = 30_000
SCHEMA_VERSION = len(MIGRATIONS)
# A database this old still reads as the current one (the migrations after it only add indexes): a
# read-only directory written by an older newsfind is read, not refused.
READABLE_FROM = 3


class CurationDatabaseError(RuntimeError):
    pass


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to `SCHEMA_VERSION`, one migration per step, each in its own transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            version = 0
        else:
            version = row[0]
        if version > SCHEMA_VERSION:
            raise CurationDatabaseError(
                f"the curation database has schema version {version}, newer than this newsfind knows "
                f"({SCHEMA_VERSION}); upgrade newsfind")
        for step in range(version, SCHEMA_VERSION):
            # statement by statement: executescript() would COMMIT in the middle of the transaction
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ?", (step + 1,))
        conn.execute("COMMIT")
        return SCHEMA_VERSION
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """SQL statements of a migration script (triggers keep their inner `;`)."""
    buffer = ""
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement.rstrip(";").strip():
                yield statement
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the database to WAL, waiting for another process that holds it. SQLite does not call
    the busy handler for a journal-mode change, so two processes creating the database at once got
    "database is locked" at once (seen as a failing command when two curators tagged together)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


class Database:
    """Connections to one curation database. A connection per operation (cheap for SQLite), so any
    thread or process may use the store; `write()` is one `BEGIN IMMEDIATE` transaction."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / DB_FILE
        self._migrated = False

    def exists(self) -> bool:
        return self.path.exists()

    def _open(self, create: bool) -> sqlite3.Connection:
        if not create and not self.path.exists():
            conn = sqlite3.connect(":memory:", isolation_level=None)
            _configure(conn)
            migrate(conn)
            return conn
        if not create and not os.access(self.index_dir, os.W_OK):
            return self._open_read_only()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            _configure(conn)
            _use_wal(conn)
            if not self._migrated:
                migrate(conn)
                self._migrated = True
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """A directory nobody can write (a read-only mount, a backup): SQLite cannot create the WAL's
        shared-memory file there, so the database is opened read-only, and immutable when no WAL
        is left (then the file alone is the whole database). Writing raises "readonly database"."""
        wal = self.path.with_name(self.path.name + "-wal")
        mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None or not READABLE_FROM <= row[0] <= SCHEMA_VERSION:
                raise CurationDatabaseError(
                    f"the curation database in read-only {self.index_dir} has schema version "
                    f"{row[0] if row else 'none'}, not {SCHEMA_VERSION}: it needs writing to upgrade")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for reading (one read transaction)."""
        conn = self._open(create=False)
        try:
            conn.execute("BEGIN")
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        conn = self._open(create=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def integrity(self) -> list[str]:
        """Problems SQLite finds in the file (empty when it is sound)."""
        if not self.exists():
            return []
        conn = self._open(create=False)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [f"foreign key: {tuple(row)}" for row in conn.execute("PRAGMA foreign_key_check")]
            return problems
        finally:
            conn.close()
