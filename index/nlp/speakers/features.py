"""Candidate speakers of one article and their features, for the learned attribution model (`model`).

A *candidate* is one person mention (every PERSON the article names, and every name the rules
added), or one speech event of the rules whose source is a person but no mention of that person
(a he/she, a noun phrase, a transcript or dash line). Its features come from the spaCy parse around
the mention and from the rules: the rules' verdict is one feature among others, not the final word.

Features are sparse, named strings with a value (1.0 unless said): "dep=nsubj", "gov=say",
"rule=named", "colon_after". The model keeps the names it saw often enough in training and ignores
the rest, so a word never seen in training costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from newsfind.index.nlp.speakers import antecedents, cuelex, frames, untagged
from newsfind.index.nlp.speakers.antecedents import genders
from newsfind.index.nlp.speakers.events import SpeechEvent
from newsfind.index.nlp.speakers.lexicon import PERSON_PRONOUNS, PUSH_FOR, STANCE, STRONG, THOUGHT, WEAK

CLIMB = frozenset({"conj", "appos", "compound", "flat", "cc"})
DASHES = "-–—―"
QUOTE_CHARS = "“”\"«»"
# Candidates beyond the entity layer's person mentions and the rules' events, used when the model in force was
# trained with them (its `extra_candidates`, `make train-attribution TRAIN_ARGS=--extra-candidates=...`):
# "untagged": names of the article's persons the small model left untagged; "bare-pronouns": a he/she
# subject of a verb no rule made a source. Measured on train CV, neither pays yet (README).
EXTRA_SOURCES = ("untagged", "bare-pronouns")
# The pipeline runs without its lemmatizer: a verb form the lexicon knows is folded to its lemma
# ("said" -> "say"), any other word is taken in lower case.
LEMMAS = {**THOUGHT, **PUSH_FOR, **STANCE, **WEAK, **STRONG}


def lemma(tok) -> str:
    low = tok.lower_
    return LEMMAS.get(low) or stem(low)


def stem(word: str) -> str:
    """A crude stem, so that the forms of a verb the lexicon does not know share one feature
    ('backed', 'backs', 'backing' -> 'back'; 'release', 'released' -> 'releas')."""
    if not word.isalpha() or len(word) < 5:
        return word
    if word.endswith(("ied", "ies")):
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[:-len(suffix)]
            break
    if word[-1] == word[-2] and word[-1] not in "lsz":  # 'pitted' -> 'pit'
        word = word[:-1]
    return word


@dataclass
class Candidate:
    value: str  # the person's canonical value
    start: int  # character span of the mention (or the event's source token) in the analysed text
    end: int
    sent: int  # sentence number
    features: dict[str, float] = field(default_factory=dict)
    event: SpeechEvent | None = None  # the rules' event whose source this is, if any
    probability: float = 0.0
    vetoed: bool = False  # the rules examined this source and said no (`veto`): the model may not make it speak
    pronoun: int = -1  # a he/she's token index when this is one of the persons it may be (`antecedents`)


def _root(doc, start: int, end: int):
    """The token of doc[start:end] whose head lies outside it (the last one when none does)."""
    for tok in doc[start:end]:
        if not start <= tok.head.i < end or tok.head.i == tok.i:
            return tok
    return doc[end - 1]


def _verb_class(tok) -> str | None:
    low = tok.lower_
    for name, forms in (("strong", STRONG), ("weak", WEAK), ("stance", STANCE), ("thought", THOUGHT)):
        if low in forms:
            return name
    return None


REFUSALS = frozenset({"decline", "declined", "declines", "declining", "refuse", "refused", "refuses", "refusing"})


def veto(f: dict[str, float], own: list[SpeechEvent]) -> bool:
    """The rules' no, which the model never overrules: a negated verb ('did not endorse'), a refusal ('declined
    to comment'), a source quoted inside quotation marks, speech only reported by another ('Briggs said Sharpton
    asked'), a he/she that only a merely mentioned person could be, and the subject of a cue verb the rules
    examined and rejected ('called both candidates', 'defended her title', 'Neither Cruz nor Rubio said'), and a
    name heading a list line, a colon and numbers only after it ('Hillary Clinton: 1,769.': nothing said)."""
    if _event_veto(f):
        return True
    if any(e.rule.startswith("pronoun-mentioned") or not e.names_a_speaker for e in own):
        return True
    cue_subject = any(k.startswith(("dep+govclass=nsubj", "dep+govclass=nsubjpass")) for k in f)
    return cue_subject and not own


VETO_KINDS = ("list-line", "negated", "refusal", "quoted", "reported", "mentioned", "no-speaker", "cue-content",
              "cue-subject")


def veto_kind(f: dict[str, float]) -> str:
    """Which of the rules' noes (`veto`) a vetoed candidate's features show, the first of `VETO_KINDS` (a bare
    he/she's features, "bare:"-prefixed, are read without the prefix)."""
    if any(k.startswith("bare:") for k in f):
        f = {k.removeprefix("bare:"): v for k, v in f.items()}
    if f.get("colon_then_no_words"):
        return "list-line"
    if f.get("gov_negated"):
        return "negated"
    if f.get("refusal"):
        return "refusal"
    if f.get("inside_quote"):
        return "quoted"
    if f.get("rule_reported"):
        return "reported"
    if any(k.startswith("rule_full=pronoun-mentioned") for k in f):
        return "mentioned"
    if any(k.startswith("rule=") for k in f) and not f.get("rule_names_speaker"):
        return "no-speaker"
    if f.get("quote_near") or any(k.startswith(("govchild=ccomp", "govchild=xcomp")) for k in f):
        return "cue-content"  # a cue verb's subject the rules rejected though it governs a clause or a quote is near
    return "cue-subject"


def _event_veto(f: dict[str, float]) -> bool:
    return bool(f.get("gov_negated") or f.get("inside_quote") or f.get("rule_reported") or f.get("refusal")
                or f.get("colon_then_no_words"))


def parse_features(f: dict[str, float], doc, start: int, end: int) -> None:
    """Where the span doc[start:end] stands in the parse: its dependency, the one after climbing
    conj/appos/compound/flat, the governing word and its class, and what that word governs."""
    root = _root(doc, start, end)
    f[f"dep={root.dep_}"] = 1.0
    eff, steps = root, 0
    while eff.dep_ in CLIMB and eff.head.i != eff.i and steps < 6:
        eff, steps = eff.head, steps + 1
    if steps:
        f["climbed"] = 1.0
        f[f"effdep={eff.dep_}"] = 1.0
    gov = eff.head
    cuelex.raw_keys(f, eff, lemma)
    frames.verb_frame(f, eff, gov, lemma)
    # a name that heads its own sentence ("Bernie Sanders: 1,140.") governs itself: its own surname is no feature
    gov_word = "<self>" if gov.i == eff.i else lemma(gov)
    f[f"gov={gov_word}"] = 1.0
    f[f"govtag={gov.tag_}"] = 1.0
    f[f"dep+gov={eff.dep_}+{gov_word}"] = 1.0
    if eff.dep_ in ("nsubj", "nsubjpass") and gov.tag_.startswith("VB"):
        f[f"subj_of_tag={gov.tag_}"] = 1.0
    klass = _verb_class(gov)
    if klass:
        f[f"govclass={klass}"] = 1.0
        f[f"dep+govclass={eff.dep_}+{klass}"] = 1.0
    if eff.dep_ in ("nsubj", "nsubjpass"):
        if gov.i < eff.i:
            f["subj_after_verb"] = 1.0
        for child in gov.children:
            if child.dep_ in ("ccomp", "xcomp", "dobj", "prep", "advcl", "oprd"):
                f[f"govchild={child.dep_}"] = 1.0
                if child.dep_ in ("xcomp", "ccomp"):
                    ck = _verb_class(child)
                    f[f"govchild={child.dep_}+{ck or lemma(child)}"] = 1.0
            if child.dep_ in ("prt", "prep"):  # 'lit into', 'called on', 'pushed for'
                f[f"gov+{child.dep_}={lemma(gov)}+{child.lower_}"] = 1.0
            if child.dep_ == "dobj":  # 'released an ad attacking', 'issued a statement saying'
                f[f"gov+obj={lemma(gov)}+{lemma(child)}"] = 1.0
                for g in child.children:
                    if g.dep_ in ("acl", "relcl"):
                        f[f"obj_acl={_verb_class(g) or 'other'}"] = 1.0
            if child.text in QUOTE_CHARS or child.text == ":":
                f["gov_quote_child"] = 1.0
        if gov.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp", "conj"):
            f[f"govdep={gov.dep_}"] = 1.0
        neg = any(c.dep_ == "neg" for c in gov.children)
        if neg:
            f["gov_negated"] = 1.0
        if gov.lower_ in REFUSALS or gov.head.lower_ in REFUSALS:
            f["refusal"] = 1.0
    up = gov.head
    if up.i != gov.i:
        f[f"gov2={lemma(up)}"] = 1.0
        if eff.dep_ == "pobj" and gov.lower_ == "to" and up.lower_ == "according":
            f["according_to"] = 1.0
        if eff.dep_ == "pobj" and gov.lower_ == "by" and gov.dep_ == "agent":
            f["agent_of=" + (_verb_class(up) or "other")] = 1.0
        if eff.dep_ == "pobj" and gov.lower_ in ("as", "including", "like"):
            f["listed"] = 1.0


def surface_features(f: dict[str, float], doc, text: str, start_tok: int, end_tok: int,
                     inside_quote: bytearray) -> None:
    """The words and marks around the span: neighbours, a colon or dash on its line, quotation marks."""
    start, end = doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1])
    prev = doc[start_tok - 1].lower_ if start_tok else "<s>"
    nxt = doc[end_tok].lower_ if end_tok < len(doc) else "</s>"
    f[f"prev={prev}"] = 1.0
    if start_tok > 1:
        f[f"prev2={doc[start_tok - 2].lower_} {prev}"] = 1.0
    f[f"next={nxt}"] = 1.0
    if end_tok + 1 < len(doc):
        f[f"next2={nxt} {doc[end_tok + 1].lower_}"] = 1.0
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if not before.strip():
        f["opens_line"] = 1.0
    elif before.strip()[0] in DASHES:
        f["dash_line"] = 1.0
        if len(before.strip()) <= 3:
            f["dash_then_name"] = 1.0
    colon = after.find(":")
    if 0 <= colon <= 80 and not any(c in QUOTE_CHARS for c in after[:colon]):
        f["colon_after"] = 1.0
        if colon <= 2:
            f["colon_right_after"] = 1.0
        if not before.strip() or before.strip()[0] in DASHES:
            f["line_opens_with_name_and_colon"] = 1.0  # 'Jane Roe, a teacher: ...' (transcripts, lists)
    list_and_byline_features(f, text, before, after, colon, line_start, line_end)
    if inside_quote[start]:
        f["inside_quote"] = 1.0
    window = text[max(line_start, start - 200):min(line_end, end + 200)]
    if any(c in QUOTE_CHARS for c in window):
        f["quote_near"] = 1.0
    if any(c in QUOTE_CHARS for c in after[:3]) or after[:2] in (", ", ",“", ',"'):
        f["mark_right_after"] = 1.0 if any(c in QUOTE_CHARS for c in after[:3]) else 0.5
    f["line_short"] = 1.0 if line_end - line_start < 100 else 0.0


