"""What a candidate's verb frames, for the learned attribution model (`features`): PolNeAR's attributions
are statements, beliefs, intentions, plans and stances, not plain actions ("Klein will discuss", "Obama
plans to create", "Rubio made the case that" against "Cohen looked crushed", "Lerer reported from Los
Angeles").

`verb_frame` adds features (prefix "fr_") for a candidate that is the subject of a verb: the verb's
modality and aspect ("will", "would", a modal, "is going to", "has"), the complement it takes (a
"that"-clause, a wh-clause, a bare clause, a quotation or a colon, an adjective "looked crushed", a
copula), the statement noun it takes as object through a "that"-clause ("made the case that"), and a
credit line's verb ("reported from", "contributed reporting"). It notes for the cue lexicon (`cuelex`) the
object noun ("lx:o=") and the verbs of the xcomp/advcl chain below the verb, three deep ("lx:x=": "will
come on the show to talk about"); `lexicon_features` turns them into rates at scoring time.

`discourse` adds, after all candidates are made, what the sentences around a candidate say of the same
person: a rules' attribution to them in the sentence before or after, a quotation there, and whether they
are the article's most frequent source of the rules so far.
"""

from __future__ import annotations

from newsfind.index.nlp.postags import is_verb
from newsfind.index.nlp.speakers.events import SpeechEvent

PREFIX = "lx:"  # the cue lexicon's raw keys (`cuelex.PREFIX`)
BINS = (0.02, 0.08, 0.2, 0.45)
FUTURE = frozenset({"will", "'ll", "wo", "shall"})
CONDITIONAL = frozenset({"would", "'d"})
MODALS = frozenset({"can", "could", "may", "might", "should", "must", "ca"})
WH = frozenset({"how", "why", "what", "whether", "if", "who", "when", "where", "which"})
CREDIT_PREPS = frozenset({"from", "for"})
CREDIT_VERBS = frozenset({"report", "contribut", "contribute", "writ", "write", "edit"})
QUOTES = "“”\"«»‘’'"
CHAIN = ("xcomp", "advcl", "ccomp")
DEPTH = 3


def _modality(verb) -> str | None:
    """'will' / 'would' / 'modal' / 'going' / 'perfect' / None, from the auxiliaries of `verb` or of the verb
    it is the xcomp of ('is going to announce', 'plans to')."""
    for tok in (verb, verb.head if verb.dep_ == "xcomp" else None):
        if tok is None:
            continue
        for c in tok.children:
            if c.dep_ not in ("aux", "auxpass"):
                continue
            low = c.lower_
            if low in FUTURE:
                return "will"
            if low in CONDITIONAL:
                return "would"
            if low in MODALS:
                return "modal"
        if tok.lower_ == "going" and any(c.dep_ == "xcomp" for c in tok.children):
            return "going"
    if any(c.dep_ == "aux" and c.lower_ in ("has", "have", "had", "'s", "'ve") for c in verb.children):
        return "perfect"
    return None


def _complement(verb) -> list[str]:
    """The kinds of complement `verb` takes: 'that', 'wh', 'clause', 'quote', 'colon', 'acomp', 'attr'."""
    kinds = []
    doc = verb.doc
    for c in verb.children:
        if c.dep_ == "ccomp":
            marks = [g.lower_ for g in c.children if g.dep_ in ("mark", "advmod", "nsubj", "dobj")
                     and g.i < c.i]
            first = doc[c.left_edge.i].lower_
            if "that" in marks or first == "that":
                kinds.append("that")
            elif first in WH or any(m in WH for m in marks):
                kinds.append("wh")
            else:
                kinds.append("clause")
        elif c.dep_ in ("acomp", "attr", "oprd"):
            kinds.append("acomp" if c.dep_ != "attr" else "attr")
    after = doc[verb.i + 1:min(len(doc), verb.i + 4)]
    for tok in after:
        if tok.text == ":":
            kinds.append("colon")
            break
        if tok.text in QUOTES:
            kinds.append("quote")
            break
    return kinds


def _chain(verb, lemma, depth: int = DEPTH) -> list:
    """The verbs below `verb` through xcomp/advcl/ccomp, and through its object's acl/relcl, `depth` deep."""
    out = []
    frontier = [verb]
    for _ in range(depth):
        nxt = []
        for v in frontier:
            for c in v.children:
                if c.dep_ in CHAIN and is_verb(c):
                    nxt.append(c)
                elif c.dep_ == "dobj":
                    nxt += [g for g in c.children if g.dep_ in ("acl", "relcl") and is_verb(g)]
        out += nxt
        frontier = nxt
    return out


