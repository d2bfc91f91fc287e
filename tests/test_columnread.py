"""index/whoosh_ext/columnread.py: a variable-length column's offsets derived in C, the same as Whoosh's loop."""
from array import array

import pytest
from newsfind.index import whoosh_ext
from newsfind.index.whoosh_ext import columnread
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filestore import RamStorage

from tests.conftest import needs_patches


def _written(values: list[tuple[int, bytes]], doccount: int, cutoff: int):
    storage = RamStorage()
    out = storage.create_file("col")
    writer = VarBytesColumn().writer(out)
    writer.cutoff = cutoff
    for docnum, value in values:
        writer.add(docnum, value)
    writer.finish(doccount)
    length = out.tell()
    out.close()
    return storage.open_file("col"), length


@needs_patches
@pytest.mark.parametrize("cutoff", [10**6, 0], ids=["offsets derived", "offsets saved"])
def test_column_reads_every_value_at_its_offset(cutoff):
    assert "columnread" in whoosh_ext.install().patches
    values = [(d, f"value {d} ".encode() * (d % 5)) for d in range(0, 300, 1)]
    values = [(d, v) for d, v in values if d % 7]  # gaps: documents without a value
    dbfile, length = _written(values, 302, cutoff)  # the last two documents have no value
    reader = VarBytesColumn.Reader(dbfile, 0, length, 302)
    assert VarBytesColumn.Reader._read_offsets_and_lengths is columnread._read_offsets_and_lengths
    assert reader.had_stored_offsets is (cutoff == 0)
    expected = dict(values)
    assert [reader[d] for d in range(302)] == [expected.get(d, b"") for d in range(302)]
    assert isinstance(reader._offsets, array) and len(reader._offsets) == 302
    starts, position = [], 0
    for length_ in reader._lengths:
        starts.append(position)
        position += length_
    assert list(reader._offsets) == starts