CREDIT_WORDS = ("contributed", "reported from", "reporting by", "contributed reporting", "is a reporter",
                "is a correspondent", "editing by", "follow him", "follow her", "email", "@")


def list_and_byline_features(f: dict[str, float], text: str, before: str, after: str, colon: int, line_start: int,
                             line_end: int) -> None:
    """A list line ('Hillary Clinton: 1,769.', '1. Donald Trump (Last week: 2.)') or a byline or credit
    line ('By Jane Roe', 'Ryan Grim reported from Washington.'): a name there is rarely a source."""
    head = before.strip()
    if head[:1].isdigit():
        f["line_starts_digit"] = 1.0
    if 0 <= colon <= 80:
        said = after[colon + 1:].strip()
        # (nothing after the colon is a transcript label, "TRUMP:", not a number: '' is `in` every string)
        if said and (said[0].isdigit() or said[0] in "$%" or sum(ch.isdigit() for ch in said) * 3 >= len(said)):
            f["colon_then_number"] = 1.0
            if not any(ch.isalpha() for ch in said):  # "Hillary Clinton: 1,769.": not a word said
                f["colon_then_no_words"] = 1.0
    if any(ch.isdigit() for ch in after[:25]) and "(" in after[:25]:
        f["number_in_brackets_after"] = 1.0
    if head.lower() in ("by", "by:", "—by", "- by") or head.lower().endswith(" by") and len(head) < 12:
        f["byline"] = 1.0
    line = text[line_start:line_end].lower()
    if any(w in line for w in CREDIT_WORDS) and line_end - line_start < 200:
        f["credit_line"] = 1.0
    if line_end >= len(text.rstrip()) - 1 or text.count("\n", line_end, len(text)) <= 2:
        f["near_article_end"] = 1.0


