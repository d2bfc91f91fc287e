"""Saved searches that watch the archive ("watches"): their storage in the curation database.

A watch belongs to an owner (a user name: the CLI's `--user`, default $USER, or the web account),
has a name unique per owner, a query in the query language of `newsfind query`, facet filters
(facet name -> values, as `--filter`), a sort, a creation time and optionally a URL notified after
index runs. Adding and removing a watch is a change in the audit log (`watch.add`, `watch.remove`);
marking hits seen is not (it is reading, not curation). Queries are validated, and matched, by the
search layer (`newsfind.search.watches`): this module stores, it never evaluates a query.

How "new" is kept exactly once (the design; `newsfind.search.watches` does the matching):

* `watch_journal` holds the ids of articles written to (or deleted from) the Whoosh index that
  watches have not looked at yet. An indexing run (`WrittenJournal`, called by
  `index/ingest/writer.py`) and curation applying itself to documents (`index/curation/apply.py`)
  write the ids of a batch here *before* the Whoosh commit that writes the batch. A SIGKILL
  between the two leaves ids whose new version is not in the index: looking at them finds the old
  version (or none), which changes nothing, and the next run journals them again when it writes them.
* `watch_matches` holds, per watch, every article that matches it as far as matching has looked,
  numbered by an AUTOINCREMENT `hit` when it *began* to match. Looking at a journaled article:
  matches and has no row -> a new row (a new hit); matches and has a row -> nothing (re-indexed, or
  changed but matched before and still does); does not match or is gone -> its row is deleted (it
  left; should it match again later it is new again).
* `watches.seen_up_to`: the hits up to this number are seen. New hits = rows above it.
* Matching reads the journal, evaluates, writes the rows and deletes the journal ids it looked at in
  one SQLite transaction, holding the Whoosh write lock (so no commit of journaled documents can
  happen in between). A SIGKILL anywhere rolls the transaction back and the journal is still there:
  the next index run or `newsfind watch new` looks again, and the rows make looking twice harmless.
* A new watch is added with every article that matches it *now* as rows at or below its
  `seen_up_to` (in the transaction that adds it, so a concurrent matcher cannot slip in between):
  it starts with nothing new, and an article that matched when it was added and is re-indexed
  unchanged or changed-but-still-matching is never new.
* All of this lives in `curation.sqlite3`, not in the Whoosh files: after the Whoosh index is deleted
  and rebuilt every article is journaled again, matches its existing row, and nothing is "new".

Journaling is done only once the curation database exists (a watch creates it). A run that started
without one keeps the ids of its last commit, and journals them at its first commit that finds one:
so the first watch of an index, added during a run, still sees what the run commits after the watch's
snapshot (those ids are journaled after their commit, not before: a kill in between loses them). The
commits before the last one had landed before the flush that found no database (each commit waits for
the one before it), so any watch added later finds them in its snapshot: they are not kept, and a run
over a million articles without watches keeps a commit's ids, not a million.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsfind.index.curation.changes import Change, ChangeLog, CurationError
from newsfind.index.curation.db import DB_FILE, now_text

MAX_NAME = 100
MAX_QUERY = 2000
MAX_URL = 2000
SORTS = ("-date", "date", "relevance")
# C0 and C1 control characters (U+009B is a terminal's CSI as ESC [ is) and the bidirectional controls that
# show text in another order than it is (a name that reads as another one): refused in names, escaped in output
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CHUNK = 500


@dataclass
class Watch:
    id: int
    owner: str
    name: str
    query: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "-date"
    notify_url: str | None = None
    created_at: str = ""
    seen_up_to: int = 0
    notified_up_to: int = 0
    new: int = 0  # hits above `seen_up_to` (articles; some may have left the index since)

    @classmethod
    def from_row(cls, row) -> Watch:
        keys = row.keys()
        return cls(id=row["id"], owner=row["owner"], name=row["name"], query=row["query"],
                   filters=json.loads(row["filters"] or "{}"), sort=row["sort"], notify_url=row["notify_url"],
                   created_at=row["created_at"], seen_up_to=row["seen_up_to"],
                   notified_up_to=row["notified_up_to"], new=row["new"] if "new" in keys else 0)

    def public(self) -> dict:
        """What the CLI's `--json` and the API show (no internal numbers)."""
        data = asdict(self)
        for key in ("id", "seen_up_to", "notified_up_to"):
            data.pop(key)
        return data


@dataclass
class Hit:
    hit: int  # increasing: later hits have larger numbers
    article_id: str
    at: str  # when matching recorded it (UTC)


