"""Training options of the attribution model measured in round 4 (bench/train_attribution.py): repeated
cross-validation, the rules' vetoes of some kinds as features the model may overrule (`--soft-vetoes`),
and a person-level second stage (`--person-stage`, index/nlp/speakers/persons.py). The packaged model
uses none of the last two; a model trained with them records them and indexing follows it."""

import hashlib
import json
import math
import sys
from pathlib import Path

import pytest
from newsfind.index.nlp.speakers import model as attribution
from newsfind.index.nlp.speakers import persons
from newsfind.index.nlp.speakers.features import VETO_KINDS, Candidate, veto_kind

from tests.test_attribution_model import enrich_text, synthetic_articles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def hand_model(weights: dict, bias: float, threshold: float = 0.4, **spec) -> attribution.AttributionModel:
    return attribution.AttributionModel.from_spec({
        "format": "newsfind-attribution-linear/1", "features": list(weights), "weights": list(weights.values()),
        "bias": bias, "platt": {"a": 1.0, "b": 0.0}, "threshold": threshold, "meta": {}, **spec})


def test_repeated_cross_validation_gives_each_fold_seed_its_own_run_and_their_mean():
    from train_attribution import cross_validate, repeated_cv

    articles = synthetic_articles()
    rep = repeated_cv(articles, 5, 17, 3)
    assert rep["per_repeat"] == [cross_validate(articles, "logreg", 5, s)["mean"] for s in (17, 18, 19)]
    assert len(set(rep["per_repeat"])) > 1  # three different fold assignments
    f1 = [m[2] for m in rep["per_repeat"]]
    assert rep["mean"][2] == pytest.approx(sum(f1) / 3) and rep["spread"] == pytest.approx(max(f1) - min(f1))


def test_a_veto_kind_is_read_from_the_candidates_features():
    assert veto_kind({"gov_negated": 1.0, "dep=nsubj": 1.0}) == "negated"
    assert veto_kind({"refusal": 1.0}) == "refusal"
    assert veto_kind({"rule=pronoun": 1.0, "rule_full=pronoun-mentioned": 1.0}) == "mentioned"
    assert veto_kind({"dep+govclass=nsubj+weak": 1.0}) == "cue-subject"
    assert veto_kind({"dep+govclass=nsubj+strong": 1.0, "govchild=ccomp": 1.0}) == "cue-content"
    assert veto_kind({"dep+govclass=nsubj+weak": 1.0, "quote_near": 1.0}) == "cue-content"
    assert veto_kind({"pronoun_no_event": 1.0, "bare:gov_negated": 1.0, "bare:quote_near": 1.0}) == "negated"
    assert veto_kind({"colon_then_no_words": 1.0, "colon_after": 1.0, "quote_near": 1.0}) == "list-line"
    assert set(VETO_KINDS) == {"list-line", "negated", "refusal", "quoted", "reported", "mentioned", "no-speaker",
                               "cue-content", "cue-subject"}


def test_only_the_kinds_of_veto_a_model_was_trained_to_weigh_are_features_to_it():
    rejected = Candidate("Gonzalo Curiel", 0, 5, 0, {"dep+govclass=nsubj+weak": 1.0}, vetoed=True)
    negated = Candidate("Mitt Romney", 0, 5, 0, {"gov_negated": 1.0}, vetoed=True)
    weights = {"vetoed": 1.0, "vetoed:cue-subject": 2.0, "vetoed:negated": 2.0}
    hard = hand_model(weights, -1.0)
    assert hard.candidate_probability(rejected) == pytest.approx(1 / (1 + math.e))  # the features stay unseen
    soft = hand_model(weights, -1.0, soft_vetoes=["cue-subject"])
    assert soft.soft(rejected) and not soft.soft(negated)
    assert soft.candidate_probability(rejected) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert soft.candidate_probability(negated) == pytest.approx(1 / (1 + math.e))


@pytest.mark.model
def test_a_model_trained_to_weigh_rejected_cue_subjects_with_content_may_overrule_that_veto_and_no_other():
    """A hand-made model that finds every vetoed candidate sure: only the kind it was trained to weigh
    ('cue-content': a cue verb's subject the rules rejected though the verb governs a clause) gets through."""
    text = ("If Ray Ortiz says the plan works, the council will vote on it.\n\n"
            "Judge Gonzalo Curiel dismissed the case on Monday.\n\n"
            "Mitt Romney did not endorse anybody in the primary.")
    sure = {"vetoed:cue-content": 8.0, "vetoed:cue-subject": 8.0, "vetoed:negated": 8.0}
    with attribution.using(hand_model(sure, -4.0)):  # trained with hard vetoes: the rules' no stands
        e = enrich_text(text)
    kinds = {c.value: veto_kind(c.features) for c in e.candidates if c.vetoed}
    assert e.speakers == [] and kinds == {"Ray Ortiz": "cue-content", "Gonzalo Curiel": "cue-subject",
                                          "Mitt Romney": "negated"}
    with attribution.using(hand_model(sure, -4.0, soft_vetoes=["cue-content"])):
        e = enrich_text(text)
    assert e.speakers == ["Ray Ortiz"]  # a bare cue verb's subject and a negated one stay out
    q = next(q for q in e.quotes if q["speaker"] == "Ray Ortiz")
    assert q["rule"] == "model" and "plan works" in q["text"] and q["probability"] > 0.9


