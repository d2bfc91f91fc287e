"""Train CV of the attribution model with and without the source tagger's features (cross-fitted).

    .venv/bin/python bench/source_tagger.py --kind mlp:64 --width 2 --heads    # out-of-fold tag probabilities
    .venv/bin/python bench/tagger_cv.py --baseline --oof ~/.cache/newsfind-eval/r3tagger-oof-mlp64-w2h-i8.pkl

Each train article's tag probabilities come from a tagger trained on the other folds (bench/source_tagger.py,
the folds of bench/attribution_folds.py); the attribution model is then cross-validated on the same folds
(bench/train_attribution.py) with the candidates' features below added. A candidate gets the SOURCE probability
of its mention's tokens (mean and most, and the most bucketed in fifths) and of the word it hangs from after
climbing conj/appos/compound/flat, the CUE probability of its governing word and the most in its sentence, and
the CONTENT probability around it. Measured, not kept (README "Speaker attribution model").
"""

from __future__ import annotations

from single_thread import single_threaded  # bench/ is a script's first path entry

if __name__ == "__main__":  # a rerun gives the same numbers; before numpy is imported
    single_threaded()

import argparse  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bisect import bisect_left, bisect_right  # noqa: E402

import eval_attribution as harness  # noqa: E402
import train_attribution as ta  # noqa: E402
from newsfind.index.nlp.sentences import Sentences  # noqa: E402

CLIMB = frozenset({"conj", "appos", "compound", "flat", "cc"})
SOURCE, CUE, CONTENT = 1, 2, 3


def token_range(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The tokens (by their first characters `starts`) that begin in [start, end); at least one."""
    lo = bisect_left(starts, start)
    hi = max(bisect_right(starts, end - 1), lo + 1)
    lo = min(lo, len(starts) - 1)
    return lo, min(hi, len(starts))


def add(f: dict[str, float], probs, doc, starts: list[int], start: int, end: int, sentences) -> None:
    """Add the tagger's features of the mention doc-characters [start, end) to `f`."""
    if probs is None or not len(starts):
        return
    lo, hi = token_range(starts, start, end)
    src = [float(probs[i][SOURCE]) for i in range(lo, hi)]
    f["tag_src_mean"] = sum(src) / len(src)
    f["tag_src_max"] = max(src)
    f[f"tag_src_bin={min(4, int(max(src) * 5))}"] = 1.0
    root = doc[lo]
    for tok in doc[lo:hi]:
        if not lo <= tok.head.i < hi or tok.head.i == tok.i:
            root = tok
            break
    eff, steps = root, 0
    while eff.dep_ in CLIMB and eff.head.i != eff.i and steps < 6:
        eff, steps = eff.head, steps + 1
    gov = eff.head
    if steps:
        f["tag_src_eff"] = float(probs[eff.i][SOURCE])
    f["tag_cue_gov"] = float(probs[gov.i][CUE])
    sent = sentences.spans[sentences.index_of(lo)]
    in_sent = range(sent.start, sent.end)
    f["tag_cue_sent"] = max(float(probs[i][CUE]) for i in in_sent)
    outside = [float(probs[i][CONTENT]) for i in in_sent if not lo <= i < hi]
    f["tag_content_sent"] = sum(outside) / len(outside) if outside else 0.0
    near = [float(probs[i][CONTENT]) for i in range(max(0, lo - 8), min(len(doc), hi + 8)) if not lo <= i < hi]
    f["tag_content_near"] = max(near) if near else 0.0
    f["tag_src_x_cue"] = f["tag_src_max"] * f["tag_cue_sent"]


def add_tagger_features(articles, parsed, probs_by_id, keep=None, prefix: str = "") -> None:
    for a, doc in zip(articles, parsed, strict=True):
        probs = probs_by_id[a.doc_id]
        starts = [t.idx for t in doc]
        sentences = Sentences(doc)
        for c in a.cands:
            f: dict[str, float] = {}
            add(f, probs, doc, starts, c.start, c.end, sentences)
            if keep:
                f = {k: v for k, v in f.items() if k.startswith(keep)}
            c.features.update({prefix + k: v for k, v in f.items()})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--oof", type=Path, action="append", default=[])
    ap.add_argument("--keep", action="append", default=None, help="only these feature prefixes")
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--combine", action="store_true", help="the features of every --oof at once")
    ap.add_argument("--learner", default="logreg", choices=("logreg", "lightgbm"))
    args = ap.parse_args(argv)
    docs, parsed, items, table_factory = ta.prepared(harness.DEFAULT_CORPUS, "train", None)
    articles = ta.collect(docs, parsed, items, table_factory)
    if args.baseline:
        ta.print_cv(ta.cross_validate(articles, args.learner, 5, ta.DEFAULT_SEED))
    base = [[dict(c.features) for c in a.cands] for a in articles]
    if args.combine:
        for n, path in enumerate(args.oof):
            data = pickle.loads(path.read_bytes())
            add_tagger_features(articles, parsed, dict(zip(data["ids"], data["probs"], strict=True)),
                                tuple(args.keep) if args.keep else None, f"t{n}_")
        print(f"== with {' + '.join(p.name for p in args.oof)}")
        ta.print_cv(ta.cross_validate(articles, args.learner, 5, ta.DEFAULT_SEED))
        return 0
    for path in args.oof:
        data = pickle.loads(path.read_bytes())
        probs_by_id = dict(zip(data["ids"], data["probs"], strict=True))
        for a, fs in zip(articles, base, strict=True):
            for c, f in zip(a.cands, fs, strict=True):
                c.features = dict(f)
        add_tagger_features(articles, parsed, probs_by_id, tuple(args.keep) if args.keep else None)
        print(f"== with {path.name} {args.keep or ''}")
        ta.print_cv(ta.cross_validate(articles, args.learner, 5, ta.DEFAULT_SEED))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
