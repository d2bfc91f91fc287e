"""Precision and recall of newsfind's syndication groups on the allsides benchmark corpus.

    .venv/bin/python bench/eval_grouping.py                     # score the grouping at several thresholds
    .venv/bin/python bench/eval_grouping.py --rebuild-labels    # rebuild bench/data/grouping_pairs.json

Runs the grouping exactly as `newsfind index` does (index/ingest/dedup.py: `fingerprint`, then
`GroupStore.assign` in corpus order) and scores the pairs of articles it puts in one group.

Labels (bench/data/grouping_pairs.json holds ids, labels and the measured values, no text). They
never use MinHash: a pair is a **version pair** (two versions of one article) when

  1. the exact Jaccard similarity of the sets of 5-word shingles of the two normalised bodies is at
     least 0.5, and
  2. the two share their opening: at least half of the 5-word shingles of the first 60 words of one
     body occur in the other ("lead overlap" >= 0.5).

Rule 2 is there because this corpus has scraped pages whose bodies share a long block of page
furniture (CNN "related stories" blocks, The Flip Side headers): such pairs reach a Jaccard of
0.4-0.55 but are different articles, and their openings differ.

Which pairs are labelled:
* *shared passages*: every pair of articles sharing at least 3 eight-word shingles that occur in at
  most 300 articles (an exhaustive search of overlapping text, independent of MinHash); the pairs
  with Jaccard >= 0.2 are stored, the rest (all far below rule 1) count as negatives;
* *same day, same topic*: 500 random pairs of articles with the same date and the same AllSides
  topic (the hard case: one event, different articles), seed 7;
* *synthetic wire copies*: for 300 random articles (seed 11) a copy with another headline, another
  byline line and one added paragraph (the first paragraph of another random article); and a
  second kind, the same copy cut to its first 60 % of paragraphs (a shortened wire copy). Each
  copy is indexed after the corpus; it should join its original's group.

Precision counts every pair the grouping makes over the whole corpus (pairs outside the stored
set are labelled on the fly by the same rule); recall counts the stored positive pairs. Exits 0
with a message when the corpus is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsfind.index.ingest.dedup import NUM_PERM, SHINGLE_WORDS, THRESHOLD, GroupStore, fingerprint, normalise_words  # noqa: E402

DEFAULT_CORPUS = CORPORA / "allsides.jsonl.gz"
LABELS = ROOT / "bench" / "data" / "grouping_pairs.json"
THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9)
JACCARD_MIN, LEAD_MIN, LEAD_WORDS = 0.5, 0.5, 60
CANDIDATE_SHINGLE, CANDIDATE_MAX_DF, CANDIDATE_MIN_SHARED = 8, 300, 3
STORED_MIN_JACCARD = 0.2
_PRIME = np.uint64(1_000_003)


# -- texts as hashed shingles -------------------------------------------------------------------


class Shingler:
    """Words -> ids -> 64-bit rolling hashes of k-word shingles (exact up to hash collisions)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def ids(self, text: str) -> np.ndarray:
        words = normalise_words(text)
        return np.fromiter((self.vocab.setdefault(w, len(self.vocab)) for w in words), dtype=np.uint64,
                           count=len(words))

    @staticmethod
    def hashes(ids: np.ndarray, k: int) -> np.ndarray:
        """Shingle hashes in text order (one shingle of all words when there are fewer than k)."""
        if len(ids) == 0:
            return ids
        k = min(k, len(ids))
        n = len(ids) - k + 1
        h = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k):
                h = h * _PRIME + ids[j:j + n] + np.uint64(1)
        return h


