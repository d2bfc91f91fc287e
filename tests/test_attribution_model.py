"""The learned speaker attribution (index/nlp/speakers/model.py, features.py, decide.py): the packaged
model on texts written here, its probabilities where users see them, the rules-only setting, the
archivist's correction over the model, and the training's reproducibility (bench/train_attribution.py)."""

import hashlib
import html
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed_text, enrich_doc
from newsfind.index.nlp.speakers import model as attribution
from newsfind.index.nlp.speakers.features import Candidate
from newsfind.index.readers.types import SourceArticle
from newsfind.index.schema import PIPELINE_VERSION
from newsfind.web import create_app

from tests.conftest import Runner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

STANCE = "Senator Paul Dempsey tried to argue that the bridge plan would pay for itself within ten years."
APPOSITION = "Both candidates, Maria Alvarez and Tom Becker, say the new budget cuts too deep into the schools."
LEARNED_CUE = "Councilman Ray Ortiz derided the plan as a giveaway to developers."
COLON = ("The county board met on Tuesday to hear the teachers.\n\n"
         "Jane Roe, a teacher from Dayton, said: “The budget leaves our classrooms without books.”")


def enrich_text(body: str, title: str = "Title"):
    from newsfind.index.nlp.pipeline import load_pipeline

    article = SourceArticle(id="t", title=title, body=body, source="test")
    text, offset = analysed_text(article)
    return enrich_doc(article, load_pipeline()(text), offset, CanonicalTable())


def quote_of(enrichment, speaker: str) -> dict:
    """The first quote `speaker` says, alone or with others (then with their own probability)."""
    for q in enrichment.quotes:
        if q["speaker"] == speaker:
            return q
        if speaker in q["co_speakers"]:
            k = q["co_speakers"].index(speaker)
            return {**q, "speaker": speaker, "probability": q["co_probabilities"][k]}
    raise AssertionError(f"no quote of {speaker!r}: {enrichment.quotes}")


# -- the packaged model on texts of our own ----------------------------------------------------------

@pytest.mark.model
def test_a_stance_cue_the_rules_miss_makes_a_speaker_with_a_probability(monkeypatch):
    model = attribution.current_model()
    e = enrich_text(STANCE)
    assert e.speakers == ["Paul Dempsey"]
    q = quote_of(e, "Paul Dempsey")
    assert q["rule"] == "model" and "bridge plan" in q["text"]
    assert model.threshold <= q["probability"] <= 1.0
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")  # the one setting: the rules alone, as before
    e = enrich_text(STANCE)
    assert e.speakers == [] and all(q["probability"] is None for q in e.quotes)


@pytest.mark.model
def test_a_cue_word_learned_from_the_annotated_cues_makes_a_speaker(monkeypatch):
    """'derided' is no cue of the rules; the model's cue lexicon (speakers/cuelex.py) knows that it heads
    an annotated cue in train about half of the times it occurs."""
    model = attribution.current_model()
    assert 0.3 < model.cue_lexicon["derid"] < 1.0 and "zorch" not in model.cue_lexicon
    e = enrich_text(LEARNED_CUE)
    assert e.speakers == ["Ray Ortiz"]
    assert quote_of(e, "Ray Ortiz")["probability"] >= model.threshold
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")
    assert enrich_text(LEARNED_CUE).speakers == []


@pytest.mark.model
def test_an_apposition_pair_speaks_each_with_a_probability():
    e = enrich_text(APPOSITION)
    assert set(e.speakers) == {"Maria Alvarez", "Tom Becker"}
    for person in e.speakers:
        assert quote_of(e, person)["probability"] >= attribution.current_model().threshold


@pytest.mark.model
def test_a_statement_introduced_by_a_colon_is_attributed_with_a_probability():
    e = enrich_text(COLON)
    assert e.speakers == ["Jane Roe"]
    q = quote_of(e, "Jane Roe")
    assert "without books" in q["text"] and q["probability"] >= attribution.current_model().threshold


