"""Two people's names run together in one person mention ('suspend Trump Krystal Ball on ...', 'lead over Sanders
Elizabeth Warren holds ...': a headline list without its separators, a comma lost) are split into the persons they
name, each mention resolving to its own person, with the real spaCy pipeline; real names of that shape stay."""

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed_text, enrich_doc
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.readers.types import SourceArticle

from tests.conftest import Runner

pytestmark = pytest.mark.model

KRYSTAL_BALL = ("Harris pushes Twitter to suspend Trump Krystal Ball on Yang's fundraising haul.\n\n"
                "President Donald Trump said on Monday that he would keep tweeting.")


def enrich_text(body: str, title: str = "Title", table: CanonicalTable | None = None):
    article = SourceArticle(id="t", title=title, body=body, source="test")
    text, offset = analysed_text(article)
    return enrich_doc(article, load_pipeline()(text), offset, table or CanonicalTable())


@pytest.mark.parametrize("title, body, run_on, names", [
    # a surname of the article's person, then another person's full name (a headline list without its '|')
    ("Twitter news", KRYSTAL_BALL, "Trump Krystal Ball", ["Donald Trump", "Krystal Ball"]),
    # the comma of 'Sanders, Elizabeth Warren' lost in a page's list of headlines
    ("Iowa poll: Biden leads", "Iowa poll: Biden stretches lead over Sanders Elizabeth Warren holds a strong position "
     "as Pete Buttigieg surges.\n\nFormer Vice President Joe Biden leads the field. Sen. Bernie Sanders is second. "
     "“We will win Iowa,” Sanders said.", "Sanders Elizabeth Warren", ["Bernie Sanders", "Elizabeth Warren"]),
    # two full names
    ("Poll", "Mueller hearing: Democrats split. Joe Biden Hillary Clinton said she would not run again.\n\nFormer "
     "Vice President Joe Biden said he was ready. Hillary Clinton said nothing.", "Joe Biden Hillary Clinton",
     ["Joe Biden", "Hillary Clinton"]),
])
def test_two_names_run_together_are_two_persons(title, body, run_on, names):
    e = enrich_text(body, title=title)
    assert run_on not in e.persons and run_on not in e.speakers, (e.persons, e.speakers)
    assert all(name in e.persons for name in names), e.persons
    assert not any(" ".join(p.split()[1:]) in names for p in e.persons), e.persons


def test_the_speaker_of_two_names_run_together_is_the_person_who_speaks():
    e = enrich_text("Mueller hearing: Democrats split. Joe Biden Hillary Clinton said she would not run again.\n\n"
                    "Former Vice President Joe Biden said he was ready. Hillary Clinton said nothing.", title="Poll")
    assert set(e.speakers) == {"Joe Biden", "Hillary Clinton"}, e.speakers


def test_a_place_before_a_name_is_no_person():
    # 'Ambassador to Israel Dan Shapiro' where the article also names Steve Israel: Israel is the country
    e = enrich_text("Among the officials on the call were Deputy Secretary of State Tony Blinken and U.S. Ambassador "
                    "to Israel Dan Shapiro.\n\nRep. Steve Israel said the call went well.", title="Call")
    assert "Dan Shapiro" in e.persons and "Steve Israel" in e.persons, e.persons
    assert not any("Shapiro" in p and p != "Dan Shapiro" for p in e.persons), e.persons
    assert e.speakers == ["Steve Israel"], e.speakers


def test_a_sites_more_link_after_a_name_is_no_part_of_it():
    # The Hill's lists: 'Gillibrand MORE' links to more about her
    e = enrich_text("Senators back Gillibrand MORE (D-N.Y.), who said the bill was overdue.\n\nSen. Kirsten Gillibrand "
                    "said the vote would come soon.", title="Hill")
    assert e.persons == ["Kirsten Gillibrand"], e.persons


def test_the_indexed_article_has_each_person_as_a_facet_value(tmp_path, fresh_index):
    (tmp_path / "a.txt").write_text("Twitter news\n\n" + KRYSTAL_BALL, encoding="utf-8")
    run = Runner(fresh_index)
    assert run("index", str(tmp_path / "a.txt"), "-j", "1").exit_code == 0
    shown = run.json("show", "a")
    assert "Krystal Ball" in shown["persons"] and "Donald Trump" in shown["persons"], shown["persons"]
    assert not any("Trump Krystal" in p for p in shown["persons"]), shown["persons"]
    assert run.json("query", 'person:"Krystal Ball"')["total"] == 1
    assert run.json("query", 'person:"Trump Krystal Ball"')["total"] == 0


# Real names of the shape stay whole: a first word that is a first name ('Lee' beside Mike Lee), a rest of one word
# ('Warren Buffett' beside Elizabeth Warren, 'Huckabee Sanders' beside Mike Huckabee), a 'Jr.'.
@pytest.mark.parametrize("body, name", [
    ("Lee Harvey Oswald shot the president, the commission found. Sen. Mike Lee said the files should be opened.",
     "Lee Harvey Oswald"),
    ("The moderators asked Warren Buffett about taxes. Sen. Elizabeth Warren said the rich should pay more.",
     "Warren Buffett"),
    ("Press secretary Sarah Huckabee Sanders said the president was right. Her father, Mike Huckabee, agreed. "
     "Sen. Bernie Sanders said they were wrong.", "Sarah Huckabee Sanders"),
    ("Donald Trump Jr. said his father would win. Ivanka Trump said so too.", "Donald Trump Jr."),
])
def test_real_names_of_that_shape_stay(body, name):
    e = enrich_text(body)
    assert name in e.persons, e.persons


# The opposite cut: the model tags 'Rep. Sheila Jackson Lee' as 'Sheila Jackson' and 'Lee', side by side.
def test_a_name_cut_in_two_is_one_person_when_the_article_writes_it_whole():
    e = enrich_text("Rep. Sheila Jackson Lee said the bill would pass. Jackson Lee, a Texas Democrat, spoke for "
                    "an hour.\n\n“This is a civil rights issue,” Jackson Lee said.", title="House")
    assert "Sheila Jackson Lee" in e.persons, e.persons
    assert "Sheila Jackson" not in e.persons and "Lee" not in e.persons, e.persons


def test_two_people_side_by_side_stay_apart_without_the_joined_name_elsewhere():
    # a list without its comma: nothing in the article names 'Hillary Clinton Bernie Sanders' or 'Clinton Bernie'
    e = enrich_text("Debate night: Hillary Clinton Bernie Sanders clash on guns.\n\nHillary Clinton said the law "
                    "failed. Bernie Sanders said he voted for it.", title="Debate")
    assert "Hillary Clinton" in e.persons and "Bernie Sanders" in e.persons, e.persons
    assert not any(len(p.split()) > 2 for p in e.persons), e.persons


def test_a_name_cut_in_two_is_one_person_when_the_article_calls_them_by_the_second_part():
    e = enrich_text("Texas Rep. Sheila Jackson Lee reintroduced the bill on Monday. Lee said the vote would come "
                    "in the spring.", title="Bill")
    assert "Sheila Jackson Lee" in e.persons and "Lee" not in e.persons, e.persons


def test_an_owner_and_what_they_own_stay_apart():
    e = enrich_text("It was Steve Bannon's Breitbart that ran the story. Breitbart said it stood by it. Steve "
                    "Bannon said nothing.", title="Story")
    assert not any("'s" in p or "’s" in p for p in e.persons), e.persons