def verb_frame(f: dict[str, float], eff, gov, lemma) -> None:
    """The frame of the verb `gov` whose subject is `eff` (the candidate after climbing)."""
    if eff.dep_ not in ("nsubj", "nsubjpass") or not gov.tag_.startswith(("VB", "MD")) or gov.i == eff.i:
        return
    mod = _modality(gov)
    if mod:
        f[f"fr_mod={mod}"] = 1.0
    kinds = _complement(gov)
    for k in kinds:
        f[f"fr_comp={k}"] = 1.0
    if mod in ("will", "would", "going") and any(c.dep_ in ("xcomp", "advcl") for c in gov.children):
        f["fr_mod_purpose"] = 1.0  # 'will come on the program to talk about'
    for c in gov.children:
        if c.dep_ == "dobj":
            f[f"{PREFIX}o={lemma(c)}"] = 1.0
            if any(g.dep_ in ("ccomp", "acl") and any(m.lower_ == "that" for m in g.children) for g in c.children):
                f["fr_obj_that"] = 1.0  # 'made the case that', 'the claim that'
        if c.dep_ == "prep" and c.lower_ in CREDIT_PREPS and lemma(gov) in CREDIT_VERBS:
            f["fr_credit_verb"] = 1.0  # 'Lerer reported from Los Angeles'
        if c.dep_ == "dobj" and c.lower_ == "reporting":
            f["fr_credit_verb"] = 1.0  # 'contributed reporting'
        if c.dep_ in ("attr", "acomp", "oprd"):  # 'has been a dogged defender', 'was so convinced'
            f[f"{PREFIX}a={lemma(c)}"] = 1.0
        if c.dep_ == "prep":  # 'weighed in with her support', 'took to Twitter'
            for g in c.children:
                if g.dep_ == "pobj":
                    f[f"{PREFIX}p={lemma(g)}"] = 1.0
    for v in _chain(gov, lemma):
        f[f"{PREFIX}x={lemma(v)}"] = 1.0


def _bin(rate: float) -> int:
    return sum(rate >= b for b in BINS)


LEXICON_KEYS = {"o": "obj", "a": "attr", "p": "pobj", "x": "chain", "1": "gov"}


def lexicon_features(f: dict[str, float], lexicon: dict[str, float]) -> dict[str, float]:
    """The cue lexicon's rates over the object noun, a copula's noun, the prepositions' nouns and the verb
    chain `verb_frame` noted (one pass over the keys: this runs for every candidate the model scores)."""
    best = {"obj": 0.0, "attr": 0.0, "pobj": 0.0, "chain": 0.0, "gov": 0.0}
    mod = None
    for key in f:
        if key.startswith(PREFIX):
            name = LEXICON_KEYS.get(key[3:4]) if key[4:5] == "=" else None
            if name:
                best[name] = max(best[name], lexicon.get(key[5:], 0.0))
        elif key.startswith("fr_mod="):
            mod = key[7:]
    out: dict[str, float] = {}
    for name in ("obj", "attr", "pobj", "chain"):
        if best[name]:
            out[f"fr_rate_{name}"] = best[name]
            out[f"fr_bin_{name}={_bin(best[name])}"] = 1.0
    if mod:
        out[f"fr_bin_gov+mod={_bin(max(best['gov'], best['chain']))}+{mod}"] = 1.0
    return out


def discourse(cands: list, events: list[SpeechEvent], sentences, inside_quote: bytearray) -> None:
    """The sentences around each candidate: the rules' attribution to the same person or a quotation in
    the sentence before or after, whether the person is the rules' most frequent source so far, and how many
    persons its sentence names (not for the extra `bare-pronouns` candidates)."""
    if not cands:
        return
    by_sent: dict[int, set[str]] = {}
    firsts: list[tuple[int, str]] = []
    for e in events:
        if e.speaker and e.names_a_speaker:
            k = sentences.index_of(e.cue_i)
            by_sent.setdefault(k, set()).add(e.speaker)
            firsts.append((k, e.speaker))
    firsts.sort()
    quoted: dict[int, bool] = {}

    def has_quote(k: int) -> bool:
        if k not in quoted:
            span = sentences.spans[k] if 0 <= k < len(sentences.spans) else None
            quoted[k] = span is not None and inside_quote.count(0, span.start_char, span.end_char) < len(
                span.text)
        return quoted[k]

    tops: dict[int, frozenset[str]] = {}

    def leaders(k: int) -> frozenset[str]:
        """The persons the rules make a source most often before sentence `k`."""
        if k not in tops:
            counts: dict[str, int] = {}
            for s, v in firsts:
                if s >= k:
                    break
                counts[v] = counts.get(v, 0) + 1
            most = max(counts.values(), default=0)
            tops[k] = frozenset(v for v, n in counts.items() if n == most)
        return tops[k]

    persons: dict[int, list] = {}
    for c in cands:
        if c.features.get("mention"):
            persons.setdefault(c.sent, []).append(c)
    for c in cands:
        f = c.features
        if f.get("pronoun_no_event"):  # `bare-pronouns` candidates keep weights of their own (`features`)
            continue
        k = c.sent
        here = persons.get(k, [])
        f[f"fr_persons_in_sent={min(len(here), 3)}"] = 1.0
        if here and here[0] is c:
            f["fr_first_person_in_sent"] = 1.0
        if c.value in by_sent.get(k - 1, ()):
            f["fr_prev_same"] = 1.0
        if c.value in by_sent.get(k + 1, ()):
            f["fr_next_same"] = 1.0
        if has_quote(k - 1):
            f["fr_prev_quote"] = 1.0
        if has_quote(k + 1):
            f["fr_next_quote"] = 1.0
        if c.value in leaders(k):
            f["fr_top_source_so_far"] = 1.0