@pytest.mark.model
def test_a_quote_no_cue_claims_goes_to_the_speaker_the_model_finds_in_its_sentence(monkeypatch):
    body = ("Senator Mark Ellison said the tax bill was unfair. Ellison went on to call the plan "
            "“the worst deal in decades.”\n\nThe vote is set for Friday. Critics call the bill “a mess.”")
    e = enrich_text(body)
    q = next(q for q in e.quotes if "worst deal" in q["text"])
    assert (q["speaker"], q["rule"]) == ("Mark Ellison", "model-sentence")
    assert attribution.current_model().threshold <= q["probability"] <= 1.0
    mess = next(q for q in e.quotes if "a mess" in q["text"])  # no speaker's mention in its sentence: nobody
    assert mess["speaker"] is None
    # a quote opening its sentence may continue the sentence before: 'Ellison went on ...\n\n“It is ...”'
    opening = ("Senator Mark Ellison said the tax bill was unfair.\n\nEllison went on to call the plan a "
               "disaster.\n\n“It is the worst deal in decades.”")
    q = next(q for q in enrich_text(opening).quotes if "worst deal" in q["text"])
    assert (q["speaker"], q["rule"]) == ("Mark Ellison", "model-sentence")
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")  # the rules alone leave it unattributed, as before
    q = next(q for q in enrich_text(body).quotes if "worst deal" in q["text"])
    assert q["speaker"] is None and q["rule"] == "unattributed"


@pytest.mark.model
def test_the_rules_no_is_never_overruled():
    """Candidates the rules examined and rejected stay out, however probable the model finds them."""
    e = enrich_text("Secretary of State John Kerry called Sergei Lavrov on Saturday. Lavrov declined to comment.")
    assert "Sergei Lavrov" not in e.speakers
    vetoed = [c for c in e.candidates if c.value == "Sergei Lavrov" and c.vetoed]
    assert vetoed, e.candidates


def test_an_unknown_setting_is_refused_with_a_message(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "maybe")
    with pytest.raises(ValueError, match="NEWSFIND_ATTRIBUTION must be 'rules' or 'model'"):
        attribution.current_model()
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    result = Runner(tmp_path / "index")("index", str(tmp_path / "a.txt"))
    assert result.exit_code == 2  # a usage error, one line, before any article is read
    last = result.output.strip().splitlines()[-1]
    assert last.endswith("NEWSFIND_ATTRIBUTION must be 'rules' or 'model', not 'maybe'")
    assert "Traceback" not in result.output and not (tmp_path / "index").exists()


# -- the seeds: probabilities shown, every facet speaker shown with an attribution ---------------------

@pytest.mark.model
def test_every_speaker_of_the_facet_has_an_attribution_on_the_article_page(seed_index, seed_articles):
    """Seed 002 had John Kerry in its speaker facet and no quote of his on its page."""
    client = create_app({"NEWSFIND_INDEX": str(seed_index), "TESTING": True}).test_client()
    for article_id, art in seed_articles.items():
        page = client.get(f"/articles/{article_id}")
        assert page.status_code == 200
        side = html.unescape(page.get_data(as_text=True).split('id="quotes-h"', 1)[1].split("</section>", 1)[0])
        for speaker in art["speakers"]:
            block = re.search(rf">{re.escape(speaker)}</a>\s*<span class=\"n\">(\d+)</span>", side)
            assert block and int(block.group(1)) >= 1, (article_id, speaker)
    kerry = [q for q in seed_articles["002_a2b3b58d53712aaf"]["quotes"] if q["speaker"] == "John Kerry"]
    assert kerry and "raised his concern" in kerry[0]["text"]


@pytest.mark.model
def test_show_json_and_the_article_page_give_each_attribution_its_probability(run_seed, seed_index):
    art = run_seed.json("show", "002_a2b3b58d53712aaf")
    persons = [q for q in art["quotes"] if q["speaker_type"] == "person"]
    assert persons and all(0.0 <= q["probability"] <= 1.0 for q in persons)
    assert all(q["probability"] is None for q in art["quotes"] if q["speaker_type"] != "person")
    client = create_app({"NEWSFIND_INDEX": str(seed_index), "TESTING": True}).test_client()
    page = client.get("/articles/002_a2b3b58d53712aaf").get_data(as_text=True)
    assert f"p={persons[0]['probability']:.2f}" in page
    text = run_seed("show", "002_a2b3b58d53712aaf", "--no-color").output
    assert re.search(r"; p=0\.\d\d\]", text)


@pytest.mark.model
def test_an_archivists_not_speaker_wins_over_the_model(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "bridge.txt").write_text("Bridge plan\n\n" + STANCE + "\n", encoding="utf-8")
    run = Runner(tmp_path / "index")
    assert run("index", str(folder)).exit_code == 0
    assert run.json("query", 'speaker:"Paul Dempsey"')["total"] == 1  # the model's speaker
    assert run("entity", "not-speaker", "person", "Paul Dempsey").exit_code == 0
    assert run.json("query", 'speaker:"Paul Dempsey"')["total"] == 0
    (folder / "bridge2.txt").write_text("Bridge plan again\n\n" + STANCE + " He repeated it.\n", encoding="utf-8")
    assert run("index", str(folder)).exit_code == 0  # newly extracted: the correction still applies
    assert run.json("query", 'speaker:"Paul Dempsey"')["total"] == 0
    assert run.json("query", 'person:"Paul Dempsey"')["total"] == 2