def printable(text: str) -> str:
    """`text` for a terminal, the characters check_name refuses written as \\uXXXX: for what is not checked
    (filter values, owners) and names stored before the check."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CurationError("a watch needs a name")
    if len(name) > MAX_NAME or _CONTROL.search(name):
        raise CurationError(f"a watch name has 1-{MAX_NAME} characters and no control or bidirectional "
                            "formatting characters")
    if name.endswith("/feed.atom"):  # its page's URL, /watches/NAME, would be the feed of the name before it
        raise CurationError("a watch name cannot end with /feed.atom (the web's feed URLs end so)")
    return name


def check_url(url: str | None) -> str | None:
    if url is None or url == "":
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s/]+", url) or len(url) > MAX_URL or _CONTROL.search(url):
        raise CurationError(f"--notify takes an http:// or https:// URL, not {url!r}")
    return url


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


class WatchStore(ChangeLog):
    """The watches of one index's curation database, their hits and the journal of written articles.
    Callers validate queries and filters first (`newsfind.search.watches.add_watch`)."""

    _SELECT = ("SELECT w.*, (SELECT COUNT(*) FROM watch_matches m WHERE m.watch_id = w.id "
               "AND m.hit > w.seen_up_to) AS new FROM watches w")

    def add(self, owner: str, name: str, query: str, filters: dict[str, list[str]], sort: str,
            notify_url: str | None, who: str, baseline: Callable[[], Iterable[str]] = tuple) -> tuple[Watch, Change]:
        """Save a watch, with `baseline()` (the ids of the articles that match it now, read inside the
        transaction) as seen hits. A name the owner already uses is a CurationError."""
        name = check_name(name)
        notify_url = check_url(notify_url)
        if sort not in SORTS:
            raise CurationError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        if len(query) > MAX_QUERY:
            raise CurationError(f"a query has at most {MAX_QUERY} characters")
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM watches WHERE owner = ? AND name = ?", (owner, name)).fetchone():
                raise CurationError(f"{owner} already has a watch named {name!r} (remove it first)")
            at = now_text()
            cur = conn.execute(
                "INSERT INTO watches (owner, name, query, filters, sort, notify_url, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (owner, name, query, json.dumps(filters, ensure_ascii=False, sort_keys=True), sort, notify_url, at))
            watch_id = cur.lastrowid
            conn.executemany("INSERT OR IGNORE INTO watch_matches (watch_id, article_id, at) VALUES (?, ?, ?)",
                             [(watch_id, a, at) for a in baseline()])
            top = conn.execute("SELECT COALESCE(MAX(hit), 0) FROM watch_matches").fetchone()[0]
            conn.execute("UPDATE watches SET seen_up_to = ?, notified_up_to = ? WHERE id = ?", (top, top, watch_id))
            watch = self._get(conn, owner, name)
            change = self._log(conn, who, "watch.add", f"watch {owner}/{name}", None, watch.public())
            return watch, change

    def remove(self, owner: str, name: str, who: str) -> Change:
        with self.db.write() as conn:
            watch = self._get(conn, owner, name)
            if watch is None:
                raise CurationError(f"{owner} has no watch named {name!r}")
            conn.execute("DELETE FROM watch_matches WHERE watch_id = ?", (watch.id,))
            conn.execute("DELETE FROM watches WHERE id = ?", (watch.id,))
            return self._log(conn, who, "watch.remove", f"watch {owner}/{name}", watch.public(), None)

    def remove_owned(self, conn: sqlite3.Connection, owner: str, who: str) -> list[Change]:
        """Remove every watch of `owner` inside the caller's transaction (an account being removed: a
        new account of that name must not inherit its queries, hits and notify URLs), each one logged
        as `watch.remove` with the whole watch, so the audit log can tell how to add it again."""
        changes = []
        for row in conn.execute(self._SELECT + " WHERE w.owner = ? ORDER BY w.name", (owner,)).fetchall():
            watch = Watch.from_row(row)
            conn.execute("DELETE FROM watch_matches WHERE watch_id = ?", (watch.id,))
            conn.execute("DELETE FROM watches WHERE id = ?", (watch.id,))
            changes.append(self._log(conn, who, "watch.remove", f"watch {watch.owner}/{watch.name}",
                                     watch.public(), None))
        return changes

    def get(self, owner: str, name: str) -> Watch | None:
        with self.db.read() as conn:
            return self._get(conn, owner, name)

    def _get(self, conn: sqlite3.Connection, owner: str, name: str) -> Watch | None:
        row = conn.execute(self._SELECT + " WHERE w.owner = ? AND w.name = ?", (owner, name)).fetchone()
        return Watch.from_row(row) if row else None

    def watches(self, owner: str | None = None) -> list[Watch]:
        """Every watch (of `owner` if given), by owner and name, each with its count of new hits."""
        sql, params = self._SELECT, []
        if owner is not None:
            sql += " WHERE w.owner = ?"
            params.append(owner)
        with self.db.read() as conn:
            return [Watch.from_row(r) for r in conn.execute(sql + " ORDER BY w.owner, w.name", params)]

    def new_hits(self, watch: Watch, since: int | None = None) -> list[Hit]:
        """Hits of `watch` numbered above `since` (default: its `seen_up_to`), newest first."""
        since = watch.seen_up_to if since is None else since
        with self.db.read() as conn:
            rows = conn.execute("SELECT hit, article_id, at FROM watch_matches WHERE watch_id = ? AND hit > ? "
                                "ORDER BY hit DESC", (watch.id, since)).fetchall()
        return [Hit(*row) for row in rows]

    def latest_hits(self, watch: Watch, limit: int) -> list[Hit]:
        """The `limit` most recent hits of `watch`, seen or not (baseline rows included), newest first."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT hit, article_id, at FROM watch_matches WHERE watch_id = ? "
                                "ORDER BY hit DESC LIMIT ?", (watch.id, limit)).fetchall()
        return [Hit(*row) for row in rows]

    def mark_seen(self, watch: Watch, up_to: int) -> None:
        """Hits up to `up_to` (the largest hit number shown) are seen; later ones stay new."""
        with self.db.write() as conn:
            conn.execute("UPDATE watches SET seen_up_to = MAX(seen_up_to, ?) WHERE id = ?", (up_to, watch.id))

    def mark_notified(self, watch: Watch, up_to: int) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE watches SET notified_up_to = MAX(notified_up_to, ?) WHERE id = ?", (up_to, watch.id))

    # -- the journal, and recording what matching found --------------------------------------------

    def journal_size(self) -> int:
        if not self.exists():
            return 0
        with self.db.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM watch_journal").fetchone()[0]

    def match_journal(self, evaluate: Callable[[list[str], list[Watch]], dict[int, set[str]]]
                      ) -> dict[int, list[int]]:
        """Look at every journaled article, in one transaction: `evaluate(article_ids, watches)` returns,
        per watch id, which of those articles match it now (absent articles match nothing; a watch left out
        was not evaluated and keeps its rows). Records
        articles that began to match as hits, deletes the rows of those that stopped, empties the
        journal. Returns watch id -> the hit numbers it recorded. A SIGKILL anywhere: nothing is
        recorded and the journal is kept."""
        if not self.exists():
            return {}
        with self.db.write() as conn:
            ids = [r[0] for r in conn.execute("SELECT article_id FROM watch_journal")]
            if not ids:
                return {}
            watches = [Watch.from_row(r) for r in conn.execute(self._SELECT + " ORDER BY w.id")]
            matching = evaluate(ids, watches) if watches else {}
            at = now_text()
            recorded: dict[int, list[int]] = {}
            for watch in watches:
                if watch.id not in matching:  # not evaluated (its query no longer parses): rows kept as they are
                    continue
                now = matching[watch.id]
                had: set[str] = set()
                for chunk in _chunks(ids):
                    marks = ",".join("?" * len(chunk))
                    had.update(r[0] for r in conn.execute(
                        f"SELECT article_id FROM watch_matches WHERE watch_id = ? AND article_id IN ({marks})",
                        [watch.id, *chunk]))
                left = [a for a in ids if a in had and a not in now]
                conn.executemany("DELETE FROM watch_matches WHERE watch_id = ? AND article_id = ?",
                                 [(watch.id, a) for a in left])
                hits = []
                for article_id in ids:  # journal order: the order they were written
                    if article_id in now and article_id not in had:
                        hits.append(conn.execute(
                            "INSERT INTO watch_matches (watch_id, article_id, at) VALUES (?, ?, ?)",
                            (watch.id, article_id, at)).lastrowid)
                if hits:
                    recorded[watch.id] = hits
            conn.execute("DELETE FROM watch_journal")
            return recorded


