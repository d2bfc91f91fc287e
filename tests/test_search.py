"""The search layer on the real seed index: facets, filters, sorting, paging, snippets."""

import json
from collections import Counter

import pytest
from newsfind.index.ingest.writer import index_paths
from newsfind.index.schema import split_values
from newsfind.search.searcher import SearchRequest, search

from tests.conftest import SEED_IDS, copy_index, write_jsonl


def ids(data):
    return {h["id"] for h in data["hits"]}


def run(searcher, query="", **kw):
    kw.setdefault("per_page", 50)
    return search(searcher, SearchRequest(query=query, **kw))


def test_speaker_versus_person(seed_searcher):
    speaking = run(seed_searcher, "speaker:Lavrov")
    assert ids(speaking) == {"002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"}
    assert ids(run(seed_searcher, 'speaker:"Sergei Lavrov"')) == ids(speaking)
    assert ids(run(seed_searcher, 'speaker:"Sergey Lavrov"')) == ids(speaking)
    assert ids(run(seed_searcher, "person:Lavrov")) == set(SEED_IDS)
    assert ids(run(seed_searcher, 'person:"Mr. Lavrov"')) == set(SEED_IDS)


@pytest.mark.parametrize("facet, field", [
    ("speaker", "facet_speaker"), ("person", "facet_person"), ("org", "facet_org"), ("place", "facet_place"),
    ("outlet", "facet_outlet"), ("author", "facet_author"), ("tag", "facet_tag"),
])
def test_facet_counts_equal_a_brute_force_count(seed_searcher, facet, field):
    data = run(seed_searcher, "Syria", facet_size=1000)
    expected = Counter()
    hit_ids = ids(run(seed_searcher, "Syria", facets=[]))
    for stored in seed_searcher.documents():
        if stored["id"] in hit_ids:
            expected.update(split_values(stored.get(field)))
    assert {v["value"]: v["count"] for v in data["facets"][facet]} == dict(expected)


def test_year_histogram_and_date_queries(seed_searcher):
    data = run(seed_searcher, "", facets=["year", "month"])
    assert data["facets"]["year"] == [{"value": "2015", "count": 1}]
    assert data["facets"]["month"] == [{"value": "2015-09", "count": 1}]
    assert ids(run(seed_searcher, "date:2015-09-07")) == {"004_2064c722ad5b44e7"}
    assert ids(run(seed_searcher, "date:[2015-09-01 to 2015-09-07]")) == {"004_2064c722ad5b44e7"}
    assert ids(run(seed_searcher, "date:2015-09-08")) == set()


def test_filters_or_within_a_facet_and_across_facets(seed_searcher):
    one = run(seed_searcher, filters={"speaker": ["John Kirby"]})
    two = run(seed_searcher, filters={"speaker": ["John Kirby", "Josh Earnest"]})
    assert ids(one) == {"003_f379e9a848eb2c6b"}
    assert ids(two) == {"003_f379e9a848eb2c6b", "004_2064c722ad5b44e7"}
    both = run(seed_searcher, filters={"speaker": ["John Kirby", "Josh Earnest"], "outlet": ["112 Ukraine"]})
    assert ids(both) == {"004_2064c722ad5b44e7"}
    selected = [v for v in two["facets"]["speaker"] if v["value"] == "John Kirby"]
    assert selected == [{"value": "John Kirby", "count": 1}]


def test_sort_by_date_puts_undated_last_and_paging_covers_everything(seed_searcher):
    newest = run(seed_searcher, "", sort="-date")
    oldest = run(seed_searcher, "", sort="date")
    assert newest["hits"][0]["id"] == oldest["hits"][0]["id"] == "004_2064c722ad5b44e7"
    pages = [run(seed_searcher, "", per_page=2, page=p) for p in (1, 2, 3, 4)]
    assert [len(p["hits"]) for p in pages] == [2, 2, 1, 0]
    assert set().union(*(ids(p) for p in pages)) == set(SEED_IDS)
    assert all(p["total"] == 5 for p in pages)


def test_top_n_agrees_with_the_full_ranking(seed_searcher):
    for query in ("Syria", "Russia military", "Kerry Lavrov", "Assad"):
        full = [h["id"] for h in run(seed_searcher, query, per_page=1000, facets=[])["hits"]]
        top = [h["id"] for h in run(seed_searcher, query, per_page=2, facets=[])["hits"]]
        assert top == full[:2], query


