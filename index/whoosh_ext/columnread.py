"""Whoosh opens a variable-length column without a Python loop over its documents.

Stored fields live in such a column (`VarBytesColumn`). When the writer did not save the offsets,
the reader derives them from the lengths in a Python loop, one `array.append` per document of the
segment: ~8 ms per segment of 19,000 articles, paid by every cold `newsfind query` that shows a hit
(and by every searcher the web server opens). `install()` derives them with `itertools.accumulate`
instead: the same `array("L")`, built in C. Installed by `newsfind.index.whoosh_ext.install()`.
"""

from __future__ import annotations

import struct
from array import array
from itertools import accumulate


def _read_offsets_and_lengths(self) -> None:
    """Whoosh's `VarBytesColumn.Reader._read_offsets_and_lengths`, with the offsets accumulated."""
    dbfile, doccount = self._dbfile, self._doccount
    lastbyte = self._basepos + self._length - 1  # the lengths' typecode is the data's last byte
    lens_code = chr(dbfile.get_byte(lastbyte))
    offsets = None
    if lens_code == "X":  # the writer saved the offsets too
        self.had_stored_offsets = True
        lens_code = chr(dbfile.get_byte(lastbyte - 2))
        offsets_code = chr(dbfile.get_byte(lastbyte - 1))
        offsetstart = (lastbyte - 2) - doccount * struct.calcsize(offsets_code)
        offsets = dbfile.get_array(offsetstart, offsets_code, doccount)
        lastbyte = offsetstart
    lengths = dbfile.get_array(lastbyte - struct.calcsize(lens_code) * doccount, lens_code, doccount)
    if offsets is None:
        offsets = array("L", accumulate(lengths, initial=0))
        offsets.pop()  # accumulate's last value is the end of the data, not a document's start
    self._offsets = offsets
    self._lengths = lengths
