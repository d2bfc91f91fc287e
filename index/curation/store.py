"""The curation store: tags, metadata corrections and entity rules, on top of accounts (`accounts`) and
the audit log (`changes`).

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

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator

from newsfind.index.curation.accounts import AccountStore
from newsfind.index.curation.changes import Change, CurationError
from newsfind.index.curation.document import CORRECTABLE, ArticleCuration, Correction, parse_date_value
from newsfind.index.curation.rules import EntityRule
from newsfind.index.curation.tags import normalise_tag, sort_labels

MAX_VALUE_CHARS = {"title": 1000, "outlet": 300, "author": 300, "date": 20}
CHUNK = 500  # ids per `IN (...)` query


class UndoError(RuntimeError):
    """A change that cannot be undone (already undone, changed again since, ...)."""


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class CurationStore(AccountStore):
    """The curation of one index: tags, corrections and entity rules, their undo, and what applying them to
    the index reads; accounts and the audit log come with it."""

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

    def tag_counts(self, in_index: Callable[[str], bool] | None = None) -> list[tuple[str, int]]:
        """(label, number of articles) of every tag in use, most used first. With `in_index` (article id ->
        is it in the index), only the articles it accepts count: a tag whose articles were all deleted from
        the index (pruned, re-read under another id) is not in use. One query, one pass, each article
        asked once."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT a.article_id, t.id, t.label, t.key FROM article_tags a "
                                "JOIN tags t ON t.id = a.tag_id").fetchall()
        known: dict[str, bool] = {}
        counts: dict[int, list] = {}
        for article_id, tag_id, label, key in rows:
            if in_index is not None:
                if article_id not in known:
                    known[article_id] = in_index(article_id)
                if not known[article_id]:
                    continue
            counts.setdefault(tag_id, [label, key, 0])[2] += 1
        ordered = sorted(counts.values(), key=lambda c: (-c[2], c[1]))
        return [(label, count) for label, _, count in ordered]

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
            if change.action.startswith("watch."):
                raise UndoError(f"change #{change_id} ({change.action}) changed a watch: "
                                "use `newsfind watch add` or `newsfind watch remove` instead")
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
