"""Answering queries (the `newsfind` command line, search, facets, snippets)."""

from search.lean_imports import import_whoosh

import_whoosh()
