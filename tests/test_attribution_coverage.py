"""Candidates of the learned attribution model beyond the entity layer's person mentions
(index/nlp/speakers/untagged.py, features.py `EXTRA_SOURCES`): names of the article's persons the small
model left untagged, and he/she subjects no rule made a source. They are made only for a model trained
with them (its `extra_candidates`); the packaged one is not. Real spaCy, texts written here."""

import json

import pytest
from newsfind.index.nlp.speakers import model as attribution
from newsfind.index.nlp.speakers.features import EXTRA_SOURCES

from tests.test_attribution_model import enrich_text, synthetic_articles

HUCKABEE = ("Mike Huckabee left the race in February.\n\n"
            "Huckabee offered a similar explanation when reporters asked about the money: "
            "“It goes to the next campaign.”")
LOPEZ = ("Maria Lopez runs the county clinic in Dayton.\n\n"
         "Last month, she released a statement saying the governor's budget would close the clinic.")


def trained_with_extras():
    """The packaged model as if trained with every extra candidate source (its weights as they are)."""
    spec = json.loads(attribution.ARTIFACT.read_text(encoding="utf-8"))
    spec["meta"]["extra_candidates"] = list(EXTRA_SOURCES)
    return attribution.AttributionModel.from_spec(spec)


def enrich_with_extras(body: str):
    with attribution.using(trained_with_extras()):
        return enrich_text(body)


def flagged(enrichment, flag: str) -> list:
    return [c for c in enrichment.candidates if c.features.get(flag)]


@pytest.mark.model
def test_an_untagged_surname_of_a_named_person_is_a_candidate_of_that_person():
    """The model tags 'Mike Huckabee' but not the 'Huckabee' who offers the explanation: with the source on, that
    name is a candidate of the person named in full, and its value is the full name, never the bare surname."""
    e = enrich_with_extras(HUCKABEE)
    untagged = flagged(e, "untagged_name")
    assert [c.value for c in untagged] == ["Mike Huckabee"]
    assert HUCKABEE[untagged[0].start - len("Title\n\n"):].startswith("Huckabee offered")
    assert 0.0 < untagged[0].probability < 1.0 and not untagged[0].vetoed
    assert flagged(enrich_text(HUCKABEE), "untagged_name") == []  # the packaged model was trained without it


@pytest.mark.model
def test_an_untagged_name_no_person_of_the_article_explains_is_no_candidate():
    """Capitalised words that name nobody named in full ('Wall Street'), and a surname two people share (which
    Clinton?), stay out: a candidate from here always carries a full name of the article."""
    e = enrich_with_extras("Wall Street warned on Monday that rates would rise.\n\nMarkets fell.")
    assert flagged(e, "untagged_name") == []
    e = enrich_with_extras("Bill Clinton and Hillary Clinton arrived in Iowa on Sunday.\n\n"
                           "Clinton offered a similar explanation when reporters asked about the money.")
    assert flagged(e, "untagged_name") == []
    e = enrich_with_extras(HUCKABEE.replace("Mike Huckabee left", "He left"))
    assert flagged(e, "untagged_name") == [] and all(" " in v for v in e.speakers)


@pytest.mark.model
def test_a_he_or_she_subject_no_rule_made_a_source_is_a_candidate_of_each_person_it_may_be():
    """'she released a statement saying ...': no cue verb of the rules, so no event; the pronoun is still a
    candidate source, of the persons named before it, with the mention-pair features, and weights of its own."""
    e = enrich_with_extras(LOPEZ)
    bare = flagged(e, "pronoun_no_event")
    assert [c.value for c in bare] == ["Maria Lopez"]
    c = bare[0]
    assert c.event is None and c.pronoun >= 0 and c.features.get("ante_rank=1") and not c.vetoed
    assert c.features.get("bare:event_only") and "event_only" not in c.features
    assert flagged(enrich_text(LOPEZ), "pronoun_no_event") == []


@pytest.mark.model
def test_a_he_or_she_in_a_quotation_or_already_a_rules_source_gets_no_bare_candidate():
    e = enrich_with_extras("Maria Lopez runs the county clinic in Dayton.\n\n"
                           "“When the governor came, she released nothing,” the mayor said.")
    assert flagged(e, "pronoun_no_event") == []
    e = enrich_with_extras("Maria Lopez runs the county clinic in Dayton.\n\n"
                           "She said the budget would close the clinic.")
    assert flagged(e, "pronoun_no_event") == []
    assert any(c.pronoun >= 0 for c in e.candidates)  # the rules' event made its own pronoun candidates


def test_the_artifact_records_the_extra_sources_it_was_trained_with(monkeypatch):
    import train_attribution as training

    articles = synthetic_articles()
    cv = training.cross_validate(articles, "logreg", 5, 17)
    assert "extra_candidates" not in json.loads(training.artifact(articles, cv, 17, 5))["meta"]
    monkeypatch.setattr(training, "EXTRA", ["untagged"])
    assert json.loads(training.artifact(articles, cv, 17, 5))["meta"]["extra_candidates"] == ["untagged"]
    with pytest.raises(SystemExit) as exit_:
        training.main(["--extra-candidates", "untagged,everyone"])
    assert exit_.value.code == 2


# -- names after a dash in list lines -------------------------------------------------------------

READING = ("THE WEEKEND'S READING\n\n"
           "-David Rothschild assesses Donald Trump’s chances in the general election. [PredictWise]\n\n"
           "-Matt Pearce explains why Indiana is weird for pollsters. [Politico]")


def test_a_dash_glued_to_a_name_is_no_part_of_it():
    from newsfind.index.nlp.entity_names import person_name

    assert person_name("-David Rothschild") == person_name("–David Rothschild") == "David Rothschild"
    assert person_name("-") == ""


@pytest.mark.model
def test_a_person_opening_a_dashed_list_line_is_a_person_of_the_article():
    """HuffPollster's reading lists glue the dash to the name ('-David Rothschild', one token): the person
    counts, in the person facet and as a candidate speaker, with the dash left out of the mention."""
    e = enrich_text(READING)
    assert "David Rothschild" in e.persons
    mention = next(m for m in e.mentions if m["value"] == "David Rothschild")
    assert mention["text"] == "David Rothschild"
    assert "David Rothschild" in {c.value for c in e.candidates}
