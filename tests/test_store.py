"""index/store.py: indexes built before newsfind became one package still open.

Whoosh pickles the schema into the index's table of contents, naming each analyzer's class by its
module path. Before the package, newsfind's analyzers lived in `index.analysis`; now they are in
`newsfind.index.analysis`, so unpickling an older index's schema fails. newsfind opens every index
with its own schema instead, and the next commit writes that schema to disk."""

import sys
import types

import pytest
from newsfind.index.ingest.writer import open_or_create
from newsfind.index.schema import build_schema
from newsfind.index.store import IndexNotFoundError, index_exists, open_index
from whoosh import index as whoosh_index
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import TEXT

GONE = "newsfind_test_moved_module"  # stands for `index.analysis`, a module path that no longer exists


def _index_pickling_a_module_that_is_gone(index_dir) -> None:
    module = types.ModuleType(GONE)

    class Passthrough(Filter):
        def __call__(self, tokens):
            return tokens

    Passthrough.__module__ = module.__name__
    Passthrough.__qualname__ = "Passthrough"
    module.Passthrough = Passthrough
    sys.modules[GONE] = module
    try:
        schema = build_schema()
        schema.add("legacy", TEXT(analyzer=RegexTokenizer() | Passthrough()))
        ix = whoosh_index.create_in(str(index_dir), schema)
        writer = ix.writer()
        writer.add_document(id="a1", title="Lavrov in Geneva", body="Lavrov met Kerry in Geneva.", legacy="x")
        writer.commit()
    finally:
        del sys.modules[GONE]


def test_an_index_whose_pickled_schema_names_a_moved_module_opens_and_answers(tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    _index_pickling_a_module_that_is_gone(index_dir)
    with pytest.raises(ModuleNotFoundError):  # what every command met before
        whoosh_index.open_dir(str(index_dir))
    assert index_exists(index_dir)
    with open_index(index_dir).searcher() as searcher:
        assert [hit["id"] for hit in searcher.search(_query(searcher, "Geneva"))] == ["a1"]
    ix = open_or_create(index_dir)  # an indexing run on it: its commit writes newsfind's schema
    writer = ix.writer()
    writer.add_document(id="a2", title="Kerry", body="Kerry spoke in Geneva.")
    writer.commit()
    assert sorted(whoosh_index.open_dir(str(index_dir)).schema.names()) == sorted(build_schema().names())


def _query(searcher, text: str):
    from whoosh.qparser import QueryParser

    return QueryParser("body", searcher.schema).parse(text)


def test_a_directory_without_an_index_is_no_index(tmp_path):
    assert not index_exists(tmp_path / "absent")
    assert not index_exists(tmp_path)
    with pytest.raises(IndexNotFoundError, match="no newsfind index"):
        open_index(tmp_path)
