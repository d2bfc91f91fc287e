"""Who a he/she source may be: the named persons before it, each with mention-pair features, for the
learned attribution model (`features`, `model`).

The rules resolve a he/she to one person (`pronouns.py`), or to nobody. The model instead sees every
person named in the pronoun's sentence (before it) and the four sentences before, the most recent first
(at most `OPTIONS`), each as a candidate source of the pronoun's event with features of the pair: how far
back and how many persons lie between, whether the gender agrees, whether the person was a subject there,
a source of an earlier event, in the same paragraph, and how often named so far; the rules' pick is one
more feature. Trained with the rest of the model on PolNeAR train, each option labelled by the harness's
gold resolution of the pronoun: the linear model over these features is the mention-pair model.
"""

from __future__ import annotations

import math

from newsfind.index.nlp.names import is_female_first_name, looks_female, names_no_person
from newsfind.index.nlp.speakers.events import SpeechEvent

OPTIONS = 4  # persons offered per pronoun, the most recent first
SENTENCES_BACK = 4
SUBJECT_DEPS = ("nsubj", "nsubjpass")


def genders(persons) -> dict[str, bool | None]:
    """Each person's gender where titles or a first name tell it (True: female), as the rules take it."""
    out: dict[str, bool | None] = {}
    for m in persons:
        if out.get(m.canonical) is None:
            out[m.canonical] = looks_female(m.titles, m.canonical)
            if out[m.canonical] is None and " " not in m.canonical and is_female_first_name(m.canonical):
                out[m.canonical] = True
    return out


def _is_subject(doc, m) -> bool:
    tok = doc[m.token_end - 1]
    for t in doc[m.token_start:m.token_end]:
        if not m.token_start <= t.head.i < m.token_end:
            tok = t
            break
    steps = 0
    while tok.dep_ in ("conj", "appos", "compound", "flat") and tok.head.i != tok.i and steps < 4:
        tok, steps = tok.head, steps + 1
    return tok.dep_ in SUBJECT_DEPS


def options(doc, text: str, sentences, persons, events: list[SpeechEvent], inside_quote: bytearray,
            body_offset: int, pron_i: int, gender: dict[str, bool | None]) -> list[tuple[str, dict[str, float]]]:
    """[(person, pair features)] for the he/she at token `pron_i`, the most recent person first."""
    want_female = doc[pron_i].lower_ == "she"
    here = sentences.index_of(pron_i)
    lo = sentences.spans[max(0, here - SENTENCES_BACK)].start
    latest: dict[str, object] = {}
    count: dict[str, int] = {}
    for m in persons:  # in reading order
        if m.token_start >= pron_i:
            break
        count[m.canonical] = count.get(m.canonical, 0) + 1
        if m.token_start >= lo and m.start >= body_offset and not names_no_person(m.canonical):
            latest[m.canonical] = m
    ranked = sorted(latest, key=lambda v: -latest[v].token_start)[:OPTIONS]
    earlier = [e for e in events if e.cue_i < pron_i and e.speaker and e.names_a_speaker]
    last_source = max(earlier, key=lambda e: e.cue_i).speaker if earlier else None
    agreeing = [v for v in ranked if gender.get(v) in (None, want_female)]
    pron_para = text.rfind("\n", 0, doc[pron_i].idx)
    dist_of = {v: here - sentences.index_of(latest[v].token_start) for v in ranked}
    out = []
    for rank, value in enumerate(ranked, 1):
        m = latest[value]
        g = gender.get(value)
        agree = "unknown" if g is None else ("agree" if g == want_female else "clash")
        dist = min(dist_of[value], SENTENCES_BACK)
        f = {f"ante_rank={rank}": 1.0, f"ante_dist={dist}": 1.0, f"ante_gender={agree}": 1.0,
             f"ante_dist+gender={dist}+{agree}": 1.0, f"ante_rank+gender={rank}+{agree}": 1.0,
             "ante_salience": math.log1p(count[value])}
        if agree != "clash":
            f[f"ante_agree_rank={agreeing.index(value) + 1}"] = 1.0
            if len(agreeing) == 1:
                f["ante_only_agreeing"] = 1.0
        if _is_subject(doc, m):
            f["ante_subject"] = 1.0
            f[f"ante_subject+dist={dist}"] = 1.0
        if any(e.speaker == value for e in earlier):
            f["ante_prev_source"] = 1.0
        if value == last_source:
            f["ante_last_source"] = 1.0
        if text.rfind("\n", 0, m.start) == pron_para:
            f["ante_same_para"] = 1.0
        if inside_quote[m.start]:
            f["ante_in_quote"] = 1.0
        out.append((value, f))
    return out
