"""Syndicated copies: fingerprints, the group store, and what search, show and export make of groups.
Fixtures are small articles written here; the index ones go through the real pipeline."""

from __future__ import annotations

import json
import random

import pytest
from newsfind.index.ingest.dedup import THRESHOLD, GroupStore, fingerprint
from newsfind.index.store import open_index
from newsfind.search.searcher import SearchRequest, get_article, search

from tests.conftest import Runner, needs, write_jsonl

STORY = [
    "GENEVA (AP) -- Diplomats from the warring parties returned to the negotiating table on Friday after a "
    "week-long pause, United Nations officials said, raising hopes that a ceasefire could be agreed before the "
    "end of the month.",
    "The talks are expected to focus on humanitarian access to besieged towns in the north of the country and "
    "on the release of detainees held by all sides in the conflict, which has lasted for more than five years.",
    "“We are ready to talk as long as it takes,” said Staffan de Mistura, the United Nations envoy, in a statement "
    "to reporters outside the Palais des Nations, adding that both delegations had agreed to an agenda.",
    "Opposition negotiators said they would insist on a timetable for a political transition, while government "
    "representatives said their priority remained the fight against armed groups they call terrorists.",
    "A previous round of negotiations collapsed in April when the opposition walked out, accusing government "
    "forces of violating a partial truce brokered by the United States and Russia in February.",
]
ADDED = ("In Washington, a State Department spokesman welcomed the resumption of the talks and said the "
         "United States would keep pressing all parties to respect the truce.")
SAME_TOPIC = [
    "Ceasefire negotiations in Geneva resumed this week, and the mood among the delegations was cautious at best, "
    "according to people who attended the opening session at the United Nations complex.",
    "Aid workers say that towns in the north remain cut off, with food and medicine running short, and they "
    "warned that any agreement on paper would mean little without guarantees on the ground.",
    "The envoy Staffan de Mistura has set out an ambitious agenda, but analysts doubt that the government and "
    "the opposition will agree on a transition anytime soon given how far apart their positions remain.",
]
OTHER = [
    "The city council voted on Tuesday to expand the bicycle lane network along the river, a plan that "
    "supporters say will cut traffic and opponents say will cost too much for too few riders.",
    "Construction is expected to begin next spring and to last about eighteen months, officials said, with "
    "temporary closures announced two weeks ahead on the city website and in local newspapers.",
]

RECALL = [
    "Carmakers recalled nearly two hundred thousand vehicles on Monday over faulty airbag inflators that can "
    "rupture in a crash, federal safety regulators said in a notice posted to their website.",
    "Owners will be notified by mail in the coming weeks and dealers will replace the parts free of charge, "
    "the notice said, adding that no injuries had been reported so far.",
]


def body(paragraphs: list[str], byline: str = "") -> str:
    return "\n\n".join(([byline] if byline else []) + paragraphs)


WIRE = [
    {"id": "ap-1", "title": "Ceasefire talks resume in Geneva", "body": body(STORY, "By John Smith"),
     "outlet": "Associated Press", "date": "2016-03-04"},
    # the same text, punctuation and line breaks aside: an exact duplicate
    {"id": "wt-1", "title": "Syria peace talks back on", "body": body(STORY, "By John Smith").replace("\n\n", "\n"),
     "outlet": "Washington Times", "date": "2016-03-04"},
    # a wire copy: another headline, another byline, an added paragraph
    {"id": "dp-1", "title": "Diplomats return to the table", "body": body(STORY[:3] + [ADDED] + STORY[3:],
                                                                          "By Lois Lane, Daily Planet staff"),
     "outlet": "Daily Planet", "date": "2016-03-05"},
    # the same story told in other words: not a version
    {"id": "gd-1", "title": "Cautious mood as Geneva talks restart", "body": body(SAME_TOPIC),
     "outlet": "The Guardian", "date": "2016-03-05"},
    {"id": "bike-1", "title": "Council backs riverside bike lanes", "body": body(OTHER),
     "outlet": "Local News", "date": "2016-03-06"},
]


# -- fingerprints and the store ------------------------------------------------------------------


def test_exact_key_ignores_case_punctuation_and_spacing_but_not_words():
    a = fingerprint("One", "Diplomats met in Geneva. " * 10)
    b = fingerprint("Another title", "diplomats  met\nin GENEVA!\n" * 10)
    assert a.exact == b.exact and a.signature is not None
    assert (a.signature == b.signature).all()
    assert fingerprint("One", "Diplomats met in Lausanne. " * 10).exact != a.exact


def test_short_bodies_are_only_grouped_with_the_same_title():
    video = "Watch the video above."
    assert fingerprint("Storm hits coast", video).exact != fingerprint("Budget passes", video).exact
    assert fingerprint("Storm hits coast", video).exact == fingerprint("Storm hits coast", video).exact
    assert fingerprint("Storm hits coast", video).signature is None
    assert fingerprint("", "").exact is None


def assign_all(store: GroupStore, records: list[dict]) -> dict:
    return {r["id"]: store.assign(r["id"], "h-" + r["id"], fingerprint(r["title"], r["body"])) for r in records}


