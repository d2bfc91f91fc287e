"""The PolNeAR harness's gold: which person a pronoun source counts for (bench/eval_attribution.py)."""

import sys
from pathlib import Path

import pytest
from newsfind.index.nlp.pipeline import load_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import eval_attribution as harness  # noqa: E402

# The harness scores attributions the real pipeline makes; one test of its name matching goes with them.
pytestmark = pytest.mark.model


def record(text: str, *attributions: tuple[str, str, str]) -> dict:
    """A PolNeAR-like record; each attribution is (source, cue, content), found in order in `text`."""
    quotes, pos = [], 0
    for source, cue, content in attributions:
        s = text.index(source, pos)
        c = text.index(cue, pos)
        q = text.index(content, pos)
        quotes.append({"type": "Attribution", "speaker_span": [[s, s + len(source)]], "cue_span": [[c, c + len(cue)]],
                       "quote_span": [[q, q + len(content)]], "cue": cue})
        pos = min(s, c, q) + 1
    return {"text": text, "quotes": quotes}


def gold(doc: dict) -> list[str]:
    _title, _body, body_offset = harness.split_title(doc["text"])
    pairs, _ = harness.gold_persons(doc, body_offset, load_pipeline()(doc["text"]))
    return [name for name, _ in pairs]


def test_a_pronoun_counts_for_the_one_fitting_person_of_its_sentence():
    doc = record("Title\n\nJohn Smith spoke first. During the debate, Hillary Clinton caught flak when she said "
                 "that she would not support the bill.", ("John Smith", "spoke", "first"),
                 ("she", "said", "that she would not support the bill"))
    assert gold(doc) == ["John Smith", "Hillary Clinton"]
    harness.PRONOUN_GOLD = "v1"  # the old rule: the nearest earlier source only, and he is a man
    try:
        assert gold(doc) == ["John Smith"]
    finally:
        harness.PRONOUN_GOLD = "v2"


def test_a_name_inside_the_attributions_own_content_is_no_antecedent():
    doc = record("Title\n\nThe former governor Jeb Bush spoke in Iowa. If Donald Trump is elected, he said, the "
                 "party will lose.", ("Jeb Bush", "spoke", "in Iowa"),
                 ("he", "said", "If Donald Trump is elected"))
    assert gold(doc) == ["Jeb Bush", "Jeb Bush"]


def test_a_full_name_and_its_surname_before_a_pronoun_are_one_candidate():
    doc = record("Title\n\nHillary Clinton spoke in Iowa. Clinton said the race was close. Later she said she "
                 "would win.", ("she", "said", "she would win"))
    assert gold(doc) == ["Clinton"]


def test_the_article_tells_the_gender_of_a_bare_surname():
    doc = record("Title\n\nMrs. Clinton met Mr. Kerry on Monday. Later she said the meeting went well.",
                 ("she", "said", "the meeting went well"))
    assert gold(doc) == ["Clinton"]


def test_same_person_knows_surnames_with_particles_apostrophes_and_two_words():
    assert harness.same_person("O'Malley", "Martin O'Malley")
    assert harness.same_person("de Blasio", "Bill de Blasio")
    assert harness.same_person("Wasserman Schultz", "Debbie Wasserman Schultz")
    assert not harness.same_person("O'Malley", "Kevin Malley")
    assert not harness.same_person("Jeb Bush", "George Bush")
    assert not harness.same_person("Hillary Clinton", "Bill Clinton")
