"""Do round 1-3's small gains add up? Repeated, paired train CV of the attribution model's variants.

    .venv/bin/python bench/combine_cv.py --repeats 3                       # every variant, alone and combined
    .venv/bin/python bench/combine_cv.py --repeats 3 --only base,veto      # some of them

Train only, never dev. Every variant is cross-validated (bench/train_attribution.py's `cross_validate`:
threshold, drop level, Platt fit and cue lexicon chosen inside each run) on the folds of seeds seed,
seed+1, ... : the same folds for every variant, so a variant's gain is read repeat by repeat against the
baseline (paired). The variants (README "Speaker attribution model"):

- `base`: round 3's model, every veto of the rules hard;
- `veto`: the rules' vetoes features ("vetoed" and "vetoed:<kind>") the model may overrule, instead of hard
  vetoes; `veto=kind:kind` only those kinds (`features.VETO_KINDS`);
- `person`: a person-level second stage (`speakers/persons.py`, bench/person_stage.py), a logistic
  regression over what a person's candidates scored out of fold (the best, the second best, noisy-or, how
  many, the rules' verdict), cross-fitted on the same folds, its own threshold chosen on them;
- `extra`: the extra candidate sources untagged,bare-pronouns (`features.EXTRA_SOURCES`);
- `tagger`: the frozen-tok2vec source tagger's out-of-fold probabilities as features (`--tagger-oof`,
  bench/source_tagger.py, bench/tagger_cv.py).
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
from newsfind.index.nlp.speakers.features import VETO_KINDS  # noqa: E402


def add_tagger(articles: list[ta.Article], parsed: list, oof: Path) -> None:
    """The tagger's out-of-fold features on every candidate (bench/tagger_cv.py), in place."""
    import pickle

    import tagger_cv

    data = pickle.loads(oof.read_bytes())
    tagger_cv.add_tagger_features(articles, parsed, dict(zip(data["ids"], data["probs"], strict=True)))


def soft_kinds(name: str) -> set[str]:
    """The veto kinds a variant makes soft: `veto` all of them, `veto=kind:kind` those."""
    for part in name.split("+"):
        if part == "veto":
            return set(VETO_KINDS)
        if part.startswith("veto="):
            return set(part[5:].split(":"))
    return set()


def run_variant(name: str, articles: list[ta.Article], folds: int, seed: int, repeats: int) -> list[tuple]:
    ta.PERSON_STAGE[0] = "person" in name.split("+")
    ta.SOFT_VETOES.clear()  # `base` is round 3's model: every veto hard
    ta.SOFT_VETOES.update(soft_kinds(name))
    try:
        return [ta.cross_validate(articles, "logreg", folds, seed + r)["mean"] for r in range(repeats)]
    finally:
        ta.SOFT_VETOES.clear()
        ta.SOFT_VETOES.update(ta.DEFAULT_SOFT_VETOES)
        ta.PERSON_STAGE[0] = False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ta.add_cv_arguments(ap)
    ap.add_argument("--only", default="", help="comma-separated variants (base, veto, person, extra, tagger, "
                                                "and their +-joined combinations); default: all")
    ap.add_argument("--tagger-oof", type=Path, default=None, help="out-of-fold tag probabilities (pickle)")
    args = ap.parse_args(argv)
    variants = [v for v in args.only.split(",") if v] or [
        "base", "veto", "person", "extra", "veto+person", "veto+extra", "person+extra", "veto+person+extra"]
    t0 = time.perf_counter()
    docs, parsed, items, table_factory = ta.prepared(args.corpus, "train", args.limit)
    cache: dict[tuple, list[ta.Article]] = {}

    def articles_for(name: str) -> list[ta.Article]:
        parts = set(name.split("+"))
        key = ("extra" in parts, "tagger" in parts)
        if key not in cache:
            ta.EXTRA[:] = ["bare-pronouns", "untagged"] if key[0] else []
            cache[key] = ta.collect(docs, parsed, items, table_factory)
            ta.EXTRA[:] = []
            if key[1]:
                add_tagger(cache[key], parsed, args.tagger_oof)
        return cache[key]

    results = {}
    for name in variants:
        arts = articles_for(name)
        results[name] = run_variant(name, arts, args.folds, args.seed, args.repeats)
        ta.print_variant(name, results[name], results.get("base"), time.perf_counter() - t0, 22)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
