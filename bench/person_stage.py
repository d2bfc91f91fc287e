"""Training of the attribution model's person-level second stage (index/nlp/speakers/persons.py).

Train only. The second stage decides whom the model adds to the rules' speakers. It learns from the
first stage's out-of-fold candidate probabilities (bench/train_attribution.py's `cross_validate`): each
fold's persons are scored by a second stage trained on the other folds' persons, its threshold is chosen
on those scores (the best article-level F1), and the stage kept in the artifact is fitted on every
fold's persons.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_attribution as harness  # noqa: E402
from attribution_folds import assign_folds  # noqa: E402
from newsfind.index.nlp.speakers.decide import layout_speakers, runner_ups  # noqa: E402
from newsfind.index.nlp.speakers.persons import FEATURES, person_rows  # noqa: E402

C = 1.0
GRID = tuple(round(0.05 * k, 2) for k in range(2, 20))


def rows_of(a, probs: list[float], hard) -> dict[str, dict[str, float]]:
    """The second stage's rows of article `a` (`hard(c)`: candidate c is vetoed and may not make a speaker)."""
    skip = runner_ups(a.cands, probs)
    allowed = [not (hard(c) or k in skip) for k, c in enumerate(a.cands)]
    return person_rows([c.value for c in a.cands], probs, allowed, a.rule_speakers)


def kept_rule_speakers(a, probs: list[float], drop_below: float) -> list[str]:
    """The rules' speakers `decide` keeps (a layout speaker always, another with a candidate this probable)."""
    best: dict[str, float] = {}
    for c, p in zip(a.cands, probs, strict=True):
        best[c.value] = max(best.get(c.value, 0.0), p)
    laid_out = layout_speakers(a.cands)
    return [v for v in a.rule_speakers if v in laid_out or best.get(v, 0.0) >= drop_below]


def _xy(articles, rows, idx):
    import numpy as np

    X, y = [], []
    for i in idx:
        for v, f in sorted(rows[i].items()):
            X.append([f[n] for n in FEATURES])
            y.append(int(any(harness.same_person(v, g) for g in articles[i].gold)))
    return np.array(X, dtype=float).reshape(-1, len(FEATURES)), np.array(y)


def _fit(articles, rows, idx, seed: int):
    from sklearn.linear_model import LogisticRegression

    X, y = _xy(articles, rows, idx)
    return LogisticRegression(C=C, solver="lbfgs", max_iter=5000, random_state=seed).fit(X, y)


def _prf(articles, kept, scored, idx, threshold: float):
    return harness.speakers_prf((articles[i].gold, kept[i] + [v for v, p in scored[i].items() if p >= threshold])
                                for i in idx)


def cross_fit(articles, probs: list[list[float]], folds: int, seed: int, hard, drop_below: float) -> dict:
    """The second stage cross-validated on the folds of `seed`: its threshold, per-fold and mean P/R/F1 (the
    rules' speakers kept as `decide` keeps them, `drop_below`), and the stage fitted on every article (`spec`,
    as the artifact keeps it)."""
    import numpy as np

    rows = [rows_of(a, p, hard) for a, p in zip(articles, probs, strict=True)]
    kept = [kept_rule_speakers(a, p, drop_below) for a, p in zip(articles, probs, strict=True)]
    fold_of = assign_folds([a.doc_id for a in articles], folds, seed)
    scored: list[dict[str, float]] = [{} for _ in articles]
    for k in range(folds):
        lr = _fit(articles, rows, [i for i, a in enumerate(articles) if fold_of[a.doc_id] != k], seed)
        for i, a in enumerate(articles):
            if fold_of[a.doc_id] == k and rows[i]:
                vs = sorted(rows[i])
                ps = lr.predict_proba(np.array([[rows[i][v][n] for n in FEATURES] for v in vs], dtype=float))[:, 1]
                scored[i] = {v: float(p) for v, p in zip(vs, ps, strict=True)}
    every = range(len(articles))
    threshold = max(GRID, key=lambda t: (round(_prf(articles, kept, scored, every, t)[2], 4), -t))
    per_fold = [_prf(articles, kept, scored, [i for i, a in enumerate(articles) if fold_of[a.doc_id] == k], threshold)
                for k in range(folds)]
    lr = _fit(articles, rows, every, seed)
    spec = {"features": list(FEATURES), "weights": [round(float(w), 6) for w in lr.coef_[0]],
            "bias": round(float(lr.intercept_[0]), 6), "threshold": threshold}
    return {"threshold": threshold, "per_fold": per_fold, "spec": spec,
            "mean": tuple(float(np.mean([f[j] for f in per_fold])) for j in range(3))}
