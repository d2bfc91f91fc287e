"""The model's false positives that are plain actions: paired, repeated train CV of the variants that target them.

    .venv/bin/python bench/precision_variants.py --repeats 5                  # base, plain, cells
    .venv/bin/python bench/precision_variants.py --repeats 3 --only base,plain

Train only, never dev. Round 6's sample of the false positives (`bench/attribution_errors.py --dump-fp`) found
the largest kind of the model's own errors to be a person made a speaker as the subject of a verb that frames
no speech ("Carrie Cohen looked crushed", "Mr. Stephens gave $2.5 million"). The variants
(`speakers/frames.py`, `frame_cells`, derived at scoring time from the candidate's features and the cue lexicon):

- `base`: the packaged model's features (`cue-content` veto soft);
- `plain`: "fr_plain_action", the subject of a verb with no speech in its frame (no clause, quotation, colon or
  "that"-object), no cue-like verb, chain or object (rate below `frames.PLAIN_RATE`) and no rule naming it;
- `cells`: the same and every cell of (speech frame, cue-like, rule) as a feature of its own.

Every variant is cross-validated on the folds of seeds seed, seed+1, ... (threshold, drop level, Platt fit and
cue lexicon chosen inside each run): the gain is read repeat by repeat against `base` (paired).
"""

from __future__ import annotations

from single_thread import single_threaded  # bench/ is a script's first path entry

if __name__ == "__main__":  # a rerun gives the same numbers; before numpy is imported
    single_threaded()

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_attribution as ta  # noqa: E402
from newsfind.index.nlp.speakers import frames  # noqa: E402

VARIANTS = {"base": "", "plain": "plain", "cells": "all"}


def run_variant(name: str, articles: list[ta.Article], folds: int, seed: int, repeats: int) -> list[tuple]:
    """(P, R, F1, Brier) of each repeat."""
    before = frames.FRAME_CELLS[0]
    frames.FRAME_CELLS[0] = VARIANTS[name]
    try:
        runs = [ta.cross_validate(articles, "logreg", folds, seed + r) for r in range(repeats)]
    finally:
        frames.FRAME_CELLS[0] = before
    return [(*run["mean"], run["brier"]) for run in runs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ta.add_cv_arguments(ap)
    ap.add_argument("--only", default="", help=f"comma-separated variants of {', '.join(VARIANTS)} (default: all)")
    args = ap.parse_args(argv)
    names = [v for v in args.only.split(",") if v] or list(VARIANTS)
    if set(names) - set(VARIANTS):
        ap.error(f"unknown variant(s) {', '.join(sorted(set(names) - set(VARIANTS)))}")
    t0 = time.perf_counter()
    docs, parsed, items, table_factory = ta.prepared(args.corpus, "train", args.limit)
    articles = ta.collect(docs, parsed, items, table_factory)
    results: dict[str, list[tuple]] = {}
    for name in names:
        results[name] = run_variant(name, articles, args.folds, args.seed, args.repeats)
        ta.print_variant(name, results[name], results.get("base"), time.perf_counter() - t0, 8)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
