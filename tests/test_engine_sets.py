"""Every path of a search returns exactly the set a brute-force evaluation returns (tests/brute_force.py):
relevance pages, both date sorts (every page, in Whoosh's date order), versions collapsed, facet counts,
`export` (`iter_articles`), the downloads (`iter_hits`, the CSV route), bulk tagging (`matching_ids`)
and the JSON API; and the engine's fallback (fastscore off) and fastscore's own evaluation agree with it.

Queries come from a Hypothesis strategy over the grammar (terms, phrases with and without slop,
AND/OR/NOT/-/+/ANDMAYBE, fields, dates, wildcards, fuzzy terms, boosts) with facet and date filters,
on a generated corpus over a small vocabulary (so queries hit), committed in three segments, then
some articles deleted and some replaced. Derandomized: the same examples every run; `-m long` runs
many more. The facet and date filters' part of the expected set is read from the documents' values
(brute_force.filter_matches), never from the search package's filter queries; the query part comes
from the parser, so `date:` and `tag:` terms are pinned with literal answers at the end."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newsfind.index.ingest.writer import open_or_create
from newsfind.index.schema import join_searchable, join_values
from newsfind.index.store import open_index
from newsfind.search import engine, fastscore
from newsfind.search.browse import iter_hits, matching_ids
from newsfind.search.query import QueryError
from newsfind.search.searcher import SearchRequest, build_query, iter_articles, search
from newsfind.web import create_app

from tests.brute_force import Documents

EXAMPLES, LONG_EXAMPLES = 40, 3000
# "lavorv" and "helth": one transposition and one deletion from "lavrov" and "health" (fuzzy terms)
WORDS = ["health", "care", "obama", "syria", "russia", "talks", "aid", "court", "tax", "reform", "lavrov",
         "lavorv", "helth", "vote", "voting", "votes", "the", "of"]
PERSONS = ["Barack Obama", "Sergei Lavrov", "John Kerry"]
OUTLETS = ["CNN", "Fox News", "UPI"]
TAGS = ["health", "syria talks", "Follow-up"]
FACETS = ["outlet", "person", "speaker", "tag", "date"]
SORTS = ["relevance", "date", "-date"]


def _article(rng: random.Random, article_id: str) -> dict:
    """Fields as written (the brute force reads these) for one article."""
    persons = rng.sample(PERSONS, rng.randint(0, 2))
    doc = {"id": article_id, "title": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
           "body": " ".join(rng.choices(WORDS, k=rng.randint(2, 25))),
           "quote": " ".join(rng.choices(WORDS, k=rng.randint(0, 4))),
           "person": join_searchable(persons), "facet_person": join_values(persons),
           "speaker": join_searchable(persons[:1]), "facet_speaker": join_values(persons[:1])}
    outlet = rng.choice(OUTLETS)
    doc.update(outlet=join_searchable([outlet]), facet_outlet=join_values([outlet]))
    tags = rng.sample(TAGS, rng.randint(0, 2))
    doc.update(tag=join_values(tags), facet_tag=join_values(tags))
    doc["dated"] = int(rng.random() < 0.85)
    if doc["dated"]:  # day precision, as indexed articles: many ties
        doc["date"] = datetime(2015, 1, 1) + timedelta(days=rng.randint(0, 700))
    if rng.random() < 0.4:
        doc["group"] = f"g{rng.randint(0, 7)}"
    return doc


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(index directory, the live documents as written)."""
    rng = random.Random(11)
    index_dir = tmp_path_factory.mktemp("engine-sets")
    ix = open_or_create(index_dir)
    live: dict[str, dict] = {}
    for segment in range(3):
        writer = ix.writer()
        for n in range(30):
            doc = _article(rng, f"s{segment}-{n:02d}")
            writer.add_document(**doc)
            live[doc["id"]] = doc
        writer.commit(merge=False)
    writer = ix.writer()
    for doc_id in rng.sample(sorted(live), 12):
        if rng.random() < 0.5:
            writer.delete_by_term("id", doc_id)
            del live[doc_id]
        else:
            live[doc_id] = _article(rng, doc_id)
            writer.update_document(**live[doc_id])
    writer.commit(merge=False)  # keep the segments: deletions inside them
    return index_dir, Documents(ix.schema, live)


