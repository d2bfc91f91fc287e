"""newsfind: full-text search and faceted browse for news archives.

The installed package maps the repository's top-level folders: `newsfind.cli` (this folder's `cli/`,
every command), `newsfind.index` (`index/`: readers → NLP → ingestion, curation, the Whoosh
extensions), `newsfind.search` (`search/`: query, engine, facets, snippets) and `newsfind.web` (`web/`).

Two process-wide settings happen here, first, because they only work before the modules they
concern are imported, whichever part of newsfind a process imports first:
- numpy's OpenBLAS starts a thread per core when numpy is imported, and those threads spin waiting
  for work newsfind never gives them (no linear algebra here; spaCy multiplies with its own BLIS).
  On two cores that spinning took ~0.1 s of CPU from every cold `newsfind query`. One thread, unless
  the user has chosen otherwise.
- Whoosh is imported without the modules a query never uses (`index/whoosh_ext/lean_imports.py`).
  This replaces nothing in Whoosh; its patches are installed only by an explicit
  `newsfind.index.whoosh_ext.install()` from the entry points.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from newsfind.index.whoosh_ext.lean_imports import import_whoosh  # noqa: E402

import_whoosh()

__version__ = "0.1.0"
