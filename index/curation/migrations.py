"""The curation database's schema, as ordered migrations.

`MIGRATIONS[n]` takes the database from version n to n + 1; `schema_version` holds the version
reached. Append new migrations at the end and never edit one that has shipped: a database made by an
older newsfind is brought up to date step by step when it is opened.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: accounts, the audit log, tags, metadata corrections, entity rules, the apply queue.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('reader', 'archivist', 'admin')),
        password_hash TEXT NOT NULL,
        session_version INTEGER NOT NULL DEFAULT 1,  -- bumped to end every session of the user
        created_at TEXT NOT NULL
    );
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the token: the token itself is shown once
        label TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        last_used_at TEXT
    );
    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        ip TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX login_failures_by_key ON login_failures (name, ip, at);

    -- The audit log: one row per change, never updated or deleted.
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT,  -- JSON
        after TEXT,   -- JSON
        undoes INTEGER REFERENCES changes (id)
    );
    CREATE INDEX changes_by_undoes ON changes (undoes);
    CREATE TRIGGER changes_are_never_updated BEFORE UPDATE ON changes
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER changes_are_never_deleted BEFORE DELETE ON changes
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    -- Articles a change touched: its targets, and for entity rules every article the rule changed.
    CREATE TABLE change_articles (
        article_id TEXT NOT NULL,
        change_id INTEGER NOT NULL REFERENCES changes (id),
        PRIMARY KEY (article_id, change_id)
    ) WITHOUT ROWID;
    CREATE INDEX change_articles_by_change ON change_articles (change_id);

    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,  -- case-folded, spaces collapsed: what matching uses
        label TEXT NOT NULL        -- the first spelling given: what is shown
    );
    CREATE TABLE article_tags (
        article_id TEXT NOT NULL,
        tag_id INTEGER NOT NULL REFERENCES tags (id),
        change_id INTEGER NOT NULL REFERENCES changes (id) DEFERRABLE INITIALLY DEFERRED,
        PRIMARY KEY (article_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_tags_by_tag ON article_tags (tag_id);

    CREATE TABLE metadata_corrections (
        article_id TEXT NOT NULL,
        field TEXT NOT NULL CHECK (field IN ('outlet', 'date', 'author', 'title')),
        value TEXT NOT NULL,  -- '' means "none" (e.g. no outlet), not "no correction"
        change_id INTEGER NOT NULL REFERENCES changes (id) DEFERRABLE INITIALLY DEFERRED,
        PRIMARY KEY (article_id, field)
    ) WITHOUT ROWID;

    -- (Rows that name their change are written just before the change's audit row, in the same
    -- transaction: those foreign keys are checked at commit.)
    -- Entity corrections as rules on canonical values, applied in id order after extraction.
    CREATE TABLE entity_rules (
        id INTEGER PRIMARY KEY REFERENCES changes (id) DEFERRABLE INITIALLY DEFERRED,  -- the change that made it
        action TEXT NOT NULL CHECK (action IN ('rename', 'merge', 'split', 'not-entity', 'not-speaker', 'retype')),
        kind TEXT NOT NULL CHECK (kind IN ('person', 'org', 'place')),
        value TEXT NOT NULL,
        target TEXT,      -- the new name (rename, merge, split) or the new kind (retype)
        article_id TEXT,  -- only in this article
        spellings TEXT    -- split: JSON list of the spellings that are the other entity
    );

    -- Changes saved here but not yet applied to the Whoosh index (a crash, or the index was busy).
    CREATE TABLE pending (
        change_id INTEGER PRIMARY KEY REFERENCES changes (id),
        scope TEXT NOT NULL  -- JSON: {"articles": [...], "values": [[kind, value], ...], "rules": [id, ...]}
    );
    """,
    # 2: saved searches that watch the archive (index/curation/watches.py).
    """
    CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL COLLATE NOCASE,  -- a user name (need not be an account: the CLI's $USER)
        name TEXT NOT NULL,
        query TEXT NOT NULL,
        filters TEXT NOT NULL DEFAULT '{}',  -- JSON: facet name -> [values]
        sort TEXT NOT NULL DEFAULT '-date',
        notify_url TEXT,
        created_at TEXT NOT NULL,
        seen_up_to INTEGER NOT NULL DEFAULT 0,      -- hits numbered up to this are seen by the owner
        notified_up_to INTEGER NOT NULL DEFAULT 0,  -- ... and were POSTed to notify_url
        UNIQUE (owner, name)
    );
    -- The articles that match a watch as far as matching has looked, each numbered when it began to
    -- match (AUTOINCREMENT: a number is never given twice, so `seen_up_to` never hides a later hit).
    CREATE TABLE watch_matches (
        hit INTEGER PRIMARY KEY AUTOINCREMENT,
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (watch_id, article_id)
    );
    -- Articles written to the Whoosh index (or deleted from it) that watches have not looked at yet:
    -- written before the Whoosh commit that writes them, deleted in the transaction recording the hits.
    CREATE TABLE watch_journal (
        article_id TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    """,
    # 3: per-user feed tokens for the Atom feeds of watches (index/curation/feeds.py).
    """
    CREATE TABLE feed_tokens (
        user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,  -- one a user: a new one replaces it
        token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the token: the token itself is shown once
        created_at TEXT NOT NULL
    );
    """,
    # (a migration that only adds an index leaves db.READABLE_FROM as it is; one that changes tables moves it)
    # 4: a watch's new hits (numbered above its `seen_up_to`) counted as a range, not by reading every hit it
    # has: the navigation counts them on every page (10 watches of 30,000 hits each: 13 ms -> 0.8 ms).
    """
    CREATE INDEX watch_matches_by_hit ON watch_matches (watch_id, hit);
    """,
]