class Texts:
    """Per article: sorted unique 5-shingle hashes, and the 5-shingle hashes of its first 60 words."""

    def __init__(self, bodies: list[str]) -> None:
        self.shingler = Shingler()
        self.bodies = bodies
        self.word_ids: list[np.ndarray] = []
        self.sets: list[np.ndarray] = []
        self.leads: list[np.ndarray] = []
        for body in bodies:
            self.add(body)

    def add(self, body: str) -> int:
        ids = self.shingler.ids(body)
        self.word_ids.append(ids)
        self.sets.append(np.unique(Shingler.hashes(ids, 5)))
        self.leads.append(np.unique(Shingler.hashes(ids[:LEAD_WORDS], 5)))
        return len(self.sets) - 1

    def jaccard(self, a: int, b: int) -> float:
        x, y = self.sets[a], self.sets[b]
        inter = len(np.intersect1d(x, y, assume_unique=True))
        union = len(x) + len(y) - inter
        return inter / union if union else 0.0

    def lead(self, a: int, b: int) -> float:
        def one_way(x: int, y: int) -> float:
            lead = self.leads[x]
            return len(np.intersect1d(lead, self.sets[y], assume_unique=True)) / len(lead) if len(lead) else 0.0
        return max(one_way(a, b), one_way(b, a))

    def label(self, a: int, b: int) -> tuple[int, float, float]:
        j, lead = self.jaccard(a, b), self.lead(a, b)
        return int(j >= JACCARD_MIN and lead >= LEAD_MIN), j, lead


# -- the corpus, synthetic copies, labels --------------------------------------------------------