def test_the_person_stage_counts_only_the_candidates_that_may_make_a_speaker():
    rows = persons.person_rows(["A", "A", "B", "B", "C"], [0.3, 0.3, 0.9, 0.2, 0.8], [True, True, False, True, True],
                               ["C"])
    assert set(rows) == {"A", "B"}  # C is a speaker of the rules already
    assert rows["A"]["noisy_or"] == pytest.approx(0.51) and rows["A"]["second"] == 0.3
    assert rows["B"]["best"] == 0.2 and rows["B"]["n_allowed_log"] == pytest.approx(math.log(2))  # 0.9 was vetoed
    assert set(rows["A"]) == set(persons.FEATURES)


@pytest.mark.model
def test_a_person_stage_makes_a_speaker_of_a_person_named_twice_by_middling_candidates(monkeypatch):
    text = ("Ray Ortiz toured the new library on Monday.\n\nOrtiz visited the school on Tuesday.\n\n"
            "Maria Alvarez stayed at home.")
    flat = -math.log(1 / 0.3 - 1)  # every candidate 0.3: below the candidates' threshold (0.4)
    with attribution.using(hand_model({}, flat)):
        assert enrich_text(text).speakers == []
    stage = {"features": ["noisy_or"], "weights": [10.0], "bias": -5.0, "threshold": 0.5}
    with attribution.using(hand_model({}, flat, person_stage=stage)):
        e = enrich_text(text)
    assert e.speakers == ["Ray Ortiz"]  # two candidates at 0.3: noisy-or 0.51; Maria Alvarez one, 0.3
    q = next(q for q in e.quotes if q["speaker"] == "Ray Ortiz")
    assert q["rule"] == "model" and q["probability"] == pytest.approx(1 / (1 + math.exp(-0.1)), abs=0.01)
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")
    assert enrich_text(text).speakers == []


def test_the_default_training_weighs_rejected_cue_subjects_with_content_only():
    import train_attribution as ta

    assert ta.DEFAULT_SOFT_VETOES == ("cue-content",) and not ta.PERSON_STAGE[0]
    articles = synthetic_articles(20)
    for a in articles:
        a.cands[0].vetoed = True
        a.cands[0].features.update({"dep+govclass=nsubj+strong": 1.0, "govchild=ccomp": 1.0})
        a.cands[1].vetoed = True
        a.cands[1].features.update({"gov_negated": 1.0})
    spec = json.loads(ta.artifact(articles, ta.cross_validate(articles, "logreg", 5, 17), 17, 5))
    assert spec["soft_vetoes"] == ["cue-content"]
    assert "vetoed:cue-content" in spec["features"] and "vetoed:negated" not in spec["features"]


def test_training_with_the_options_is_reproducible_and_records_them():
    import train_attribution as ta

    digests = []
    ta.PERSON_STAGE[0] = True
    ta.SOFT_VETOES.clear()
    ta.SOFT_VETOES.update({"cue-subject"})
    try:
        for _ in range(2):
            articles = synthetic_articles()
            articles[0].cands[0].vetoed = True
            articles[0].cands[0].features["dep+govclass=nsubj+weak"] = 1.0
            cv = ta.cross_validate(articles, "logreg", 5, 17)
            text = ta.artifact(articles, cv, 17, 5)
            digests.append(hashlib.sha256(text.encode()).hexdigest())
    finally:
        ta.PERSON_STAGE[0] = False
        ta.SOFT_VETOES.clear()
        ta.SOFT_VETOES.update(ta.DEFAULT_SOFT_VETOES)
    assert digests[0] == digests[1]
    spec = json.loads(text)
    assert spec["soft_vetoes"] == ["cue-subject"] and spec["person_stage"]["features"] == list(persons.FEATURES)
    model = attribution.AttributionModel.from_spec(spec)
    assert model.soft_vetoes == {"cue-subject"} and 0.0 < model.person_stage["threshold"] < 1.0


def test_a_model_pruned_to_features_of_several_articles_records_it_loads_and_scores_without_them():
    """`--min-docs K` leaves out what fewer than K training articles show (a word of one outlet's house style);
    the artifact keeps only the features fitted, records K, and scores a candidate as if the rest were absent."""
    import train_attribution as ta

    articles = synthetic_articles()
    for c in articles[0].cands[:4]:  # four candidates of one article: kept by MIN_COUNT, not by MIN_DOCS 2
        c.features["prev=onlyhere"] = 1.0
    assert "prev=onlyhere" in ta.vocabulary(articles)
    ta.set_regularisation(2, ta.C, ta.PENALTY)
    try:
        assert "prev=onlyhere" not in ta.vocabulary(articles)
        text = ta.artifact(articles, ta.cross_validate(articles, "logreg", 5, 17), 17, 5)
    finally:
        ta.set_regularisation(1, 0.5, "l2")
    spec = json.loads(text)
    assert spec["meta"]["min_docs"] == 2 and "prev=onlyhere" not in spec["features"]
    model = attribution.AttributionModel.from_spec(spec)
    said = {"dep=nsubj": 1.0, "govclass=strong": 1.0}
    assert model.probability(said) > 0.8
    assert model.probability({**said, "prev=onlyhere": 1.0}) == model.probability(said)
    unpruned = json.loads(ta.artifact(articles, ta.cross_validate(articles, "logreg", 5, 17), 17, 5))
    assert "min_docs" not in unpruned["meta"] and "prev=onlyhere" in unpruned["features"]
