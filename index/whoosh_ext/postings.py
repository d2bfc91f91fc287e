"""A term's postings as arrays, read from Whoosh's W3 posting blocks, for the query engine
(search/fastscore.py).

Whoosh's matcher hands out a term's postings one Python call at a time; the engine scores whole
arrays. So the blocks are read here through `W3LeafMatcher`'s private state: `_data` (the block's
(ids, weights, values) tuple as `_read_data` unpickles it, or (ids, weights, None) when
`blockdecode` is installed), `_byteids`, `_blocklength`, `_maxid`, `_read_values`/`_values`,
`_next_block`; the deleted documents through `FilterMatcher._ids`; positions from the `Positions`
encoding. Their guards are the GUARDS rows of `postings` and `blockdecode` (the `W3LeafMatcher`
methods); on any other Whoosh, or postings that are not W3 blocks, these functions answer None and
the engine leaves that part of the query to Whoosh.
"""

from __future__ import annotations

from array import array
from itertools import chain
from pickle import loads

import numpy as np
from newsfind.index.whoosh_ext import verified
from whoosh import matching
from whoosh.codec.whoosh3 import W3LeafMatcher


def term_postings(reader, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """(local docnums, weights) of a term in one segment's reader, deleted documents left out."""
    m = _leaf_matcher(reader, fieldname, text)
    if m is None:
        return None
    m, deleted = m
    ids, weights = [], []
    while m.is_active():
        ids.append(_block_ids(m))
        weights.append(_block_weights(m))
        m._next_block()
    local = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    w = np.concatenate(weights).astype(np.float64) if weights else np.zeros(0)
    if deleted:
        keep = ~np.isin(local, np.fromiter(deleted, dtype=np.int64))
        local, w = local[keep], w[keep]
    return local, w


def term_positions(reader, fieldname: str, text: bytes,
                   local_docs: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(index into `local_docs`, position) for every position of the term in those documents (sorted
    local docnums that all hold the term); None when some do not, or the postings cannot be read.
    Blocks without one of the documents are skipped undecoded."""
    values = _values_at(reader, fieldname, text, local_docs)
    return None if values is None else _positions(values)


def _leaf_matcher(reader, fieldname: str, text: bytes):
    """(the term's W3LeafMatcher, the deleted docnums it skips) or None."""
    if not verified():
        return None
    m = reader.postings(fieldname, text)
    deleted = None
    if isinstance(m, matching.FilterMatcher):
        if not m._exclude:
            return None
        deleted, m = m._ids, m.child
    return (m, deleted) if type(m) is W3LeafMatcher else None


def _values_at(reader, fieldname: str, text: bytes, local_docs: np.ndarray) -> list[bytes] | None:
    """The posting values (encoded positions) of a term for some of its documents."""
    m = _leaf_matcher(reader, fieldname, text)
    if m is None:
        return None
    m = m[0]
    values: list[bytes] = []
    i, n = 0, len(local_docs)
    while i < n and m.is_active():
        if m._maxid < local_docs[i]:
            m._next_block()
            continue
        ids = _block_ids(m)
        j = int(np.searchsorted(local_docs, m._maxid, side="right"))
        m._read_values()
        block_values = m._values
        values.extend(block_values[k] for k in np.searchsorted(ids, local_docs[i:j]).tolist())
        i = j
        m._next_block()
    return values if i >= n else None  # else a document without the term: not what the caller promised


def _positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(index of the value, position) for every position in `values`, each one Whoosh's
    `Positions` encoding (a 4-byte count and a protocol-2 pickle of position deltas): unpickled
    all in one call as a tuple of lists."""
    bodies = [v[6:-1] if v.endswith(b".") else v[6:] for v in values]
    deltas = loads(b"\x80\x02(" + b"".join(bodies) + b"t.")
    counts = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum()))
    owner = np.repeat(np.arange(len(deltas), dtype=np.int64), counts)
    positions = np.cumsum(flat)
    starts = np.cumsum(counts) - counts
    nonempty = counts > 0
    base = np.zeros(len(deltas), dtype=np.int64)
    base[nonempty] = positions[starts[nonempty]] - flat[starts[nonempty]]
    return owner, positions - base[owner]


def _block_ids(m: W3LeafMatcher) -> np.ndarray:
    """The block's document numbers, as `W3LeafMatcher._read_ids` decodes them (deltas summed)."""
    if m._data is None:
        m._read_data()
    raw = np.asarray(m._data[0], dtype=np.int64)
    return raw if m._byteids else np.cumsum(raw)


def _block_weights(m: W3LeafMatcher) -> np.ndarray:
    """The block's weights, as `W3LeafMatcher._read_weights` decodes them (float32 when stored so)."""
    if m._data is None:
        m._read_data()
    raw = m._data[1]
    if raw is None:
        return np.ones(m._blocklength, dtype=np.float32)
    if isinstance(raw, float):
        return np.full(m._blocklength, raw, dtype=np.float32)
    if isinstance(raw, array) and raw.typecode == "f":
        return np.frombuffer(raw, dtype=np.float32)
    return np.asarray(raw, dtype=np.float64)
