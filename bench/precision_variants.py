"""The model's false positives that are plain actions: paired, repeated train CV of the variants that target them.

    .venv/bin/python bench/precision_variants.py --repeats 5                  # base, plain, cells
    .venv/bin/python bench/precision_variants.py --repeats 3 --only base,plain

Train only, never dev. Round 6's sample of the false positives (`bench/attribution_errors.py --dump-fp`) found
the largest kind of the model's own errors to be a person made a speaker as the subject of a verb that frames
no speech ("Carrie Cohen looked crushed", "Mr. Stephens gave $2.5 million"). The variants
(`frame_cells` here, added at scoring time to what `speakers/frames.py`'s `lexicon_features` derives from the
candidate's features and the cue lexicon; the packaged code never carries them):

- `base`: the packaged model's features (`cue-content` veto soft);
- `plain`: "fr_plain_action", the subject of a verb with no speech in its frame (no clause, quotation, colon or
  "that"-object), no cue-like verb, chain or object (rate below `PLAIN_RATE`) and no rule naming it;
- `cells`: the same and every cell of (speech frame, cue-like, rule) as a feature of its own.

Every variant is cross-validated on the folds of seeds seed, seed+1, ... (threshold, drop level, Platt fit and
cue lexicon chosen inside each run): the gain is read repeat by repeat against `base` (paired).
"""

from __future__ import annotations

from single_thread import single_threaded  # bench/ is a script's first path entry

if __name__ == "__main__":  # a rerun gives the same numbers; before numpy is imported
    single_threaded()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_attribution as ta  # noqa: E402
from newsfind.index.nlp.speakers import frames  # noqa: E402

VARIANTS = {"base": "", "plain": "plain", "cells": "all"}
# A subject's verb that frames no speech: no clause, quotation, colon or "that"-object, and neither the verb, the
# verbs below it nor its object heads a cue this often in train ("Carrie Cohen looked crushed", "Mr. Stephens gave
# $2.5 million").
PLAIN_RATE = 0.15
SPEECH_FRAME = ("fr_comp=that", "fr_comp=wh", "fr_comp=clause", "fr_comp=quote", "fr_comp=colon", "fr_obj_that",
                "gov_quote_child")


def frame_cells(f: dict[str, float], lexicon: dict[str, float], cells: str) -> dict[str, float]:
    """For the subject of a verb: whether its frame holds speech (`SPEECH_FRAME`), whether the verb, its chain or
    its object is cue-like (the best of their rates in `lexicon` at least `PLAIN_RATE`), whether a rule names the
    person there; "fr_plain_action" when none of the three, and with `cells` "all" every cell as a feature."""
    if not any(k.startswith("subj_of_tag=") for k in f):
        return {}
    keys = {"1": "gov", "x": "chain", "o": "obj"}
    rate = max((lexicon.get(k[5:], 0.0) for k in f
                if k.startswith(frames.PREFIX) and k[4:5] == "=" and k[3:4] in keys), default=0.0)
    speech = any(k in f for k in SPEECH_FRAME)
    cue_like = rate >= PLAIN_RATE
    rule = bool(f.get("rule_names_speaker"))
    out = {} if speech or cue_like or rule else {"fr_plain_action": 1.0}
    if cells == "all":
        out[f"fr_cell={int(speech)}{int(cue_like)}{int(rule)}"] = 1.0
    return out


@contextlib.contextmanager
def variant(name: str):
    """The frame features of variant `name` added to what the cue lexicon derives, while inside."""
    cells, packaged = VARIANTS[name], frames.lexicon_features
    if cells:
        frames.lexicon_features = lambda f, lexicon: {**packaged(f, lexicon), **frame_cells(f, lexicon, cells)}
    try:
        yield
    finally:
        frames.lexicon_features = packaged


def run_variant(name: str, articles: list[ta.Article], folds: int, seed: int, repeats: int) -> list[tuple]:
    """(P, R, F1, Brier) of each repeat."""
    with variant(name):
        runs = [ta.cross_validate(articles, "logreg", folds, seed + r) for r in range(repeats)]
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
