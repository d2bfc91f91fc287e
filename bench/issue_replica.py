"""Issue 17's one-hour experiment, rebuilt to compare with newsfind's model under the same gold (train CV only).

    .venv/bin/python bench/issue_replica.py            # 5-fold CV on PolNeAR train, scored under --gold issue
    .venv/bin/python bench/issue_replica.py --dev      # and dev, once, fitted on all of train

The experiment, as the issue describes it: LightGBM over ~50 features of the spaCy parse for each PERSON
mention (subject of a cue verb, governing verb and head lemmas before and after climbing
conj/appos/compound/flat, quotation marks and their distance, a colon or dash after the name, "according to",
position, neighbouring tokens), labelled by its gold (the PERSON entities at the root of an annotated source
span or joined to it: `eval_attribution.issue_gold_entities`), the threshold from 5-fold train CV; an article's
speakers are the mentions at or above it. Here the mentions are spaCy's PERSON entities as they come (no
newsfind entity layer, no pronouns), scored by the harness's article-level matching (`same_person`) against
the same gold, on the folds of `attribution_folds` (seed 17), so the figure sits beside
`eval_attribution.py --split train --folds 5 --gold issue`. Its dev figure in the issue was F1 0.889.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import eval_attribution as harness  # noqa: E402
from attribution_folds import DEFAULT_SEED, assign_folds  # noqa: E402
from newsfind.index.nlp.speakers.lexicon import STANCE, STRONG, THOUGHT, WEAK  # noqa: E402

LINKS = ("conj", "appos", "compound", "flat")
QUOTES = set("“”\"") | {"``", "''"}
CATEGORICAL = ["dep", "dep_climbed", "head_lemma", "head_pos", "head2_lemma", "verb_class", "prev_lemma",
               "next_lemma", "next_pos", "prev_pos", "head_dep"]


def verb_class(tok) -> str:
    low = tok.lower_
    for name, forms in (("strong", STRONG), ("weak", WEAK), ("stance", STANCE), ("thought", THOUGHT)):
        if low in forms:
            return name
    return "none"


def mention_features(nlp_doc, ent, sent_no: int, n_sents: int, first: bool, count: int) -> dict:
    root = ent.root
    tok, steps = root, 0
    while tok.dep_ in LINKS and tok.head.i != tok.i and steps < 4:
        tok, steps = tok.head, steps + 1
    head = tok.head
    sent = ent.sent
    text = nlp_doc.text
    para_start = text.rfind("\n", 0, ent.start_char) + 1
    before = text[para_start:ent.start_char]
    inside = (before.count("“") > before.count("”")) or before.count('"') % 2 == 1
    marks = [t.i for t in sent if t.text in QUOTES or any(c in t.text for c in "“”\"")]
    dist = min((abs(i - root.i) for i in marks), default=99)
    nxt = nlp_doc[ent.end] if ent.end < len(nlp_doc) else None
    prv = nlp_doc[ent.start - 1] if ent.start > 0 else None
    prev2 = nlp_doc[max(0, ent.start - 2):ent.start].text.lower()
    children = {c.dep_ for c in head.children}
    return {
        "dep": root.dep_, "dep_climbed": tok.dep_, "climb_steps": steps,
        "head_lemma": head.lemma_.lower(), "head_pos": head.pos_, "head_dep": head.dep_,
        "head2_lemma": head.head.lemma_.lower(), "verb_class": verb_class(head),
        "subject": int(tok.dep_ in ("nsubj", "nsubjpass")),
        "head_ccomp": int("ccomp" in children), "head_xcomp": int("xcomp" in children),
        "head_dobj": int("dobj" in children), "head_neg": int("neg" in children),
        "according_to": int(prev2.endswith("according to")),
        "in_quote": int(inside), "quote_dist": dist, "quotes_in_sent": len(marks),
        "colon_after": int(nxt is not None and nxt.text == ":"),
        "dash_after": int(nxt is not None and nxt.text in ("—", "–", "-", "--")),
        "dash_before": int(prv is not None and prv.text in ("—", "–", "-", "--")),
        "comma_after": int(nxt is not None and nxt.text == ","),
        "prev_lemma": prv.lemma_.lower() if prv is not None else "<s>",
        "prev_pos": prv.pos_ if prv is not None else "<s>",
        "next_lemma": nxt.lemma_.lower() if nxt is not None else "</s>",
        "next_pos": nxt.pos_ if nxt is not None else "</s>",
        "sent_pos": sent_no / max(1, n_sents), "sent_no": sent_no, "tok_in_sent": ent.start - sent.start,
        "sent_len": len(sent), "ent_len": len(ent), "first_mention": int(first), "mentions": count,
        "possessive": int(nxt is not None and nxt.text in ("'s", "’s")),
    }


def article_rows(doc: dict, nlp_doc, body_offset: int) -> tuple[list[str], list[dict], list[int], list[str], list]:
    """(mention names, features, labels, gold names, mention character spans) of one article."""
    gold_roots = {ent.root.i for ent, _ in harness.issue_gold_entities(doc, nlp_doc)}
    gold_names, _ = harness.issue_gold_persons(doc, nlp_doc)
    gold: list[str] = []
    for name, _ in gold_names:
        if not any(harness.same_person(name, g) for g in gold):
            gold.append(name)
    sents = list(nlp_doc.sents)
    sent_of = {s.start: k for k, s in enumerate(sents)}
    ents = [e for e in nlp_doc.ents if e.label_ == "PERSON" and e.start_char >= body_offset]
    surnames = [e.root.lower_ for e in ents]
    names, feats, labels, seen = [], [], [], set()
    for e in ents:
        name = re.sub(r"['’]s$", "", e.text).strip()
        feats.append(mention_features(nlp_doc, e, sent_of.get(e.sent.start, 0), len(sents),
                                      e.root.lower_ not in seen, surnames.count(e.root.lower_)))
        seen.add(e.root.lower_)
        names.append(name)
        labels.append(int(e.root.i in gold_roots))
    return names, feats, labels, gold, [(e.start_char, e.end_char) for e in ents]


def fit_predict(arts: list, train_idx: list[int], test_idx: list[int], seed: int) -> dict[int, list[float]]:
    """LightGBM fitted on the mentions of `train_idx`'s articles; the probabilities of `test_idx`'s mentions."""
    import lightgbm as lgb
    import numpy as np

    names = sorted({k for a in arts for f in a[1] for k in f})
    codes: dict[str, dict] = {c: {} for c in CATEGORICAL}
    for a in arts:  # category codes in reading order: the same for any split of the articles
        for f in a[1]:
            for c in CATEGORICAL:
                codes[c].setdefault(f[c], len(codes[c]))

    def matrix(idx: list[int]):
        return np.array([[float(codes[k][f[k]]) if k in codes else float(f[k]) for k in names]
                         for i in idx for f in arts[i][1]])

    model = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, min_child_samples=10,
                               cat_smooth=10, min_data_per_group=20, random_state=seed, n_jobs=1,
                               deterministic=True, force_row_wise=True, verbose=-1)
    model.fit(matrix(train_idx), np.array([y for i in train_idx for y in arts[i][2]]),
              categorical_feature=[names.index(c) for c in CATEGORICAL])
    out = {}
    for i in test_idx:
        out[i] = [float(p) for p in model.predict_proba(matrix([i]))[:, 1]] if arts[i][1] else []
    return out


def replica_rows(docs: list[dict], parsed: list, body_offsets: list[int]) -> list:
    """`article_rows` of each article, and the character span of each of its mentions."""
    return [article_rows(d, p, off) for d, p, off in zip(docs, parsed, body_offsets, strict=True)]


def out_of_fold(arts: list, doc_ids: list[str], folds: int, seed: int) -> list[list[float]]:
    """Each mention's probability from a model fitted on the other folds (`attribution_folds`, `seed`)."""
    fold_of = assign_folds(doc_ids, folds, seed)
    oof: list[list[float]] = [[] for _ in arts]
    for k in range(folds):
        test = [i for i, d in enumerate(doc_ids) if fold_of[d] == k]
        train = [i for i, d in enumerate(doc_ids) if fold_of[d] != k]
        for i, probs in fit_predict(arts, train, test, seed).items():
            oof[i] = probs
    return oof


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--after", metavar="YYYY-MM", default=None,
                    help="also: fitted on the train articles before this month, scored on the later ones")
    ap.add_argument("--dev", action="store_true",
                    help="then fit on all of train and score dev once, at the threshold the folds chose")
    ap.add_argument("--per-article", type=Path, default=None,
                    help="write each article's gold and predicted speakers on the folds (best threshold; JSON Lines)")
    args = ap.parse_args(argv)
    import train_attribution as ta

    docs, parsed, items, _ = ta.prepared(harness.DEFAULT_CORPUS, "train", None)
    arts = replica_rows(docs, parsed, [seen.body_offset for _, seen in items])
    oof = out_of_fold(arts, [d["doc_id"] for d in docs], args.folds, args.seed)
    best = None
    for t in [x / 100 for x in range(10, 91, 5)]:
        p, r, f = scored(arts, oof, t)
        print(f"threshold {t:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
        if best is None or f > best[3]:
            best = (t, p, r, f)
    print(f"best on the folds: threshold {best[0]:.2f}, P {best[1]:.3f} / R {best[2]:.3f} / F1 {best[3]:.3f} "
          f"({sum(len(a[3]) for a in arts)} gold speakers, {sum(len(a[1]) for a in arts)} mentions)")
    if args.per_article:
        with args.per_article.open("w") as out:
            for d, a, probs in zip(docs, arts, oof, strict=True):
                predicted = predicted_names(a, probs, best[0])
                out.write(json.dumps({"doc_id": d["doc_id"], "outlet": d["outlet"], "gold": a[3],
                                      "predicted": predicted,
                                      "mentions": [[n, round(p, 3)] for n, p in zip(a[0], probs, strict=True)]})
                          + "\n")
    if args.after:
        early = [i for i, d in enumerate(docs) if d["date"] < args.after]
        late = [i for i, d in enumerate(docs) if d["date"] >= args.after]
        inner = out_of_fold([arts[i] for i in early], [docs[i]["doc_id"] for i in early], args.folds, args.seed)
        t = max([x / 100 for x in range(10, 91, 5)], key=lambda t: scored([arts[i] for i in early], inner, t)[2])
        probs = fit_predict(arts, early, late, args.seed)
        p, r, f = scored([arts[i] for i in late], [probs[i] for i in late], t)
        print(f"from {args.after} on ({len(late)} articles; fitted on the {len(early)} before, threshold {t:.2f} "
              f"from their folds): P {p:.3f} / R {r:.3f} / F1 {f:.3f}")
    if args.dev:
        dev_docs, dev_parsed, dev_items, _ = ta.prepared(harness.DEFAULT_CORPUS, "dev", None)
        dev = replica_rows(dev_docs, dev_parsed, [seen.body_offset for _, seen in dev_items])
        probs = fit_predict(arts + dev, list(range(len(arts))), list(range(len(arts), len(arts) + len(dev))),
                            args.seed)
        p, r, f = scored(dev, [probs[len(arts) + i] for i in range(len(dev))], best[0])
        print(f"dev (fitted on all of train, threshold {best[0]:.2f}): P {p:.3f} / R {r:.3f} / F1 {f:.3f} "
              f"({sum(len(a[3]) for a in dev)} gold speakers)")
    return 0


def scored(arts: list, probs_by_article: list[list[float]], threshold: float) -> tuple[float, float, float]:
    """Article-level P/R/F1 of the mentions at or above `threshold` against the issue's gold."""
    pairs = [(a[3], predicted_names(a, probs, threshold)) for a, probs in zip(arts, probs_by_article, strict=True)]
    return harness.speakers_prf(pairs)


def predicted_names(art, probs: list[float], threshold: float) -> list[str]:
    """The article's speakers: its mentions at or above `threshold`, one name per person."""
    predicted: list[str] = []
    for name, p in zip(art[0], probs, strict=True):
        if p >= threshold and not any(harness.same_person(name, v) for v in predicted):
            predicted.append(name)
    return predicted


if __name__ == "__main__":
    raise SystemExit(main())