@pytest.fixture(scope="module")
def searcher(corpus):
    with open_index(corpus[0]).searcher() as s:
        assert len(s.leaf_searchers()) == 4 and s.reader().has_deletions()
        yield s


@pytest.fixture(scope="module")
def client(corpus):
    return create_app({"NEWSFIND_INDEX": str(corpus[0]), "TESTING": True}).test_client()


word = st.sampled_from([*WORDS, "Obama", "Lavrov", "VOTES", "nothing"])
phrase = st.tuples(st.lists(word, min_size=2, max_size=3), st.sampled_from(["", "", "~2", "~3"])).map(
    lambda t: '"' + " ".join(t[0]) + '"' + t[1])
wildcard = st.sampled_from(["heal*", "h?alth", "vot*", "lav*", "sy*a", "ta?k*", "c*e", "r*", "o?ama"])
fuzzy = st.tuples(word, st.sampled_from(["~", "~1", "~2", "~1/0", "~2/2"])).map("".join)
entity = st.sampled_from(["Obama", '"Barack Obama"', "Lavrov", '"Sergey Lavrov"', "Kerry", "CNN", '"Fox News"',
                          "News", "health", '"syria talks"', "follow-up"])
fielded = st.tuples(st.sampled_from(["title", "body", "quote"]), st.one_of(word, phrase, wildcard, fuzzy)).map(
    ":".join) | st.tuples(st.sampled_from(["person", "speaker", "outlet", "tag"]), entity).map(":".join) | \
    st.sampled_from(["facet_outlet:CNN", 'facet_outlet:"Fox News"', 'facet_person:"Barack Obama"', "facet_tag:health"])
dates = st.sampled_from(["date:2016", "date:2015-07", "date:2016-03-05", "date:[2015-06 to 2016-01]",
                         "date:[2016-02 to]", "date:[to 2015-09]"])
atom = st.one_of(word, word, phrase, wildcard, fuzzy, fielded, dates)
boosted = st.tuples(atom, st.sampled_from(["", "", "", "^2", "^0.5"])).map("".join)
connectors = st.sampled_from([" ", " ", " AND ", " OR ", " OR ", " AND NOT ", " NOT ", " ANDMAYBE "])


def clauses(item, prefixes: list[str], min_size: int, max_size: int):
    """Items joined by connectors, each after one of `prefixes` (-, +). The parser refuses + and -
    inside a group that follows another clause ("cannot parse query: Plus"), and NOT NOT: few of
    those are drawn (refused queries are checked too: every path refuses them)."""
    return st.lists(st.tuples(connectors, st.sampled_from(prefixes), item), min_size=min_size,
                    max_size=max_size).map(lambda parts: "".join((c if i else "") + p + x
                                                                 for i, (c, p, x) in enumerate(parts)))


group = clauses(boosted, [""], 2, 3).map(lambda g: f"({g})")
queries = st.tuples(st.integers(0, 24), clauses(st.one_of(boosted, boosted, group), ["", "", "", "-", "+"], 1, 4),
                    st.sampled_from(["", "", "", "", "NOT "])).map(lambda t: "*" if not t[0] else t[2] + t[1])
