"""What the query engine (search/fastscore.py) asks of Whoosh's query and weighting objects beyond
their public API, to compute what Whoosh would: BM25F's per-field B (`BM25F._field_B`), the terms a
prefix, wildcard, fuzzy term or term range expands to in a reader (`_btexts`), and the query a
numeric range compiles to (`NumericRange._compile_query`). Their guards are the GUARDS rows of
`queries`; on any other Whoosh these answer None and the engine leaves that part to Whoosh.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsfind.index.whoosh_ext import verified
from whoosh import query as wq
from whoosh.scoring import BM25F


def field_b(weighting: BM25F, fieldname: str) -> float | None:
    """The B that BM25F uses for the field: its own (`<field>_B=` given to BM25F) or the general one."""
    return weighting._field_B.get(fieldname, weighting.B) if verified() else None


def expansions(q: wq.MultiTerm, reader) -> Iterable[bytes | str] | None:
    """The terms `q` expands to in `reader` (a fuzzy term's automaton gives str), as Whoosh ORs them."""
    return q._btexts(reader) if verified() else None


def compiled_range(q: wq.NumericRange, reader) -> wq.Query | None:
    """The query Whoosh runs for a numeric range in `reader`: its trie terms and term ranges."""
    return q._compile_query(reader) if verified() else None
