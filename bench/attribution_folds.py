"""K-fold cross-validation on PolNeAR train for bench/eval_attribution.py (`--split train --folds 5`).

Folds are made by document (never by mention: mentions of one article share its wording), from a
seeded shuffle of the document ids, so the same `--seed` gives the same folds on every run and every
machine. Each fold is scored on its own (P/R/F1 and speaker-match, as the harness scores a split) and
the mean over the folds is printed beside them. A learned model is trained on the other folds only
(bench/train_attribution.py); the rules have nothing to train and are simply scored fold by fold.
"""

from __future__ import annotations

import random
from statistics import mean, pstdev

DEFAULT_SEED = 17


def assign_folds(doc_ids: list[str], folds: int, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Fold number (0..folds-1) of every document: a seeded shuffle of the sorted ids, dealt in turn."""
    if folds < 2:
        raise ValueError("--folds needs at least 2 folds")
    order = sorted(set(doc_ids))
    random.Random(seed).shuffle(order)
    return {doc_id: k % folds for k, doc_id in enumerate(order)}


def fold_rows(scores: list, fold_of: dict[str, int], folds: int, table) -> list[dict]:
    """The ALL row of `table` for each fold's documents, numbered."""
    rows = []
    for k in range(folds):
        part = [s for s in scores if fold_of[s.doc_id] == k]
        row = dict(table(part)[0])
        row["group"] = f"fold {k + 1}"
        rows.append(row)
    return rows


def print_folds(rows: list[dict]) -> dict:
    """Print one line per fold and the mean (± population std) of P, R, F1 and speaker-match; return the mean."""
    keys = ("P", "R", "F1", "speaker_match")
    print(f"{'fold':<20}{'docs':>5}{'gold':>6}{'P':>7}{'R':>7}{'F1':>7}{'spk-match':>10}")
    for r in rows:
        print(f"{r['group']:<20}{r['docs']:>5}{r['gold_speakers']:>6}{r['P']:>7.3f}{r['R']:>7.3f}{r['F1']:>7.3f}"
              f"{r['speaker_match']:>10.3f}")
    summary = {k: mean(r[k] for r in rows) for k in keys}
    spread = {k: pstdev([r[k] for r in rows]) for k in keys}
    print(f"{'mean over folds':<31}" + "".join(f"{summary[k]:>7.3f}" for k in keys[:3])
          + f"{summary['speaker_match']:>10.3f}")
    print(f"{'± std':<31}" + "".join(f"{spread[k]:>7.3f}" for k in keys[:3]) + f"{spread['speaker_match']:>10.3f}")
    return summary