filters = st.fixed_dictionaries({}, optional={
    # "cnn": facet values are exact (only tags fold case): it selects nothing
    "outlet": st.lists(st.sampled_from([*OUTLETS, "cnn"]), min_size=1, max_size=2, unique=True),
    "person": st.lists(st.sampled_from(PERSONS), min_size=1, max_size=1),
    # tags as stored and spelled otherwise (case, spaces): tags match by their folded key
    "tag": st.lists(st.sampled_from([*TAGS, " SYRIA   talks", "follow-UP", "Health"]), min_size=1, max_size=1),
    "date": st.lists(st.sampled_from(["2016", "2015-06..2016-01", "..2015-09", "2016-03..", "2015-09-07",
                                      "2015-09-07..2015-10", "2016-02-29..2016-03-01"]), min_size=1, max_size=1),
})
PARSED: list[bool] = []


def _ids(hits) -> list[str]:
    return [hit["id"] for hit in hits]


def _all_pages(searcher, request: SearchRequest) -> list[dict]:
    hits: list[dict] = []
    while True:
        data = search(searcher, request)
        hits += data["hits"]
        if request.page * request.per_page >= data["total"]:
            return hits
        request = SearchRequest(**{**request.__dict__, "page": request.page + 1})


def _date_order(docs: Documents, searcher, ids, sort: str) -> list[str]:
    """Undated last; by day, oldest or newest first; ties by docnum (Whoosh's order)."""
    def key(doc_id: str):
        date = docs.docs[doc_id].get("date")
        day = date.toordinal() if date else 0
        return date is None, day if sort == "date" else -day, searcher.document_number(id=doc_id)
    return sorted(ids, key=key)


def _collapsed(docs: Documents, ordered: list[str]) -> list[str]:
    """The first of each syndication group in `ordered` (articles without a group all stay)."""
    seen: set[str] = set()
    kept = []
    for doc_id in ordered:
        group = docs.docs[doc_id].get("group")
        if group not in seen:
            kept.append(doc_id)
            seen.update([group] if group else [])
    return kept


