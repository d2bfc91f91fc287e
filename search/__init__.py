"""Answering queries (the `newsfind` command line, search, facets, snippets)."""

import os

# numpy's OpenBLAS starts a thread per core when numpy is imported, and those threads spin
# waiting for work newsfind never gives them (no linear algebra here; spaCy multiplies with its own
# BLIS). On two cores that spinning took ~0.1 s of CPU from every cold `newsfind query`. One thread,
# unless the user has chosen otherwise. Set before anything imports numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from search.lean_imports import import_whoosh  # noqa: E402

import_whoosh()
