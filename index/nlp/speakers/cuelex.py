"""A cue lexicon learned from PolNeAR train, for the learned attribution model (`features`, `model`).

PolNeAR marks the cue of every attribution ("said", "lit into", "called on", "released an ad attacking",
"will discuss"). For each word (`features.lemma`: the lexicon's lemma or a crude stem) the lexicon holds how
often it heads an annotated cue in train among all its occurrences there, smoothed: a rate from 0 to 1. The
rules know a few hundred verbs by hand; the lexicon knows every word that heads a cue in train, and how
reliably. It is stored in the model's artifact (`cue_lexicon`) and built by bench/train_attribution.py,
cross-fitted: a training article's rates come from the other folds only, so a word's rate never counts
the article's own cues.

`raw_keys` notes, for a candidate, the words the lexicon is looked up for (they are not features: the
model skips keys that start with "lx:"): the governing word after climbing conj/appos/compound/flat and
up to three words above it, and the verbs its clause governs ("tried to argue", "come on the show to
talk"). `derived` turns them into features with the lexicon at scoring time: the governing word's rate
(with a subject, and binned), the clause's best rate, and the nearest cue-like word above the governing
word (how many steps up: the source several hops from its cue).
"""

from __future__ import annotations

from collections import Counter

from newsfind.index.nlp.postags import is_verb
from newsfind.index.nlp.speakers import frames

PREFIX = "lx:"
SMOOTH = 3.0  # rate = cues / (occurrences + SMOOTH)
CUE_LIKE = 0.15  # a word this often a cue counts as one on the path above the governing word
HOPS = 4  # the governing word and up to three above it
BINS = (0.02, 0.08, 0.2, 0.45)
PREPOSITIONS = frozenset({"by", "from", "of", "to", "for", "with", "about", "in", "on"})


def raw_keys(f: dict[str, float], eff, lemma) -> None:
    """Note the words around `eff` (the candidate after climbing) that the lexicon is looked up for."""
    f[f"{PREFIX}dep={eff.dep_}"] = 1.0
    tok = eff
    for hop in range(1, HOPS + 1):
        if tok.head.i == tok.i:
            break
        tok = tok.head
        f[f"{PREFIX}{hop}={lemma(tok)}"] = 1.0
    if eff.dep_ in ("nsubj", "nsubjpass"):
        f[PREFIX + "subj"] = 1.0
        for child in eff.head.children:
            if child.dep_ in ("xcomp", "ccomp", "advcl", "dobj"):
                f[f"{PREFIX}c={lemma(child)}"] = 1.0
                for grand in child.children:  # 'come on the show to talk', 'released an ad attacking'
                    if grand.dep_ in ("xcomp", "acl", "advcl", "relcl") and is_verb(grand):
                        f[f"{PREFIX}c={lemma(grand)}"] = 1.0


def _bin(rate: float) -> int:
    return sum(rate >= b for b in BINS)


def derived(f: dict[str, float], lexicon: dict[str, float]) -> dict[str, float]:
    """The lexicon's features for a candidate's raw keys (empty without a lexicon or raw keys)."""
    if not lexicon:
        return {}
    hops: dict[int, float] = {}
    words: dict[int, str] = {}
    clause = 0.0
    dep = "?"
    for key in f:
        if not key.startswith(PREFIX):
            continue
        name, _, word = key[len(PREFIX):].partition("=")
        if name == "c":
            clause = max(clause, lexicon.get(word, 0.0))
        elif name == "dep":
            dep = word
        elif name.isdigit():
            hops[int(name)] = lexicon.get(word, 0.0)
            words[int(name)] = word
    if not hops:
        return {}
    out: dict[str, float] = {}
    subj = PREFIX + "subj" in f
    gov = hops.get(1, 0.0)
    out["cue_rate_gov"] = gov
    out[f"cue_bin_gov={_bin(gov)}"] = 1.0
    out[f"cue_bin_gov+dep={_bin(gov)}+{dep}"] = 1.0
    if subj:
        out["cue_rate_gov_subj"] = gov
        out[f"cue_bin_gov_subj={_bin(gov)}"] = 1.0
        if clause:
            out["cue_rate_clause"] = clause
            out[f"cue_bin_clause={_bin(clause)}"] = 1.0
    if dep == "pobj" and 2 in hops:  # 'derided by X', 'an endorsement from X', 'calls from X'
        prep = words[1] if words[1] in PREPOSITIONS else "other"
        out[f"cue_bin_up+prep={_bin(hops[2])}+{prep}"] = 1.0
    if gov < CUE_LIKE:
        up = next((h for h in sorted(hops) if h > 1 and hops[h] >= CUE_LIKE), None)
        if up is not None:
            out[f"cue_path={up}"] = 1.0
            out["cue_rate_path"] = hops[up]
    out.update(frames.lexicon_features(f, lexicon))
    return out


def cue_counts(nlp_doc, cue_spans: list[tuple[int, int]], lemma) -> tuple[Counter, Counter]:
    """(how often each word heads an annotated cue, how often it occurs) in one parsed article."""
    occ = Counter(lemma(t) for t in nlp_doc if t.is_alpha)
    cues: Counter = Counter()
    for start, end in cue_spans:
        span = nlp_doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            cues[lemma(span.root)] += 1
    return cues, occ


def build(counts: list[tuple[Counter, Counter]]) -> dict[str, float]:
    """The lexicon from per-article (cues, occurrences): each word that heads a cue, with its rate."""
    cues: Counter = Counter()
    occ: Counter = Counter()
    for c, o in counts:
        cues.update(c)
        occ.update(o)
    return {w: round(n / (max(occ[w], n) + SMOOTH), 4) for w, n in sorted(cues.items())}
