"""Round 2 of the learned speaker attribution (index/nlp/speakers/antecedents.py, features.py, decide.py):
a he/she source offered as each person it may be, the packaged model choosing among them."""

import pytest
from newsfind.index.nlp.speakers import model as attribution
from newsfind.index.nlp.speakers.decide import runner_ups
from newsfind.index.nlp.speakers.features import veto_kind

from tests.test_attribution_model import enrich_text

# 'She' is four sentences after the mayor, too far back for the rules, which leave it unresolved.
FAR_BACK = ("Mayor Helen Ortiz opened the council session on Monday. The council approved the new parking rules "
            "after a long debate. Councilman Tom Baker voted against them. Several residents left early. "
            "She said the rules would take effect in March.")


def pronoun_options(enrichment) -> dict[str, object]:
    """The persons the text's one he/she source may be, each a candidate."""
    return {c.value: c for c in enrichment.candidates if c.pronoun >= 0}


@pytest.mark.model
def test_a_he_she_is_offered_as_each_person_named_before_it_the_agreeing_one_most_probable():
    e = enrich_text(FAR_BACK)
    options = pronoun_options(e)
    assert set(options) == {"Helen Ortiz", "Tom Baker"}
    ortiz, baker = options["Helen Ortiz"], options["Tom Baker"]
    assert ortiz.features["ante_gender=agree"] and ortiz.features["ante_only_agreeing"]
    assert baker.features["ante_gender=clash"] and ortiz.features["ante_dist=4"]
    assert ortiz.probability > 2 * baker.probability
    assert not ortiz.vetoed and not baker.vetoed  # no rule examined these two and said no
    cands = e.candidates
    skipped = runner_ups(cands, [c.probability for c in cands])
    assert cands.index(baker) in skipped and cands.index(ortiz) not in skipped  # one person per pronoun


@pytest.mark.model
def test_a_pronoun_names_one_person_so_a_runner_up_never_speaks():
    """Hillary Clinton, named in the clause before 'she replied', is a person 'she' may be; Susan Sarandon
    is more probable, so Clinton is no speaker however probable she is on her own."""
    e = enrich_text("“I think a lot of people are tired of it,” the actress Susan Sarandon told MSNBC on Monday.\n\n"
                    "Asked about her own vote in the event that Hillary Clinton faces Donald Trump, she replied: "
                    "“I don’t know. I’m going to see what happens.”")
    options = pronoun_options(e)
    assert {"Susan Sarandon", "Hillary Clinton"} <= set(options)
    assert options["Susan Sarandon"].probability > options["Hillary Clinton"].probability
    assert options["Susan Sarandon"].features.get("ante_rules_pick")
    assert e.speakers == ["Susan Sarandon"]
    assert attribution.current_model() is not None


LISTS = ("The delegate count after Tuesday, by candidate:\n\nHillary Clinton: 1,769.\n\nBernie Sanders: 1,140.\n\n"
         "The race moves to California next week.",
         "This week's ranking of the field:\n\n1. Donald Trump (Last week: 2.)\n\n2. Ted Cruz (Last week: 1.)\n\n"
         "The order may change after the debate.")


@pytest.mark.model
@pytest.mark.parametrize("text", LISTS)
def test_a_name_in_a_list_line_is_far_from_speaking(text):
    """Numbers after the colon, a line that opens with a digit, a bracketed number: a list, not a statement
    (round 1 gave Donald Trump 0.29 here, within reach of the threshold). A name, a colon and only numbers after
    it is a veto of the rules (round 6: trained on gold 3's transcript labels, 'JAKE TAPPER:', the model gave
    'Hillary Clinton: 1,769.' 0.40); the rest the model keeps far from the threshold."""
    e = enrich_text(text)
    assert e.speakers == []
    assert e.candidates and all(c.vetoed and veto_kind(c.features) == "list-line"
                                or c.probability < attribution.current_model().threshold / 2 for c in e.candidates)


@pytest.mark.model
def test_a_transcript_label_is_no_number_line_and_a_name_heading_its_line_governs_itself():
    """Nothing after the colon ('CLINTON:' then the answer on the next line) read as a number line, as ''
    is in every string: train's transcript labels taught the model that numbers after a colon mean little.
    And a name heading its own line had its own surname as its governing word ('gov=sander')."""
    transcript = ("The debate, as transcribed:\n\nHILLARY CLINTON:\n\nWe have to defend the country and its "
                  "allies.\n\nThe moderator moved on.")
    label = {c.value: c for c in enrich_text(transcript).candidates}
    numbers = {c.value: c for c in enrich_text(LISTS[0]).candidates}
    assert "colon_then_number" not in label["Hillary Clinton"].features
    clinton, sanders = numbers["Hillary Clinton"].features, numbers["Bernie Sanders"].features
    assert clinton["colon_then_number"] and clinton["colon_then_no_words"] and sanders["colon_then_no_words"]
    assert sanders.get("gov=<self>") and not any(k.startswith("gov=") and "sander" in k for k in sanders)


@pytest.mark.model
def test_a_he_she_quote_goes_to_the_person_the_model_finds_it_most_probably_is(monkeypatch):
    """The rules leave 'She' unresolved (four sentences back); the model's most probable person for it,
    a speaker of the article, now has her words, not just her sentence."""
    e = enrich_text(FAR_BACK)
    q = next(q for q in e.quotes if "take effect in March" in q["text"])
    assert (q["speaker"], q["rule"]) == ("Helen Ortiz", "pronoun-unresolved/model")
    assert attribution.current_model().threshold <= q["probability"] <= 1.0
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")  # the rules alone: nobody's, as before
    assert not any(q["speaker"] for q in enrich_text(FAR_BACK).quotes)


def test_pronoun_sources_takes_the_most_probable_option_and_fills_a_gap_only_above_the_threshold():
    from newsfind.index.nlp.speakers.decide import pronoun_sources
    from newsfind.index.nlp.speakers.events import SpeechEvent
    from newsfind.index.nlp.speakers.features import Candidate

    model = attribution.AttributionModel({"likely": 3.0, "unlikely": -3.0}, 0.0, (1.0, 0.0), 0.5, {})
    picked_wrong = SpeechEvent(9, "said", "Tom Baker", "person", "pronoun", 0.8, (40, 60), 0, subject_i=8)
    unresolved = SpeechEvent(19, "said", None, None, "pronoun-unresolved", 0.5, (80, 99), 70, subject_i=18)
    unsure = SpeechEvent(29, "said", None, None, "pronoun-unresolved", 0.5, (120, 140), 110, subject_i=28)
    named = SpeechEvent(39, "said", "Tom Baker", "person", "named", 0.9, None, 150, subject_i=38)

    def option(value: str, event: SpeechEvent, feature: str) -> Candidate:
        return Candidate(value, 0, 3, 0, {feature: 1.0}, event, pronoun=event.subject_i)

    cands = [option("Tom Baker", picked_wrong, "unlikely"), option("Helen Ortiz", picked_wrong, "likely"),
             option("Helen Ortiz", unresolved, "likely"), option("Tom Baker", unsure, "unlikely"),
             Candidate("Tom Baker", 0, 3, 0, {"likely": 1.0}, named)]
    out = pronoun_sources(model, cands, [picked_wrong, unresolved, unsure, named])
    assert [(e.speaker, e.rule) for e in out] == [
        ("Helen Ortiz", "pronoun/model"), ("Helen Ortiz", "pronoun-unresolved/model"),
        (None, "pronoun-unresolved"), ("Tom Baker", "named")]
    assert out[3] is named and picked_wrong.speaker == "Tom Baker"  # the rules' events themselves are unchanged
