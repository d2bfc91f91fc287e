"""The curation store: tags, metadata corrections, entity rules, accounts and the audit log.

Every change is one SQLite transaction that writes the curation rows, the audit row (`changes`:
who, when, action, target, before, after) and a `pending` row saying which documents of the
Whoosh index must be re-curated. `newsfind.index.curation.apply` then applies pending changes to the index
and deletes their `pending` rows; if that fails or the process dies first, the next write, index
run or `newsfind check --repair` applies them (the database is the source of truth, and applying
is idempotent).

Undo is a change like any other: it writes the inverse of the change it undoes, logged with
`undoes` pointing at it. A change can be undone once; undoing the undo redoes it.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsfind.index.curation.db import Database, now_text
from newsfind.index.curation.document import CORRECTABLE, ArticleCuration, Correction, parse_date_value
from newsfind.index.curation.rules import EntityRule
from newsfind.index.curation.tags import normalise_tag, sort_labels

ROLES = ("reader", "archivist", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MAX_VALUE_CHARS = {"title": 1000, "outlet": 300, "author": 300, "date": 20}
TOKEN_PREFIX = "nf_"
MIN_PASSWORD = 8
CHUNK = 500  # ids per `IN (...)` query


class CurationError(ValueError):
    """A change that cannot be made as asked (bad tag, unknown user, ...): a usage error."""


class UndoError(RuntimeError):
    """A change that cannot be undone (already undone, changed again since, ...)."""


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
        if self.action.startswith("user."):
            return prefix + f"{self.action.removeprefix('user.')} {self.target}" + (
                f" ({', '.join(f'{k}={v}' for k, v in after.items())})" if after else "")
        return prefix + self.target


@dataclass
class User:
    id: int
    name: str
    role: str
    session_version: int
    created_at: str
    password_hash: str = ""

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def public(self) -> dict:
        return {"name": self.name, "role": self.role, "created_at": self.created_at}


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _dumps(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def hash_password(password: str) -> str:
    """A salted scrypt hash (n=2**15, r=8, p=1) of a password, as werkzeug writes and checks them."""
    from werkzeug.security import generate_password_hash  # only account commands need it

    if len(password) < MIN_PASSWORD:
        raise CurationError(f"a password has at least {MIN_PASSWORD} characters")
    return generate_password_hash(password, method="scrypt")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class CurationStore:
    def __init__(self, index_dir: Path) -> None:
        self.db = Database(Path(index_dir))

    def exists(self) -> bool:
        return self.db.exists()

    # -- the audit log --------------------------------------------------------------------------

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

    # -- tags -----------------------------------------------------------------------------------

    @staticmethod
    def _article_tags(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, dict[int, str]]:
        """article id -> {tag id: label}."""
        out: dict[str, dict[int, str]] = {a: {} for a in article_ids}
        for chunk in _chunks(list(dict.fromkeys(article_ids))):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(f"SELECT a.article_id, t.id, t.label FROM article_tags a JOIN tags t "
                                    f"ON t.id = a.tag_id WHERE a.article_id IN ({marks})", chunk):
                out[row[0]][row[1]] = row[2]
        return out

    def change_tags(self, article_ids: list[str], tags: list[str], who: str, remove: bool = False,
                    context: str | None = None) -> Change | None:
        """Add (or remove) tags on articles: one change for all of them, or None if nothing changes."""
        try:
            normalised = list(dict(normalise_tag(t) for t in tags).items())  # key -> first spelling given
        except ValueError as exc:
            raise CurationError(str(exc)) from None
        if not normalised:
            raise CurationError("give at least one tag")
        ids = list(dict.fromkeys(article_ids))
        with self.db.write() as conn:
            tag_ids: dict[int, str] = {}
            for key, label in normalised:
                if not remove:
                    conn.execute("INSERT OR IGNORE INTO tags (key, label) VALUES (?, ?)", (key, label))
                row = conn.execute("SELECT id, label FROM tags WHERE key = ?", (key,)).fetchone()
                if row:
                    tag_ids[row[0]] = row[1]
            delta = {a: set(tag_ids) for a in ids}
            return self._tag_delta(conn, who, delta, add=not remove, context=context)

    def _tag_delta(self, conn: sqlite3.Connection, who: str, delta: dict[str, set[int]], add: bool,
                   context: str | None = None, undoes: int | None = None) -> Change | None:
        current = self._article_tags(conn, list(delta))
        changed: dict[str, set[int]] = {}
        for article, tag_ids in delta.items():
            have = set(current[article])
            effective = tag_ids - have if add else tag_ids & have
            if effective:
                changed[article] = effective
        if not changed:
            return None
        labels = {row[0]: row[1] for row in conn.execute(
            f"SELECT id, label FROM tags WHERE id IN ({','.join('?' * len(set().union(*changed.values())))})",
            list(set().union(*changed.values())))}
        before = {a: sort_labels(current[a].values()) for a in changed}
        after = {}
        for a, tag_ids in changed.items():
            now = dict(current[a])
            for t in tag_ids:
                if add:
                    now[t] = labels[t]
                else:
                    now.pop(t, None)
            after[a] = sort_labels(now.values())
        change_id = self._next_change_id(conn)
        rows = [(a, t, change_id) for a, tag_ids in changed.items() for t in tag_ids]
        if add:
            conn.executemany("INSERT INTO article_tags (article_id, tag_id, change_id) VALUES (?, ?, ?)", rows)
        else:
            conn.executemany("DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?", [r[:2] for r in rows])
        articles = list(changed)
        target = f"article {articles[0]}" if len(articles) == 1 else f"{len(articles)} articles"
        after_data = {"tags": sort_labels(labels.values()), "articles": after}
        if context:
            after_data["context"] = context
        return self._log(conn, who, "tag" if add else "untag", target, {"articles": before}, after_data,
                         undoes=undoes, articles=articles, scope={"articles": articles}, change_id=change_id)

    def tags_of(self, article_id: str) -> list[str]:
        with self.db.read() as conn:
            return sort_labels(self._article_tags(conn, [article_id])[article_id].values())

    def tag_counts(self) -> list[tuple[str, int]]:
        """(label, number of articles) of every tag in use, most used first."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT t.label, COUNT(*) FROM article_tags a JOIN tags t ON t.id = a.tag_id "
                                "GROUP BY t.id ORDER BY COUNT(*) DESC, t.key").fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- metadata corrections -------------------------------------------------------------------

    @staticmethod
    def check_correction(name: str, value: str | None) -> str | None:
        if name not in CORRECTABLE:
            raise CurationError(f"cannot correct {name!r}; fields are {', '.join(CORRECTABLE)}")
        if value is None:
            return None
        value = " ".join(value.split()) if name != "title" else value.strip()
        if len(value) > MAX_VALUE_CHARS[name]:
            raise CurationError(f"{name} has at most {MAX_VALUE_CHARS[name]} characters")
        if name == "date" and value:
            try:
                value = parse_date_value(value).text
            except ValueError as exc:
                raise CurationError(str(exc)) from None
        if name == "outlet" and "," in value:
            raise CurationError("an outlet cannot contain a comma")
        return value

    def correct(self, article_id: str, values: dict[str, str | None], who: str, undoes: int | None = None,
                _conn: sqlite3.Connection | None = None) -> Change | None:
        """Set (a string; '' for "none") or remove (None) corrections of an article's metadata."""
        values = {name: self.check_correction(name, value) for name, value in values.items()}
        if _conn is not None:
            return self._correct(_conn, article_id, values, who, undoes)
        with self.db.write() as conn:
            return self._correct(conn, article_id, values, who, undoes)

    def _correct(self, conn, article_id: str, values: dict[str, str | None], who: str,
                 undoes: int | None) -> Change | None:
        current = {row[0]: row[1] for row in conn.execute(
            "SELECT field, value FROM metadata_corrections WHERE article_id = ?", (article_id,))}
        changed = {name: value for name, value in values.items() if current.get(name) != value}
        if not changed:
            return None
        change_id = self._next_change_id(conn)
        for name, value in changed.items():
            if value is None:
                conn.execute("DELETE FROM metadata_corrections WHERE article_id = ? AND field = ?", (article_id, name))
            else:
                conn.execute("INSERT INTO metadata_corrections (article_id, field, value, change_id) "
                             "VALUES (?, ?, ?, ?) ON CONFLICT (article_id, field) "
                             "DO UPDATE SET value = excluded.value, change_id = excluded.change_id",
                             (article_id, name, value, change_id))
        before = {name: current.get(name) for name in changed}
        return self._log(conn, who, "correct", f"article {article_id}", before, changed, undoes=undoes,
                         articles=[article_id], scope={"articles": [article_id]}, change_id=change_id)

    def corrections_of(self, article_id: str) -> dict[str, str]:
        with self.db.read() as conn:
            return {row[0]: row[1] for row in conn.execute(
                "SELECT field, value FROM metadata_corrections WHERE article_id = ?", (article_id,))}

    # -- entity rules ---------------------------------------------------------------------------

    def add_rule(self, rule: EntityRule, who: str) -> Change:
        return self.add_rules([rule], who)[0]

    def add_rules(self, rules: list[EntityRule], who: str) -> list[Change]:
        """Several rules (`entity merge A B --into C`) in one transaction: all saved or none."""
        try:
            rules = [rule.validate() for rule in rules]
        except ValueError as exc:
            raise CurationError(str(exc)) from None
        with self.db.write() as conn:
            return [self._insert_rule(conn, rule, who) for rule in rules]

    def _insert_rule(self, conn, rule: EntityRule, who: str, undoes: int | None = None) -> Change:
        change_id = self._next_change_id(conn)
        rule_id = rule.id or change_id
        stored = EntityRule(rule.action, rule.kind, rule.value, rule.target, rule.article_id, rule.spellings, rule_id)
        conn.execute("INSERT INTO entity_rules (id, action, kind, value, target, article_id, spellings) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (rule_id, stored.action, stored.kind, stored.value, stored.target, stored.article_id,
                      json.dumps(list(stored.spellings)) if stored.spellings else None))
        return self._log(conn, who, f"entity.{stored.action}", self._rule_target(stored), None,
                         {"rule": stored.as_dict()}, undoes=undoes,
                         articles=[stored.article_id] if stored.article_id else [], scope=self._rule_scope(stored),
                         change_id=change_id)

    @staticmethod
    def _rule_target(rule: EntityRule) -> str:
        return f"{rule.kind} {rule.value}" + (f" in {rule.article_id}" if rule.article_id else "")

    @staticmethod
    def _rule_scope(rule: EntityRule) -> dict:
        """Documents a rule may change: those naming its value now, those it changed before."""
        scope: dict = {"values": [[rule.kind, rule.value]], "rules": [rule.id]}
        if rule.article_id:
            scope["articles"] = [rule.article_id]
        return scope

    def rules(self) -> list[EntityRule]:
        with self.db.read() as conn:
            return self._rules(conn)

    @staticmethod
    def _rules(conn) -> list[EntityRule]:
        return [EntityRule.from_row(r) for r in conn.execute("SELECT * FROM entity_rules ORDER BY id")]

    # -- undo -----------------------------------------------------------------------------------

    def undo(self, change_id: int, who: str) -> Change:
        with self.db.write() as conn:
            change = self._change(conn, change_id)
            if change is None:
                raise UndoError(f"there is no change #{change_id}")
            if change.undone_by:
                raise UndoError(f"change #{change_id} was already undone by #{change.undone_by} "
                                f"(undo #{change.undone_by} to redo it)")
            if change.action in ("tag", "untag"):
                return self._undo_tags(conn, change, who)
            if change.action == "correct":
                return self._undo_correction(conn, change, who)
            if change.action.startswith("entity."):
                return self._undo_rule(conn, change, who)
            raise UndoError(f"change #{change_id} ({change.action}) is an account change: "
                            "change accounts with `newsfind user` instead")

    def _undo_tags(self, conn, change: Change, who: str) -> Change:
        keys_of = {row[1]: row[0] for row in conn.execute("SELECT id, key FROM tags")}
        before = change.before["articles"]
        after = change.after["articles"]
        delta: dict[str, set[int]] = {}
        for article, labels in after.items():
            then = {label.casefold() for label in before.get(article, [])}
            now = {label.casefold() for label in labels}
            flipped = (now - then) if change.action == "tag" else (then - now)
            delta[article] = {keys_of[k] for k in flipped if k in keys_of}
        undone = self._tag_delta(conn, who, delta, add=change.action == "untag", undoes=change.id)
        if undone is None:
            raise UndoError(f"nothing to undo: the tags of change #{change.id} were already changed back")
        return undone

    def _undo_correction(self, conn, change: Change, who: str) -> Change:
        article_id = change.target.removeprefix("article ")
        rows = {row[0]: (row[1], row[2]) for row in conn.execute(
            "SELECT field, value, change_id FROM metadata_corrections WHERE article_id = ?", (article_id,))}
        for name, value in change.after.items():
            now = rows.get(name, (None, None))
            if now[0] != value:
                raise UndoError(f"the {name} of {article_id} was changed again by #{now[1] or '?'} "
                                f"after #{change.id}; undo that change first")
        undone = self._correct(conn, article_id, dict(change.before), who, undoes=change.id)
        if undone is None:
            raise UndoError(f"nothing to undo in change #{change.id}")
        return undone

    def _undo_rule(self, conn, change: Change, who: str) -> Change:
        if change.action == "entity.remove":
            rule = EntityRule.from_dict(change.before["rule"])
            if conn.execute("SELECT 1 FROM entity_rules WHERE id = ?", (rule.id,)).fetchone():
                raise UndoError(f"the rule of change #{change.id} is in force already")
            return self._insert_rule(conn, rule, who, undoes=change.id)
        rule = EntityRule.from_dict(change.after["rule"])
        if not conn.execute("SELECT 1 FROM entity_rules WHERE id = ?", (rule.id,)).fetchone():
            raise UndoError(f"the rule of change #{change.id} was removed already")
        conn.execute("DELETE FROM entity_rules WHERE id = ?", (rule.id,))
        return self._log(conn, who, "entity.remove", self._rule_target(rule), {"rule": rule.as_dict()}, None,
                         undoes=change.id, articles=[rule.article_id] if rule.article_id else [],
                         scope=self._rule_scope(rule))

    # -- what the index needs ---------------------------------------------------------------------

    @staticmethod
    def _curation_rows(conn, article_ids: list[str] | None) -> dict[str, ArticleCuration]:
        out: dict[str, ArticleCuration] = {}
        tag_sql = "SELECT a.article_id, t.label FROM article_tags a JOIN tags t ON t.id = a.tag_id"
        fix_sql = ("SELECT m.article_id, m.field, m.value, m.change_id, c.who FROM metadata_corrections m "
                   "JOIN changes c ON c.id = m.change_id")
        batches = [None] if article_ids is None else list(_chunks(list(dict.fromkeys(article_ids))))
        for chunk in batches:
            where, params = ("", []) if chunk is None else (f" WHERE article_id IN ({','.join('?' * len(chunk))})",
                                                            chunk)
            for article_id, label in conn.execute(tag_sql + where.replace("article_id", "a.article_id"), params):
                out.setdefault(article_id, ArticleCuration()).tags.append(label)
            for article_id, name, value, change_id, who in conn.execute(
                    fix_sql + where.replace("article_id", "m.article_id"), params):
                out.setdefault(article_id, ArticleCuration()).corrections[name] = Correction(value, change_id, who)
        for curation in out.values():
            curation.tags = sort_labels(curation.tags)
        return out

    def snapshot(self, conn, article_ids: list[str] | None = None
                 ) -> tuple[list[EntityRule], dict[str, ArticleCuration]]:
        """Rules and per-article curation (of `article_ids`, or of every article) in one read."""
        return self._rules(conn), self._curation_rows(conn, article_ids)

    @staticmethod
    def pending(conn) -> list[tuple[int, dict]]:
        return [(row[0], json.loads(row[1])) for row in conn.execute("SELECT change_id, scope FROM pending ORDER BY 1")]

    def scopes_since(self, conn, revision: int) -> list[dict]:
        """Index scopes of every change after `revision` (applied or not)."""
        scopes = []
        for row in conn.execute("SELECT c.*, NULL AS undone_by FROM changes c WHERE id > ? ORDER BY id", (revision,)):
            change = Change.from_row(row)
            articles = [r[0] for r in conn.execute("SELECT article_id FROM change_articles WHERE change_id = ?",
                                                   (change.id,))]
            scope: dict = {"articles": articles}
            rule = (change.after or {}).get("rule") or (change.before or {}).get("rule")
            if rule:
                scope.update(self._rule_scope(EntityRule.from_dict(rule)))
                scope["articles"] = articles
            scopes.append(scope)
        return scopes

    @staticmethod
    def recorded_articles(conn, change_ids: Iterable[int]) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(list(change_ids)):
            out.update(r[0] for r in conn.execute(
                f"SELECT article_id FROM change_articles WHERE change_id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def applied(self, change_ids: Iterable[int], rule_hits: dict[int, set[str]]) -> None:
        """Pending changes now in the index; entity rules' articles recorded for history and undo."""
        ids = list(change_ids)
        rows = [(a, rule_id) for rule_id, articles in rule_hits.items() for a in articles]
        if not ids and not rows:
            return
        with self.db.write() as conn:
            conn.executemany("INSERT OR IGNORE INTO change_articles (article_id, change_id) VALUES (?, ?)", rows)
            conn.executemany("DELETE FROM pending WHERE change_id = ?", [(i,) for i in ids])

    def pending_count(self) -> int:
        with self.db.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0]

    # -- users and tokens -------------------------------------------------------------------------

    @staticmethod
    def _user(row) -> User | None:
        if row is None:
            return None
        return User(row["id"], row["name"], row["role"], row["session_version"], row["created_at"],
                    row["password_hash"])

    def user(self, name: str) -> User | None:
        with self.db.read() as conn:
            return self._user(conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())

    def user_by_id(self, user_id: int) -> User | None:
        with self.db.read() as conn:
            return self._user(conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())

    def users(self) -> list[User]:
        with self.db.read() as conn:
            return [self._user(r) for r in conn.execute("SELECT * FROM users ORDER BY name COLLATE NOCASE")]

    @staticmethod
    def check_user_name(name: str) -> str:
        if not USER_NAME.match(name or ""):
            raise CurationError(f"{name!r} is not a user name: letters, digits and _ . @ - (at most 64)")
        return name

    @staticmethod
    def check_role(role: str) -> str:
        if role not in ROLES:
            raise CurationError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        return role

    def add_user(self, name: str, role: str, password_hash: str, who: str) -> User:
        self.check_user_name(name)
        self.check_role(role)
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise CurationError(f"there is already a user {name!r}")
            conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                         (name, role, password_hash, now_text()))
            self._log(conn, who, "user.add", name, None, {"role": role})
            return self._user(conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())

    def _existing(self, conn, name: str) -> User:
        user = self._user(conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())
        if user is None:
            raise CurationError(f"there is no user {name!r}")
        return user

    def _last_admin_check(self, conn, user: User, new_role: str | None) -> None:
        if user.role == "admin" and new_role != "admin":
            admins = conn.execute("SELECT COUNT(*) FROM users WHERE role = 'admin'").fetchone()[0]
            if admins <= 1:
                raise CurationError(f"{user.name} is the last admin; make another admin first")

    def remove_user(self, name: str, who: str) -> None:
        with self.db.write() as conn:
            user = self._existing(conn, name)
            self._last_admin_check(conn, user, None)
            conn.execute("DELETE FROM users WHERE id = ?", (user.id,))
            self._log(conn, who, "user.remove", user.name, {"role": user.role}, None)

    def set_role(self, name: str, role: str, who: str) -> None:
        self.check_role(role)
        with self.db.write() as conn:
            user = self._existing(conn, name)
            if user.role == role:
                return
            self._last_admin_check(conn, user, role)
            conn.execute("UPDATE users SET role = ?, session_version = session_version + 1 WHERE id = ?",
                         (role, user.id))
            self._log(conn, who, "user.role", user.name, {"role": user.role}, {"role": role})

    def set_password(self, name: str, password_hash: str, who: str) -> None:
        with self.db.write() as conn:
            user = self._existing(conn, name)
            conn.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
                         (password_hash, user.id))
            conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user.id,))
            self._log(conn, who, "user.password", user.name, None, {"tokens": "revoked"})

    def create_token(self, name: str, label: str, who: str) -> str:
        """A new API token for the user: returned once, stored only as its hash."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.write() as conn:
            user = self._existing(conn, name)
            conn.execute("INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
                         (user.id, hash_token(token), label[:100], now_text()))
            self._log(conn, who, "user.token", user.name, None, {"label": label[:100]})
        return token

    def revoke_tokens(self, name: str, who: str) -> int:
        with self.db.write() as conn:
            user = self._existing(conn, name)
            count = conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user.id,)).rowcount
            self._log(conn, who, "user.revoke-tokens", user.name, None, {"revoked": count})
        return count

    def user_for_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or not self.exists():
            return None
        with self.db.write() as conn:
            row = conn.execute("SELECT u.*, t.id AS token_id FROM api_tokens t JOIN users u ON u.id = t.user_id "
                               "WHERE t.token_hash = ?", (hash_token(token),)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (now_text(), row["token_id"]))
            return self._user(row)

    def token_count(self, name: str) -> int:
        with self.db.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id "
                                "WHERE u.name = ?", (name,)).fetchone()[0]

    # -- login rate limit -------------------------------------------------------------------------

    def recent_failures(self, name: str, ip: str, window: float) -> int:
        if not self.exists():
            return 0
        with self.db.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM login_failures WHERE name = ? AND ip = ? AND at > ?",
                                (name.casefold(), ip, time.time() - window)).fetchone()[0]

    def login_failed(self, name: str, ip: str, window: float) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < ?", (time.time() - window,))
            conn.execute("INSERT INTO login_failures (name, ip, at) VALUES (?, ?, ?)",
                         (name.casefold(), ip, time.time()))

    def login_succeeded(self, name: str, ip: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE name = ? AND ip = ?", (name.casefold(), ip))