def test_exact_and_near_copies_join_the_original_and_same_topic_stays_apart():
    store = GroupStore(None)
    got = assign_all(store, WIRE)
    assert got["ap-1"].how == "new"
    assert (got["wt-1"].how, got["wt-1"].match, got["wt-1"].group) == ("exact", "ap-1", got["ap-1"].group)
    assert (got["dp-1"].how, got["dp-1"].group) == ("near", got["ap-1"].group)
    assert THRESHOLD <= got["dp-1"].similarity < 1.0
    assert got["gd-1"].how == "new" and got["gd-1"].group != got["ap-1"].group
    assert got["bike-1"].how == "new"
    assert len({a.group for a in got.values()}) == 3


def words(start: int, end: int) -> str:
    vocab = [f"w{n}" for n in range(2000)]
    random.Random(1).shuffle(vocab)
    return " ".join(vocab[start:end])


def test_an_article_like_two_groups_joins_its_best_match_and_groups_never_merge():
    store = GroupStore(None)
    a = store.assign("a", "h", fingerprint("a", words(0, 200)))
    c = store.assign("c", "h", fingerprint("c", words(110, 310)))  # shares 90 of 200 words with a: apart
    assert a.group != c.group
    b = store.assign("b", "h", fingerprint("b", words(20, 220)))  # closer to a than to c
    assert (b.match, b.group) == ("a", a.group)
    assert store.group_of("c") == c.group  # nothing moved


def test_groups_survive_reopening_and_a_replaced_article_leaves_and_rejoins(tmp_path):
    path = tmp_path / "groups.sqlite"
    store = GroupStore(path)
    first = assign_all(store, WIRE[:2])
    store.commit()
    store.close()

    store = GroupStore(path)
    copy = store.assign("dp-1", "h1", fingerprint(WIRE[2]["title"], WIRE[2]["body"]))
    assert copy.group == first["ap-1"].group
    moved = store.assign("dp-1", "h2", fingerprint("Bikes", body(OTHER)))  # replaced by another story
    assert moved.how == "new" and moved.group != first["ap-1"].group
    assert store.members(first["ap-1"].group) == ["ap-1", "wt-1"]
    back = store.assign("dp-1", "h3", fingerprint(WIRE[2]["title"], WIRE[2]["body"]))
    assert back.group == first["ap-1"].group
    alone = store.assign("solo", "h", fingerprint("Solo", words(500, 700)))
    again = store.assign("solo", "h2", fingerprint("Solo", words(500, 700) + " more words"))
    assert again.group == alone.group  # matched nothing else: keeps its id
    store.remove("wt-1")
    assert store.members(first["ap-1"].group) == ["ap-1", "dp-1"]
    store.rollback()
    assert store.members(first["ap-1"].group) == ["ap-1", "wt-1"]  # only committed changes count


def test_sync_with_index_drops_unknown_rows_and_rebuilds_missing_ones(tmp_path):
    store = GroupStore(tmp_path / "groups.sqlite")
    assign_all(store, WIRE[:2])
    store.commit()
    stored = {"dp-1": {"id": "dp-1", "title": WIRE[2]["title"], "body": WIRE[2]["body"], "group": "gX"}}
    changed = store.sync_with_index({"ap-1": "h-ap-1", "dp-1": "h-dp-1"}, stored.get)
    assert changed == 2  # wt-1 dropped, dp-1 restored
    assert store.content_hashes() == {"ap-1": "h-ap-1", "dp-1": "h-dp-1"}
    assert store.group_of("dp-1") == "gX"  # the index's group, not a new assignment