def journal_written(index_dir: Path, article_ids: Iterable[str]) -> bool:
    """Journal articles about to be committed to (or deleted from) the Whoosh index, for watches to
    look at. Before the commit that writes them. False (nothing journaled) while there is no curation
    database: then there is no watch either."""
    ids = list(dict.fromkeys(article_ids))
    if not (Path(index_dir) / DB_FILE).exists():
        return False
    if not ids:
        return True
    store = ChangeLog(index_dir)
    with store.db.write() as conn:
        conn.executemany("INSERT OR IGNORE INTO watch_journal (article_id) VALUES (?)", [(a,) for a in ids])
    return True


class WrittenJournal:
    """What an indexing run writes between two commits; `flush()` journals it just before each commit
    (after the commit before it has landed). The last batch flushed while there was no curation database
    is kept and journaled by the next flush that finds one (a first watch added during the run: its
    snapshot may have missed that batch's commit, never an earlier one; see the module docstring)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.ids: list[str] = []
        self.unjournaled: list[str] = []  # the previous batch, flushed while there was no database

    def add(self, article_id: str) -> None:
        self.ids.append(article_id)

    def flush(self) -> None:
        journaled = journal_written(self.index_dir, self.unjournaled + self.ids)
        self.unjournaled = [] if journaled else self.ids
        self.ids = []
