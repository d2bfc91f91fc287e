"""Train newsfind's speaker attribution model from PolNeAR train (`make train-attribution`).

    .venv/bin/python bench/train_attribution.py                 # writes index/nlp/speakers/attribution-vN.json
    .venv/bin/python bench/train_attribution.py --compare       # also LightGBM vs logistic regression, 5-fold CV
    .venv/bin/python bench/train_attribution.py --extra-candidates untagged,bare-pronouns  # more candidates
    .venv/bin/python bench/train_attribution.py --repeats 3 --out /tmp/a.json  # CV on 3 fold seeds (17, 18, 19)

Train only, never dev. Every candidate speaker of every train article (`speakers/features.py`) is
labelled from the harness's gold (bench/eval_attribution.py, GOLD_VERSION): positive when an annotated
source span that names this person covers it. Folds by document (bench/attribution_folds.py, seeded):
the out-of-fold scores fit the Platt calibration and choose the facet threshold (the best article-level
F1 over the folds); then the model is fitted on all of train. The artifact is JSON written with sorted
keys and rounded numbers, so a rerun gives the same bytes (sha256 printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import attribution_coverage  # noqa: E402
import eval_attribution as harness  # noqa: E402
from attribution_folds import DEFAULT_SEED, assign_folds  # noqa: E402
from newsfind.index.nlp.speakers import cuelex  # noqa: E402
from newsfind.index.nlp.speakers.decide import layout_speakers, runner_ups  # noqa: E402
from newsfind.index.nlp.speakers.features import EXTRA_SOURCES, VETO_KINDS, lemma, veto_kind  # noqa: E402
from newsfind.index.nlp.speakers.model import ARTIFACT, VETOED, AttributionModel, using  # noqa: E402

MIN_COUNT = 3  # a feature seen in fewer training candidates is left out
MIN_DOCS = 1  # a feature seen in fewer training articles is left out (--min-docs; round 6: outlet-specific words)
MIN_OUTLETS = 1  # a feature seen in articles of fewer outlets is left out (--min-outlets)
C = 0.5  # inverse strength of the logistic regression's penalty (chosen on train CV: 0.1-1.0 within 0.004 F1)
PENALTY = "l2"  # the logistic regression's penalty (--penalty l1: a sparse model)
DROP_GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)  # where a rules' speaker may be dropped (0: never)
NULL_MODEL = AttributionModel({}, 0.0, (1.0, 0.0), 2.0, {})  # computes candidates, names no speaker
EXTRA: list[str] = []  # candidate sources beyond the default ones (features.EXTRA_SOURCES), `--extra-candidates`
FORMAT = "newsfind-attribution-linear/1"
CUE_LEXICON = [True]  # learn the cue lexicon (`cuelex`); --no-cue-lexicon measures without it
PERSON_STAGE = [False]  # a person-level second stage (`speakers/persons.py`) decides who speaks: --person-stage
# Kinds of the rules' vetoes made features the model may overrule (--soft-vetoes; `features.VETO_KINDS`). A cue
# verb's subject rejected though the verb governs a clause or a quote is near (cue-content): train CV +0.0016 F1,
# every repeat better. The other kinds gained too, but overrule what the tests pin as right (README, round 4).
DEFAULT_SOFT_VETOES = ("cue-content",)
SOFT_VETOES: set[str] = set(DEFAULT_SOFT_VETOES)


def set_regularisation(min_docs: int, c: float, penalty: str, min_outlets: int = 1) -> None:
    """Set the feature pruning and the penalty the next fits use (`--min-docs`, `--C`, `--penalty`,
    `--min-outlets`)."""
    global MIN_DOCS, C, PENALTY, MIN_OUTLETS
    MIN_DOCS, C, PENALTY, MIN_OUTLETS = min_docs, c, penalty, min_outlets


@dataclass
class Article:
    doc_id: str
    body_offset: int
    cands: list  # features.Candidate
    labels: list[int]
    gold: list[str]  # gold speaker names, one per person
    rule_speakers: list[str]  # the rules' speakers (the model adds to them and may drop some)
    cue_counts: tuple = ()  # (cue heads, word occurrences) of its annotated cues (`cuelex.cue_counts`)
    outlet: str = ""  # PolNeAR's outlet of the article (`--min-outlets`, bench/generalise_cv.py)


def collect(docs: list[dict], parsed: list, analysed_articles: list, table_factory) -> list[Article]:
    """Candidates, labels and gold speakers of each article."""
    out = []
    table = table_factory()
    for d, nlp_doc, (article, seen) in zip(docs, parsed, analysed_articles, strict=True):
        null = AttributionModel({}, 0.0, (1.0, 0.0), 2.0, {"extra_candidates": EXTRA}) if EXTRA else NULL_MODEL
        with using(null):
            enrichment = harness.enrich_doc(article, nlp_doc, seen.body_offset, table, seen.text,
                                            positions=seen.positions)
        with using(None):
            rules = harness.enrich_doc(article, nlp_doc, seen.body_offset, table, seen.text, positions=seen.positions)
        pairs, _ = harness.gold_persons(d, seen.body_offset, nlp_doc)
        gold: list[str] = []
        for name, _ in pairs:
            if not any(harness.same_person(name, g) for g in gold):
                gold.append(name)
        labels = [int(any(harness.same_person(name, c.value) and
                          any(harness.overlap((c.start, c.end), (s, e)) for s, e in att["speaker_span"])
                          for name, att in pairs)) for c in enrichment.candidates]
        cue_spans = [tuple(s) for q in d["quotes"] if q["type"] == "Attribution" for s in q.get("cue_span") or []]
        out.append(Article(d["doc_id"], seen.body_offset, enrichment.candidates, labels, gold, rules.speakers,
                           cuelex.cue_counts(nlp_doc, cue_spans, lemma), d.get("outlet", "")))
    return out


def lexicons(articles: list[Article], seed: int = DEFAULT_SEED) -> tuple[list[dict], dict]:
    """The cue lexicon each article's candidates are scored with while training, cross-fitted (built from
    the other folds of these articles, so no article sees its own cues), and the lexicon of them all."""
    if not CUE_LEXICON[0] or not any(a.cue_counts for a in articles):
        return [{} for _ in articles], {}
    fold_of = assign_folds([a.doc_id for a in articles], 5, seed) if len(articles) > 1 else {}
    per_fold = {k: cuelex.build([a.cue_counts for a in articles if fold_of.get(a.doc_id) != k and a.cue_counts])
                for k in set(fold_of.values())}
    return [per_fold.get(fold_of.get(a.doc_id), {}) for a in articles], cuelex.build(
        [a.cue_counts for a in articles if a.cue_counts])


def soft(c) -> bool:
    """A candidate vetoed by a kind of veto the model is to weigh itself (`SOFT_VETOES`)."""
    return c.vetoed and veto_kind(c.features) in SOFT_VETOES


def rows(a: Article, lexicon: dict | None) -> list[dict[str, float]]:
    """The features of each candidate of `a` as the model sees them: its own and the cue lexicon's."""
    feats = [{**c.features, VETOED: 1.0, f"{VETOED}:{veto_kind(c.features)}": 1.0} if soft(c) else c.features
             for c in a.cands]
    if not lexicon:
        return feats
    return [{**f, **cuelex.derived(f, lexicon)} for f in feats]


