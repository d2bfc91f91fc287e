"""The learned attribution model's errors on train cross-validation, counted by kind (train only, never dev).

    .venv/bin/python bench/attribution_errors.py                # counts per kind
    .venv/bin/python bench/attribution_errors.py --examples 5   # and examples of each kind

Candidates, labels and out-of-fold probabilities come from bench/train_attribution.py (5-fold CV by
document, the threshold and drop level chosen there). Two lists are classified:

- *misses with a candidate*: a gold speaker of the article the model does not give, though a candidate of
  that person exists. The kind is read from the person's best candidate at the gold source span (its
  label is 1), else from their best candidate anywhere ("no candidate at the gold span").
- *false positives*: a speaker the model gives that is no gold speaker, classified by its best candidate
  (or "kept rules speaker" when the rules made it and no candidate reaches the threshold).

A gold speaker with no candidate at all is counted once ("no candidate"): candidate coverage is
another piece of work. Each example prints the doc id, the probability and the sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_attribution as harness  # noqa: E402
import train_attribution as training  # noqa: E402


def kind_of(f: dict[str, float], vetoed: bool, prob: float) -> str:
    """One coarse kind for a candidate, from its features (the first that applies)."""
    if vetoed:
        for name in ("gov_negated", "inside_quote", "rule_reported", "refusal"):
            if f.get(name):
                return f"vetoed: {name}"
        if any(k.startswith("dep+govclass=nsubj") for k in f):
            return "vetoed: cue subject the rules rejected"
        return "vetoed: other (pronoun-mentioned, not a speaker)"
    if f.get("in_title"):
        return "in title"
    if f.get("event_only") and f.get("pronoun"):
        return "pronoun source"
    if f.get("event_only"):
        return "event source (no mention)"
    if f.get("line_opens_with_name_and_colon") or f.get("colon_right_after"):
        return "name (and role) then colon"
    if f.get("dash_line") or f.get("dash_then_name"):
        return "dash line"
    if f.get("according_to"):
        return "according to"
    if f.get("listed"):
        return "such as / including"
    if f.get("agent_of=strong") or any(k.startswith("agent_of=") for k in f):
        return "agent (by X)"
    subject = f.get("effdep=nsubj") or f.get("dep=nsubj") or f.get("effdep=nsubjpass") or f.get("dep=nsubjpass")
    if subject:
        klass = next((k.split("=", 1)[1] for k in f if k.startswith("govclass=")), None)
        if f.get("govdep=relcl") or f.get("govdep=acl"):
            return "subject in a relative clause"
        if klass:
            return f"subject of a {klass} verb"
        if any(k.startswith("govchild=xcomp+") or k.startswith("govchild=ccomp+") for k in f):
            return "subject of an unknown verb with a clause"
        return "subject of an unknown verb"
    if f.get("climbed") and (f.get("dep=appos") or f.get("dep=conj")):
        return "appos/conj of a non-subject"
    if f.get("dep=pobj"):
        return "object of a preposition"
    if f.get("dep=dobj"):
        return "direct object"
    if f.get("dep=poss"):
        return "possessive"
    return "other position"


def gov_of(f: dict[str, float]) -> str:
    return next((k.split("=", 1)[1] for k in f if k.startswith("gov=")), "?")


def analyse(articles, probs, threshold: float, drop_below: float, docs: dict, texts: dict, dump: list | None = None):
    """(miss kinds, false-positive kinds, examples by kind, counts of gold / tp / no-candidate); every false
    positive is appended to `dump`, when given, as a record (doc id, speaker, probability, kind, sentence, the
    article's gold speakers) to classify by hand."""
    misses: Counter = Counter()
    fps: Counter = Counter()
    govs: dict[str, Counter] = {}
    examples: dict[str, list[str]] = {}
    totals = Counter()
    for a, ps in zip(articles, probs, strict=True):
        predicted = training.predicted_speakers(a, ps, threshold, drop_below)
        text = texts[a.doc_id]
        left = list(a.gold)
        for v in predicted:
            match = next((g for g in left if harness.same_person(v, g)), None)
            if match is not None:
                left.remove(match)
                totals["tp"] += 1
                continue
            mine = [(p, c) for c, p in zip(a.cands, ps, strict=True) if c.value == v]
            if not mine:
                kind = "no candidate (rules speaker)"
                p, c = 0.0, None
            else:
                p, c = max(mine, key=lambda t: t[0])
                kind = ("kept rules speaker below threshold: " if p < threshold else "") + kind_of(
                    c.features, c.vetoed and not training.soft(c), p)
            fps[kind] += 1
            _example(examples, "FP " + kind, a.doc_id, v, p, c, text)
            if dump is not None:
                dump.append({"doc_id": a.doc_id, "speaker": v, "p": round(p, 3), "kind": kind,
                             "gov": gov_of(c.features) if c is not None else "", "gold": list(a.gold),
                             "sentence": _context(text, c) if c is not None else ""})
            if c is not None:
                govs.setdefault("FP " + kind, Counter())[gov_of(c.features)] += 1
        for g in left:
            totals["fn"] += 1
            mine = [(p, c, label) for c, p, label in zip(a.cands, ps, a.labels, strict=True)
                    if harness.same_person(c.value, g)]
            if not mine:
                totals["fn_no_candidate"] += 1
                continue
            at_span = [(p, c) for p, c, label in mine if label]
            if at_span:
                p, c = max(at_span, key=lambda t: t[0])
                hard = c.vetoed and not training.soft(c)  # a kind of veto the model weighs is no veto here
                kind = kind_of(c.features, hard, p)
                if not hard and p >= threshold:
                    kind = "runner-up of a pronoun"
            else:
                p, c = max(((p, c) for p, c, _ in mine), key=lambda t: t[0])
                kind = "no candidate at the gold span"
            misses[kind] += 1
            totals["fn_low" if p < 0.1 else "fn_mid"] += 1
            _example(examples, "FN " + kind, a.doc_id, g, p, c, text, docs[a.doc_id])
            govs.setdefault("FN " + kind, Counter())[gov_of(c.features)] += 1
    return misses, fps, examples, govs, totals


def _context(text: str, c) -> str:
    """The text around a candidate: back to its line's start or the last sentence end, up to 160 characters
    each side."""
    lo = max(text.rfind("\n", 0, c.start), text.rfind(". ", 0, c.start - 1) + 1, c.start - 160)
    hi = min(x for x in (text.find("\n", c.end), c.end + 160, len(text)) if x >= 0)
    return text[lo:hi].strip().replace("\n", " ")


def _example(examples, kind, doc_id, name, p, c, text, doc=None) -> None:
    if c is None:
        examples.setdefault(kind, []).append(f"{doc_id} {name!r} (no candidate)")
        return
    line = f"{doc_id} {name!r} p={p:.2f} gov={gov_of(c.features)}: ...{_context(text, c)}..."
    if doc is not None:
        cues = sorted({q["cue"] for q in doc["quotes"] if q["speaker_span"] and q.get("cue") and
                       harness.same_person(name, q.get("speaker", "")) or False})
        if cues:
            line += f" [gold cues: {', '.join(cues[:4])}]"
    examples.setdefault(kind, []).append(line.replace("\n", " "))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=harness.DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=training.DEFAULT_SEED)
    ap.add_argument("--examples", type=int, default=0, help="examples to print per kind")
    ap.add_argument("--dump-fp", type=Path, default=None, metavar="JSONL",
                    help="write every false positive (doc id, speaker, p, kind, sentence, gold speakers) there")
    args = ap.parse_args(argv)
    docs, parsed, items, table_factory = training.prepared(args.corpus, "train", args.limit)
    articles = training.collect(docs, parsed, items, table_factory)
    cv = training.cross_validate(articles, "logreg", args.folds, args.seed)
    training.print_cv(cv)
    texts = {d["doc_id"]: seen.text for d, (_, seen) in zip(docs, items, strict=True)}
    dump: list | None = [] if args.dump_fp else None
    misses, fps, examples, govs, totals = analyse(articles, cv["probs"], cv["threshold"], cv["drop_below"],
                                                  {d["doc_id"]: d for d in docs}, texts, dump)
    if args.dump_fp:
        import json

        args.dump_fp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in dump), encoding="utf-8")
    print(f"true positives {totals['tp']}, missed {totals['fn']} (no candidate {totals['fn_no_candidate']}, "
          f"best at-span candidate < 0.1: {totals['fn_low']}, 0.1 or more: {totals['fn_mid']}), "
          f"false positives {sum(fps.values())}")
    for title, counter, tag in (("misses with a candidate", misses, "FN "), ("false positives", fps, "FP ")):
        print(f"{title} by kind ({sum(counter.values())}):")
        for kind, n in counter.most_common():
            top = ", ".join(f"{g} {m}" for g, m in govs.get(tag + kind, Counter()).most_common(6))
            print(f"  {n:>4}  {kind}   [gov: {top}]")
            for line in examples.get(tag + kind, [])[: args.examples]:
                print(f"          {line[:400]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
