"""Details where the CLI and the web disagreed with the README: tag spellings in every way of
selecting a tag, exit codes of odd arguments, and the smaller things a search page shows."""

from __future__ import annotations

import re
from html import unescape

import pytest
from newsfind.web import create_app

from tests.conftest import Runner, copy_index
from tests.test_curation import UPI


@pytest.fixture(scope="module")
def tagged_index(tmp_path_factory, seed_index):
    """A copy of the seed index with one article tagged "Lavrov Talks"."""
    index_dir = copy_index(seed_index, tmp_path_factory.mktemp("details") / "index")
    assert Runner(index_dir)("tag", UPI, "Lavrov Talks", "--user", "alice").exit_code == 0
    return index_dir


@pytest.fixture
def run_tagged(tagged_index) -> Runner:
    return Runner(tagged_index)


@pytest.fixture
def tagged_client(tagged_index):
    return create_app({"NEWSFIND_INDEX": str(tagged_index), "TESTING": True}).test_client()


# -- 1. a tag is one tag however it is spelled ---------------------------------------------------

TAG_SPELLINGS = ["Lavrov Talks", "lavrov talks", "LAVROV  TALKS", "  lavrov talks "]


@pytest.mark.parametrize("spelling", TAG_SPELLINGS)
def test_tag_filter_and_query_field_ignore_case_and_spaces(run_tagged, spelling):
    by_filter = run_tagged.json("query", "", "--filter", f"tag={spelling}", "--facet", "tag")
    assert [h["id"] for h in by_filter["hits"]] == [UPI]
    assert by_filter["facets"]["tag"] == [{"value": "Lavrov Talks", "count": 1}]
    by_field = run_tagged.json("query", f'tag:"{spelling}"')
    assert [h["id"] for h in by_field["hits"]] == [UPI]


@pytest.mark.parametrize("spelling", ["lavrov talks", "Lavrov%20%20talks"])
def test_tag_parameter_on_the_web_selects_the_tag_as_shown(tagged_client, spelling):
    data = tagged_client.get(f"/api/search?tag={spelling.replace(' ', '%20')}&facet=tag").get_json()
    assert [h["id"] for h in data["hits"]] == [UPI]
    facets = tagged_client.get(f"/api/facets/tag?tag={spelling.replace(' ', '%20')}").get_json()
    assert {"value": "Lavrov Talks", "count": 1, "selected": True} in facets["values"]
    page = unescape(tagged_client.get(f"/?tag={spelling.replace(' ', '%20')}").get_data(as_text=True))
    assert UPI in page
    # The sidebar marks the tag selected, and its link removes the filter instead of adding another.
    entry = page.split('<span class="v">Lavrov Talks</span>')[0].rsplit("<li", 1)[1]
    assert 'class="selected"' in entry and "tag=" not in entry.split('href="', 1)[1].split('"', 1)[0]


# -- 2. exit codes as README "Commands" gives them ---------------------------------------------------


def test_an_unknown_article_id_exits_2_as_in_tag(run_seed):
    shown, tagged = run_seed("show", "nope"), run_seed("tag", "nope", "x")
    assert (shown.exit_code, tagged.exit_code) == (2, 2)
    assert "no article with id 'nope'" in shown.output and "Traceback" not in shown.output


@pytest.mark.parametrize("query", ["speaker:", "title:", "Syria speaker:", "(tag:)", 'tag:""', "speaker: Lavrov"])
def test_a_field_without_a_value_is_a_query_error(run_seed, client_seed, query):
    result = run_seed("query", query)
    field = query.split(":")[0].strip("( ").split()[-1]
    assert result.exit_code == 2, result.output
    assert f"'{field}:' has no value" in result.output and len(result.output.strip().splitlines()) == 1
    response = client_seed.get("/api/search", query_string={"q": query})
    assert response.status_code == 400 and f"'{field}:' has no value" in response.get_json()["error"]["message"]
    assert client_seed.get("/", query_string={"q": query}).status_code == 400


