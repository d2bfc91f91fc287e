"""How far the candidates of the attribution model can reach (printed by bench/train_attribution.py).

    .venv/bin/python bench/attribution_coverage.py [--limit N] [--examples 5]

Train only. Two figures:
* the oracle: article-level P/R/F1 if every candidate (`speakers/features.py`) were scored perfectly (its
  label as its probability, no rule speaker kept that no positive candidate backs): the ceiling of any scorer;
* the gold speakers no candidate can reach, grouped by why: a pronoun source whose antecedent has no
  candidate; else, at the name in the gold source span, the spaCy label of the name (PERSON, ORG, GPE,
  NORP, none) and what newsfind's entity layer (`entities.extract_mentions`) made of it (no mention, an
  organisation or place mention, a person mention that resolves to someone else).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_attribution as harness  # noqa: E402
from newsfind.index.nlp.article_persons import ArticlePersons, canonicalise  # noqa: E402
from newsfind.index.nlp.canonical import CanonicalTable  # noqa: E402
from newsfind.index.nlp.entities import extract_mentions, kinds_by_article  # noqa: E402
from newsfind.index.nlp.sentences import Sentences  # noqa: E402


def oracle(articles, article_prf) -> tuple[float, float, float]:
    """Article-level P/R/F1 with every candidate's label as its probability and no rule speaker of its own."""
    return article_prf(articles, [[float(label) for label in a.labels] for a in articles], 0.5, rules=False)


def _name_chars(doc_text: str, span: tuple[int, int], name: str) -> tuple[int, int] | None:
    """Where `name` (or its last word) stands inside the source span."""
    s, e = span
    chunk = doc_text[s:e]
    at = chunk.find(name)
    if at >= 0:
        return s + at, s + at + len(name)
    last = name.split()[-1] if name.split() else ""
    m = re.search(rf"\b{re.escape(last)}\b", chunk) if last else None
    return (s + m.start(), s + m.end()) if m else None


def why_missing(d: dict, article, nlp_doc, text: str) -> list[tuple[str, str, str]]:
    """(reason, gold name, source span text) for each gold speaker of the article no candidate reaches."""
    pairs, _ = harness.gold_persons(d, article.body_offset, nlp_doc)
    values = [c.value for c in article.cands]
    mentions = None
    out = []
    done: list[str] = []
    for name, _ in pairs:
        if any(harness.same_person(name, g) for g in done):
            continue
        if any(harness.same_person(name, c.value) for c, label in zip(article.cands, article.labels, strict=True)
               if label):
            done.append(name)
            continue
        elsewhere = any(harness.same_person(name, v) for v in values)
        spans = [(s, e) for n, a in pairs if harness.same_person(n, name) for s, e in a["speaker_span"]]
        span_texts = [d["text"][s:e] for s, e in spans]
        done.append(name)
        if all(t.strip().lower() in harness.PERSON_PRONOUNS for t in span_texts):
            out.append((("candidate elsewhere only: " if elsewhere else "") +
                        "pronoun source, antecedent without candidate", name, span_texts[0]))
            continue
        if mentions is None:
            mentions = extract_mentions(nlp_doc, bytearray(len(text)), Sentences(nlp_doc), article.body_offset, text)
            table = CanonicalTable()
            kinds_by_article(text, mentions, table.knows_surname)
            canonicalise(mentions, ArticlePersons(mentions), table)
        reason = "name not found in its span"
        for (s, e), t in zip(spans, span_texts, strict=True):
            if t.strip().lower() in harness.PERSON_PRONOUNS:
                continue
            where = _name_chars(d["text"], (s, e), name)
            if where is None:
                continue
            a, b = where
            labels = sorted({ent.label_ for ent in nlp_doc.ents if ent.start_char < b and a < ent.end_char})
            kinds = sorted({m.kind if m.kind != "person" else "person " + (
                "without value" if not m.canonical else "resolved elsewhere"
                if not harness.same_person(m.canonical, name) else "in span, not in the candidates")
                for m in mentions if m.start < b and a < m.end})
            one_word = " " not in name.strip() or name.split()[-1] == name
            reason = (f"spaCy {'+'.join(labels) or 'none'} / entity layer {'+'.join(kinds) or 'no mention'}"
                      f"{' / one word' if one_word else ''}")
            break
        out.append((("candidate elsewhere only: " if elsewhere else "") + reason, name, span_texts[0]))
    return out


def report(docs: list[dict], articles, parsed, items, examples: int = 5) -> Counter:
    """Print the gold speakers without a candidate by reason, with examples; the counts by reason."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for d, a, nlp_doc, (_, seen) in zip(docs, articles, parsed, items, strict=True):
        for reason, name, span in why_missing(d, a, nlp_doc, seen.text):
            by_reason[reason].append(f"{a.doc_id}: {name!r} in {span[:70]!r}")
    counts = Counter({k: len(v) for k, v in by_reason.items()})
    elsewhere = sum(n for k, n in counts.items() if k.startswith("candidate elsewhere"))
    print(f"gold speakers with no candidate at their source span: {sum(counts.values())}, of them {elsewhere} "
          f"with a candidate elsewhere in the article")
    for reason, n in counts.most_common():
        print(f"  {n:>5}  {reason}")
        for example in by_reason[reason][:examples]:
            print(f"           {example}")
    return counts


def main(argv: list[str] | None = None) -> int:
    import train_attribution as training

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=harness.DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--examples", type=int, default=5)
    args = ap.parse_args(argv)
    docs, parsed, items, table_factory = training.prepared(args.corpus, "train", args.limit)
    articles = training.collect(docs, parsed, items, table_factory)
    p, r, f = oracle(articles, training.article_prf)
    print(f"oracle (every candidate scored perfectly): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    report(docs, articles, parsed, items, args.examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
