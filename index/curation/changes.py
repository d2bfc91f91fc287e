"""The audit log of curation: every change is a row (`changes`: who, when, action, target, before,
after) written in the transaction that makes it, with the articles it touched and, when it changes
the index, a `pending` row saying which documents of the Whoosh index must be re-curated.

`ChangeLog` writes and reads that log; the stores built on it (`accounts`, `store`) make the changes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsfind.index.curation.db import Database, now_text
from newsfind.index.curation.rules import EntityRule


class CurationError(ValueError):
    """A change that cannot be made as asked (bad tag, unknown user, ...): a usage error."""


@dataclass
class Change:
    id: int
    at: str
    who: str
    action: str
    target: str
    before: Any
    after: Any
    undoes: int | None = None
    undone_by: int | None = None

    @classmethod
    def from_row(cls, row) -> Change:
        return cls(id=row["id"], at=row["at"], who=row["who"], action=row["action"], target=row["target"],
                   before=json.loads(row["before"]) if row["before"] else None,
                   after=json.loads(row["after"]) if row["after"] else None,
                   undoes=row["undoes"], undone_by=row["undone_by"])

    def as_dict(self) -> dict:
        return {**asdict(self), "summary": self.summary()}

    def summary(self) -> str:
        """One line for people: what changed."""
        before, after = self.before or {}, self.after or {}
        prefix = f"undo #{self.undoes}: " if self.undoes else ""
        if self.action in ("tag", "untag"):
            sign = "+" if self.action == "tag" else "-"
            changed = after.get("tags") or []
            articles = after.get("articles") or {}
            where = next(iter(articles)) if len(articles) == 1 else f"{len(articles)} articles"
            text = f"{' '.join(sign + t for t in changed)} on {where}"
            if after.get("context"):
                text += f" ({after['context']})"
            return prefix + text
        if self.action == "correct":
            def shown(value):
                return "(extracted)" if value is None else repr(value) if value else "(none)"

            parts = [f"{name} {shown(before.get(name))} -> {shown(value)}" for name, value in after.items()]
            return prefix + f"{self.target}: " + "; ".join(parts)
        if self.action.startswith("entity."):
            rule = after.get("rule") or before.get("rule")
            text = EntityRule.from_dict(rule).describe() if rule else self.target
            return prefix + ("removed rule: " + text if self.action == "entity.remove" else text)
        if self.action.startswith("watch."):
            watch = after or before
            query = f" {watch['query']!r}" if watch.get("query") else ""
            return prefix + f"{self.action.removeprefix('watch.')} {self.target}{query}"
        if self.action.startswith("user."):
            return prefix + f"{self.action.removeprefix('user.')} {self.target}" + (
                f" ({', '.join(f'{k}={v}' for k, v in after.items())})" if after else "")
        return prefix + self.target


def _dumps(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


class ChangeLog:
    """The audit log of one index's curation database: written inside the transaction of each change."""

    def __init__(self, index_dir: Path) -> None:
        self.db = Database(Path(index_dir))

    def exists(self) -> bool:
        return self.db.exists()

    def _log(self, conn: sqlite3.Connection, who: str, action: str, target: str, before=None, after=None,
             undoes: int | None = None, articles: Iterable[str] = (), scope: dict | None = None,
             change_id: int | None = None) -> Change:
        """Append an audit row (and its articles, and a pending row when it changes the index).
        `change_id`: the id rows written earlier in this transaction already refer to."""
        at = now_text()
        change_id = change_id or self._next_change_id(conn)
        conn.execute(
            "INSERT INTO changes (id, at, who, action, target, before, after, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (change_id, at, who, action, target, _dumps(before), _dumps(after), undoes))
        conn.executemany("INSERT OR IGNORE INTO change_articles (article_id, change_id) VALUES (?, ?)",
                         [(a, change_id) for a in articles])
        if scope is not None:
            conn.execute("INSERT INTO pending (change_id, scope) VALUES (?, ?)", (change_id, _dumps(scope)))
        return Change(change_id, at, who, action, target, before, after, undoes)

    @staticmethod
    def _next_change_id(conn: sqlite3.Connection) -> int:
        return conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM changes").fetchone()[0]

    def change(self, change_id: int) -> Change | None:
        with self.db.read() as conn:
            return self._change(conn, change_id)

    @staticmethod
    def _change(conn: sqlite3.Connection, change_id: int) -> Change | None:
        if not 0 < change_id < 2**63:  # SQLite integers: a larger id is no change (not an OverflowError)
            return None
        row = conn.execute("SELECT c.*, (SELECT u.id FROM changes u WHERE u.undoes = c.id) AS undone_by "
                           "FROM changes c WHERE c.id = ?", (change_id,)).fetchone()
        return Change.from_row(row) if row else None

    def history(self, article_id: str | None = None, limit: int | None = None) -> list[Change]:
        """Changes, oldest first (the last `limit` of them); only those touching `article_id` if given."""
        sql = "SELECT c.*, (SELECT u.id FROM changes u WHERE u.undoes = c.id) AS undone_by FROM changes c"
        params: list = []
        if article_id is not None:
            sql += " WHERE c.id IN (SELECT change_id FROM change_articles WHERE article_id = ?)"
            params.append(article_id)
        sql += " ORDER BY c.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self.db.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [Change.from_row(r) for r in reversed(rows)]

    def revision(self) -> int:
        with self.db.read() as conn:
            return conn.execute("SELECT COALESCE(MAX(id), 0) FROM changes").fetchone()[0]
