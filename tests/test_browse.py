"""The search-layer pieces the web UI builds on: the day facet and date filters, facet value search,
export iteration, more-like-this and entity summaries, on the real seed index."""

import pytest
from newsfind.search.browse import facet_values, iter_hits, similar_articles
from newsfind.search.entities import entity_data
from newsfind.search.query import QueryError
from newsfind.search.searcher import SearchRequest, public_data, search

from tests.conftest import SEED_IDS

LAVROV_SPEAKS = ["002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"]


def ids(data):
    return {h["id"] for h in data["hits"]}


def test_date_facet_counts_days_of_dated_articles_only(seed_searcher):
    data = search(seed_searcher, SearchRequest(facets=["date"]))
    assert data["facets"]["date"] == [{"value": "2015-09-07", "count": 1}]


@pytest.mark.parametrize("value, expected", [
    ("2015-09-07", {"004_2064c722ad5b44e7"}),
    ("2015-09", {"004_2064c722ad5b44e7"}),
    ("2015-09-01..2015-09-30", {"004_2064c722ad5b44e7"}),
    ("2015..", {"004_2064c722ad5b44e7"}),
    ("..2015-09-06", set()),
    ("2015-09-08", set()),
])
def test_date_filter_values(seed_searcher, value, expected):
    assert ids(search(seed_searcher, SearchRequest(filters={"date": [value]}))) == expected


@pytest.mark.parametrize("value, message", [
    ("x", "is not a date"), ("2015-13", "not a valid date"), ("2016..2015", "ends before it starts"),
    ("..", "is empty"), ("2015-02-30", "not a valid date"),
])
def test_bad_date_filters_are_query_errors(seed_searcher, value, message):
    with pytest.raises(QueryError, match=message):
        search(seed_searcher, SearchRequest(filters={"date": [value]}))


def test_public_data_drops_only_the_internal_key(seed_searcher):
    data = search(seed_searcher, SearchRequest("Syria"))
    public = public_data(data)
    assert "facets_truncated" in data and "facets_truncated" not in public
    assert set(public) == {"query", "total", "total_versions", "expand", "page", "per_page", "sort", "hits", "facets"}


def test_facet_values_filters_by_text_and_marks_selected(seed_searcher):
    request = SearchRequest("", filters={"speaker": ["John Kerry"]})
    result = facet_values(seed_searcher, request, "speaker", contains="KER")
    assert [(v.value, v.selected) for v in result.values] == [("John Kerry", True)]
    everyone = facet_values(seed_searcher, SearchRequest(""), "person", size=2)
    assert len(everyone.values) == 2 and everyone.truncated
    with pytest.raises(QueryError, match="unknown facet"):
        facet_values(seed_searcher, request, "colour")
    with pytest.raises(QueryError, match="size"):
        facet_values(seed_searcher, request, "person", size=0)


def test_iter_hits_yields_every_hit_with_filters_and_sort(seed_searcher):
    lavrov = list(iter_hits(seed_searcher, SearchRequest("", filters={"speaker": ["Sergei Lavrov"]}, sort="-date")))
    assert [h["id"] for h in lavrov] == ["004_2064c722ad5b44e7", "002_a2b3b58d53712aaf"]
    everything = list(iter_hits(seed_searcher, SearchRequest("", per_page=1), full=True))
    assert sorted(a["id"] for a in everything) == SEED_IDS and "body" in everything[0]
    with pytest.raises(QueryError):
        iter_hits(seed_searcher, SearchRequest("date:2015-13"))


def test_similar_articles_excludes_the_article_itself(seed_searcher):
    similar = similar_articles(seed_searcher, "002_a2b3b58d53712aaf", top=3)
    assert 1 <= len(similar) <= 3
    assert "002_a2b3b58d53712aaf" not in {s["id"] for s in similar}
    assert similar_articles(seed_searcher, "no-such-id") == []


def test_entity_data_for_a_speaking_person(seed_searcher):
    data = entity_data(seed_searcher, "person", "Sergei Lavrov")
    assert data["total"] == len(SEED_IDS)
    assert data["timeline"] == [{"value": "2015-09-07", "count": 1}]
    assert {q["article_id"] for q in data["quotes"]} == set(LAVROV_SPEAKS)
    assert data["quotes_total"] == len(data["quotes"]) > 0
    people = [v["value"] for v in data["cooccurring"]["person"]]
    assert "Sergei Lavrov" not in people and "John Kerry" in people
    assert data["recent"][0]["id"] == "004_2064c722ad5b44e7"  # the only dated article comes first


def test_entity_data_unknown(seed_searcher):
    assert entity_data(seed_searcher, "person", "Nobody Atall") is None
    assert entity_data(seed_searcher, "colour", "red") is None
    place = entity_data(seed_searcher, "place", "Syria")
    assert place["total"] >= 1 and place["quotes"] == [] and place["quotes_total"] == 0
