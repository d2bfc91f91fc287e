"""Speech events from the dependency parse: a cue (a speech verb such as said/told/warned/emphasized,
or "according to") with its source.

Cues are ignored inside quotes, under negation or "if/whether" ("didn't specify if Lavrov
responded"), as infinitives ("declined to say") and, for weak verbs (spoke, responded, raised),
when nothing is said (a ccomp or a quote). A person only mentioned or spoken *to* is therefore
never a speaker, nor is a photographer or byline (those lines are masked before parsing).

A *stance* is PolNeAR's wider notion of attribution: a person endorsing, opposing, criticising or
calling for something named ('Warren endorsed Clinton', 'Trump called for a ban'), or believing what a
that-clause says. Its subject is a speaker too (a relative clause describing a person is not: 'Obama,
who endorsed Clinton, ...'), with a lower confidence; a stance claims no direct quote, and its
sentence is stored as what the person reportedly holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy
from newsfind.index.nlp.postags import is_verb
from newsfind.index.nlp.speakers.article import ParsedArticle
from newsfind.index.nlp.speakers.events import SpeechEvent
from newsfind.index.nlp.speakers.lexicon import (
    AFTER_QUOTE,
    BESIDE_QUOTE,
    PHRASAL,
    PUSH_FOR,
    QUOTE_MARKS,
    STANCE,
    STANCE_PREPOSITIONS,
    STANCE_WEAK,
    STRONG,
    THOUGHT,
    WEAK,
)
from newsfind.index.nlp.speakers.sources import SourceFinder
from newsfind.index.nlp.speakers.subjects import SubjectFinder


class CueReader:
    def __init__(self, article: ParsedArticle, subjects: SubjectFinder, sources: SourceFinder) -> None:
        self.doc, self.sentences = article.doc, article.sentences
        self.quotes, self.inside_quote = article.quotes, article.inside_quote
        self.subjects, self.sources = subjects, sources

    def cue_tokens(self) -> Iterator:
        """The tokens that can be a cue ("according" or a speech verb form), found by comparing
        lower-case hashes in one numpy pass instead of visiting every token."""
        lowers = self.doc.to_array("LOWER")
        for i in numpy.flatnonzero(numpy.isin(lowers, _cue_hashes())):
            yield self.doc[int(i)]

    def event(self, tok) -> SpeechEvent | None:
        """The speech event (or stance) whose cue is the token `tok`, if it is one."""
        low = tok.lower_
        if low == "according" and any(c.lower_ == "to" for c in tok.children):
            event = self._according_to(tok)
        elif is_verb(tok) and (low in STRONG or low in WEAK):
            event = self._verb_event(tok, weak=low in WEAK and low not in STRONG)
        elif is_verb(tok) and self._introduces_by_position(tok, low):
            event = self._verb_event(tok, weak=False)
        elif is_verb(tok) and (low in STANCE or low in THOUGHT or low in PUSH_FOR):
            event = self._stance_event(tok)
        else:
            return None
        if event is None and low in STANCE_WEAK and is_verb(tok):
            event = self._stance_event(tok)
        return event

    def _according_to(self, tok) -> SpeechEvent | None:
        to = next(c for c in tok.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        speaker, kind, rule, conf = self.sources.source(pobj, allow_object_pronoun=True)
        sent = self.sentences.of(tok.i)
        return SpeechEvent(tok.i, "according to", speaker, kind, f"according-to/{rule}", conf,
                           (sent.start_char, sent.end_char), sent.start_char, subject_i=pobj.i)

    def _verb_event(self, verb, weak: bool) -> SpeechEvent | None:
        if self._blocked(verb):
            return None
        content = self._content(verb)
        if weak and content is None and not self._quote_near(verb) and not self._promises(verb):
            return None
        if weak and verb.lower_ in ("point", "points", "pointed", "pointing") and not any(
                c.dep_ == "prt" and c.lower_ == "out" for c in verb.children):
            return None
        if STRONG.get(verb.lower_) == "add" and content is None and any(
                c.dep_ == "prep" and c.lower_ == "to" for c in verb.children):
            return None  # 'adding to her delegate lead', 'added to his portfolio'
        subj, via = self.subjects.subject(verb)
        if subj is not None and self.inside_quote[subj.idx]:
            # '“Like Oakland. Or Ferguson,” Trump said' parsed with Ferguson as the subject
            subj, via = self.subjects.name_before(verb), "/adjacent"
            if subj is None:
                return None
        elif subj is not None and not weak and (inverted := self.subjects.inverted_over(verb, subj)) is not None:
            subj, via = inverted, "/inverted"
        if subj is None and not weak and verb.tag_ in ("VBD", "VBZ", "VBP"):
            subj, via = self.subjects.name_before(verb) or self.subjects.name_after(verb), "/adjacent"
        if subj is None:
            return None
        speaker, kind, rule, conf, co_speakers = self.sources.source_with_co_speakers(subj)
        if rule == "unnamed" and (owner := self.subjects.owner_of_role(subj)) is not None:
            subj, via = owner, "/role"
            speaker, kind, rule, conf, co_speakers = self.sources.source_with_co_speakers(subj)
        return SpeechEvent(verb.i, verb.text, speaker, kind, f"{rule}{via}", conf, content,
                           self.sentences.of(verb.i).start_char, subject_i=subj.i, co_speakers=co_speakers)

    def _stance_event(self, verb) -> SpeechEvent | None:
        """A person taking a stance on what the verb's object names: 'Sanders endorsed Clinton',
        'Warren criticized the deal', 'Cruz called for a vote'. The source is the subject, as for speech;
        only a person counts, and the event claims no direct quote (see `SpeakerFinder.attribute`)."""
        if self._blocked(verb):
            return None
        if verb.lower_ in THOUGHT:
            takes_stance = any(c.dep_ == "ccomp" and not self.inside_quote[c.idx] for c in verb.children)
        elif verb.lower_ in PUSH_FOR:
            takes_stance = any(c.dep_ == "prep" and c.lower_ in STANCE_PREPOSITIONS for c in verb.children)
        elif WEAK.get(verb.lower_) == "call":  # 'called for a ban', 'called on Congress', 'called the KKK “abhorrent”'
            takes_stance = any(c.dep_ == "prep" and (c.lower_ == "for" or c.lower_ == "on" and c.i == verb.i + 1 and not
                                                     any(g.ent_type_ in ("DATE", "TIME") for g in c.children))
                               or c.dep_ in ("oprd", "ccomp")
                               or c.dep_ == "dobj" and any(g.dep_ in ("oprd", "amod", "acomp") and g.i > c.i
                                                           for g in c.children) for c in verb.children)
        else:
            takes_stance = any(c.dep_ == "dobj" or c.dep_ == "prep" and c.lower_ in STANCE_PREPOSITIONS
                               for c in verb.children)
        if not takes_stance:
            return None
        subj, via = self.subjects.subject(verb)
        if subj is None or via == "/relcl" or self.inside_quote[subj.idx]:
            return None  # 'Obama, who endorsed Clinton, ...' describes him: the article does not report it
        speaker, kind, rule, conf, co_speakers = self.sources.source_with_co_speakers(subj)
        if kind != "person" or rule not in ("named", "pronoun", "phrase", "member"):
            return None
        return SpeechEvent(verb.i, verb.text, speaker, kind, f"stance/{rule}{via}", round(conf * 0.7, 2), None,
                           self.sentences.of(verb.i).start_char, subject_i=subj.i, co_speakers=co_speakers)

    def _blocked(self, verb) -> bool:
        """Negated, conditional, infinitival or embedded under a negated verb."""
        if any(c.dep_ == "neg" for c in verb.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "whether") for c in verb.children):
            return True
        if self._infinitival(verb):
            return True
        # inside the complement of a negated verb ("did not confirm that Kerry said"); a conjoined
        # verb keeps its own polarity ("did not mention X, but told his supporters")
        # (a quotation's verb is no frame: 'Rubio fired back: “I have never voted ...”' parsed with the cue as
        # the complement of 'voted')
        head = verb
        while head.head is not head and head.dep_ == "ccomp":
            head = head.head
            if self.inside_quote[head.idx]:
                break
            if any(c.dep_ == "neg" for c in head.children):
                return True
        return False

    def _infinitival(self, verb) -> bool:
        """"declined to say", "more likely to say ... than say": never a statement. A conjoined
        verb is infinitival when the verb it is conjoined to is."""
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return True
        if verb.dep_ in ("xcomp", "amod"):
            return not self.subjects.compound_subject(verb)  # '“Amen, brother!” Beck joked' parsed as an xcomp
        return verb.dep_ == "conj" and verb.head is not verb and self._infinitival(verb.head)

    def _promises(self, verb) -> bool:
        """'Obama has promised to veto it': a promise states its infinitive."""
        return WEAK.get(verb.lower_) == "promise" and any(c.dep_ == "xcomp" for c in verb.children)

    def _content(self, verb) -> tuple[int, int] | None:
        for c in verb.children:
            if c.dep_ in ("ccomp", "parataxis") and not self.inside_quote[c.idx]:
                sub = list(c.subtree)
                return sub[0].idx, sub[-1].idx + len(sub[-1])
        for c in verb.children:
            if c.dep_ == "dobj" and any(g.dep_ in ("acl", "ccomp", "relcl") for g in c.children):
                sub = list(c.subtree)
                return sub[0].idx, sub[-1].idx + len(sub[-1])
        return None

    def _beside_quote(self, verb) -> bool:
        sent = self.sentences.of(verb.i)
        window = self.doc[max(verb.i - 3, sent.start):min(verb.i + 4, sent.end)]  # three tokens each side
        return any(t.text in QUOTE_MARKS for t in window) and not any(c.dep_ == "xcomp" for c in verb.children)

    def _introduces_by_position(self, verb, low: str) -> bool:
        """A verb that reports speech only by where it stands: beside a quote or colon ('he continued:'),
        with its particle beside one ('“...,” Trump shot back'), or right after a closing quote mark
        ('“...,” agrees Michelle Stevens')."""
        if low in BESIDE_QUOTE:
            return self._beside_quote(verb)
        if low in PHRASAL:
            return self._with_particle(verb, PHRASAL[low]) and self._beside_quote(verb)
        if low in AFTER_QUOTE:
            return verb.i > 0 and self.doc[verb.i - 1].text in ("”", "''", '"')
        return False

    def _with_particle(self, verb, particle: str) -> bool:
        """`verb` has `particle` right after it ('shot back', 'went on')."""
        return verb.i + 1 < len(self.doc) and self.doc[verb.i + 1].lower_ == particle

    def _quote_near(self, verb) -> bool:
        sent = self.sentences.of(verb.i)
        return any(q.start < sent.end_char and q.end > sent.start_char for q in self.quotes)


@lru_cache(maxsize=1)
def _cue_hashes() -> numpy.ndarray:
    """spaCy's string hashes of every cue form (a hash does not depend on the vocabulary)."""
    from spacy.strings import get_string_id  # imported here: this module loads without spaCy

    forms = {*STRONG, *WEAK, *STANCE, *THOUGHT, *PUSH_FOR, *BESIDE_QUOTE, *PHRASAL, *AFTER_QUOTE, "according"}
    return numpy.array(sorted(get_string_id(f) for f in forms), dtype=numpy.uint64)