def event_features(f: dict[str, float], events: list[SpeechEvent], value: str, sent_events: list[SpeechEvent],
                   own: list[SpeechEvent]) -> None:
    """The rules' verdict: an event with this span as its source, or this person as a speaker nearby."""
    for e in own:
        family = e.rule.split("/")[0]
        f[f"rule={family}"] = 1.0
        f[f"rule_full={e.rule}"] = 1.0
        f["rule_conf"] = max(f.get("rule_conf", 0.0), e.confidence)
        if e.names_a_speaker:
            f["rule_names_speaker"] = 1.0
        if e.reported_by:
            f["rule_reported"] = 1.0
        if e.content is not None:
            f["rule_has_content"] = 1.0
    # a co-speaker ('Ted Cruz and Marco Rubio said') is as much the rules' speaker as the event's first name
    if any(e.speaker == value or value in e.co_speakers for e in sent_events):
        f["rule_speaker_in_sentence"] = 1.0
    if any(value in e.co_speakers for e in sent_events):
        f["rule_co_speaker"] = 1.0
    if any(e.names_a_speaker and (e.speaker == value or value in e.co_speakers) for e in events):
        f["rule_speaker_in_article"] = 1.0
    if sent_events:
        f["sent_has_event"] = 1.0


def candidates(doc, text: str, sentences, mentions, events: list[SpeechEvent], inside_quote: bytearray,
               body_offset: int, extra: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every candidate speaker of the article with its features, in reading order; `extra` adds the
    candidates of other sources (`EXTRA_SOURCES`) the model in force was trained with."""
    by_sent: dict[int, list[SpeechEvent]] = {}
    for e in events:
        by_sent.setdefault(sentences.index_of(e.cue_i), []).append(e)
    by_subject: dict[int, list[SpeechEvent]] = {}
    for e in events:
        if e.subject_i is not None:
            by_subject.setdefault(e.subject_i, []).append(e)
    persons = [m for m in mentions if m.kind == "person" and m.canonical]
    counts: dict[str, int] = {}
    for m in persons:
        counts[m.canonical] = counts.get(m.canonical, 0) + 1
    seen: dict[str, int] = {}
    out: list[Candidate] = []
    covered: set[int] = set()
    for m in sorted(persons, key=lambda m: m.start):
        sent = sentences.index_of(m.token_start)
        f: dict[str, float] = {"mention": 1.0, f"label={m.label}": 1.0}
        own = [e for i in range(m.token_start, m.token_end) for e in by_subject.get(i, [])]
        # 'Sens. Johnny Isakson of Georgia and John Boozman of Arkansas ... said': the rules' event is the
        # co-speaker's too, wherever the parser hung the name
        co = [e for e in by_sent.get(sent, []) if m.canonical in e.co_speakers and e not in own]
        if co:
            f["co_speaker"] = 1.0
            own += co
        covered.update(range(m.token_start, m.token_end))
        _common(f, doc, text, m.token_start, m.token_end, inside_quote, body_offset, m.start)
        event_features(f, events, m.canonical, by_sent.get(sent, []), own)
        f["titled"] = 1.0 if m.titles else 0.0
        f["one_word"] = 1.0 if " " not in m.name else 0.0
        f["mentions_log"] = math.log1p(counts[m.canonical])
        seen[m.canonical] = seen.get(m.canonical, 0) + 1
        f["first_mention"] = 1.0 if seen[m.canonical] == 1 else 0.0
        out.append(Candidate(m.canonical, m.start, m.end, sent, f, own[0] if own else None, vetoed=veto(f, own)))
    if "untagged" in extra:
        out += _untagged_candidates(doc, text, sentences, mentions, persons, events, inside_quote, body_offset,
                                    by_sent, by_subject, counts, covered)
    gender = genders(persons)
    for e in events:
        he_she = e.subject_i is not None and doc[e.subject_i].lower_ in ("he", "she") and \
            any(part.startswith("pronoun") for part in e.rule.split("/"))
        if he_she:
            out += _pronoun_candidates(doc, text, sentences, persons, events, inside_quote, body_offset, e,
                                       by_sent, counts, gender)
            continue
        if e.speaker_type != "person" or not e.speaker or e.subject_i in covered:
            continue
        i = e.subject_i if e.subject_i is not None else e.cue_i
        sent = sentences.index_of(i)
        f = _event_base(doc, text, i, inside_quote, body_offset)
        event_features(f, events, e.speaker, by_sent.get(sent, []), [e])
        f["mentions_log"] = math.log1p(counts.get(e.speaker, 0))
        no = veto(f, [e])
        out.append(Candidate(e.speaker, doc[i].idx, doc[i].idx + len(doc[i]), sent, f, e, vetoed=no))
        for co in e.co_speakers:
            g = dict(f)
            g["co_speaker"] = 1.0
            out.append(Candidate(co, doc[i].idx, doc[i].idx + len(doc[i]), sent, g, e, vetoed=no))
    if "bare-pronouns" in extra:
        out += _bare_pronoun_candidates(doc, text, sentences, persons, events, inside_quote, body_offset, by_sent,
                                        by_subject, counts, gender)
    _person_features(out)
    frames.discourse(out, events, sentences, inside_quote)
    return out


def _untagged_candidates(doc, text: str, sentences, mentions, persons, events: list[SpeechEvent],
                         inside_quote: bytearray, body_offset: int, by_sent, by_subject, counts,
                         covered: set[int]) -> list[Candidate]:
    """Names of the article's persons the model left untagged (`untagged`: 'Yellen offered'), as mentions."""
    out = []
    for start, end, value, titled in untagged.runs(doc, mentions, persons):
        sent = sentences.index_of(start)
        f = {"untagged_name": 1.0}
        own = [e for i in range(start, end) for e in by_subject.get(i, [])]
        covered.update(range(start, end))
        _common(f, doc, text, start, end, inside_quote, body_offset, doc[start].idx)
        event_features(f, events, value, by_sent.get(sent, []), own)
        f["titled"] = 1.0 if titled else 0.0
        f["one_word"] = 1.0 if end - start == 1 else 0.0
        f["mentions_log"] = math.log1p(counts.get(value, 0))
        span_end = doc[end - 1].idx + len(doc[end - 1])
        out.append(Candidate(value, doc[start].idx, span_end, sent, f, own[0] if own else None, vetoed=veto(f, own)))
    return out


def _bare_pronoun_candidates(doc, text: str, sentences, persons, events: list[SpeechEvent], inside_quote: bytearray,
                             body_offset: int, by_sent, by_subject, counts, gender) -> list[Candidate]:
    """A he/she subject of a verb that no rule made a source ('she released a web ad', 'he figures that'), as
    a candidate of each person it may be (`antecedents`): the model, not the cue lexicon, says whether the
    verb makes a speaker. Not inside quotation marks, where a he/she is someone the quoted speaker names."""
    out = []
    for tok in doc:
        if tok.lower_ not in ("he", "she") or tok.dep_ not in ("nsubj", "nsubjpass") or tok.i in by_subject \
                or not tok.head.tag_.startswith("VB") or tok.idx < body_offset or inside_quote[tok.idx]:
            continue
        i = tok.i
        sent = sentences.index_of(i)
        base = _event_base(doc, text, i, inside_quote, body_offset)
        base["pronoun_no_event"] = 1.0
        for value, pair in antecedents.options(doc, text, sentences, persons, events, inside_quote, body_offset, i,
                                               gender):
            f = dict(base)
            event_features(f, events, value, by_sent.get(sent, []), [])
            f["mentions_log"] = math.log1p(counts.get(value, 0))
            # weights of their own (the mention-pair features aside): these 10,000 candidates of train, rarely
            # sources, must not shift what the model learns of names and the rules' events
            f = {("" if k == "pronoun_no_event" else "bare:") + k: v for k, v in f.items()}
            f.update(pair)
            no = _event_veto(base)
            out.append(Candidate(value, tok.idx, tok.idx + len(tok), sent, f, None, vetoed=no, pronoun=i))
    return out


def _event_base(doc, text: str, i: int, inside_quote: bytearray, body_offset: int) -> dict[str, float]:
    f = {"event_only": 1.0}
    if doc[i].lower_ in PERSON_PRONOUNS:
        f["pronoun"] = 1.0
    _common(f, doc, text, i, i + 1, inside_quote, body_offset, doc[i].idx)
    return f


def _pronoun_candidates(doc, text: str, sentences, persons, events: list[SpeechEvent], inside_quote: bytearray,
                        body_offset: int, e: SpeechEvent, by_sent, counts, gender) -> list[Candidate]:
    """A he/she source's event as a candidate of each person it may be (`antecedents`), the rules'
    pick among them (it is vetoed as before; another person only by what vetoes the event itself)."""
    i = e.subject_i
    sent = sentences.index_of(i)
    base = _event_base(doc, text, i, inside_quote, body_offset)
    opts = antecedents.options(doc, text, sentences, persons, events, inside_quote, body_offset, i, gender)
    if e.speaker and e.speaker_type == "person" and all(v != e.speaker for v, _ in opts):
        opts.append((e.speaker, {"ante_rank=none": 1.0}))
    out = []
    pos = (doc[i].idx, doc[i].idx + len(doc[i]))
    for value, pair in opts:
        f = {**base, **pair}
        picked = value == e.speaker
        event_features(f, events, value, by_sent.get(sent, []), [e])  # how sure the rules are of the event
        if picked:
            f["ante_rules_pick"] = 1.0
        f["mentions_log"] = math.log1p(counts.get(value, 0))
        no = veto(f, [e]) if picked else bool(_event_veto(f) or e.reported_by)
        out.append(Candidate(value, *pos, sent, f, e, vetoed=no, pronoun=i))
    return out


def _person_features(cands: list[Candidate]) -> None:
    """What the article says of the person elsewhere: how often they are a subject, of a cue verb, a rule's source."""
    subj: dict[str, int] = {}
    cue: dict[str, int] = {}
    rule: dict[str, float] = {}
    for c in cands:
        f = c.features
        if f.get("dep=nsubj") or f.get("effdep=nsubj"):
            subj[c.value] = subj.get(c.value, 0) + 1
        if any(k.startswith("dep+govclass=nsubj") for k in f):
            cue[c.value] = cue.get(c.value, 0) + 1
        rule[c.value] = max(rule.get(c.value, 0.0), f.get("rule_conf", 0.0))
    for c in cands:
        c.features["person_subject_log"] = math.log1p(subj.get(c.value, 0))
        c.features["person_cue_subject_log"] = math.log1p(cue.get(c.value, 0))
        c.features["person_rule_conf"] = rule[c.value]


def _common(f: dict[str, float], doc, text: str, start_tok: int, end_tok: int, inside_quote: bytearray,
            body_offset: int, start_char: int) -> None:
    if start_char < body_offset:
        f["in_title"] = 1.0
    parse_features(f, doc, start_tok, end_tok)
    surface_features(f, doc, text, start_tok, end_tok, inside_quote)