# -- the artifact and its training -----------------------------------------------------------------

def test_the_artifact_is_small_versioned_and_in_the_wheel():
    path = attribution.ARTIFACT
    assert path.name == f"attribution-v{PIPELINE_VERSION}.json" and path.exists()
    assert path.stat().st_size <= 20 * 1024 * 1024
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert spec["meta"]["gold_version"] and "PolNeAR" in spec["meta"]["trained_on"]
    model = attribution.AttributionModel.from_spec(spec)
    assert 0.0 < model.threshold < 1.0
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(path.match(pattern) for pattern in data["newsfind.index.nlp.speakers"])


def synthetic_articles(n: int = 60):
    """Articles of candidates whose label a few features decide (with noise), for a fast training run."""
    import random

    from train_attribution import Article

    rng = random.Random(5)
    out = []
    for k in range(n):
        cands, labels = [], []
        for j in range(8):
            subject, cue, quote = rng.random() < 0.5, rng.random() < 0.4, rng.random() < 0.3
            f = {"dep=nsubj": float(subject), "govclass=strong": float(cue), "quote_near": float(quote),
                 f"prev=w{rng.randrange(5)}": 1.0}
            label = int(subject and cue or quote and rng.random() < 0.5)
            cands.append(Candidate(f"Person {k}-{j}", 10 * j, 10 * j + 5, j, f))
            labels.append(label)
        gold = [c.value for c, y in zip(cands, labels, strict=True) if y]
        out.append(Article(f"doc{k:03d}", 0, cands, labels, gold, []))
    return out


def test_training_is_reproducible_byte_for_byte():
    from train_attribution import artifact, cross_validate

    digests = []
    for _ in range(2):
        articles = synthetic_articles()
        cv = cross_validate(articles, "logreg", 5, 17)
        digests.append(hashlib.sha256(artifact(articles, cv, 17, 5).encode()).hexdigest())
    assert digests[0] == digests[1]
    spec = json.loads(artifact(articles, cv, 17, 5))
    model = attribution.AttributionModel.from_spec(spec)
    said = model.probability({"dep=nsubj": 1.0, "govclass=strong": 1.0})
    assert said > 0.8 > 0.2 > model.probability({"prev=w1": 1.0})
    assert cross_validate(articles, "logreg", 5, 18)["per_fold"] != cv["per_fold"]  # the seed decides the folds


def test_the_cue_lexicon_is_cross_fitted_so_no_article_sees_its_own_cues():
    """While training, an article's cue rates come from the other folds only: a word that heads a cue in one
    article alone has no rate there, and has one in the lexicon of them all that the artifact keeps."""
    from collections import Counter

    from newsfind.index.nlp.speakers import cuelex
    from train_attribution import artifact, cross_validate, lexicons

    articles = synthetic_articles(20)
    for k, a in enumerate(articles):
        zorch = {"zorch": 1} if k == 0 else {}
        a.cue_counts = (Counter({"say": 2} | zorch), Counter({"say": 3} | zorch))
    per_article, everyone = lexicons(articles)
    assert "zorch" not in per_article[0] and everyone["zorch"] == round(1 / (1 + cuelex.SMOOTH), 4)
    assert all(lex["say"] == everyone["say"] or lex["say"] > 0 for lex in per_article)
    cv = cross_validate(articles, "logreg", 5, 17)
    spec = json.loads(artifact(articles, cv, 17, 5))
    assert spec["cue_lexicon"] == everyone
    keys = {"lx:1=say": 1.0, "lx:subj": 1.0}
    assert cuelex.derived(keys, everyone)["cue_rate_gov_subj"] == everyone["say"]
    assert cuelex.derived({"lx:1=by": 1.0, "lx:2=zorch": 1.0, "lx:dep=pobj": 1.0}, everyone) == {
        "cue_rate_gov": 0.0, "cue_bin_gov=0": 1.0, "cue_bin_gov+dep=0+pobj": 1.0,
        "cue_bin_up+prep=" + f"{cuelex._bin(everyone['zorch'])}+by": 1.0,
        "cue_path=2": 1.0, "cue_rate_path": everyone["zorch"]}