@pytest.mark.parametrize("args, message", [
    (("--limit", "0"), "--limit must be between 1 and 1000, not 0"),
    (("--limit", "1001"), "--limit must be between 1 and 1000, not 1001"),
    (("--page", "0"), "--page must be 1 or more, not 0"),
])
def test_bad_limit_or_page_names_the_option_not_the_query(run_seed, args, message):
    result = run_seed("query", "Syria", *args)
    assert result.exit_code == 2 and message in result.output and "bad query" not in result.output


@pytest.fixture
def client_seed(seed_index):
    return create_app({"NEWSFIND_INDEX": str(seed_index), "TESTING": True}).test_client()


# -- 3. the web pages ----------------------------------------------------------------------------


def test_date_boxes_show_the_active_filter_not_the_extent_of_the_hits(client_seed):
    page = client_seed.get("/?q=Syria&date_from=2015-09-01&date_to=2015-09-30", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert 'name="date_from" size="10" placeholder="YYYY-MM-DD"' in text
    box = lambda name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', text).group(1)  # noqa: E731
    assert (box("date_from"), box("date_to")) == ("2015-09-01", "2015-09-30")
    open_ended = client_seed.get("/?date=2015-09..").get_data(as_text=True)
    assert re.search(r'name="date_to"[^>]*value=""', open_ended) and re.search(
        r'name="date_from"[^>]*value="2015-09"', open_ended)
    unfiltered = client_seed.get("/").get_data(as_text=True)  # no filter: the extent of the dated hits
    assert re.search(r'name="date_from"[^>]*value="\d{4}', unfiltered)


def lone_marks(snippet: str) -> list[str]:
    """Marked words that are not part of a marked "military support"."""
    return re.findall(r"<mark>[^<]*</mark>", re.sub(r"<mark>military</mark> <mark>support</mark>", "", snippet,
                                                      flags=re.IGNORECASE))


def test_a_phrase_query_marks_the_phrase_only(client_seed, run_seed):
    data = client_seed.get("/api/search", query_string={"q": '"military support"', "per_page": 50}).get_json()
    assert data["total"] >= 2
    for hit in data["hits"]:
        assert re.search(r"<mark>military</mark> <mark>support</mark>", hit["snippet"], re.IGNORECASE), hit["snippet"]
        assert lone_marks(hit["snippet"]) == [], hit["snippet"]
    # A word asked for on its own too is still marked on its own.
    both = run_seed.json("query", 'military "military support"', "--limit", "50")
    assert any("<mark>military</mark>" in lone_marks(h["snippet"]) for h in both["hits"])


@pytest.fixture(scope="module")
def syndicated_client(tmp_path_factory, seed_index):
    """The seed index plus one story in two versions, the second with no outlet."""
    from newsfind.index.ingest.writer import index_paths

    from tests.conftest import write_jsonl

    root = tmp_path_factory.mktemp("details-syndicated")
    index_dir = copy_index(seed_index, root / "index")
    body = ("Russian Foreign Minister Sergei Lavrov said on Tuesday that talks with the United States on Syria "
            "would continue next week in Montreux, despite deep disagreements over the future of President "
            "Bashar al-Assad and the campaign of air strikes. ") * 3
    write_jsonl(root / "wire.jsonl", [
        {"id": "wire-a", "title": "Lavrov: talks go on", "body": body, "outlet": "Reuters", "date": "2015-09-08"},
        {"id": "wire-b", "title": "Russia says Syria talks will continue", "body": body + " Extra paragraph.",
         "date": "2015-09-09"},
    ])
    summary = index_paths([str(root / "wire.jsonl")], index_dir)
    assert summary.failed == []
    return create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True}).test_client()


def test_heading_shows_a_phrase_query_once_quoted(client_seed):
    page = client_seed.get("/", query_string={"q": '"military support"'}).get_data(as_text=True)
    heading = page.split('id="results-heading"', 1)[1].split("</h1>", 1)[0]
    assert "<q>" not in heading and "&#34;military support&#34;" in heading
    assert "<q>Syria</q>" in client_seed.get("/?q=Syria").get_data(as_text=True)  # no quotes of its own