def vocabulary(articles: list[Article], lexs: list[dict] | None = None) -> list[str]:
    """The features the model is fitted on: seen in at least MIN_COUNT candidates of at least MIN_DOCS of
    these articles (the training part of a fold while cross-validating), the lexicon's raw keys left out."""
    counts: dict[str, int] = {}
    docs: dict[str, int] = {}
    outlets: dict[str, set[str]] = {}
    for k, a in enumerate(articles):
        seen: set[str] = set()
        for f in rows(a, lexs[k] if lexs else None):
            for name in f:
                counts[name] = counts.get(name, 0) + 1
                seen.add(name)
        for name in seen:
            docs[name] = docs.get(name, 0) + 1
            if MIN_OUTLETS > 1:
                outlets.setdefault(name, set()).add(a.outlet)
    return sorted(name for name, n in counts.items()
                  if n >= MIN_COUNT and docs[name] >= MIN_DOCS and not name.startswith(cuelex.PREFIX)
                  and (MIN_OUTLETS <= 1 or len(outlets[name]) >= MIN_OUTLETS))


def matrix(articles: list[Article], vocab: list[str], lexs: list[dict] | None = None):
    from scipy.sparse import csr_matrix

    index = {name: i for i, name in enumerate(vocab)}
    data, cols, ptr, y = [], [], [0], []
    for k, a in enumerate(articles):
        for f, label in zip(rows(a, lexs[k] if lexs else None), a.labels, strict=True):
            for name, value in sorted(f.items()):
                if name in index and value:
                    cols.append(index[name])
                    data.append(value)
            ptr.append(len(cols))
            y.append(label)
    import numpy as np

    return csr_matrix((np.array(data, dtype=np.float64), cols, ptr), shape=(len(ptr) - 1, len(vocab))), np.array(y)


