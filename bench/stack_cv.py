"""Does the issue's experiment (bench/issue_replica.py) know something newsfind's model does not? Paired, repeated
train CV of newsfind's model with the replica's cross-fitted probability of each mention as features (train only).

    .venv/bin/python bench/stack_cv.py --repeats 3

For repeat r (folds of seed seed+r), the replica is fitted on the other folds of each fold and its probability of
every spaCy PERSON mention is that out-of-fold one; a candidate of newsfind's model overlapping such a mention
gets "rep_p" (the probability) and "rep_bin=k" (its fifth), a he/she candidate none. Then newsfind's model is
cross-validated on the same folds (threshold, drop level, Platt fit and cue lexicon chosen inside), and its F1
read repeat by repeat against the base (paired).
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

import issue_replica  # noqa: E402
import train_attribution as ta  # noqa: E402


def stacked(articles: list[ta.Article], arts: list, oof: list[list[float]]) -> None:
    """Give each candidate the replica's probability of the PERSON mention it overlaps (in place)."""
    for a, rows, probs in zip(articles, arts, oof, strict=True):
        spans = rows[4]
        for c in a.cands:
            for k in [k for k in c.features if k.startswith("rep_")]:
                del c.features[k]
            if c.pronoun >= 0 or not probs:
                continue
            near = [p for (s, e), p in zip(spans, probs, strict=True) if s < c.end and c.start < e]
            if near:
                p = max(near)
                c.features["rep_p"] = p
                c.features[f"rep_bin={min(4, int(p * 5))}"] = 1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ta.add_cv_arguments(ap)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs, parsed, items, table_factory = ta.prepared(args.corpus, "train", args.limit)
    articles = ta.collect(docs, parsed, items, table_factory)
    arts = issue_replica.replica_rows(docs, parsed, [seen.body_offset for _, seen in items])
    ids = [d["doc_id"] for d in docs]
    base, stack = [], []
    for r in range(args.repeats):
        seed = args.seed + r
        stacked(articles, arts, [[] for _ in arts])  # no replica features: the base
        run = ta.cross_validate(articles, "logreg", args.folds, seed)
        base.append((*run["mean"], run["brier"]))
        stacked(articles, arts, issue_replica.out_of_fold(arts, ids, args.folds, seed))
        run = ta.cross_validate(articles, "logreg", args.folds, seed)
        stack.append((*run["mean"], run["brier"]))
        print(f"repeat {r} (seed {seed}): base F1 {base[-1][2]:.4f}, stacked F1 {stack[-1][2]:.4f}", flush=True)
    ta.print_variant("base", base, base, time.perf_counter() - t0, 8)
    ta.print_variant("stacked", stack, base, time.perf_counter() - t0, 8)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