@pytest.mark.model
def test_snippets_mark_matches_and_escape_everything_else(tmp_path):
    index_dir = tmp_path / "ix"
    write_jsonl(tmp_path / "x.jsonl", [{
        "id": "xss", "title": "<script>alert(1)</script> Title",
        "body": "Lavrov said <b>the talks</b> & <script>alert('x')</script> went well, Lavrov said.",
    }])
    index_paths([str(tmp_path / "x.jsonl")], index_dir)
    from newsfind.index.store import open_index

    with open_index(index_dir).searcher() as s:
        data = search(s, SearchRequest(query="talks"))
        text = json.dumps(data)
        assert "<script>" not in data["hits"][0]["snippet"]
        assert "&lt;script&gt;" in data["hits"][0]["snippet"]
        assert "<mark>talks</mark>" in data["hits"][0]["snippet"]
        assert "<b>" not in data["hits"][0]["snippet"]
        assert text  # the data is JSON-serialisable


def test_snippet_falls_back_to_the_lead_when_only_metadata_matched(seed_searcher):
    data = run(seed_searcher, "outlet:UPI")
    assert ids(data) == {"001_4381e5166d85121b"}
    assert data["hits"][0]["snippet"].startswith("U.S. Begins Talks With Russia")


def test_quote_field_and_quote_snippet(seed_searcher):
    data = run(seed_searcher, "speaker:Putin quote:agenda")
    assert ids(data) == {"000_cc762b55518d5dfc", "002_a2b3b58d53712aaf"}
    for hit in data["hits"]:
        assert hit["snippet"].startswith("Vladimir Putin: “")
        assert "<mark>agenda</mark>" in hit["snippet"]
    # words only in the narrative, never in a quote, do not match quote:
    assert ids(run(seed_searcher, "quote:Vladivostok")) == set()
    assert ids(run(seed_searcher, "Vladivostok")) == {"004_2064c722ad5b44e7"}


def test_speaker_query_snippet_shows_that_speakers_words(seed_searcher):
    data = run(seed_searcher, "speaker:Zhoteva")
    assert data["hits"][0]["snippet"].startswith("Betina Zhoteva: ")


def test_plain_text_queries_keep_body_snippets(seed_searcher):
    data = run(seed_searcher, "agenda")
    assert all(not h["snippet"].startswith("Vladimir Putin:") for h in data["hits"])
    assert all("<mark>agenda</mark>" in h["snippet"] for h in data["hits"])


def test_facet_tables_follow_index_changes(tmp_path, seed_copy, seed_index):
    from newsfind.index.store import open_index

    index_dir = copy_index(seed_index, tmp_path / "ix")  # the seeds, indexed
    with open_index(index_dir).searcher() as s:
        before = search(s, SearchRequest(query="", facets=["outlet"]))["facets"]["outlet"]
    assert {"value": "UPI", "count": 1} in before
    assert len(list(index_dir.glob("facets-*.tables"))) == 1
    (seed_copy / "005_new.txt").write_text(
        "Wire story\n\nMOSCOW, Oct. 2 (UPI) — Talks went on.\n\n“We will meet again,” Sergei Lavrov said on Friday.\n")
    index_paths([str(seed_copy)], index_dir)
    with open_index(index_dir).searcher() as s:
        after = search(s, SearchRequest(query="", facets=["outlet", "speaker"]))["facets"]
    assert {"value": "UPI", "count": 2} in after["outlet"]
    assert {"value": "Sergei Lavrov", "count": 3} in after["speaker"]
    assert len(list(index_dir.glob("facets-*.tables"))) == 1  # the old generation's tables are gone


def test_facet_tables_of_a_deleted_index_are_never_reused(tmp_path, seed_index):
    from newsfind.index.store import open_index

    index_dir = copy_index(seed_index, tmp_path / "ix")
    with open_index(index_dir).searcher() as s:
        search(s, SearchRequest(query="", facets=["outlet"]))
    for path in index_dir.iterdir():  # the Whoosh files go, the cached tables stay behind
        if path.suffix in (".toc", ".seg") or path.name.endswith("_WRITELOCK"):
            path.unlink()
    write_jsonl(tmp_path / "one.jsonl", [{"id": "x1", "title": "T", "body": "B", "outlet": "Reuters"}])
    index_paths([str(tmp_path / "one.jsonl")], index_dir)
    with open_index(index_dir).searcher() as s:
        data = search(s, SearchRequest(query="", facets=["outlet"]))
    assert data["facets"]["outlet"] == [{"value": "Reuters", "count": 1}]
