"""Capitalised descriptors before a person's name ('Billionaire Donald Trump') are no part of the name, with the
real spaCy pipeline: one person, one speaker; first names that are also words ('Will', 'Rich', 'Hope') stay."""

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed_text, enrich_doc
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.readers.types import SourceArticle

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
])
def test_first_names_that_are_also_words_stay(body, name):
    e = enrich_text(body)
    assert name in e.persons and name in e.speakers, (e.persons, e.speakers)
    assert not any(p != name and p in name.split() for p in e.persons), e.persons