def test_facet_counts_say_they_count_every_version_and_versions_are_named(syndicated_client):
    page = unescape(syndicated_client.get("/?q=Montreux").get_data(as_text=True))
    assert "1 article" in page.split("</h1>", 1)[0]
    assert "Facet counts include every version: 2 articles in 1 story." in page
    hit = page.split('class="hit"', 1)[1].split("</li>", 1)[0]
    assert "1 other version" in hit and ">wire-a</a>" not in hit and ">wire-b</a>" not in hit
    assert re.search(r'title="[^"]+ · [^"]*2015[^"]*">(Reuters|outlet unknown)</a>', hit), hit
    assert "Facet counts include every version" not in syndicated_client.get("/?q=Montreux&versions=all").get_data(
        as_text=True)
    article = unescape(syndicated_client.get("/articles/wire-a").get_data(as_text=True))
    versions = article.split("Other versions of this story", 1)[1].split("</section>", 1)[0]
    assert "Russia says Syria talks will continue" in versions and "outlet unknown" in versions


def test_an_anonymous_api_change_is_401_not_a_csrf_error(tmp_path, seed_index):
    client = create_app({"NEWSFIND_INDEX": str(copy_index(seed_index, tmp_path / "index")), "TESTING": True,
                         "SECRET_KEY": "test"}).test_client()
    for url, body in [(f"/api/tag/{UPI}", {"add": ["x"]}), ("/api/bulk-tag", {"q": "Syria", "tags": ["x"]}),
                      ("/api/undo/1", {}), ("/api/no-such-route", {})]:
        response = client.post(url, json=body)
        assert response.status_code == 401 and "Log in first" in response.get_json()["error"]["message"], url
    # A page form without a token is still a CSRF refusal, and so is an API call from a session.
    assert client.post(f"/curate/tag/{UPI}", data={"tags": "x"}).status_code == 400


def test_articles_before_nouns_follow_the_sound():
    from newsfind.index.curation.rules import EntityRule, indefinite

    assert [indefinite(w) for w in ["person", "organisation", "archivist", "admin", "reader", "user", "hour",
                                    "place", "org"]] == [
        "a person", "an organisation", "an archivist", "an admin", "a reader", "a user", "an hour", "a place",
        "an org"]
    assert EntityRule("not-entity", "org", "Kremlin").describe() == "'Kremlin' is not an organisation"
    assert EntityRule("retype", "place", "Tartus", "org").describe() == "'Tartus' is an organisation, not a place"
    assert EntityRule("retype", "org", "Tartus", "person").describe() == "'Tartus' is a person, not an organisation"


def test_role_refusals_and_entity_buttons_use_the_right_article(tmp_path, seed_index):
    from newsfind.index.curation.accounts import hash_password
    from newsfind.index.curation.store import CurationStore

    from tests.test_curation_web import PASSWORD, logged_in, make_app

    index_dir = copy_index(seed_index, tmp_path / "index")
    CurationStore(index_dir).add_user("alice", "archivist", hash_password(PASSWORD), "test")
    app = make_app(index_dir)
    alice = logged_in(app, "alice")
    refused = alice.get("/admin/users")
    assert refused.status_code == 403 and "alice is an archivist" in unescape(refused.get_data(as_text=True))
    page = unescape(alice.get("/entities/org/Foreign%20Ministry").get_data(as_text=True))
    assert "Not an organisation" in page and "Not a organisation" not in page
    assert ">a person</option>" in page and ">a place</option>" in page


def test_a_quote_without_a_cue_shows_no_empty_attribution(client_seed, seed_articles):
    unattributed = [a for a in seed_articles.values() if any(not q["cue"] for q in a["quotes"])]
    assert unattributed  # the seeds hold quotes no speech verb introduces
    for art in unattributed:
        page = client_seed.get(f"/articles/{art['id']}").get_data(as_text=True)
        whys = re.findall(r'<span class="why">([^<]*)</span>', page)
        assert all(not w.startswith(";") and w.strip() for w in whys), whys
        assert len(whys) == sum(1 for q in art["quotes"] if q["cue"])
