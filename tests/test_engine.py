"""search/engine.py: one matching set per request, whatever the path (relevance, date sorts, pages,
facets, export, downloads, bulk tagging). Pinned on a fixture written so that Whoosh's boolean
matchers (index/whoosh_ext/boolean_matchers.py) kept articles the query excludes: `"health care" -Obama`
kept articles naming Obama, `NOT Obama` a deleted one."""

from __future__ import annotations

from datetime import datetime

import pytest
from newsfind.index import whoosh_ext
from newsfind.index.ingest.writer import open_or_create
from newsfind.index.store import open_index
from newsfind.search import engine, fastscore
from newsfind.search.browse import iter_hits, matching_ids
from newsfind.search.searcher import SearchRequest, build_query, iter_articles, search
from whoosh import query as wq

# (id, title, body, person); one list per segment, in docnum order. In each segment an article naming
# Obama comes before the first "health care" article that names him too: Whoosh's AND NOT kept that one.
# The last article naming Obama in the second segment is followed by a deleted one: Whoosh's NOT kept that.
SEGMENTS = [
    [("obama-only", "Senate vote", "Obama spoke on Monday.", ""),
     ("both", "Reform", "The health care costs rose, said Obama.", ""),
     ("care-only", "Budget", "The health care bill passed.", ""),
     ("words-apart", "Care", "Care for your health.", "")],
    [("obama-body", "Visit", "Obama visited Ohio.", ""),
     ("obama-title", "Obama plan", "Health care again, in detail.", ""),
     ("care-title", "Health care", "Nothing else here.", ""),
     ("obama-person", "Costs", "Health care costs.", "Barack Obama"),
     ("obama-last", "Again", "Obama, once more.", ""),
     ("deleted", "Gone", "Health care, deleted.", ""),
     ("replaced", "Old", "Health care before.", "")],
]
REPLACEMENT = ("replaced", "New", "Health care after Obama.", "")
SEGMENT_ORDER = [article[0] for segment in SEGMENTS for article in segment]
# Neither Obama in a searched field (title, body) nor deleted, and the phrase itself: `person:` is
# not searched by default, words apart are no phrase.
EXPECTED = ["care-only", "care-title", "obama-person"]
QUERY = '"health care" -Obama'
WITHOUT_OBAMA = ["care-only", "care-title", "obama-person", "words-apart"]  # NOT Obama: not "deleted"
UNDATED = {"obama-only", "words-apart"}


def _doc(article_id: str, title: str, body: str, person: str, day: int) -> dict:
    doc = {"id": article_id, "title": title, "body": body, "dated": 0}
    if article_id not in UNDATED:
        doc.update(date=datetime(2016, 3, day), dated=1)
    if person:
        doc.update(person=person, facet_person=person)
    return doc


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("engine")
    ix = open_or_create(index_dir)
    n = 0
    for segment in SEGMENTS:
        writer = ix.writer()
        for article in segment:
            n += 1
            writer.add_document(**_doc(*article, day=1 + n // 2))  # two articles a day: ties
        writer.commit(merge=False)
    with ix.writer() as writer:
        writer.delete_by_term("id", "deleted")
        writer.update_document(**_doc(*REPLACEMENT, day=20))
        writer.mergetype = None
    with open_index(index_dir).searcher() as s:
        assert len(s.leaf_searchers()) == 3 and s.reader().has_deletions()
        yield s


def _ids(hits) -> list[str]:
    return sorted(hit["id"] for hit in hits)


def _every_path(searcher, query: str) -> list[list[str]]:
    """The ids each path gives for `query` (sorted): every sort of the search page, the downloads,
    `export`, bulk tagging."""
    found = []
    for sort in ("relevance", "date", "-date"):
        data = search(searcher, SearchRequest(query=query, sort=sort, per_page=100, expand=True))
        assert data["total"] == len(data["hits"])
        found += [_ids(data["hits"]), _ids(iter_hits(searcher, SearchRequest(query=query, sort=sort)))]
    found.append(sorted(article["id"] for article in iter_articles(searcher, query)))
    found.append(matching_ids(searcher, build_query(searcher, SearchRequest(query=query))[0]))
    return found


@pytest.mark.parametrize("query, expected", [(QUERY, EXPECTED), ("NOT Obama", WITHOUT_OBAMA)])
def test_the_same_set_on_every_path(searcher, query, expected):
    assert _every_path(searcher, query) == [expected] * 8


@pytest.mark.parametrize("query, expected, whooshs", [(QUERY, EXPECTED, ["both", "obama-title"]),
                                                      ("NOT Obama", WITHOUT_OBAMA, ["deleted"])])
def test_whooshs_negations_kept_excluded_and_deleted_documents(searcher, query, expected, whooshs):
    q = build_query(searcher, SearchRequest(query=query))[0]
    ids = searcher.reader().column_reader("id")

    def whooshs_matches() -> list[str]:
        return sorted(ids[docnum] for docnum in searcher.docs_for_query(q))

    assert whooshs_matches() == expected
    whoosh_ext.uninstall("boolean_matchers")
    try:
        assert whooshs_matches() == sorted([*expected, *whooshs])
    finally:
        whoosh_ext.install()


@pytest.mark.parametrize("query", ["*", "NOT Obama"])
def test_a_query_scoring_every_match_alike_ranks_as_whoosh_ranks_it(searcher, query):
    q = build_query(searcher, SearchRequest(query=query))[0]
    assert fastscore.evaluate(searcher, q) is None  # ranked by the engine's shortcut, not by fastscore
    whooshs = [(searcher.stored_fields(docnum)["id"], round(score, 4))
               for score, docnum in searcher.search(q, limit=None).top_n]
    data = search(searcher, SearchRequest(query=query, expand=True, per_page=100, facets=[]))
    assert [(hit["id"], hit["score"]) for hit in data["hits"]] == whooshs


def test_the_date_orders_are_whooshs_sorts(searcher, monkeypatch):
    """Whoosh's sorting collector (the fallback when a column cannot be read as an array) and the
    numpy sort of the raw columns order alike: undated last, ties by docnum."""
    docs = engine.matching(searcher, wq.Every()).docs
    orders = {sort: engine.by_date(searcher, docs, sort).tolist() for sort in ("date", "-date")}

    def unsupported(searcher, fieldname):
        raise fastscore.Unsupported(fieldname)

    monkeypatch.setattr(fastscore, "column_values", unsupported)
    for sort, order in orders.items():
        assert engine.by_date(searcher, docs, sort).tolist() == order
        ids = [searcher.stored_fields(docnum)["id"] for docnum in order]
        assert set(ids[-len(UNDATED):]) == UNDATED and ids[-2:] == sorted(ids[-2:], key=SEGMENT_ORDER.index)


def test_live_documents_from_whooshs_public_api_where_its_internals_cannot_be_read(searcher, monkeypatch):
    from newsfind.index.whoosh_ext import columns
    from newsfind.search import engine

    assert searcher.reader().has_deletions()
    fast = engine.live_docs(searcher)
    monkeypatch.setattr(columns, "verified", lambda: False)
    assert engine.live_docs(searcher).tolist() == fast.tolist() == sorted(searcher.reader().all_doc_ids())