def _facet_counts(docs: Documents, expected: set[str], facet: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for doc_id in expected:
        doc = docs.docs[doc_id]
        values = ([doc["date"].strftime("%Y-%m-%d")] if doc.get("date") else []) if facet == "date" else \
            [v for v in (doc.get(f"facet_{facet}") or "").split(",") if v]
        for value in values:
            counts[value] = counts.get(value, 0) + 1
    return counts


def check(searcher, client, docs: Documents, text: str, chosen: dict[str, list[str]], sort: str, per_page: int):
    request = SearchRequest(query=text, filters=chosen, expand=True, per_page=per_page, sort=sort, facets=[])
    try:
        q, filter_q = build_query(searcher, request)
    except QueryError:  # every path refuses it
        PARSED.append(False)
        with pytest.raises(QueryError):
            search(searcher, request)
        with pytest.raises(QueryError):
            iter_hits(searcher, request)
        assert client.get("/api/search", query_string={"q": text, **chosen}).status_code == 400
        return
    PARSED.append(True)
    expected = docs.matches(q) & docs.filter_matches(chosen)  # the filters read from the documents themselves

    ranked = search(searcher, SearchRequest(query=text, filters=chosen, per_page=1000, expand=True, facets=FACETS,
                                            facet_size=1000, snippets=False))
    assert sorted(_ids(ranked["hits"])) == sorted(expected) and ranked["total"] == len(expected)
    scores = [hit["score"] for hit in ranked["hits"]]
    assert scores == sorted(scores, reverse=True)
    for facet in FACETS:
        counted = {v["value"]: v["count"] for v in ranked["facets"][facet] if v["count"]}
        assert counted == _facet_counts(docs, expected, facet), facet
    order = _ids(ranked["hits"]) if sort == "relevance" else _date_order(docs, searcher, expected, sort)
    assert _ids(_all_pages(searcher, request)) == order  # every page of the drawn size, snippets included
    collapsed = search(searcher, SearchRequest(query=text, filters=chosen, sort=sort, per_page=1000, facets=[],
                                               snippets=False))
    stories = _collapsed(docs, order)
    assert collapsed["total_versions"] == len(expected) and collapsed["total"] == len(stories)
    assert _ids(collapsed["hits"]) == stories
    assert _ids(iter_hits(searcher, SearchRequest(query=text, filters=chosen, sort=sort))) == order
    assert matching_ids(searcher, q, filter_q) == sorted(expected)
    if not chosen:
        assert [a["id"] for a in iter_articles(searcher, text)] == sorted(expected)
    api = client.get("/api/search", query_string={"q": text, "sort": sort, "per_page": 1000, "versions": "all",
                                                   "facet": "none", **chosen}).get_json()
    assert _ids(api["hits"]) == order and api["total"] == len(expected)
    rows = csv.DictReader(io.StringIO(client.get("/export.csv", query_string={"q": text, "sort": sort, **chosen})
                                      .get_data(as_text=True)))
    assert [row["id"] for row in rows] == order

    def ids_of(docnums) -> set[str]:
        return {searcher.stored_fields(d)["id"] for d in docnums.tolist()}

    found = fastscore.evaluate(searcher, q, True)
    if found is not None:  # fastscore's own set, Whoosh-scored parts included
        assert ids_of(found.docs) == docs.matches(q)
    with mock.patch.object(fastscore, "evaluate", lambda *args: None):  # the engine's fallback alone
        assert ids_of(engine.matching(searcher, q, filter_q).docs) == expected


def run_property(searcher, client, docs: Documents, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(queries, filters, st.sampled_from(SORTS), st.sampled_from([7, 1000]))
    @example('"health care" -Obama', {}, "date", 7)  # Whoosh's AND NOT (index/whoosh_ext/boolean_matchers.py)
    @example("NOT votes -health", {}, "relevance", 7)  # Whoosh's NOT matched a deleted article
    @example('("health health health" ANDMAYBE health)', {}, "relevance", 7)  # an empty OR's scores were integers
    @example("(health date:2016^2 ANDMAYBE health)", {}, "relevance", 7)  # ranked alike with and without snippets
    @example('NOT ("health care" -Obama) OR "care care"~3', {}, "relevance", 7)  # Whoosh scores it all
    @example("lavrov~ -syria", {}, "relevance", 1000)  # a transposition is two edits, in every segment
    @example("*", {"date": ["2016"], "outlet": ["CNN"]}, "-date", 7)
    @example("*", {"tag": [" SYRIA   talks"]}, "date", 1000)  # a tag spelled otherwise selects the stored one
    @example("*", {"outlet": ["cnn", "UPI"]}, "relevance", 1000)  # outlet values are exact
    @example("health", {"date": ["2015-09-07..2015-10"]}, "-date", 7)  # a day to the end of a month
    # bounds on and next to days the corpus holds (seed 11): a bound one day off either way changes the set
    @example("*", {"date": ["2015-09-14..2015-10-08"]}, "date", 1000)
    @example("*", {"date": ["2015-09-15..2015-10-07", "2016-04-01"]}, "relevance", 1000)
    def every_path_returns_the_brute_force_set(text, chosen, sort, per_page):
        check(searcher, client, docs, text, chosen, sort, per_page)

    PARSED.clear()
    every_path_returns_the_brute_force_set()
    assert PARSED.count(True) >= 0.8 * len(PARSED)  # the grammar writes queries that run


def test_every_path_returns_the_brute_force_set(searcher, client, corpus):
    run_property(searcher, client, corpus[1], EXAMPLES)


@pytest.mark.long
def test_every_path_returns_the_brute_force_set_long(searcher, client, corpus):
    run_property(searcher, client, corpus[1], LONG_EXAMPLES)


# Pinned: literal answers from a hand-written corpus, so that the parser's date conversion and tag
# folding (search/query.py) and the facet filters (search/facets.py) are checked against the
# README's words, not against themselves. (id, day or None, outlet, tags); dates on month edges.
PINNED = [("jan31", "2016-01-31", "CNN", ["Syria Talks"]), ("feb01", "2016-02-01", "UPI", []),
          ("feb15", "2016-02-15", "Fox News", ["health"]), ("feb16", "2016-02-16", "CNN", ["Follow-up"]),
          ("feb29", "2016-02-29", "UPI", ["Syria Talks", "health"]), ("mar01", "2016-03-01", "CNN", []),
          ("mar31", "2016-03-31", "Fox News", ["Syria Talks"]), ("apr01", "2016-04-01", "CNN", []),
          ("undated", None, "CNN", ["syria talks"])]


@pytest.fixture(scope="module")
def pinned(tmp_path_factory):
    ix = open_or_create(tmp_path_factory.mktemp("engine-pinned"))
    writer = ix.writer()
    for doc_id, day, outlet, tags in PINNED:
        doc = {"id": doc_id, "title": "talks", "body": "syria talks", "outlet": outlet,
               "facet_outlet": join_values([outlet]), "tag": join_values(tags), "facet_tag": join_values(tags),
               "dated": int(day is not None)}
        if day:
            doc["date"] = datetime.strptime(day, "%Y-%m-%d")
        writer.add_document(**doc)
    writer.commit()
    with ix.searcher() as s:
        yield s


@pytest.mark.parametrize("text, chosen, expected", [
    ("date:2016-02", {}, ["feb01", "feb15", "feb16", "feb29"]),  # a month: its first to its last day
    ("date:2016-03-01", {}, ["mar01"]),
    ("date:[2016-01-31 to 2016-02-15]", {}, ["feb01", "feb15", "jan31"]),  # both ends included
    ("date:[2016-02-16 to]", {}, ["apr01", "feb16", "feb29", "mar01", "mar31"]),
    ("date:[to 2016-01]", {}, ["jan31"]),
    ("talks -date:2016", {}, ["undated"]),
    ('tag:"  SYRIA   talks "', {}, ["feb29", "jan31", "mar31", "undated"]),  # tags fold case and spaces
    ("tag:FOLLOW-UP", {}, ["feb16"]),
    ("facet_tag:Health", {}, ["feb15", "feb29"]),
    ("*", {"tag": ["syria  TALKS"]}, ["feb29", "jan31", "mar31", "undated"]),
    ("*", {"tag": ["HEALTH", "follow-up"]}, ["feb15", "feb16", "feb29"]),
    ("*", {"outlet": ["CNN"]}, ["apr01", "feb16", "jan31", "mar01", "undated"]),
    ("*", {"outlet": ["cnn"]}, []),  # facet values are exact; only tags fold
    ("*", {"outlet": ["UPI", "Fox News"]}, ["feb01", "feb15", "feb29", "mar31"]),
    ("*", {"date": ["2016-02"]}, ["feb01", "feb15", "feb16", "feb29"]),
    ("*", {"date": ["2016-02-16..2016-03-01"]}, ["feb16", "feb29", "mar01"]),
    ("*", {"date": ["..2016-02-01", "2016-03-31.."]}, ["apr01", "feb01", "jan31", "mar31"]),
    ("*", {"date": ["2016-02..2016-03"], "outlet": ["CNN"], "tag": ["follow-up"]}, ["feb16"]),
])
def test_pinned_filters_and_date_and_tag_terms(pinned, text, chosen, expected):
    found = search(pinned, SearchRequest(query=text, filters=chosen, per_page=100, facets=[], snippets=False))
    assert sorted(_ids(found["hits"])) == expected and found["total"] == len(expected)
    docs = Documents(pinned.schema, {doc_id: {"date": datetime.strptime(day, "%Y-%m-%d") if day else None,
                                               "facet_outlet": outlet, "facet_tag": join_values(tags)}
                                     for doc_id, day, outlet, tags in PINNED})
    # the brute force's filters agree with the literal answers too
    assert sorted(docs.filter_matches(chosen)) == (expected if text == "*" else sorted(docs.docs))
