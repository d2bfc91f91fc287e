"""Curation: what archivists add to the index and what they correct in it.

Tags, metadata corrections, entity corrections (as rules), accounts and an append-only audit log
live in a SQLite database in the index directory (`curation.sqlite3`), apart from the Whoosh
index, and are applied to the index on every change and on every indexing run: deleting the
Whoosh files and indexing the sources again restores all of it.

* `db`, `migrations`: opening the database (WAL, foreign keys, busy timeout) and its versioned schema
* `changes`: the audit log, written in the transaction of each change
* `accounts`: users, roles, password hashes, API tokens, login limits
* `store`: tags, corrections and entity rules, each change one transaction; undo
* `tags`, `rules`, `document`: tag normalisation; entity rules; one document curated
* `apply`: curation into the Whoosh index (pending changes, indexing runs, `check`)
"""
