"""index/whoosh_ext/fastanalysis.py: a text field's words, frequencies, weights and encoded positions are exactly
Whoosh's own, in the same order; other analyzers and values still go through Whoosh."""
import pickle
import random

import pytest
from newsfind.index import whoosh_ext
from newsfind.index.schema import build_schema
from newsfind.index.whoosh_ext import fastanalysis
from whoosh.analysis import StemmingAnalyzer

from tests.conftest import needs_patches

pytestmark = needs_patches


@pytest.fixture(autouse=True)
def installed():
    assert "fastanalysis" in whoosh_ext.install().patches

WORDS = ["The", "the", "a", "I", "U.S.", "u.s.a.", "Health-care", "caring", "Cares", "of", "and", "in", "to",
         "İstanbul", "ΟΔΟΣ", "naïve", "3.14", "2015", "x", "don't", "Lavrov’s", "e-mail", "__init__", "Σ",
         "ﬁnance", "STRASSE", "straße", "—", "…", "“quoted”", "a.b.c...", "Obama's", "jobs", "running", "ran"]


def both(field, value, **kwargs):
    ours = list(field.format.word_values(value, field.analyzer, **kwargs))
    whooshs = list(fastanalysis._original_word_values(field.format, value, field.analyzer, **kwargs))
    return ours, whooshs


def test_body_title_and_quote_words_are_whooshs():
    schema = build_schema()
    rng = random.Random(13)
    for name in ("body", "title", "quote"):  # title: field boost 2.0 in the weights
        field = schema[name]
        assert fastanalysis._plan_for(field.analyzer) is not None
        for _ in range(300):
            text = rng.choice([" ", "  ", "\n", ", "]).join(rng.choice(WORDS) for _ in range(rng.randint(0, 80)))
            ours, whooshs = both(field, text, mode="index")
            assert ours == whooshs, (name, text)
    with open(__file__, encoding="utf-8") as fh:  # a longer real text
        ours, whooshs = both(schema["body"], fh.read(), mode="index")
    assert ours == whooshs and len(ours) > 50


def test_stop_words_without_renumbering_keep_their_gaps():
    analyzer = StemmingAnalyzer(stoplist=frozenset({"the", "of"}))
    analyzer.items[2].renumber = False
    field = build_schema()["body"]
    ours = list(field.format.word_values("the cost of the care of health", analyzer, mode="index"))
    whooshs = list(fastanalysis._original_word_values(field.format, "the cost of the care of health", analyzer,
                                                      mode="index"))
    assert ours == whooshs


def test_other_analyzers_and_values_go_through_whoosh():
    schema = build_schema()
    person = schema["person"]
    assert fastanalysis._plan_for(person.analyzer) is None
    ours, whooshs = both(person, "Sergei V. Lavrov || Mr. John Kerry", mode="index")
    assert ours == whooshs and ours
    body = schema["body"]
    ours, whooshs = both(body, ["health", "care", "health"], mode="index")  # a pre-tokenized value
    assert ours == whooshs


def test_equal_analyzers_of_separately_opened_indexes_share_one_plan(tmp_path):
    from newsfind.index.ingest.writer import open_or_create
    from newsfind.index.store import open_index

    open_or_create(tmp_path)
    before = len(fastanalysis._plans)
    plans = {id(fastanalysis._plan_for(open_index(tmp_path).schema["body"].analyzer)) for _ in range(5)}
    assert len(plans) == 1 and len(fastanalysis._plans) <= before + 1


def test_a_block_of_values_pickles_as_whooshs_does():
    """The postings writer pickles a block's values together: equal values must be separate objects,
    as Whoosh's are, or pickle writes back-references and the segment's bytes differ."""
    body = build_schema()["body"]
    texts = ["Lavrov met Kerry", "Lavrov said nothing", "Lavrov again"]  # "lavrov" at position 0 in each
    ours, whooshs = zip(*(both(body, text, mode="index") for text in texts), strict=True)
    values = [value for words in ours for _, _, _, value in words]
    assert [v for words in whooshs for _, _, _, v in words] == values
    assert pickle.dumps(values, 2) == pickle.dumps([bytes(bytearray(v)) for v in values], 2)
