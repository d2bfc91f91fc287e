"""Capitalised descriptors before a person's name ('Billionaire Donald Trump') are no part of the name, with the
real spaCy pipeline: one person, one speaker; first names that are also words ('Will', 'Rich', 'Hope') stay."""

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed_text, enrich_doc
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.readers.types import SourceArticle

from tests.conftest import Runner

pytestmark = pytest.mark.model

BILLIONAIRE = ("Billionaire Donald Trump praised the reporters on Tuesday.\n\n"
               "“I am very disappointed in the RNC,” Trump said. Billionaire Donald Trump added that he would win the "
               "nomination. Trump is a billionaire.\n")


def enrich_text(body: str, title: str = "Title", table: CanonicalTable | None = None):
    article = SourceArticle(id="t", title=title, body=body, source="test")
    text, offset = analysed_text(article)
    return enrich_doc(article, load_pipeline()(text), offset, table or CanonicalTable())


def test_a_descriptor_the_article_writes_in_lower_case_is_no_part_of_the_name():
    e = enrich_text(BILLIONAIRE, title="Trump praises Breitbart")
    assert [p for p in e.persons if "Trump" in p or "Billionaire" in p] == ["Donald Trump"], e.persons
    assert e.speakers == ["Donald Trump"]
    assert {q["speaker"] for q in e.quotes} == {"Donald Trump"}


def test_the_indexed_article_has_one_person_and_one_speaker_facet_value(tmp_path, fresh_index):
    (tmp_path / "a.txt").write_text("Trump praises Breitbart\n\n" + BILLIONAIRE, encoding="utf-8")
    run = Runner(fresh_index)
    assert run("index", str(tmp_path / "a.txt"), "-j", "1").exit_code == 0
    shown = run.json("show", "a")
    assert [p for p in shown["persons"] if "Trump" in p or "Billionaire" in p] == ["Donald Trump"], shown["persons"]
    assert shown["speakers"] == ["Donald Trump"]
    assert run.json("query", 'speaker:"Donald Trump"')["total"] == 1
    assert run.json("query", "speaker:Billionaire")["total"] == 0


def test_the_canonical_value_is_the_name_across_articles():
    table = CanonicalTable()
    first = enrich_text(BILLIONAIRE, title="Trump praises Breitbart", table=table)
    second = enrich_text("Donald Trump said on Monday that he would build a wall.", table=table)
    assert "Donald Trump" in first.persons and second.persons == ["Donald Trump"]
    assert not any("Billionaire" in value for value in table.persons.values()), table.persons


def test_a_descriptor_tagged_a_common_noun_elsewhere_goes_too():
    # never written in lower case here, but the tagger calls 'Billionaire' a noun where no name is
    e = enrich_text("The debate was loud. Billionaire Donald Trump praised the reporters on Tuesday. Billionaire or "
                    "not, Trump said, he would win.", title="Trump wins the debate")
    assert [p for p in e.persons if "Trump" in p] == ["Donald Trump"], e.persons
    assert e.speakers == ["Donald Trump"]


@pytest.mark.parametrize("title, body, name", [
    # a role noun, though the article never writes it in lower case
    ("Debate night", "The debate went late. Rapper Kanye West said he would run. Kanye West said so again on Monday.",
     "Kanye West"),
    # a page's button in capitals before a video caption, where the article writes 'close'
    ("Trump weighs ban", "Video: CLOSE Donald Trump is considering bringing back the stop-and-frisk policy. Trump "
     "said it would close the gap.", "Donald Trump"),
])
def test_role_nouns_and_words_in_capitals_go_too(title, body, name):
    e = enrich_text(body, title=title)
    assert e.persons == [name] and e.speakers == [name], (e.persons, e.speakers)


def test_a_descriptor_the_article_put_before_a_full_name_goes_before_the_surname_too():
    e = enrich_text("The debate went late. Billionaire Donald Trump praised the reporters. Later, Billionaire Trump "
                    "told a crowd he would win. Trump is a billionaire.", title="Trump wins")
    assert e.persons == ["Donald Trump"] and e.speakers == ["Donald Trump"], (e.persons, e.speakers)


def test_a_descriptor_alone_names_nobody():
    # the title-case headline's 'Christian Baker' is the body's 'Baker Jack Phillips', who is 'the baker'
    e = enrich_text("Baker Jack Phillips decorates a cake in his shop. The baker turned a couple away. “I serve "
                    "everyone,” Phillips said.", title="The Persecution of a Christian Baker")
    assert e.persons == ["Jack Phillips"] and e.speakers == ["Jack Phillips"], (e.persons, e.speakers)


# Each article also writes the word in lower case, so only the name's own evidence keeps it: a first name
# ('Will', 'Hope', 'Grant'), or a name of two words that would be one without it ('Rich Lowry', 'Ban Ki-moon').
@pytest.mark.parametrize("body, name", [
    ("“The wall will not work,” Will Hurd said on Monday. Hurd will run again, and he will win.", "Will Hurd"),
    ("National Review editor Rich Lowry wrote that the rich get richer. Lowry is no rich man.", "Rich Lowry"),
    ("The campaign has hope, Hope Hicks said on Tuesday. Hicks had no hope left later.", "Hope Hicks"),
    ("“The young voters stayed home,” Young Kim said. Kim is young.", "Young Kim"),
    ("“The grant was late,” Grant Woods said. Woods asked for another grant.", "Grant Woods"),
    ("“The price is too high,” Tom Price said. Price will pay the price.", "Tom Price"),
    ("“The travel ban is wrong,” Ban Ki-moon said on Monday. Ban said the ban would hurt refugees.", "Ban Ki-moon"),
    ("The march honoured A. Philip Randolph, who led a union. Randolph said a march was a must.", "A. Philip Randolph"),
])
def test_first_names_that_are_also_words_stay(body, name):
    e = enrich_text(body)
    assert name in e.persons and name in e.speakers, (e.persons, e.speakers)
    assert not any(p != name and p in name.split() for p in e.persons), e.persons
