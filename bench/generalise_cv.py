"""Does the attribution model generalise? Feature pruning, regularisation and grouped CV on train (round 6).

    .venv/bin/python bench/generalise_cv.py --repeats 3 --only base,k2,k3,k5     # pruning, paired on 3 fold seeds
    .venv/bin/python bench/generalise_cv.py --repeats 3 --only base,k3:C0.25,k3:C1:l1
    .venv/bin/python bench/generalise_cv.py --by-outlet --only base,k3          # leave one outlet out, paired

Train only, never dev. A variant is `base` (the packaged settings: a feature seen in 3 candidates, C 0.5, L2)
or colon-joined changes to it: `k<K>` leaves out features seen in fewer than K training articles (fitted inside
each fold, on its training part: bench/train_attribution.py's `--min-docs`), `o<K>` features seen in articles
of fewer than K outlets (`--min-outlets`), `C<c>` the inverse penalty, `l1` an L1 penalty. Every variant is
cross-validated on the same folds as `base` (seeds seed, seed+1, ...; threshold, drop level, Platt fit and cue
lexicon chosen inside each run), so its F1 gain reads repeat by repeat. With `--by-outlet` the folds are
PolNeAR's outlets instead (each outlet scored by a model trained on the others): each outlet's P / R / F1, and
each variant's F1 gain outlet by outlet. `--describe` fits the base model on all of train and prints its
features by how many articles and outlets show them, with their weights.
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

import eval_attribution as harness  # noqa: E402
import train_attribution as ta  # noqa: E402

BASE = (ta.MIN_DOCS, ta.C, ta.PENALTY, ta.MIN_OUTLETS)


def settings(name: str) -> tuple[int, float, str, int]:
    """(min docs, C, penalty, min outlets) of a variant's name: `base`, or `k3`, `k3:C0.25`, `C1:l1`, `o2`..."""
    min_docs, c, penalty, min_outlets = BASE
    for part in name.split(":"):
        if part == "base":
            continue
        if part.startswith("k"):
            min_docs = int(part[1:])
        elif part.startswith("o"):
            min_outlets = int(part[1:])
        elif part.startswith("C"):
            c = float(part[1:])
        elif part in ("l1", "l2"):
            penalty = part
        else:
            raise ValueError(f"unknown variant part {part!r}")
    return min_docs, c, penalty, min_outlets


def run(name: str, articles: list[ta.Article], folds: int, seed: int, repeats: int,
        fold_of: dict[str, int] | None = None) -> list[dict]:
    ta.set_regularisation(*settings(name))
    try:
        return [ta.cross_validate(articles, "logreg", folds, seed + r, fold_of) for r in range(repeats)]
    finally:
        ta.set_regularisation(*BASE)


def vocab_size(name: str, articles: list[ta.Article], seed: int) -> int:
    """Features kept when fitting on all of train (the artifact's size, before zero weights go)."""
    ta.set_regularisation(*settings(name))
    try:
        lexs, _ = ta.lexicons(articles, seed)
        return len(ta.vocabulary(articles, lexs))
    finally:
        ta.set_regularisation(*BASE)


def describe(articles: list[ta.Article], seed: int) -> None:
    """The base model's features by the number of training articles and outlets showing them: how many, the
    mean |weight|, the share of all |weight|; and the heaviest features of one outlet."""
    vocab, est, _, _ = ta.fit(articles, "logreg", seed)
    lexs, _ = ta.lexicons(articles, seed)
    docs: dict[str, int] = {}
    outlets: dict[str, set[str]] = {}
    for k, a in enumerate(articles):
        for name in {n for f in ta.rows(a, lexs[k]) for n in f}:
            docs[name] = docs.get(name, 0) + 1
            outlets.setdefault(name, set()).add(a.outlet)
    weights = dict(zip(vocab, (abs(float(w)) for w in est.coef_[0]), strict=True))
    total = sum(weights.values())
    for label, key, buckets in (("articles", lambda n: docs[n], ((1, 1), (2, 2), (3, 4), (5, 9), (10, 10**9))),
                                ("outlets", lambda n: len(outlets[n]), ((1, 1), (2, 2), (3, 4), (5, 7)))):
        print(f"features by {label} showing them (fitted on all of train, {len(vocab)} features):")
        for lo, hi in buckets:
            sel = [n for n in vocab if lo <= key(n) <= hi]
            mass = sum(weights[n] for n in sel)
            print(f"  {lo}-{hi if hi < 10**9 else '':<3} {len(sel):>6} features, mean |w| "
                  f"{mass / max(len(sel), 1):.3f}, share of |w| {mass / total:.3f}")
    one = sorted((n for n in vocab if len(outlets[n]) == 1), key=lambda n: -weights[n])[:15]
    print("heaviest features of one outlet: " + "; ".join(
        f"{n} ({next(iter(outlets[n]))}, {docs[n]} art., {dict(zip(vocab, est.coef_[0], strict=True))[n]:+.2f})"
        for n in one), flush=True)


