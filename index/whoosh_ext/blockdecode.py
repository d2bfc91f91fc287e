"""Whoosh posting blocks decoded without their values unless a value is asked for.

Whoosh stores each block of up to 128 postings as one zlib-compressed pickle (protocol 2) of
`(ids, weights, values)`. For a text field the values are every document's encoded positions, and
protocol 2 pickles each `bytes` value as a call to `_codecs.encode`: unpickling a block costs
~0.27 ms, almost all of it in the values, and a broad query at 37.5k articles reads hundreds of
blocks. Scoring (BM25F) needs only ids and weights; positions matter only for phrases and
highlighting.

`install()` makes `W3LeafMatcher` decode a block's ids and weights alone: it inflates just the
start of the block and unpickles the part before the first value (every value after it starts
with the `_codecs.encode` global, which cannot occur earlier in the stream: ids and weights are
ints, floats and tuples). The values are unpickled from the whole block the first time one is
read. Anything unexpected (no such marker, a count that does not match the block header) falls
back to Whoosh's own full decoding, so the result is always what Whoosh would have read.

Two more hot spots of Whoosh's posting reader get the same treatment: a block's document numbers
are delta-decoded with `itertools.accumulate` instead of a Python generator, and `skip_to` finds
its target inside a block by bisection instead of stepping one posting at a time (intersections
and the ranking of fastscore's candidates skip a lot). Installed by `newsfind.index.whoosh_ext.install()`.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from itertools import accumulate
from pickle import loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar

_VALUES_START = b"c_codecs\nencode\n"  # GLOBAL opcode of the first pickled bytes value
_MARK = ord("(")
_HEAD_BYTES = 1536  # inflated first: ids + weights of a 128-posting block take ~1.4 KB


def _head(data: bytes, blocklength: int):
    """(ids, weights) from the start of a decompressed block pickle, or None if not found."""
    cut = data.find(_VALUES_START)
    if cut <= 2:
        return None
    # The values are a tuple: after a MARK when it has more than 3 items, bare otherwise. Close
    # the outer tuple with an empty stand-in for the values either way.
    endings = (b"t\x87.", b"N\x87.") if data[cut - 1] == _MARK else (b"N\x87.",)
    for ending in endings:
        try:
            ids, weights, _ = loads(data[:cut] + ending)
        except Exception:  # noqa: BLE001 - any surprise means: decode the block the usual way
            continue
        if isinstance(ids, tuple) and len(ids) == blocklength:
            return ids, weights
    return None


def _read_data(self) -> None:
    """Replaces W3LeafMatcher._read_data: `_data` = (ids, weights, None); the values on demand."""
    raw = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
    head = None
    if self._compression:
        inflater = zlib.decompressobj()
        start = inflater.decompress(raw, _HEAD_BYTES)
        head = _head(start, self._blocklength)
        while head is None and inflater.unconsumed_tail:  # ids and weights longer than usual
            start += inflater.decompress(inflater.unconsumed_tail, 4 * _HEAD_BYTES)
            head = _head(start, self._blocklength)
    else:
        head = _head(bytes(raw), self._blocklength)
    if head is None:  # no positions in this field, or a block unlike the usual: Whoosh's way
        self._data = loads(zlib.decompress(raw) if self._compression else raw)
        self._rawblock = None
    else:
        self._data = (*head, None)
        self._rawblock = raw


def _read_values(self) -> None:
    if self._data is None:
        self._read_data()
    if self._data[2] is None and getattr(self, "_rawblock", None) is not None:
        raw = self._rawblock
        self._data = loads(zlib.decompress(raw) if self._compression else raw)
        self._rawblock = None
    _whoosh_read_values(self)


def _read_ids(self) -> None:
    if self._data is None:
        self._read_data()
    ids = self._data[0]
    self._ids = ids if self._byteids else tuple(accumulate(ids))


def _skip_to(self, targetid) -> None:
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    if targetid > self._maxid:
        self._skip_to_block(lambda: targetid > self._maxid)
        if not self.is_active():
            return
        if self._ids is None:
            self._read_ids()
    # target <= the block's last id: it is in this block, at or after the current posting
    self._i = bisect_left(self._ids, targetid, self._i)


def _goto(self, position) -> None:
    self._rawblock = None
    _whoosh_goto(self, position)


# Whoosh's own, which the replacements call (this module is imported before anything is replaced)
_whoosh_read_values = W3LeafMatcher._read_values
_whoosh_goto = W3LeafMatcher._goto