# -- through the index ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
@needs("model")
def wire_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wire")
    index_dir = folder / "index"
    write_jsonl(folder / "wire.jsonl", WIRE)
    result = Runner(index_dir)("index", str(folder / "wire.jsonl"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "2 joined a group of copies" in result.output
    return index_dir


def test_collapsed_search_shows_one_hit_per_story_with_its_versions(wire_index):
    run = Runner(wire_index)
    data = run.json("query", "ceasefire OR Geneva")
    assert (data["total"], data["total_versions"], data["expand"]) == (2, 4, False)
    story = [h for h in data["hits"] if h["group_size"] == 3]
    assert len(story) == 1 and story[0]["id"] == "ap-1"  # the best-ranked version: the original wins
    others = story[0]["other_versions"]
    assert [(v["id"], v["outlet"]) for v in others] == [("wt-1", "Washington Times"), ("dp-1", "Daily Planet")]
    assert set(others[0]) == {"id", "outlet", "date", "title"}
    assert [h["group_size"] for h in data["hits"] if h["id"] == "gd-1"] == [1]
    # facets count every matching version
    assert {v["value"] for v in data["facets"]["outlet"]} == {"Associated Press", "Washington Times",
                                                             "Daily Planet", "The Guardian"}
    text = run("query", "ceasefire OR Geneva").output
    assert "2 stories match" in text and "(4 articles; --expand lists every version)" in text
    assert "2 other versions: Washington Times, Daily Planet" in text


def test_expand_lists_every_version(wire_index):
    run = Runner(wire_index)
    data = run.json("query", "ceasefire OR Geneva", "--expand")
    assert (data["total"], data["total_versions"], data["expand"]) == (4, 4, True)
    assert {h["id"] for h in data["hits"]} == {"ap-1", "wt-1", "dp-1", "gd-1"}
    groups = {h["id"]: h["group"] for h in data["hits"]}
    assert groups["ap-1"] == groups["wt-1"] == groups["dp-1"] != groups["gd-1"]


def test_paging_and_sorting_collapse_too(wire_index):
    with open_index(wire_index).searcher() as s:
        pages = [search(s, SearchRequest(query="", per_page=1, page=p, facets=[])) for p in (1, 2, 3, 4)]
        assert [len(p["hits"]) for p in pages] == [1, 1, 1, 0]
        assert all((p["total"], p["total_versions"]) == (3, 5) for p in pages)
        newest = search(s, SearchRequest(query="Geneva", sort="-date", facets=[]))
        oldest = search(s, SearchRequest(query="Geneva", sort="date", facets=[]))
        # sorted by date, a story shows as the version that comes first in that order
        assert [h["id"] for h in oldest["hits"]][0] in ("ap-1", "wt-1")
        assert "dp-1" in [h["id"] for h in newest["hits"]]


def test_show_lists_the_other_versions(wire_index):
    run = Runner(wire_index)
    data = run.json("show", "dp-1")
    assert data["group_size"] == 3
    assert [v["id"] for v in data["other_versions"]] == ["ap-1", "wt-1"]
    text = run("show", "dp-1").output
    assert "Other versions (2)" in text
    assert "ap-1 · Associated Press · 2016-03-04 · Ceasefire talks resume in Geneva" in text
    assert "Other versions" not in run("show", "bike-1").output
    with open_index(wire_index).searcher() as s:
        assert get_article(s, "bike-1")["other_versions"] == []


def test_export_marks_the_group(wire_index):
    lines = [json.loads(line) for line in Runner(wire_index)("export").output.splitlines()]
    by_id = {a["id"]: a for a in lines}
    assert by_id["ap-1"]["group"] == by_id["wt-1"]["group"] == by_id["dp-1"]["group"]
    assert [by_id[i]["group_size"] for i in ("ap-1", "wt-1", "dp-1", "gd-1", "bike-1")] == [3, 3, 3, 1, 1]
    assert "other_versions" not in by_id["ap-1"]


@pytest.mark.model
def test_groups_survive_reindexing_and_follow_a_replaced_article(tmp_path):
    path = write_jsonl(tmp_path / "wire.jsonl", WIRE)
    run = Runner(tmp_path / "index")
    assert run("index", str(path), "--jobs", "1").exit_code == 0
    before = {a["id"]: a["group"] for a in map(json.loads, run("export").output.splitlines())}
    again = run.json("index", str(path), "--jobs", "1")
    assert (again["indexed"], again["unchanged"]) == (0, len(WIRE))
    assert {a["id"]: a["group"] for a in map(json.loads, run("export").output.splitlines())} == before

    # the copy is replaced by another story: it leaves the group; put back, it joins it again
    changed = [dict(r, body=body(RECALL)) if r["id"] == "dp-1" else r for r in WIRE]
    write_jsonl(path, changed)
    assert run.json("index", str(path), "--jobs", "1")["replaced"] == 1
    story = run.json("show", "ap-1")
    assert (story["group_size"], [v["id"] for v in story["other_versions"]]) == (2, ["wt-1"])
    assert run.json("show", "dp-1")["group"] != before["ap-1"]
    write_jsonl(path, WIRE)
    assert run.json("index", str(path), "--jobs", "1")["replaced"] == 1
    assert run.json("show", "dp-1")["group"] == before["ap-1"]
    assert run.json("show", "ap-1")["group_size"] == 3


def test_the_group_column_is_saved_beside_the_index_and_loaded_by_a_cold_process(wire_index, monkeypatch):
    from newsfind.search import facet_counts, versions

    with open_index(wire_index).searcher() as s:
        warm = search(s, SearchRequest(query="ceasefire OR Geneva", facets=[]))
        ordinals = versions.group_ordinals(s).tolist()
        sizes = versions.group_sizes(s)
    assert sorted(sizes.values())[-1] == 3 and sum(sizes.values()) == len(WIRE)
    assert (warm["total"], warm["total_versions"]) == (2, 4)
    [saved] = wire_index.glob("facets-*.tables")
    assert b'"column.group"' in saved.read_bytes()[:4096]

    # a new process: nothing in memory, and reading the column again would fail
    monkeypatch.setattr(facet_counts, "_CACHE", {})
    monkeypatch.setattr(facet_counts, "build_column_table", lambda reader, field: 1 / 0)
    with open_index(wire_index).searcher() as s:
        assert versions.group_ordinals(s).tolist() == ordinals
        cold = search(s, SearchRequest(query="ceasefire OR Geneva", facets=[]))
        assert versions.group_sizes(s) == sizes
    assert cold == warm
