"""What a one-word name the small model tags PERSON is, with the real spaCy pipeline: the place, when the article
mostly tags it as one ('Baltimore riots: Looting, fires engulf city'); an organisation, when the article goes on
about it with ', which' ('Dorchester, which runs 10 hotels'), calls it a company ('Norsar, a Norway-based group
that'; 'ratings agency Fitch') or names an organisation ending on it ('the Observatory said'). A person of that
name the article or the index knows keeps it."""

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import capitals_lines

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


@pytest.mark.parametrize("body, name", [
    ("The test was detected around the world. Norsar, a Norway-based group that monitors nuclear tests, put its "
     "strength at 120 kilotons. Norsar revised the figure on Monday.", "Norsar"),
    ("Union officials said some officers had already quit. Ratings agency Fitch warned that it could cut the "
     "rating. Fitch said the shutdown was a risk.", "Fitch"),
    ("Nearby villages fell under ISIS control, according to the London-based Syrian Observatory for Human Rights. "
     "Kurdish forces withdrew from their positions, the Observatory said.", "Observatory"),
])
def test_a_name_the_article_calls_a_company_or_ends_an_organisation_on_is_an_organisation(body, name):
    enrichment = enrich_text(body, title="News")
    assert name not in enrichment.persons and name not in enrichment.speakers
    assert any(org.endswith(name) for org in enrichment.orgs), enrichment.orgs


def test_a_person_the_article_gives_a_role_at_a_company_stays_a_person():
    enrichment = enrich_text("The plant will close in May. Halvorsen, a company spokesman, said the decision was "
                             "final. Halvorsen added that workers would be paid.", title="News")
    assert "Halvorsen" in enrichment.persons and "Halvorsen" in enrichment.speakers


LINKED_HEADLINE = ("Senators met on Monday to discuss the budget. \"We made progress,\" Senator Mark Udall said after "
                   "the meeting.\n\nFELICITY HUFFMAN, LORI LOUGHLIN AMONG 50 SNARED IN ELITE COLLEGE CHEATING SCAM, "
                   "AUTHORITIES SAY\n\nThe talks will resume on Tuesday, aides said, and a vote could follow next "
                   "week.")


def test_a_related_storys_headline_in_capitals_names_nobody_of_the_article():
    enrichment = enrich_text(LINKED_HEADLINE, title="Budget talks")
    assert enrichment.persons == ["Mark Udall"] and enrichment.speakers == ["Mark Udall"]
    assert enrichment.mentions[-1]["value"] == "Mark Udall"


def test_an_article_in_capitals_throughout_keeps_its_names():
    enrichment = enrich_text(LINKED_HEADLINE.upper().replace("\n\n", " "), title="Budget talks")
    assert any("LORI" in person.upper() for person in enrichment.persons), enrichment.persons



@pytest.mark.parametrize("body, name", [
    ("The vote was close. In the end it was Halvorsen, which surprised many in the party. \"I read it twice,\" "
     "Halvorsen told reporters.", "Halvorsen"),
    ("The newspaper Bezos bought in 2013 has grown. \"We will stay independent,\" Bezos told staff on Tuesday.",
     "Bezos"),
    ("Viewers tuned in late. Carlson, a Fox network host, spoke for an hour. \"The program will go on,\" Carlson "
     "told viewers.", "Carlson"),
    ("Hundreds marched on Sunday. Ortiz, a union steward at the plant, led them. \"We want a contract,\" Ortiz "
     "told reporters.", "Ortiz"),
])
def test_a_person_described_near_a_company_word_stays_a_person(body, name):
    enrichment = enrich_text(body, title="News")
    assert name in enrichment.persons and name in enrichment.speakers, (enrichment.persons, enrichment.orgs)


@pytest.mark.parametrize("line", [
    "RACHEL MARTIN, NPR HOST: \t",  # a transcript's label, with a space after its colon
    "  1. WHAT TRUMP'S IMMIGRATION WAFFLING REFLECTS.",  # the article's own numbered item
    "(2) ANOTHER NUMBERED ITEM OF THE ARTICLE'S LIST",
    "NO COLLUSION, NO OBSTRUCTION, COMPLETE AND TOTAL EXONERATION\n \n— Donald J. Trump (@realDonaldTrump)",
])
def test_labels_numbered_items_and_tweets_in_capitals_stay(line):
    prose = "The talks went on for hours on Monday, and aides said that more were planned for the weeks ahead.\n"
    body = prose + line + "\n" + prose
    assert capitals_lines(body) == []
    headline = "FELICITY HUFFMAN, LORI LOUGHLIN AMONG 50 SNARED IN ELITE COLLEGE CHEATING SCAM"
    with_headline = prose + headline + "\n" + body
    assert [with_headline[a:b] for a, b in capitals_lines(with_headline)] == [headline]
