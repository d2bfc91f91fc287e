"""A one-word name the small model tags PERSON in a few places and GPE in most is the place, with the real spaCy
pipeline ('Baltimore riots: Looting, fires engulf city'), and one the article goes on about with ', which' is an
organisation ('Dorchester, which runs 10 hotels'); a person of that name the article or the index knows keeps it."""

import pytest
from newsfind.index.nlp.canonical import CanonicalTable

from tests.test_descriptor_names import enrich_text

pytestmark = pytest.mark.model

TITLE = "Baltimore riots: Looting, fires engulf city"
BODY = ("Fires burned in Baltimore on Monday night. Police in Baltimore arrested 10 people, the mayor said. "
        "Baltimore has seen protests for a week, and schools in Baltimore were closed. Shops in Baltimore stayed "
        "shut, and trains to Baltimore were cancelled.")


def test_a_place_the_model_tags_person_twice_is_no_person():
    enrichment = enrich_text(BODY, title=TITLE)
    assert enrichment.persons == []
    assert enrichment.places == ["Baltimore"]
    assert {m["kind"] for m in enrichment.mentions} == {"place"}


def test_a_person_the_article_names_in_full_keeps_the_name():
    enrichment = enrich_text(BODY + " Zeke Baltimore, a shop owner, said he was afraid.", title=TITLE)
    assert "Zeke Baltimore" in enrichment.persons
    assert "Zeke Baltimore" in enrichment.speakers


def test_the_surname_of_a_person_the_index_knows_stays_a_person():
    table = CanonicalTable()
    table.person("Zeke Baltimore")
    assert enrich_text(BODY, title=TITLE, table=table).persons == ["Zeke Baltimore"]


HOTELS = ("Twenty events have been canceled at the Beverly Hills property, a loss of about $2 million for the hotel, "
          "according to Dorchester. Dorchester, which runs 10 hotels world-wide, is looking to expand. "
          "Industry executives say Dorchester is in a difficult situation.")


def test_a_name_the_article_goes_on_about_with_which_is_an_organisation():
    enrichment = enrich_text(HOTELS, title="Hotel boycott grows")
    assert enrichment.persons == [] and enrichment.speakers == []
    assert enrichment.orgs == ["Dorchester"]


def test_a_known_surname_followed_by_which_stays_a_person():
    table = CanonicalTable()
    table.person("Zeke Dorchester")
    assert enrich_text(HOTELS, title="Hotel boycott grows", table=table).persons == ["Zeke Dorchester"]
