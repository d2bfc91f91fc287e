"""A segment's field lengths and numeric columns as arrays, read from Whoosh's column files, for
the query engine (search/fastscore.py).

Whoosh reads a column one document at a time (a seek, a read and a `struct` unpack each); the engine
wants a whole segment's at once. So the column readers' private state is read here: the length
column named by `_lenfield`, opened through the per-document reader's `_cached_reader` (the
segment reader's `_perdoc`), and a `NumericColumn.Reader`'s `_dbfile`, `_basepos`, `_count` and
`_fixedlen` (its values end to end, big-endian, as `FixedBytesColumn.Reader.__getitem__` reads them)
with the column type's `_typecode`. Their guards are the GUARDS rows of `columns`; on any other
Whoosh, or a column laid out otherwise, these functions answer None and the engine leaves that part
of the query to Whoosh. Arrays are kept on the segment reader, which they describe.
"""

from __future__ import annotations

import numpy as np
from newsfind.index.whoosh_ext import verified
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length

# byte -> field length, as Whoosh decodes its length column
_BYTE_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def index_folder(searcher) -> str | None:
    """The directory of the index a searcher reads (Whoosh keeps its index in `Searcher._ix`, with
    no public accessor); None where that cannot be read: the facet tables are then not cached on disk."""
    if not verified():
        return None
    return getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)


def deleted_docs(reader) -> set[int] | frozenset[int] | None:
    """A segment reader's deleted documents (local docnums), from Whoosh's cached
    `SegmentReader.deleted_docs_set`; None where that cannot be read (then ask the public API)."""
    if not verified():
        return None
    return getattr(reader, "deleted_docs_set", None)


def field_lengths(reader, fieldname: str, local_docs: np.ndarray) -> np.ndarray | None:
    """The field's length in each of the documents (local docnums of one segment's reader), as
    Whoosh's BM25F reads it: rounded to what the length column's one byte holds."""
    lengths = _length_bytes(reader, fieldname) if verified() else None
    return None if lengths is None else _BYTE_LENGTH[lengths[local_docs]]


def _length_bytes(reader, fieldname: str) -> np.ndarray | None:
    """The segment's length column of the field as one byte per document; None without one."""
    cache = reader.__dict__.setdefault("_newsfind_lengths", {})
    if fieldname not in cache:
        perdoc = getattr(reader, "_perdoc", None)
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
        if column is None or type(column) is not type(LENGTHS_COLUMN).Reader or column._fixedlen != 1:
            cache[fieldname] = None
        else:
            raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
            lengths = np.zeros(reader.doc_count_all(), dtype=np.uint8)
            lengths[:len(raw)] = raw[:len(lengths)]
            cache[fieldname] = lengths
    return cache[fieldname]


def numeric_values(reader, fieldname: str, column_type: NumericColumn) -> np.ndarray | None:
    """A segment's numeric column as an array, the column's default where a document has no value
    and for deleted documents; None when the column is not one this reads."""
    if not verified():
        return None
    cache = reader.__dict__.setdefault("_newsfind_columns", {})
    if fieldname not in cache:
        cache[fieldname] = _read_numeric(reader, fieldname, column_type)
    return cache[fieldname]


def _read_numeric(reader, fieldname: str, column_type: NumericColumn) -> np.ndarray | None:
    count = reader.doc_count_all()
    default = column_type.default_value()
    dtype = np.dtype(">" + column_type._typecode)
    values = np.full(count, default, dtype=dtype.newbyteorder("="))
    if reader.has_column(fieldname):
        column = reader.column_reader(fieldname, translate=False)
        if type(column) is not NumericColumn.Reader:
            return None
        stored = min(column._count, count)
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
        values[:stored] = np.frombuffer(raw, dtype=dtype)
    if reader.has_deletions():
        deleted = getattr(reader, "deleted_docs_set", None)
        if deleted is None:
            return None
        values[np.fromiter(deleted, dtype=np.int64)] = default
    return values