def fit(articles: list[Article], learner: str = "logreg", seed: int = DEFAULT_SEED):
    """(vocabulary, fitted estimator, raw-score function, cue lexicon) on these articles."""
    lexs, lexicon = lexicons(articles, seed)
    vocab = vocabulary(articles, lexs)
    X, y = matrix(articles, vocab, lexs)
    if learner == "logreg":
        from sklearn.linear_model import LogisticRegression

        est = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=seed,
                                 **({"l1_ratio": 1.0} if PENALTY == "l1" else {})).fit(X, y)
        return vocab, est, lambda X2: est.decision_function(X2), lexicon
    import lightgbm as lgb

    est = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, min_child_samples=20,
                             subsample=1.0, colsample_bytree=1.0, random_state=seed, deterministic=True,
                             force_row_wise=True, n_jobs=2, verbose=-1).fit(X.astype("float32"), y)
    return vocab, est, lambda X2: est.predict(X2.astype("float32"), raw_score=True), lexicon


def platt(scores, y, seed: int = DEFAULT_SEED) -> tuple[float, float]:
    """Platt scaling of out-of-fold scores: a one-feature logistic regression, weakly regularised."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, solver="lbfgs", random_state=seed).fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def predicted_speakers(a: Article, probs: list[float], threshold: float, drop_below: float = 0.0,
                       rules: bool = True) -> list[str]:
    """The speakers `decide` gives the article for these candidate probabilities (with `rules`: the rules'
    speakers, less those below `drop_below`, plus the persons with a candidate no rule vetoes at `threshold`;
    without, every person with a candidate at `threshold`)."""
    best: dict[str, float] = {}
    allowed: dict[str, float] = {}
    skip = runner_ups(a.cands, probs)
    for k, (c, p) in enumerate(zip(a.cands, probs, strict=True)):
        best[c.value] = max(best.get(c.value, 0.0), p)
        if not (c.vetoed and not soft(c) or k in skip) or not rules:
            allowed[c.value] = max(allowed.get(c.value, 0.0), p)
    laid_out = layout_speakers(a.cands)
    predicted = [v for v in a.rule_speakers if v in laid_out or best.get(v, 0.0) >= drop_below] if rules else []
    return predicted + [v for v, p in allowed.items() if p >= threshold and v not in predicted]


def article_prf(articles: list[Article], probs_by_article: list[list[float]], threshold: float,
                drop_below: float = 0.0, rules: bool = True):
    """Article-level P/R/F1 of the speakers `decide` would give (with `rules`: the rules' speakers, less
    those below `drop_below`, plus the persons with a candidate no rule vetoes at `threshold`)."""
    return harness.speakers_prf((a.gold, predicted_speakers(a, probs, threshold, drop_below, rules))
                                for a, probs in zip(articles, probs_by_article, strict=True))


def cross_validate(articles: list[Article], learner: str, folds: int, seed: int,
                   fold_of: dict[str, int] | None = None) -> dict:
    """Out-of-fold scores, the Platt fit and threshold chosen on them, and per-fold article-level figures.
    `fold_of` (doc id -> 0..folds-1) gives the folds instead of the seeded shuffle (by outlet: grouped CV)."""
    import numpy as np

    fold_of = fold_of or assign_folds([a.doc_id for a in articles], folds, seed)
    raw: list[list[float]] = [[] for _ in articles]
    for k in range(folds):
        train = [a for a in articles if fold_of[a.doc_id] != k]
        test_idx = [i for i, a in enumerate(articles) if fold_of[a.doc_id] == k]
        vocab, _est, score, lexicon = fit(train, learner, seed)
        X, _ = matrix([articles[i] for i in test_idx], vocab, [lexicon] * len(test_idx))
        s = score(X)
        pos = 0
        for i in test_idx:
            n = len(articles[i].cands)
            raw[i] = [float(v) for v in s[pos:pos + n]]
            pos += n
    flat = np.array([v for r in raw for v in r])
    y = np.array([label for a in articles for label in a.labels])
    a_, b_ = platt(flat, y, seed)
    probs = [[1 / (1 + math.exp(-(a_ * v + b_))) for v in r] for r in raw]
    flat_p = np.array([p for r in probs for p in r])
    brier = float(np.mean((flat_p - y) ** 2))
    grid = [(round(0.05 * k, 2), d) for k in range(2, 20) for d in DROP_GRID]
    by_t = {t: article_prf(articles, probs, *t) for t in grid}
    threshold, drop_below = max(grid, key=lambda t: (round(by_t[t][2], 4), -t[1], -t[0]))
    per_fold = []
    for k in range(folds):
        idx = [i for i, a in enumerate(articles) if fold_of[a.doc_id] == k]
        per_fold.append(article_prf([articles[i] for i in idx], [probs[i] for i in idx], threshold, drop_below))
    reliability = []
    for lo in [0.1 * k for k in range(10)]:
        sel = (flat_p >= lo) & (flat_p < lo + 0.1 + (1e-9 if lo >= 0.9 else 0))
        if sel.any():
            reliability.append((round(lo, 1), int(sel.sum()), float(flat_p[sel].mean()), float(y[sel].mean())))
    stage = None
    if PERSON_STAGE[0]:  # the second stage, cross-fitted on the same folds, decides; its figures are the model's
        import person_stage

        stage = person_stage.cross_fit(articles, probs, folds, seed, lambda c: c.vetoed and not soft(c), drop_below)
        per_fold = stage["per_fold"]
    return {"learner": learner, "platt": (a_, b_), "threshold": threshold, "drop_below": drop_below, "brier": brier,
            "person_stage": stage["spec"] if stage else None, "per_fold": per_fold,
            "mean": tuple(float(np.mean([f[j] for f in per_fold])) for j in range(3)),
            "reliability": reliability, "probs": probs}


def repeated_cv(articles: list[Article], folds: int, seed: int, repeats: int, learner: str = "logreg") -> dict:
    """`repeats` cross-validations, the r-th on the folds of seed `seed + r` (its threshold, Platt fit and
    cue lexicon chosen inside it): the mean P/R/F1 over the folds of each repeat, their mean, and the
    spread (max - min of F1 over the repeats). The same seeds give the same folds to every variant, so two
    variants compare repeat by repeat (paired)."""
    runs = [cross_validate(articles, learner, folds, seed + r) for r in range(repeats)]
    per_repeat = [run["mean"] for run in runs]
    f1s = [m[2] for m in per_repeat]
    return {"per_repeat": per_repeat, "thresholds": [(run["threshold"], run["drop_below"]) for run in runs],
            "brier": [run["brier"] for run in runs],
            "mean": tuple(sum(m[j] for m in per_repeat) / repeats for j in range(3)),
            "spread": max(f1s) - min(f1s), "first": runs[0]}


def add_cv_arguments(ap, repeats: int = 3) -> None:
    """The arguments of the scripts that compare variants on repeated folds (combine_cv, generalise_cv,
    precision_variants)."""
    ap.add_argument("--corpus", type=Path, default=harness.DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--repeats", type=int, default=repeats)


def print_variant(name: str, runs: list[tuple], base: list[tuple] | None, elapsed: float, width: int = 22) -> None:
    """A variant's line: mean P / R / F1 (and Brier, when the runs carry it) over its repeats, each repeat's F1
    and their spread, and, paired with `base` repeat by repeat (unless they are the base), its F1 gains."""
    f1 = [r[2] for r in runs]
    mean = [sum(r[j] for r in runs) / len(runs) for j in range(len(runs[0]))]
    brier = f" Brier {mean[3]:.4f}" if len(mean) > 3 else ""
    line = (f"{name:<{width}} P {mean[0]:.4f} R {mean[1]:.4f} F1 {mean[2]:.4f}{brier} (repeats "
            + " ".join(f"{f:.4f}" for f in f1) + f"; spread {max(f1) - min(f1):.4f})")
    if base is not None and runs is not base:
        gains = [a[2] - b[2] for a, b in zip(runs, base, strict=True)]
        line += " gain " + " ".join(f"{g:+.4f}" for g in gains) + f" mean {sum(gains) / len(gains):+.4f}"
    print(line + f"  [{elapsed:.0f} s]", flush=True)


def print_repeats(rep: dict, seed: int) -> None:
    for r, ((p, r_, f), (t, d), b) in enumerate(zip(rep["per_repeat"], rep["thresholds"], rep["brier"], strict=True)):
        print(f"  repeat {r + 1} (seed {seed + r}): P {p:.4f} R {r_:.4f} F1 {f:.4f}  threshold {t:.2f} "
              f"drop {d:.2f} Brier {b:.4f}")
    p, r_, f = rep["mean"]
    print(f"  mean over {len(rep['per_repeat'])} repeats: P {p:.4f} R {r_:.4f} F1 {f:.4f} "
          f"(F1 spread over repeats {rep['spread']:.4f})")


def artifact(articles: list[Article], cv: dict, seed: int, folds: int) -> str:
    vocab, est, _, lexicon = fit(articles, "logreg", seed)
    weights = [round(float(w), 6) for w in est.coef_[0]]
    kept = [(name, w) for name, w in zip(vocab, weights, strict=True) if w != 0.0]
    spec = {
        "format": FORMAT,
        "features": [name for name, _ in kept],
        "weights": [w for _, w in kept],
        "bias": round(float(est.intercept_[0]), 6),
        "platt": {"a": round(cv["platt"][0], 6), "b": round(cv["platt"][1], 6)},
        "threshold": cv["threshold"],
        "drop_below": cv["drop_below"],
        **({"cue_lexicon": lexicon} if lexicon else {}),
        "meta": {"trained_on": "PolNeAR v1.0.0 train (research use; no licence stated)", "articles": len(articles),
                 "gold_version": harness.GOLD_VERSION, "folds": folds, "seed": seed, "C": C, "min_count": MIN_COUNT,
                 **({"min_docs": MIN_DOCS} if MIN_DOCS > 1 else {}),
                 **({"min_outlets": MIN_OUTLETS} if MIN_OUTLETS > 1 else {}),
                 **({"penalty": PENALTY} if PENALTY != "l2" else {}),
                 "cv_mean_prf": [round(v, 4) for v in cv["mean"]], "cv_brier": round(cv["brier"], 4)},
    }
    if EXTRA:
        spec["meta"]["extra_candidates"] = sorted(EXTRA)
    if SOFT_VETOES:
        spec["soft_vetoes"] = sorted(SOFT_VETOES)
    if cv.get("person_stage"):
        spec["person_stage"] = cv["person_stage"]
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


def calibration(articles: list[Article], model_of) -> tuple[float, list[tuple[float, int, float, float]], int]:
    """Brier score of the candidates' probabilities against their labels, the reliability table (bin,
    candidates, mean predicted, observed rate) and the number of candidates; `model_of(article)` scores one."""
    pairs = [(model_of(a).candidate_probability(c), label) for a in articles for c, label in zip(a.cands, a.labels,
                                                                                              strict=True)]
    if not pairs:
        return 0.0, [], 0
    brier = sum((p - y) ** 2 for p, y in pairs) / len(pairs)
    table = []
    for k in range(10):
        sel = [(p, y) for p, y in pairs if k / 10 <= p < (k + 1) / 10 or k == 9 and p == 1.0]
        if sel:
            table.append((k / 10, len(sel), sum(p for p, _ in sel) / len(sel), sum(y for _, y in sel) / len(sel)))
    return brier, table, len(pairs)


def fold_models(articles: list[Article], fold_of: dict[str, int], folds: int, seed: int,
                inner: int | None = None, only: int | None = None) -> dict[int, AttributionModel]:
    """For each fold (or the fold `only`), the model `make train-attribution` would build from the other folds
    alone (its calibration and threshold chosen by cross-validation inside them, on `inner` folds, by default
    one fewer): the harness scores each fold with it."""
    out = {}
    for k in range(folds) if only is None else [only]:
        train = [a for a in articles if fold_of[a.doc_id] != k]
        cv = cross_validate(train, "logreg", inner or folds - 1, seed)
        out[k] = AttributionModel.from_spec(json.loads(artifact(train, cv, seed, folds - 1)))
    return out


def prepared(corpus: Path, split: str, limit: int | None):
    """The split's records, their parses (the harness's cache) and the analysed articles."""
    from newsfind.index.nlp.canonical import CanonicalTable
    from newsfind.index.nlp.enrich import analysed
    from newsfind.index.nlp.pipeline import load_pipeline
    from newsfind.index.readers.types import SourceArticle

    docs = harness.load(corpus, split, limit)
    nlp = load_pipeline()
    items = []
    for d in docs:
        title, body, _ = harness.split_title(d["text"])
        article = SourceArticle(id=d["doc_id"], title=title, body=body, source=d["doc_id"])
        items.append((article, analysed(article)))
    texts = [seen.text for _, seen in items]
    parsed, _ = harness.parse_texts(nlp, texts, harness.cache_path(nlp, split, corpus, limit, texts))
    return docs, parsed, items, CanonicalTable


def print_cv(cv: dict) -> None:
    if cv.get("person_stage"):
        print(f"person stage: threshold {cv['person_stage']['threshold']:.2f} (its figures below)")
    print(f"{cv['learner']}: threshold {cv['threshold']:.2f}, drop below {cv['drop_below']:.2f}, "
          f"Brier {cv['brier']:.4f}, Platt a={cv['platt'][0]:.3f} "
          f"b={cv['platt'][1]:.3f}")
    for k, (p, r, f) in enumerate(cv["per_fold"], 1):
        print(f"  fold {k}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    p, r, f = cv["mean"]
    print(f"  mean  : P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print("  reliability (bin, candidates, mean predicted, observed):")
    for lo, n, pred, obs in cv["reliability"]:
        print(f"    {lo:.1f}-{lo + 0.1:.1f} {n:>6} {pred:.3f} {obs:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=harness.DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="only the first N train articles")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=ARTIFACT)
    ap.add_argument("--repeats", type=int, default=1, metavar="N",
                    help="cross-validate N times, on the folds of seeds seed, seed+1, ... (the artifact is the "
                         "first's), and print each repeat's and the mean P/R/F1")
    ap.add_argument("--compare", action="store_true", help="cross-validate LightGBM beside logistic regression")
    ap.add_argument("--no-cue-lexicon", action="store_true", help="leave the learned cue lexicon out (to compare)")
    ap.add_argument("--person-stage", action="store_true",
                    help="a person-level second stage over the candidates' probabilities decides who speaks")
    ap.add_argument("--soft-vetoes", default=",".join(DEFAULT_SOFT_VETOES), metavar="KINDS",
                    help="kinds of the rules' vetoes the model weighs as features and may overrule (recorded in "
                         f"the artifact): all, none, or some of {','.join(VETO_KINDS)} (default: %(default)s)")
    ap.add_argument("--extra-candidates", default="", metavar="SOURCES",
                    help=f"candidate sources to add, recorded in the artifact: {','.join(EXTRA_SOURCES)}")
    ap.add_argument("--min-docs", type=int, default=MIN_DOCS, metavar="K",
                    help="leave out features seen in fewer than K training articles (recorded in the artifact)")
    ap.add_argument("--C", type=float, default=C, help="inverse penalty strength (default: %(default)s)")
    ap.add_argument("--penalty", choices=("l1", "l2"), default=PENALTY, help="(default: %(default)s)")
    ap.add_argument("--min-outlets", type=int, default=MIN_OUTLETS, metavar="K",
                    help="leave out features seen in articles of fewer than K outlets (recorded in the artifact)")
    args = ap.parse_args(argv)
    set_regularisation(args.min_docs, args.C, args.penalty, args.min_outlets)
    CUE_LEXICON[0] = not args.no_cue_lexicon
    PERSON_STAGE[0] = args.person_stage
    SOFT_VETOES.clear()
    SOFT_VETOES.update(VETO_KINDS if args.soft_vetoes == "all" else
                       [k for k in args.soft_vetoes.split(",") if k and args.soft_vetoes != "none"])
    if SOFT_VETOES - set(VETO_KINDS):
        ap.error(f"--soft-vetoes: unknown kind(s) {', '.join(sorted(SOFT_VETOES - set(VETO_KINDS)))}")
    EXTRA[:] = [x for x in args.extra_candidates.split(",") if x]
    if set(EXTRA) - set(EXTRA_SOURCES):
        ap.error(f"--extra-candidates: unknown source(s) {', '.join(sorted(set(EXTRA) - set(EXTRA_SOURCES)))}")
    t0 = time.perf_counter()
    docs, parsed, items, table_factory = prepared(args.corpus, "train", args.limit)
    articles = collect(docs, parsed, items, table_factory)
    n = sum(len(a.cands) for a in articles)
    print(f"PolNeAR train: {len(articles)} articles, {n} candidates, {sum(sum(a.labels) for a in articles)} positive")
    ceiling = article_prf(articles, [[float(label) for label in a.labels] for a in articles], 0.5)
    print(f"labels as predictions (the candidates' ceiling): P {ceiling[0]:.3f} R {ceiling[1]:.3f} F1 {ceiling[2]:.3f}")
    o = attribution_coverage.oracle(articles, article_prf)
    print(f"oracle, every candidate scored perfectly and no rule speaker kept: P {o[0]:.3f} R {o[1]:.3f} F1 {o[2]:.3f}"
          " (bench/attribution_coverage.py lists the gold speakers no candidate reaches)")
    if args.repeats > 1:
        rep = repeated_cv(articles, args.folds, args.seed, args.repeats)
        cv = rep["first"]
        print_cv(cv)
        print(f"repeated {args.folds}-fold cross-validation:")
        print_repeats(rep, args.seed)
    else:
        cv = cross_validate(articles, "logreg", args.folds, args.seed)
        print_cv(cv)
    if args.compare:
        print_cv(cross_validate(articles, "lightgbm", args.folds, args.seed))
    text = artifact(articles, cv, args.seed, args.folds)
    args.out.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    print(f"wrote {args.out} ({len(text.encode())} bytes, sha256 {digest}) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
