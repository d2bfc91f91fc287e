"""Whoosh takes a document's postings into its pool, and writes a segment's, with less Python.

Every posting of every document passes through `PostingPool.add`, which asserts its types before
appending it. When a segment is flushed (every commit, and every merge inside one), Whoosh's
`FieldWriter.add_postings` takes each posting of the sorted pool and, for every one of them, looks
up the document's field length in the segment's length column (a seek and a read in a file) and
calls the postings writer's `add_posting`, which type-checks its four arguments before appending
them. A benchmark article has ~600 postings; that was ~4 ms of the main process's CPU per article
in an indexing run, on the same two cores as the parsing workers.

`install()` gives the pool an `add` without the assertions (the same size estimate, so the same
runs) and Whoosh's W3 field writer an `add_postings` that does the same with each (field,
document) length looked up once and the posting appended in place: the same calls to
`start_field`/`start_term`/`finish_term`/`finish_field` in the same order, the same block buffers,
so the same bytes on disk (tested against Whoosh's own, file by file). Installed by
`newsfind.index.whoosh_ext.install()`.
"""

from __future__ import annotations

from whoosh.codec.base import OutOfOrderError

# Whoosh's estimate of a posting's size in memory, without the lengths of its three strings
_POSTING_OVERHEAD = 28 + 4 * 5 + 21 + 26 + 18 + 16 + 21
_UNKNOWN = object()


def add_postings(self, schema, lengths, items) -> None:
    """`FieldWriter.add_postings` for the W3 codec (whoosh/codec/base.py), with the postings
    writer's `add_posting` (whoosh/codec/whoosh3.py) inlined without its type checks."""
    start_field, start_term = self.start_field, self.start_term
    finish_term, finish_field = self.finish_term, self.finish_field
    doc_field_length = lengths.doc_field_length if lengths else None
    lastfn = lasttext = None
    field_lengths: dict[int, int] = {}
    pw = None
    for fieldname, btext, docnum, weight, value in items:
        if lastfn is not None and fieldname < lastfn:
            raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
        if fieldname == lastfn and lasttext and btext < lasttext:
            raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
        if fieldname != lastfn:
            if lasttext is not None:
                finish_term()
            if lastfn is not None:
                finish_field()
            start_field(fieldname, schema[fieldname])
            lastfn, lasttext = fieldname, None
            field_lengths = {}
        if docnum == -1:  # Whoosh's marker for spelling words: no posting
            continue
        if btext != lasttext:
            if lasttext is not None:
                finish_term()
            start_term(btext)
            lasttext = btext
            pw = self._postwriter

        length = field_lengths.get(docnum, _UNKNOWN)
        if length is _UNKNOWN:
            length = doc_field_length(docnum, fieldname) if doc_field_length else 0
            field_lengths[docnum] = length
        if value is None:
            value = b""

        # W3PostingsWriter.add_posting
        if len(pw._ids) >= pw._blocklimit:
            pw._write_block()
        pw._ids.append(docnum)
        pw._weights.append(weight)
        if weight > pw._maxweight:
            pw._maxweight = weight
        if value:
            pw._values.append(value)
        if length:
            minlength = pw._minlength
            if minlength is None or length < minlength:
                pw._minlength = length
            if length > pw._maxlength:
                pw._maxlength = length
    if lasttext is not None:
        finish_term()
    if lastfn is not None:
        finish_field()


def pool_add(self, item) -> None:
    """`PostingPool.add` (whoosh/writing.py) without its type assertions: every posting of every
    document passes here on its way to the sorted pool."""
    fieldname, tbytes, _, _, vbytes = item
    self.fieldnames.add(fieldname)
    self.currentsize += _POSTING_OVERHEAD + len(fieldname) + len(tbytes) * 2 + len(vbytes or "")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)