def print_outlets(name: str, cv: dict, outlets: list[str], base: dict | None, elapsed: float) -> None:
    p, r, f = cv["mean"]
    print(f"{name}: by outlet, threshold {cv['threshold']:.2f} drop {cv['drop_below']:.2f} Brier {cv['brier']:.4f}; "
          f"mean over outlets P {p:.4f} R {r:.4f} F1 {f:.4f}  [{elapsed:.0f} s]")
    for k, outlet in enumerate(outlets):
        p, r, f = cv["per_fold"][k]
        gain = f"  gain {f - base['per_fold'][k][2]:+.4f}" if base is not None and cv is not base else ""
        print(f"  {outlet:<22} P {p:.4f} R {r:.4f} F1 {f:.4f}{gain}")
    if base is not None and cv is not base:
        gains = [a[2] - b[2] for a, b in zip(cv["per_fold"], base["per_fold"], strict=True)]
        print(f"  gain over outlets: mean {sum(gains) / len(gains):+.4f}, better in {sum(g > 0 for g in gains)} "
              f"of {len(gains)}, worse in {sum(g < 0 for g in gains)}", flush=True)


def print_gap(articles: list[ta.Article], outlets: list[str], seed: int, folds: int, looo: dict) -> None:
    """Per outlet: the rules alone, the base model scored on seeded folds (it saw the outlet's other
    articles) and left out with its outlet (it saw none of them): what generalising across outlets costs."""
    cv = ta.cross_validate(articles, "logreg", folds, seed)
    print(f"base by outlet: rules alone / seeded {folds}-fold CV (seed {seed}) / outlet left out, P R F1")
    for k, outlet in enumerate(outlets):
        idx = [i for i, a in enumerate(articles) if a.outlet == outlet]
        rules = harness.speakers_prf((articles[i].gold, articles[i].rule_speakers) for i in idx)
        seeded = ta.article_prf([articles[i] for i in idx], [cv["probs"][i] for i in idx], cv["threshold"],
                                cv["drop_below"])
        left = looo["per_fold"][k]
        print(f"  {outlet:<22} " + "  /  ".join(" ".join(f"{v:.3f}" for v in t) for t in (rules, seeded, left))
              + f"   model over rules: seeded {seeded[2] - rules[2]:+.3f}, left out {left[2] - rules[2]:+.3f}")
    pooled = [ta.article_prf(articles, cv["probs"], cv["threshold"], cv["drop_below"]),
              harness.speakers_prf((a.gold, a.rule_speakers) for a in articles)]
    print(f"  pooled: seeded P {pooled[0][0]:.4f} R {pooled[0][1]:.4f} F1 {pooled[0][2]:.4f}; rules P "
          f"{pooled[1][0]:.4f} R {pooled[1][1]:.4f} F1 {pooled[1][2]:.4f}", flush=True)
    # How far a split of dev's size (84 articles) strays from the whole by chance: random subsets of train's
    # articles, scored with their seeded out-of-fold predictions, the model, the rules, and the difference.
    import random

    rng = random.Random(seed)
    draws = []
    for _ in range(2000):
        idx = rng.sample(range(len(articles)), 84)
        m = ta.article_prf([articles[i] for i in idx], [cv["probs"][i] for i in idx], cv["threshold"],
                           cv["drop_below"])
        r = harness.speakers_prf((articles[i].gold, articles[i].rule_speakers) for i in idx)
        draws.append((m[0], m[2], r[0], r[2], m[2] - r[2]))
    for j, label in enumerate(("model P", "model F1", "rules P", "rules F1", "model - rules F1")):
        vals = sorted(d[j] for d in draws)
        mean = sum(vals) / len(vals)
        sd = (sum((v - mean) ** 2 for v in vals) / len(vals)) ** 0.5
        print(f"  84-article subsets of train (2,000): {label:<16} mean {mean:.4f} sd {sd:.4f} "
              f"2.5-97.5 % {vals[50]:.4f}-{vals[1949]:.4f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ta.add_cv_arguments(ap)
    ap.add_argument("--only", default="base,k2,k3,k5", help="comma-separated variants; the first is the baseline")
    ap.add_argument("--by-outlet", action="store_true", help="leave-one-outlet-out instead of the seeded folds")
    ap.add_argument("--gap", action="store_true", help="with --by-outlet: the first variant by outlet, on seeded "
                    "folds and left out, beside the rules alone")
    ap.add_argument("--describe", action="store_true", help="the base model's features by articles and outlets")
    args = ap.parse_args(argv)
    variants = [v for v in args.only.split(",") if v]
    for v in variants:
        settings(v)
    t0 = time.perf_counter()
    docs, parsed, items, table_factory = ta.prepared(args.corpus, "train", args.limit)
    articles = ta.collect(docs, parsed, items, table_factory)
    print(f"PolNeAR train: {len(articles)} articles, {sum(len(a.cands) for a in articles)} candidates "
          f"[{time.perf_counter() - t0:.0f} s]", flush=True)
    if args.describe:
        describe(articles, args.seed)
    if args.by_outlet:
        outlet_of = {d["doc_id"]: d["outlet"] for d in docs}
        outlets = sorted(set(outlet_of.values()))
        print("articles by outlet: " + ", ".join(f"{o} {sum(v == o for v in outlet_of.values())}" for o in outlets))
        fold_of = {doc_id: outlets.index(o) for doc_id, o in outlet_of.items()}
        first = None
        for name in variants:
            cv = run(name, articles, len(outlets), args.seed, 1, fold_of)[0]
            first = first or cv
            print_outlets(name, cv, outlets, first, time.perf_counter() - t0)
            if args.gap and cv is first:
                print_gap(articles, outlets, args.seed, args.folds, cv)
        return 0
    first = None
    for name in variants:
        runs = [(*r["mean"], r["brier"]) for r in run(name, articles, args.folds, args.seed, args.repeats)]
        first = first or runs
        size = vocab_size(name, articles, args.seed)
        ta.print_variant(f"{name} {size:>6} feats", runs, first, time.perf_counter() - t0, 26)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