def load_corpus(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def synthetic_copies(corpus: list[dict], n: int = 300, seed: int = 11) -> list[dict]:
    """Wire copies of random articles: (kind, original id, id the added paragraph comes from)."""
    rng = random.Random(seed)
    picks = rng.sample(range(len(corpus)), n)
    donors = rng.sample(range(len(corpus)), n)
    return [{"kind": kind, "id": corpus[p]["id"], "added_from": corpus[d]["id"]}
            for p, d in zip(picks, donors, strict=True) for kind in ("headline+byline+paragraph", "shortened-60%")]


def make_copy(spec: dict, by_id: dict[str, dict]) -> dict:
    original, donor = by_id[spec["id"]], by_id[spec["added_from"]]
    paras = paragraphs(original["body"])
    paras = paras[:max(1, len(paras) // 2)] + [paragraphs(donor["body"])[0]] + paras[max(1, len(paras) // 2):]
    if spec["kind"] == "shortened-60%":
        paras = paras[:max(1, round(len(paras) * 0.6))]
    body = "\n\n".join(["By Staff Writer, The Syndicated Times"] + paras)
    return {"id": f"copy:{spec['kind']}:{spec['id']}", "title": "Wire copy: " + (original.get("title") or ""),
            "body": body}


def candidate_pairs(texts: Texts) -> Counter:
    """Pairs of articles sharing >= CANDIDATE_MIN_SHARED eight-word shingles of document frequency
    <= CANDIDATE_MAX_DF: every pair with a substantial common passage."""
    hs, ds = [], []
    for i, ids in enumerate(texts.word_ids):
        h = np.unique(Shingler.hashes(ids, CANDIDATE_SHINGLE))
        hs.append(h)
        ds.append(np.full(len(h), i, dtype=np.int32))
    hashes, docs = np.concatenate(hs), np.concatenate(ds)
    order = np.argsort(hashes, kind="stable")
    hashes, docs = hashes[order], docs[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    shared: Counter = Counter()
    for start, size in zip(starts[(sizes >= 2) & (sizes <= CANDIDATE_MAX_DF)],
                           sizes[(sizes >= 2) & (sizes <= CANDIDATE_MAX_DF)], strict=True):
        shared.update(combinations(sorted(docs[start:start + size].tolist()), 2))
    return Counter({pair: n for pair, n in shared.items() if n >= CANDIDATE_MIN_SHARED})


def build_labels(corpus: list[dict], texts: Texts) -> dict:
    t0 = time.monotonic()
    shared = candidate_pairs(texts)
    print(f"  {len(shared):,} pairs share a passage ({time.monotonic() - t0:.0f}s)", file=sys.stderr)
    pairs: dict[tuple[int, int], dict] = {}
    for a, b in shared:
        label, j, lead = texts.label(a, b)
        if j >= STORED_MIN_JACCARD:
            pairs[(a, b)] = {"label": label, "jaccard": j, "lead": lead, "source": "shared passages"}
    by_day_topic: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(corpus):
        if r.get("date") and r.get("topic"):
            by_day_topic[(r["date"], r["topic"])].append(i)
    buckets = [v for v in by_day_topic.values() if len(v) > 1]
    rng = random.Random(7)
    sampled = 0
    while sampled < 500:
        a, b = sorted(rng.sample(rng.choice(buckets), 2))
        if (a, b) in pairs:
            continue
        label, j, lead = texts.label(a, b)
        pairs[(a, b)] = {"label": label, "jaccard": j, "lead": lead, "source": "same day and topic"}
        sampled += 1
    rows = [[corpus[a]["id"], corpus[b]["id"], p["label"], round(p["jaccard"], 4), round(p["lead"], 4), p["source"]]
            for (a, b), p in sorted(pairs.items())]
    return {
        "corpus": "allsides.jsonl.gz (37,554 articles)",
        "rule": f"version pair iff exact Jaccard of 5-word shingle sets >= {JACCARD_MIN} and lead overlap "
                f"(first {LEAD_WORDS} words) >= {LEAD_MIN}; see bench/eval_grouping.py",
        "columns": ["id_a", "id_b", "label", "jaccard", "lead", "source"],
        "pairs": rows,
        "synthetic": synthetic_copies(corpus),
    }


def write_labels(labels: dict) -> None:
    """One pair or synthetic copy per line: small, and diffs stay readable."""
    head = {k: v for k, v in labels.items() if k not in ("pairs", "synthetic")}
    lines = [json.dumps(head)[:-1] + ","]
    for key in ("pairs", "synthetic"):
        rows = [json.dumps(r, separators=(",", ":")) for r in labels[key]]
        lines.append(f'"{key}": [\n' + ",\n".join(rows) + "\n]" + ("," if key == "pairs" else "}"))
    LABELS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cached_fingerprints(articles: list[dict], cache: Path) -> list:
    """Fingerprints as `newsfind index` computes them; cached in bench/results/ (ignored by git)."""
    import pickle

    key = (len(articles), articles[0]["id"], articles[-1]["id"], NUM_PERM, SHINGLE_WORDS)
    if cache.exists():
        stored_key, fps = pickle.loads(cache.read_bytes())
        if stored_key == key:
            return fps
    fps = [fingerprint(r.get("title") or "", r.get("body") or "") for r in articles]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps((key, fps)))
    return fps


# -- scoring -------------------------------------------------------------------------------------


def group_all(fingerprints: list, ids: list[str], threshold: float) -> dict[str, str]:
    store = GroupStore(None, threshold=threshold)
    for doc_id, fp in zip(ids, fingerprints, strict=True):
        store.assign(doc_id, "", fp)
    groups = store.groups()
    store.close()
    return groups


def score(groups: dict[str, str], index_of: dict[str, int], texts: Texts, labels: dict, n_corpus: int) -> dict:
    members: dict[str, list[int]] = defaultdict(list)
    for doc_id, group in groups.items():
        members[group].append(index_of[doc_id])
    stored = {(index_of[a], index_of[b]): label for a, b, label, *_ in labels["pairs"]}
    stored.update({(b, a): label for (a, b), label in list(stored.items())})
    made = tp = 0
    false_pairs = []
    for docs in members.values():
        corpus_docs = sorted(d for d in docs if d < n_corpus)
        for a, b in combinations(corpus_docs, 2):
            made += 1
            label = stored.get((a, b))
            if label is None:
                label = texts.label(a, b)[0]
            tp += label
            if not label:
                false_pairs.append((a, b))
    positives = [(index_of[a], index_of[b]) for a, b, label, *_ in labels["pairs"] if label]
    missed = [(a, b) for a, b in positives if groups[texts_id(a)] != groups[texts_id(b)]]
    found = len(positives) - len(missed)
    synth: dict[str, list[int]] = defaultdict(list)
    for spec in labels["synthetic"]:
        copy_id = f"copy:{spec['kind']}:{spec['id']}"
        synth[spec["kind"]].append(int(groups[copy_id] == groups[spec["id"]]))
    return {"pairs_made": made, "largest_group": max(len(d) for d in members.values()),
            "precision": tp / made if made else 1.0, "positives": len(positives),
            "recall": found / len(positives) if positives else 1.0, "false_pairs": false_pairs, "missed": missed,
            "synthetic_recall": {k: sum(v) / len(v) for k, v in synth.items()}}


_IDS: list[str] = []


def texts_id(i: int) -> str:
    return _IDS[i]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rebuild-labels", action="store_true", help=f"rebuild {LABELS.relative_to(ROOT)}")
    parser.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    parser.add_argument("--list-at", type=float, help=f"threshold whose errors to list (default {THRESHOLD})")
    parser.add_argument("--show", type=int, default=10, help="print this many wrongly grouped and missed pairs")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"benchmark corpus not found at {args.corpus}; nothing to measure (pass --corpus PATH)")
        return 0
    t0 = time.monotonic()
    corpus = load_corpus(args.corpus)
    print(f"{len(corpus):,} articles; shingling ...", file=sys.stderr)
    texts = Texts([r.get("body") or "" for r in corpus])
    if args.rebuild_labels or not LABELS.exists():
        labels = build_labels(corpus, texts)
        LABELS.parent.mkdir(parents=True, exist_ok=True)
        write_labels(labels)
        print(f"  wrote {LABELS.relative_to(ROOT)}", file=sys.stderr)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in corpus}
    copies = [make_copy(spec, by_id) for spec in labels["synthetic"]]
    for copy in copies:
        texts.add(copy["body"])
    _IDS[:] = [r["id"] for r in corpus] + [c["id"] for c in copies]
    index_of = {doc_id: i for i, doc_id in enumerate(_IDS)}
    print(f"fingerprinting {len(_IDS):,} articles ... ({time.monotonic() - t0:.0f}s)", file=sys.stderr)
    fingerprints = cached_fingerprints(corpus + copies, ROOT / "bench" / "results" / "grouping_fingerprints.pkl")

    n_pos = sum(1 for p in labels["pairs"] if p[2])
    print(f"\nLabelled pairs: {len(labels['pairs']):,} stored ({n_pos} version pairs), "
          f"{len(labels['synthetic'])} synthetic copies; rule: {labels['rule']}\n")
    print(f"{'threshold':>9}  {'pairs':>6}  {'precision':>9}  {'recall':>6}  {'F1':>5}  "
          + "  ".join(f"{k:>26}" for k in ("synthetic headline+byline+para", "synthetic shortened-60%")))
    results = {}
    for threshold in (float(t) for t in args.thresholds.split(",")):
        groups = group_all(fingerprints, _IDS, threshold)
        s = score(groups, index_of, texts, labels, len(corpus))
        results[threshold] = s
        f1 = 2 * s["precision"] * s["recall"] / (s["precision"] + s["recall"]) if s["precision"] + s["recall"] else 0
        mark = "  <- newsfind" if abs(threshold - THRESHOLD) < 1e-9 else ""
        synth = s["synthetic_recall"]
        print(f"{threshold:>9.2f}  {s['pairs_made']:>6}  {s['precision']:>9.3f}  {s['recall']:>6.3f}  {f1:>5.3f}  "
              f"{synth['headline+byline+paragraph']:>30.3f}  {synth['shortened-60%']:>23.3f}  "
              f"largest group {s['largest_group']}{mark}")
    list_at = THRESHOLD if args.list_at is None else args.list_at
    chosen = results.get(list_at)
    if chosen and args.show:
        for what, pairs in (("Wrongly grouped", chosen["false_pairs"]), ("Missed version", chosen["missed"])):
            print(f"\n{what} pairs at {list_at} ({len(pairs)}; first {args.show}):")
            for a, b in pairs[:args.show]:
                _, j, lead = texts.label(a, b)
                print(f"  {_IDS[a]} / {_IDS[b]}  jaccard {j:.2f} lead {lead:.2f}  "
                      f"[{corpus[a].get('outlet')}] {corpus[a].get('title', '')[:50]!r} / "
                      f"[{corpus[b].get('outlet')}] {corpus[b].get('title', '')[:50]!r}")
    print(f"\n({time.monotonic() - t0:.0f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
