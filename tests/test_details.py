"""Details where the CLI and the web disagreed with the README: tag spellings in every way of
selecting a tag, exit codes of odd arguments, and the smaller things a search page shows."""

from __future__ import annotations

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
