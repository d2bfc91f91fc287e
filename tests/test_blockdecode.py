"""index/whoosh_ext/blockdecode.py: posting blocks decoded lazily must give exactly what Whoosh's own decoding
gives (ids, weights, values), for every term of an index with blocks of every size."""

import random

import pytest
from newsfind.index import whoosh_ext
from newsfind.index.ingest.writer import open_or_create
from newsfind.index.store import open_index
from newsfind.index.whoosh_ext import blockdecode
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

from tests.conftest import needs_patches

pytestmark = needs_patches
WHOOSHS = "whoosh.codec.whoosh3:W3LeafMatcher."  # Whoosh's own methods: whoosh_ext.original(WHOOSHS + name)


@pytest.fixture(autouse=True)
def installed():
    assert "blockdecode" in whoosh_ext.install().patches


def whooshs_block(m: W3LeafMatcher):
    saved = m._data
    m._data = None
    whoosh_ext.original(WHOOSHS + "_read_data")(m)
    full, m._data = m._data, saved
    return full


@pytest.mark.parametrize("head_bytes", [blockdecode._HEAD_BYTES, 64])  # 64: inflated in several steps
def test_every_block_of_every_term_decodes_as_whoosh_decodes_it(tmp_path, monkeypatch, head_bytes):
    monkeypatch.setattr(blockdecode, "_HEAD_BYTES", head_bytes)
    rng = random.Random(3)
    words = [f"w{i}" for i in range(60)]
    ix = open_or_create(tmp_path)
    with ix.writer() as writer:
        for n in range(700):  # common words: several blocks of 128; rare ones: blocks of 1-3
            body = " ".join(rng.choice(words[: rng.choice((3, 20, 60))]) for _ in range(rng.randint(1, 80)))
            writer.add_document(id=f"d{n}", title=rng.choice(words), body=body, outlet=rng.choice(["CNN", "UPI"]))
    reader = open_index(tmp_path).reader()
    blocks = lazy = 0
    for fieldname, text in reader.all_terms():
        m = reader.postings(fieldname, text)
        if isinstance(m, FilterMatcher):
            m = m.child
        if type(m) is not W3LeafMatcher:
            continue
        while m.is_active():
            expected = whooshs_block(m)
            m._read_data()
            lazy += m._data[2] is None
            assert m._data[:2] == expected[:2], (fieldname, text)
            m._read_values()
            assert m._data == expected
            blocks += 1
            m._next_block()
    assert blocks > 500 and lazy > blocks // 2  # most blocks were decoded without their values


def test_skip_to_lands_where_whooshs_own_skip_to_lands(tmp_path):
    rng = random.Random(5)
    ix = open_or_create(tmp_path)
    with ix.writer() as writer:
        for n in range(1500):
            writer.add_document(id=f"d{n}", body=" ".join(rng.choice(["a1", "b2", "c3", "d4"]) for _ in range(3)))
    reader = open_index(tmp_path).reader()
    for word in (b"a1", b"b2", b"c3", b"d4"):
        ours, theirs = reader.postings("body", word), reader.postings("body", word)
        target, steps = 0, 0
        while ours.is_active():
            target += rng.choice((0, 1, 2, 5, 40, 130, 300))
            ours.skip_to(target)
            whoosh_ext.original(WHOOSHS + "skip_to")(theirs, target)
            assert ours.is_active() == theirs.is_active()
            if ours.is_active():
                assert ours.id() == theirs.id() >= target
                assert ours.weight() == theirs.weight() and ours.value() == theirs.value()
            steps += 1
        assert steps > 10
