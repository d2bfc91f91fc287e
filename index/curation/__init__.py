"""Curation: what archivists add to the index and what they correct in it.

Tags, metadata corrections, entity corrections (as rules), accounts and an append-only audit log
live in a SQLite database in the index directory (`curation.sqlite3`), apart from the Whoosh
index, and are applied to the index on every change and on every indexing run: deleting the
Whoosh files and indexing the sources again restores all of it.

* `db`, `migrations`: opening the database (WAL, foreign keys, busy timeout) and its versioned schema
* `store`: changes, each one transaction with its audit row; undo; users, API tokens, login limits
* `tags`, `rules`, `document`: tag normalisation; entity rules; one document curated
* `apply`: curation into the Whoosh index (pending changes, indexing runs, `check`)
"""
