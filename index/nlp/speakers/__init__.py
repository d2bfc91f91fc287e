"""Who is quoted as speaking: speech events from the dependency parse, and the quotes they claim.

A *speech event* is a cue (a speech verb such as said/told/warned/emphasized, or "according to")
with a source. The source comes from the parse, never from entity labels alone:
* the verb's subject (or, for a conjoined verb, its head's subject; for "who said", the noun the
  relative clause hangs on); where the parser lost it, the name right before the verb, across an
  apposition or a short aside ("Col. Steven H. Warren, a military spokesman, said"; "Trump, in
  Kentucky, said");
* a pronoun subject "he"/"she" is resolved to the most recent person who spoke or is a subject (the
  main clause's, then the highest clause's; then any person) in the same or the three previous
  sentences, outside quotes, with gender agreement where titles or names tell it; a name that only
  modifies a noun ("the Murdoch outlets") is no subject, and in the pronoun's own sentence the subject
  of a clause that does not hold the pronoun comes after the previous sentence's people;
* a noun subject ("a statement released by the State Department", "the spokeswoman, Maria
  Zakharova,") is followed to the name it names; an unnamed one ("a senior official") still
  claims its quote, so the quote is never handed to somebody else;
* a coordinated named subject ("Ted Cruz and Marco Rubio said") gives every conjoined person named in
  full (or named in full elsewhere in the article) as a speaker too; its quotes go to the first.
Cues are ignored inside quotes, under negation or "if/whether" ("didn't specify if Lavrov
responded"), as infinitives ("declined to say") and, for weak verbs (spoke, responded, raised),
when nothing is said (a ccomp or a quote). A person only mentioned or spoken *to* is therefore
never a speaker, nor is a photographer or byline (those lines are masked before parsing).

A *stance* is PolNeAR's wider notion of attribution: a person endorsing, opposing, criticising or
calling for something named ('Warren endorsed Clinton', 'Trump called for a ban'), or believing what a
that-clause says. Its subject is a speaker too (a relative clause describing a person is not: 'Obama,
who endorsed Clinton, ...'), with a lower confidence; a stance claims no direct quote, and its
sentence is stored as what the person reportedly holds.

Each direct quote goes to the event whose reported content contains it, else to the nearest
event in its sentences; an unclaimed quote right after a claimed one continues it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import numpy
from newsfind.index.nlp.canonical import known_kind
from newsfind.index.nlp.entities import NOT_NAMES, PERSON_TITLE_NOUNS, ArticlePersons, LazyLowerWords, Mention
from newsfind.index.nlp.names import (
    MEDIA_NAMES,
    TITLE_WORDS,
    clean_name,
    core_tokens,
    is_female_first_name,
    looks_female,
    names_no_person,
    person_key,
    strip_possessive,
)
from newsfind.index.nlp.postags import is_noun, is_proper_noun, is_verb
from newsfind.index.nlp.quotes import QuoteSpan
from newsfind.index.nlp.sentences import Sentences


def _forms(spec: str) -> dict[str, str]:
    """'say:says,said,saying warn' -> {form: lemma}; regular forms are derived."""
    out: dict[str, str] = {}
    for item in spec.split():
        lemma, _, irregular = item.partition(":")
        forms = irregular.split(",") if irregular else _regular(lemma)
        for f in [lemma, *forms]:
            out[f] = lemma
    return out


def _regular(lemma: str) -> list[str]:
    if lemma.endswith("e"):
        return [lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x")):
        return [lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma + "s", lemma + "ed", lemma + "ing"]


# Verbs that report speech by themselves.
STRONG = _forms(
    "say:says,said,saying tell:tells,told,telling add warn state announce declare emphasize emphasise "
    "stress confirm insist claim allege assert explain argue acknowledge admit:admits,admitted,admitting "
    "deny note comment:comments,commented,commenting remark reiterate affirm contend caution urge "
    "underline underscore predict complain concede testify tweet write:writes,wrote,written,writing "
    "reply answer vow pledge recall observe conclude suggest ask quip echo joke brag exclaim "
    "lament inform assure concur retort recount muse scoff shout yell plead "
    "insist counter:counters,countered,countering charge"
)
# Verbs that report speech only when something is said (a that-clause or a quote).
WEAK = _forms(
    "respond speak:speaks,spoke,spoken,speaking talk raise express call describe accuse criticize "
    "criticise praise question point maintain promise dismiss blast slam label dub thank boast tout "
    "disclose reveal "
    "mention indicate cite defend decry bemoan rail mock ridicule voice "
    "interject bark hint"
)
# Verbs of a public stance taken towards something named (PolNeAR's attributions beyond speech): the
# subject is a source when the verb has an object ('Sanders endorsed Clinton', 'pushed for a vote');
# weak speech verbs ('criticized the deal', 'praised Obama') count the same way.
STANCE = _forms(
    "endorse oppose propose denounce condemn reject dispute applaud welcome blame congratulate "
    "apologize apologise"
)
STANCE_PREPOSITIONS = frozenset({"for", "against"})
# Prepositions whose gerund shares the subject of the verb they modify: 'won the nomination by promising'
# ('while saying' is parsed with 'while' as a marker: the participle rule of `_subject` covers it)
GERUND_PREPOSITIONS = frozenset({"by", "before", "after"})
# Verbs of thought and belief: a source when the article states what the person thinks (a that-clause).
THOUGHT = _forms("believe think:thinks,thought,thinking hope fear worry doubt expect feel:feels,felt,feeling")
PUSH_FOR = _forms("push advocate lobby")
# Weak speech verbs that take a stance on their object by themselves ('raised money', 'spoke for an hour',
# 'maintained a lead', 'defended her title', 'dismissed the case' do not); 'call' only as 'called for/on'
# or 'called X Y'.
STANCE_WEAK = frozenset(form for form, lemma in WEAK.items() if lemma in {
    "criticize", "criticise", "praise", "blast", "slam", "question", "accuse", "thank", "mock", "ridicule",
    "decry", "bemoan", "describe", "call"})
# Verbs that introduce speech only right next to a quote or a colon ('he continued: “...”').
BESIDE_QUOTE = _forms("continue read:reads,reading post")
# Verbs that introduce speech only right after the quote they close: '“...,” agrees Michelle Stevens'.
AFTER_QUOTE = _forms("agree")
# Verbs that introduce speech with their particle, right next to a quote: '“...,” Trump shot back',
# '“...,” Trump went on', '“...,” she chimed in'.
PHRASAL = {form: particle for spec, particle in (("shoot:shoots,shot,shooting", "back"),
                                                  ("fire:fires,fired,firing", "back"),
                                                  ("go:goes,went,going", "on"),
                                                  ("chime", "in"))
           for form in _forms(spec)}
QUOTE_MARKS = frozenset(['“', '”', '"', '«', '»', ':', "''", "``"])
PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
# A transcript line: "PENCE: ...", "Mike Pence: ...", "Alex Seitz-Wald: ...", "Mr. Trump: ...", also opening a quote.
_LABEL_WORD = r"(?:Ma?c|O[’']|De|La)?[A-Z][a-z’']+(?:-[A-Z]?[a-z’']+)?"
TRANSCRIPT_LINE = re.compile(r"(?m)^[ \t]*[\"“]?(?P<name>(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.[ ])?"
                             rf"(?:[A-Z][A-Z.'’ -]{{1,40}}[A-Z]|[A-Z][a-z]+(?: {_LABEL_WORD}){{0,2}}))"
                             r":[ \t]+(?P<said>\S[^\n]*)$")
# Labels of a line that name no speaker, however much the line looks like a transcript's.
NOT_SPEAKER_LABELS = frozenset("""
    q a update updated note correction clarification editor editors byline transcript source sources
    watch read related breaking exclusive video audio photo photos poll report developing live caption
    """.split())
# Words that show a label is a phrase, not a name: "STAT OF THE WEEK:", "WHAT TO WATCH:".
LABEL_FUNCTION_WORDS = frozenset({"of", "the", "to", "for", "and", "in", "on", "at", "what", "how", "why", "this"})
# A dash that attributes a quote: at a line start or right after a closing quote mark, before a name.
DASH_LINE = re.compile(r"(?:^|(?<=[”\"])[.,]?)[ \t\u00a0]*(?P<dash>―|—|–|--)[ \t\u00a0]*(?=[A-Z])", re.MULTILINE)
_ALNUM = re.compile(r"[^\W_]")
STATEMENT_NOUNS = frozenset({"statement", "release", "communique", "communiqué", "readout", "spokesman",
                             "spokeswoman", "spokesperson", "official", "officials", "minister",
                             "secretary"})


@dataclass
class SpeechEvent:
    cue_i: int  # token index of the cue
    cue: str
    speaker: str | None  # canonical value, None when the source is unnamed
    speaker_type: str | None  # person | org
    rule: str
    confidence: float
    content: tuple[int, int] | None  # character span of what was said, when the parse shows it
    sent_start: int  # character offset of the cue's sentence
    subject_i: int | None = None  # token index of the source, when known
    co_speakers: tuple[str, ...] = ()  # more persons of a coordinated subject: 'Cruz and Marco Rubio said'
    reported_by: str | None = None  # the person whose reported words hold this cue: 'Sims says ... Haley said'

    @property
    def names_a_speaker(self) -> bool:
        """The source is a speaker of the article (its facet); a he/she that could only be resolved to
        a person merely mentioned nearby gives its quote a speaker but is not evidence enough, nor is
        speech that another person reports ('Briggs said Sharpton asked for the meeting')."""
        return bool(self.speaker) and not self.rule.startswith("pronoun-mentioned") and self.reported_by is None


@dataclass
class Quote:
    speaker: str | None
    speaker_type: str | None
    text: str
    start: int
    end: int
    kind: str  # direct | reported
    cue: str
    rule: str
    confidence: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)  # all fields are scalars: no deep copy (dataclasses.asdict) needed


class SpeakerFinder:
    def __init__(self, doc, mentions: list[Mention], persons: ArticlePersons, quotes: list[QuoteSpan],
                 inside_quote: bytearray, table, sentences: Sentences | None = None,
                 text: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text  # doc.text joins every token on each access
        self.sentences = sentences or Sentences(doc)
        self.mentions = mentions
        self.persons = persons
        self.quotes = quotes
        self.inside_quote = inside_quote
        self.table = table
        self.by_token: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.token_start, m.token_end):
                self.by_token[i] = m
        self._resolved: dict[int, str | None] = {}
        self._tentative: set[int] = set()  # pronouns resolved to a person only mentioned, not a subject
        self._gender: dict[str, bool | None] = {}
        self._lower_words = LazyLowerWords(self.text, 0)  # the words the article writes in lower case
        self._tagged_persons = {person_key(n): n for n in {m.name for m in mentions if m.kind == "person"}}
        for m in mentions:
            if m.kind == "person" and m.canonical and self._gender.get(m.canonical) is None:
                self._gender[m.canonical] = looks_female(m.titles, m.canonical)
                if self._gender[m.canonical] is None and " " not in m.canonical and is_female_first_name(m.canonical):
                    # a woman named by her first name only ('his wife, Jane'): few surnames are women's first
                    # names, so a 'he' is never hers
                    self._gender[m.canonical] = True

    # -- events --------------------------------------------------------------------------------

    def events(self) -> list[SpeechEvent]:
        out = []
        self._speakers_by_sent: dict[int, list[str]] = {}
        for tok in self._cue_tokens():
            if self.inside_quote[tok.idx]:
                continue
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
                continue
            if event is None and low in STANCE_WEAK and is_verb(tok):
                event = self._stance_event(tok)
            if event is not None:
                if event.speaker_type == "person" and event.speaker and names_no_person(event.speaker):
                    self._not_a_person(event)
                out.append(event)
                if event.speaker_type == "person" and event.names_a_speaker:
                    spoke = self._speakers_by_sent.setdefault(self.sentences.index_of(tok.i), [])
                    if event.speaker not in spoke:
                        spoke.append(event.speaker)
        transcript = self.transcript_events()
        out.extend(transcript)
        label_colons = {e.content[0] for e in transcript}  # a transcript line's words start after its colon
        out.extend(e for e in self.colon_events() if not any(0 < c - self.doc[e.cue_i].idx <= 3 for c in label_colons))
        out.extend(self.dash_events())
        out.sort(key=lambda e: e.cue_i)
        self._mark_reported(out)
        return out

    def _mark_reported(self, events: list[SpeechEvent]) -> None:
        """Mark the events whose cue lies in what another named person is reported to have said, in the same
        paragraph: 'Sims says he was riding the fence until Haley said she was backing Rubio', 'Briggs said
        Sharpton asked for the meeting'. Such a speaker is only heard second-hand. What an outlet or an
        unnamed source reports ('according to CNN', 'aides say') and the lines of a transcript or of a
        name and colon (which quote, not report) mark nothing."""
        for event in events:
            if event.rule in _STRUCTURAL_RULES:
                continue
            pos = self.doc[event.cue_i].idx
            for outer in events:
                if outer is event or outer.speaker is None or outer.speaker == event.speaker \
                        or outer.speaker_type != "person" or outer.rule.startswith("according-to") \
                        or not outer.content or not outer.content[0] <= pos < outer.content[1]:
                    continue
                outer_pos = self.doc[outer.cue_i].idx
                if "\n" not in self.text[min(pos, outer_pos):max(pos, outer_pos)]:
                    event.reported_by = outer.speaker
                    break

    def dash_events(self) -> list[SpeechEvent]:
        """'“...”\n― Maria Lopez, 34, Phoenix', '“...” — Sen. Tim Kaine': a dash that opens a line or
        follows a closing quote mark, then a person's name (and at most a short description) to the end
        of the line, attributes the quoted paragraph just before it (on its line, else the paragraph
        before) to that person. The quoted paragraph must hold nothing but quotes, so a reporter's
        sign-off after a reported statement ('... "still the No. 1 force in Spain."--Kim Hjelmgaard.')
        and a subhead ('– Old hands –.') name no speaker."""
        out = []
        text = self.text
        for m in DASH_LINE.finditer(text):
            speaker = self._person_opening_at(m.end())
            if speaker is None:
                continue
            name, tail_start = speaker
            line_end = text.find("\n", m.end())
            tail = text[tail_start:line_end if line_end >= 0 else len(text)]
            if tail.strip() and (tail.lstrip()[:1] not in ",.(;" or len(tail) > 80):
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            if text[line_start:m.start()].strip():
                lo, hi = line_start, m.start()  # the quote is on the dash's own line
            else:
                hi = line_start - 1
                while hi > 0 and not text[text.rfind("\n", 0, hi) + 1:hi].strip():
                    hi = text.rfind("\n", 0, hi)
                if hi <= 0:
                    continue
                lo = text.rfind("\n", 0, hi) + 1
            inside = [q for q in self.quotes if lo <= q.start and q.end <= hi]
            if not inside:
                continue
            gaps = [(lo, inside[0].start), *((a.end, b.start) for a, b in zip(inside, inside[1:], strict=False)),
                    (inside[-1].end, hi)]
            rest = "".join(text[a:b] for a, b in gaps)
            if _ALNUM.search(rest):
                continue  # prose around the quotes: they have their own cue
            tok = self.doc.char_span(m.start("dash"), m.end("dash"), alignment_mode="expand")
            if tok is None:
                continue
            out.append(SpeechEvent(tok.start, m.group("dash"), name, "person", "dash-line", 0.85,
                                   (inside[0].start, inside[-1].end), line_start))
        return out

    def _person_opening_at(self, pos: int) -> tuple[str, int] | None:
        """The canonical person whose mention starts at character `pos`, and where the mention ends."""
        for mention in self.mentions:
            if mention.start == pos and mention.kind == "person" and mention.canonical \
                    and not names_no_person(mention.canonical):
                return mention.canonical, mention.end
        return None

    def colon_events(self) -> list[SpeechEvent]:
        """'- Carl Bialik: “One of the biggest lessons ...”', 'Continued Stone: “...”': a person named right
        before a colon that opens a quote speaks it, when no speech verb before the colon (in its
        sentence) already says who speaks ('Trump told Clinton: “...”' is Trump's)."""
        out = []
        for q in self.quotes:
            colon = self._colon_before(q.start)
            if colon is None or self.inside_quote[self.doc[colon].idx]:
                continue
            speaker = self._person_ending_at(colon - 1)
            if speaker is None or self.doc[colon - 1].dep_ in ("dobj", "pobj", "dative"):
                continue
            sent = self.sentences.of(colon)
            line_start = self.text.rfind("\n", 0, self.doc[colon].idx) + 1
            if any(t.lower_ in _CUE_FORMS for t in self.doc[sent.start:colon] if t.idx >= line_start):
                continue
            out.append(SpeechEvent(colon, ":", speaker, "person", "colon-name", 0.8, (q.start, q.end),
                                   sent.start_char, subject_i=colon - 1))
        return out

    def _person_ending_at(self, i: int) -> str | None:
        """The canonical person whose name ends at token `i`: a person mention, or a capitalised
        word the article names as a person elsewhere ('Clinton: “...” Bush: “...”')."""
        mention = self.by_token.get(i)
        if mention is not None:
            ok = mention.kind == "person" and mention.token_end == i + 1 and mention.canonical
            return mention.canonical if ok and not names_no_person(mention.canonical) else None
        tok = self.doc[i]
        if not is_proper_noun(tok) or not tok.text[:1].isupper():
            return None
        full = self.persons.resolve(clean_name(tok.text) or tok.text, tok.idx)
        return self.table.person(full) if full is not None else None

    def _colon_before(self, pos: int) -> int | None:
        """The token index of a colon that stands right before `pos` (an opening mark between), if any."""
        j = pos - 1
        while j >= 0 and (self.text[j].isspace() and self.text[j] != "\n" or self.text[j] in "“\"«'"):
            j -= 1
        if j < 0 or self.text[j] != ":":
            return None
        tok = self.doc.char_span(j, j + 1, alignment_mode="expand")
        return tok.start if tok is not None and tok.text == ":" and tok.start > 0 else None

    def _not_a_person(self, event: SpeechEvent) -> None:
        """A source the model took for a person that is none: a medium speaks as an organisation
        ('Twitter said'), a place or building not at all ('Ponte Vedra Beach'); either way it still
        claims its quote, so the quote goes to nobody else."""
        if event.speaker.lower() in MEDIA_NAMES:
            event.speaker, event.speaker_type = self.table.org(event.speaker), "org"
        else:
            event.speaker, event.speaker_type = None, None
        event.rule = f"{event.rule}/not-a-person"

    def _cue_tokens(self):
        """The tokens that can be a cue ("according" or a speech verb form), found by comparing
        lower-case hashes in one numpy pass instead of visiting every token."""
        lowers = self.doc.to_array("LOWER")
        for i in numpy.flatnonzero(numpy.isin(lowers, _cue_hashes())):
            yield self.doc[int(i)]

    def transcript_events(self) -> list[SpeechEvent]:
        """Interview transcripts: a paragraph opening with "PENCE:", "Mike Pence:" or "Mr. Pence:" is
        that person speaking, resolved to the article's full name ("Chris Wallace" for "WALLACE:").
        A label that resolves to nobody counts only when it is a full name in capitals, or a
        one-word name in capitals in an article with at least two such labelled lines (a transcript);
        "Q:", "UPDATE:" or a place or organisation never speaks."""
        every = list(TRANSCRIPT_LINE.finditer(self.text))
        for m in every:  # "KATE BOULDUAN: Why not debate?" tells who a later "BOULDUAN:" is
            raw = m.group("name").strip()
            if raw.isupper() and m.start() > 0 and len(clean_name(raw.title()).split()) >= 2 \
                    and raw.lower() not in NOT_NAMES \
                    and not self._labelled_non_person(m.start("name"), m.end("name")):
                self.persons.add(clean_name(raw.title()), m.start())
        lines = [m for m in every if len(re.findall(r"[^\W\d_]{2,}", m.group("said"))) >= 4]  # "Clinton: 1,769."
        capital_labels = sum(1 for m in lines if m.group("name").isupper() and m.start() > 0)
        out = []
        for m in lines:
            event = self._transcript_event(m, capital_labels >= 2)
            if event is not None:
                if event.speaker_type == "person" and event.speaker and names_no_person(event.speaker):
                    self._not_a_person(event)
                out.append(event)
        return out

    def _transcript_event(self, m: re.Match, in_transcript: bool) -> SpeechEvent | None:
        raw = m.group("name").strip()
        name = clean_name(raw.title() if raw.isupper() else raw)
        words = [strip_possessive(w).lower() for w in raw.split()]
        if not name or name.lower() in NOT_NAMES or any(w in NOT_SPEAKER_LABELS or w in LABEL_FUNCTION_WORDS
                                                        for w in words):
            return None  # 'See Also: ...' is page furniture
        if self._labelled_non_person(m.start("name"), m.end("name")):
            return None
        titles = {w.lower().rstrip(".") for w in raw.split()} & TITLE_WORDS
        full = self.persons.resolve(name, m.start(), looks_female(titles, name))
        if full is None:
            capitals = raw.isupper() and m.start() > 0
            if not (capitals and (len(name.split()) >= 2 or in_transcript)):
                return None  # a headline in capitals ('FIX IS IN: PBS Moderators ...') names nobody
        full = full or name
        canonical = self.table.person(full)
        tok = self.doc.char_span(m.start("name"), m.end("name"), alignment_mode="expand")
        if tok is None:
            return None
        self.mentions.append(Mention("person", name, m.start("name"), m.end("name"), tok.start, tok.end,
                                     "TRANSCRIPT", titles, canonical))
        return SpeechEvent(tok.start, ":", canonical, "person", "transcript", 0.9,
                           (m.start("said"), m.end("said")), m.start())

    def _labelled_non_person(self, start: int, end: int) -> bool:
        """A place or a known organisation inside [start, end): 'WASHINGTON: ...' is a dateline, 'NATO: ...'
        a headline; an ORG label alone proves nothing on a name in capitals ('FALLIN')."""
        return any(m.start < end and start < m.end and (m.kind == "place" or known_kind(m.name) == "org")
                   for m in self.mentions)

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
        head = verb
        while head.head is not head and head.dep_ == "ccomp":
            head = head.head
            if any(c.dep_ == "neg" for c in head.children):
                return True
        return False

    def _infinitival(self, verb) -> bool:
        """"declined to say", "more likely to say ... than say": never a statement. A conjoined
        verb is infinitival when the verb it is conjoined to is."""
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return True
        if verb.dep_ in ("xcomp", "amod"):
            return not self._compound_subject(verb)  # '“Amen, brother!” Beck joked' parsed as an xcomp
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
        window = self.doc[max(verb.i - 3, sent.start):min(verb.i + 3, sent.end)]
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
        subj, via = self._subject(verb)
        if subj is not None and self.inside_quote[subj.idx]:
            # '“Like Oakland. Or Ferguson,” Trump said' parsed with Ferguson as the subject
            subj, via = self._name_before(verb), "/adjacent"
            if subj is None:
                return None
        if subj is None and not weak and verb.tag_ in ("VBD", "VBZ", "VBP"):
            subj, via = self._name_before(verb) or self._name_after(verb), "/adjacent"
        if subj is None:
            return None
        speaker, kind, rule, conf, co_speakers = self._source_with_co_speakers(subj)
        return SpeechEvent(verb.i, verb.text, speaker, kind, f"{rule}{via}", conf, content,
                           self.sentences.of(verb.i).start_char, co_speakers=co_speakers)

    def _stance_event(self, verb) -> SpeechEvent | None:
        """A person taking a stance on what the verb's object names: 'Sanders endorsed Clinton',
        'Warren criticized the deal', 'Cruz called for a vote'. The source is the subject, as for speech;
        only a person counts, and the event claims no direct quote (see `attribute`)."""
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
        subj, via = self._subject(verb)
        if subj is None or via == "/relcl" or self.inside_quote[subj.idx]:
            return None  # 'Obama, who endorsed Clinton, ...' describes him: the article does not report it
        speaker, kind, rule, conf, co_speakers = self._source_with_co_speakers(subj)
        if kind != "person" or rule not in ("named", "pronoun", "phrase", "member"):
            return None
        return SpeechEvent(verb.i, verb.text, speaker, kind, f"stance/{rule}{via}", round(conf * 0.7, 2), None,
                           self.sentences.of(verb.i).start_char, co_speakers=co_speakers)

    def _co_speakers(self, subj, speaker: str | None, kind: str | None, rule: str) -> tuple[str, ...]:
        """The other persons of a coordinated source: 'he and Mr. Allen said' (Allen too); 'the two
        leading Republicans, Donald J. Trump and Senator Ted Cruz, criticized' (the apposition's conjuncts)."""
        if kind != "person":
            return ()
        if rule in ("named", "pronoun"):
            return self._coordinated_persons(subj, speaker)
        if rule == "phrase":
            found = self._name_in_phrase(subj)
            if found is not None:
                return self._coordinated_persons(self.doc[found.token_end - 1], speaker)
        return ()

    def _source_with_co_speakers(self, subj):
        """(speaker, speaker_type, rule, confidence, co_speakers) of a subject token; a group subject
        that names its members speaks through them ('Other candidates, including Mitt Romney and Ben
        Carson, said': Romney, with Carson as co-speaker)."""
        speaker, kind, rule, conf = self._source(subj)
        co_speakers = self._co_speakers(subj, speaker, kind, rule)
        if rule == "unnamed" and (members := self._named_members(subj)):
            speaker, kind, rule, conf, co_speakers = members[0], "person", "member", 0.8, tuple(members[1:])
        return speaker, kind, rule, conf, co_speakers

    def _named_members(self, subj) -> list[str]:
        """The persons a group subject lists as its members with 'including': 'Several senators, including
        John McCain and Kelly Ayotte, denounced' ('like' compares as often as it lists: 'politicians like
        Marine Le Pen'). Each must be named in full (or in full elsewhere in the article)."""
        for prep in subj.children:
            if prep.dep_ != "prep" or prep.lower_ != "including":
                continue
            for pobj in prep.children:
                mention = self.by_token.get(pobj.i)
                if pobj.dep_ != "pobj" or mention is None or mention.kind != "person" or not mention.canonical \
                        or names_no_person(mention.canonical):
                    continue
                full = len(core_tokens(mention.name)) >= 2
                if full or self.persons.resolve(mention.name, mention.start) is not None:
                    return [mention.canonical, *self._coordinated_persons(pobj, mention.canonical)]
        return []

    def _conjuncts(self, tok) -> list:
        """The conjuncts of `tok`, also those the parser hung on the place of its 'of'/'from' phrase
        ('Sens. Johnny Isakson of Georgia and John Boozman of Arkansas': Boozman is a conjunct of Georgia)."""
        out = [c for c in tok.children if c.dep_ == "conj"]
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
                for pobj in prep.children:
                    place = self.by_token.get(pobj.i)
                    if pobj.dep_ == "pobj" and (place is not None and place.kind == "place" or pobj.ent_type_ == "GPE"):
                        out.extend(c for c in pobj.children if c.dep_ == "conj")
        for appos in tok.children:  # 'Felicia Wong, president of X, and Stan Greenberg': a conjunct of the apposition
            if appos.dep_ == "appos" and (self.by_token.get(appos.i) is None
                                          or self.by_token[appos.i].kind != "person"):
                out.extend(c for c in appos.children if c.dep_ == "conj" and self._person_at(c))
        return out

    def _coordinated_persons(self, subj, speaker: str) -> tuple[str, ...]:
        """The other persons of a coordinated subject ('Ted Cruz and Marco Rubio said', 'Sanders, Clinton
        and Martin O’Malley told'): each conjunct must be a person named in full (first and last name) or
        a person the article names in full elsewhere; an 'or'/'nor' coordination ('Neither Cruz nor Rubio
        said') names nobody who spoke."""
        out: list[str] = []
        stack = self._conjuncts(subj)
        if not stack:
            return ()
        seen = [subj]
        while stack:
            tok = stack.pop(0)
            seen.append(tok)
            stack.extend(self._conjuncts(tok))
            mention = self.by_token.get(tok.i)
            if mention is None or mention.kind != "person" or not mention.canonical:
                continue
            full = len(core_tokens(mention.name)) >= 2 or self.persons.resolve(mention.name, mention.start) is not None
            if full and mention.canonical != speaker and mention.canonical not in out \
                    and not names_no_person(mention.canonical):
                out.append(mention.canonical)
        if any(c.dep_ in ("cc", "preconj") and c.lower_ in ("or", "nor", "either", "neither")
               for t in seen for c in t.children):
            return ()
        return tuple(out)

    def _according_to(self, tok) -> SpeechEvent | None:
        to = next(c for c in tok.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        speaker, kind, rule, conf = self._source(pobj, allow_object_pronoun=True)
        sent = self.sentences.of(tok.i)
        return SpeechEvent(tok.i, "according to", speaker, kind, f"according-to/{rule}", conf,
                           (sent.start_char, sent.end_char), sent.start_char)

    def _subject(self, verb):
        """The subject token of a speech verb, following conjunctions and relative clauses."""
        head, via = verb, ""
        for _ in range(4):
            # 'Saturday at the convention Sen. Elizabeth Warren (D-MA) said': a date is no subject
            subjects = [c for c in head.children if c.dep_ == "nsubj" and c.ent_type_ not in ("DATE", "TIME")] \
                or self._compound_subject(head)
            subj = self._pick_subject(head, subjects) if len(subjects) > 1 else (subjects[0] if subjects else None)
            if subj is not None:
                if subj.lower_ in ("who", "that") and head.dep_ == "relcl":
                    return head.head, "/relcl"
                return subj, via
            if head.dep_ == "conj" and head.head is not head:
                head, via = head.head, "/conj"
                continue
            if (head.dep_ == "advcl" and head.tag_ == "VBG" and head.head is not head
                    and (head.head.dep_ == "ROOT" or head.head.lower_ in STRONG)):  # "X urged ..., saying"
                head, via = head.head, "/participle"
                continue
            if head.dep_ == "pcomp" and head.tag_ == "VBG" and head.head.lower_ in GERUND_PREPOSITIONS \
                    and is_verb(head.head.head):  # 'soared in the polls by saying', 'before saying'
                head, via = head.head.head, "/gerund"
                continue
            if head.dep_ == "advcl" and head.tag_ == "VBG" and head is verb:
                # 'Clinton seemed ready to riff on it, telling the crowd, “...”': the participle hangs
                # under an infinitive; the main clause's subject speaks
                root = self._main_verb(head)
                if root is not None and root is not head.head:
                    head, via = root, "/participle"
                    continue
            return None, via
        return None, via

    def _compound_subject(self, verb) -> list:
        """'“Go back to Univision,” Trump barked': the parser took the name right before the verb for a
        compound of it; that name is the subject."""
        before = self.doc[verb.i - 1] if verb.i > 0 else None
        if before is None or before.dep_ != "compound" or before.head.i != verb.i:
            return []
        mention = self.by_token.get(before.i)
        if mention is not None:
            return [before] if mention.kind == "person" else []
        known = is_proper_noun(before) and self.persons.resolve(clean_name(before.text) or before.text,
                                                                before.idx) is not None
        return [before] if known else []  # a name the model left untagged here but tagged elsewhere

    def _pick_subject(self, head, subjects: list):
        """The subject of `head` among several the parser gave it: an inverted one right after the verb
        ('... signals “the end” for the EU, said Geert Wilders'), else the last one before the verb on its
        line ('1:50 p.m.\n\nFamed fight doctor Ferdie Pacheco once said'), the last that names a person or
        organisation ('Tuesday in Berea, OH, after winning Ohio, Gov. John Kasich said'; 'Or maybe Jeb Bush,
        digital consultant Phil Musser says'), else the last, else the first."""
        inverted = next((c for c in subjects if c.left_edge.i == head.i + 1), None)
        if inverted is not None:
            return inverted
        before = [c for c in subjects if c.i < head.i and not self._line_break_between(c, head)]
        named = [c for c in before if (m := self.by_token.get(c.i)) is not None and m.kind in ("person", "org")]
        return named[-1] if named else before[-1] if before else subjects[0]

    def _line_break_between(self, a, b) -> bool:
        """A line break separates tokens `a` and `b` (a heading the parser ran into the next sentence)."""
        lo, hi = sorted((a.idx, b.idx))
        return "\n" in self.text[lo:hi]

    def _main_verb(self, tok):
        """The verb that heads `tok` through open complements only (xcomp, acomp, advcl): the main
        clause of 'seemed ready to riff on it, telling ...'; None past any other clause."""
        head = tok.head
        while head.dep_ in ("xcomp", "acomp", "advcl") and head.head is not head:
            head = head.head
        return head if head.dep_ == "ROOT" else None

    def _name_before(self, verb):
        """A person's name right before a speech verb the parse left without a subject ('her senior
        policy adviser, Jake Sullivan, said:' parsed as an apposition of an earlier noun)."""
        j = verb.i - 1
        start = self.sentences.of(verb.i).start
        while j >= start and (self.doc[j].text == "," or self.doc[j].tag_ == "RB"):
            j -= 1
        if j > start and self.doc[j].text == ")":  # 'Sen. Elizabeth Warren (D-MA) said'
            k = j - 1
            while k > max(start, j - 8) and self.doc[k].text != "(":
                k -= 1
            j = k - 1 if self.doc[k].text == "(" else j
        mention = self.by_token.get(j) if j >= start else None
        if (mention is None or mention.kind != "person") and j >= start and self.doc[verb.i - 1].text == ",":
            return self._apposition_owner(self.doc[j], start) or self._name_before_aside(verb.i - 1, start)
        if mention is None or mention.kind != "person" or mention.token_end != j + 1:
            return None
        if self.doc[j].dep_ in ("pobj", "dobj", "poss") and not self._after_line_break(mention):
            return None  # 'a spokesman for Ryan, told'; but '... into the U.S.\nChris Christie added that'
        return self.doc[j]

    def _after_line_break(self, mention: Mention) -> bool:
        """Only whitespace with a line break stands between the mention and the text before it: the
        parser ran the line before into its sentence."""
        j = mention.start
        while j > 0 and self.text[j - 1].isspace():
            j -= 1
        return j > 0 and "\n" in self.text[j:mention.start]

    def _name_before_aside(self, comma: int, start: int):
        """'Trump, in Kentucky, said': a person's name right before a short aside between commas that
        ends at `comma`, which the parse did not hang on the name ('Mr. Trump, asked about the deaths of
        journalists, had said'). An aside with a finite verb is a clause."""
        k = comma - 1
        while k >= start and comma - k <= 12 and self.doc[k].text != "," and self.doc[k].tag_ not in _FINITE:
            k -= 1
        if k <= start or k == comma - 1 or self.doc[k].text != ",":
            return None
        mention = self.by_token.get(k - 1)
        ok = mention is not None and mention.kind == "person" and mention.token_end == k
        return self.doc[k - 1] if ok else None

    def _apposition_owner(self, tok, start: int):
        """The person whose apposition ends at `tok`: 'Col. Steven H. Warren, a military spokesman in
        Baghdad, said' (the parse hung Warren on an earlier noun and left 'said' without a subject)."""
        through_apposition = False
        for _ in range(8):
            mention = self.by_token.get(tok.i)
            if mention is not None and mention.kind == "person":
                return self.doc[mention.token_end - 1] if through_apposition else None
            if tok.dep_ not in ("pobj", "prep", "appos", "compound", "amod") or not start <= tok.head.i < tok.i:
                return None
            through_apposition |= tok.dep_ == "appos"
            tok = tok.head
        return None

    def _name_after(self, verb):
        """'“...,” said Richard L. Trumka, president of the A.F.L.-C.I.O.' when the parse (run across a
        paragraph break) left the verb without a subject: a person named right after an inverted
        verb that follows a quote or a comma; title words may stand between."""
        if verb.i == self.sentences.of(verb.i).start or self.doc[verb.i - 1].text not in QUOTE_MARKS | {","}:
            return None
        for j in range(verb.i + 1, min(verb.i + 6, len(self.doc))):
            mention = self.by_token.get(j)
            if mention is not None:
                return self.doc[mention.token_end - 1] if mention.kind == "person" else None
            tok = self.doc[j]
            if not (tok.text[:1].isupper() or tok.lower_.rstrip(".") in PERSON_TITLE_NOUNS):
                return None
        return None

    # -- sources -------------------------------------------------------------------------------

    def _source(self, tok, allow_object_pronoun: bool = False):
        """(speaker, speaker_type, rule, confidence) for the token that is the source."""
        low = tok.lower_
        if low in PERSON_PRONOUNS and (allow_object_pronoun or low in ("he", "she")):
            person = self.resolve_pronoun(tok)
            if person is None:
                return None, None, "pronoun-unresolved", 0.0
            if tok.i in self._tentative:  # the quote goes to that person; the speaker facet waits for more
                return person, "person", "pronoun-mentioned", 0.5
            return person, "person", "pronoun", 0.8
        mention = self.by_token.get(tok.i)
        if mention is not None and mention.kind in ("person", "org"):
            return mention.canonical, mention.kind, "named", 0.95
        found = self._name_in_phrase(tok)
        if found is not None:
            return found.canonical, found.kind, "phrase", 0.85
        named = self._unlabelled_name(tok)
        if named is not None:
            return named, "person", "parse-name", 0.75
        return None, None, "unnamed", 0.0

    def _name_in_phrase(self, tok) -> Mention | None:
        """A person or organisation named by apposition or agent inside a noun-subject phrase:
        "the spokeswoman, Maria Zakharova," / "a statement released by the State Department"."""
        if not is_noun(tok) or tok.lower_ not in STATEMENT_NOUNS and not is_proper_noun(tok) and \
                not any(c.dep_ == "appos" for c in tok.children):
            return None
        stack = [tok]
        while stack:
            t = stack.pop()
            mention = self.by_token.get(t.i)
            if mention is not None and mention.kind in ("person", "org") and t is not tok:
                return mention
            for c in t.children:
                if c.dep_ in ("appos", "compound", "flat", "acl", "agent") or (
                        c.dep_ == "pobj" and t.lower_ == "by"):
                    if c.dep_ == "compound" and not self._names_person(t) and self._person_at(c):
                        continue  # "a senior Obama administration official", "Former Clinton Pollster Says"
                    stack.append(c)
        return None

    def _names_person(self, tok) -> bool:
        """`tok` is part of a person's name: a person mention, or a proper noun outside any mention that is no
        word of a headline in title case ('Former Clinton Pollster Says')."""
        mention = self.by_token.get(tok.i)
        if mention is not None:
            return mention.kind == "person"
        return is_proper_noun(tok) and tok.lower_ not in self._lower_words

    def _person_at(self, tok) -> bool:
        """A person's name in the phrase under `tok` (which modifies a common noun)."""
        return any((m := self.by_token.get(t.i)) is not None and m.kind == "person" for t in tok.subtree)

    def _unlabelled_name(self, tok) -> str | None:
        """A proper-noun subject the model did not tag, taken as a person when the article names
        that person elsewhere or a person title stands in its phrase ("Press Secretary Josh Earnest")."""
        if not is_noun(tok) or not tok.text[:1].isupper():
            return None
        proper = is_proper_noun(tok)  # a capitalised NOUN ("Sanders" tagged NNS) must be a known person
        phrase = sorted([c for c in tok.children if c.dep_ in ("compound", "flat")] + [tok], key=lambda t: t.i)
        start = phrase[0].i
        words = [t.text for t in self.doc[start:tok.i + 1]]
        titles = {w.lower().rstrip(".") for w in words} & (PERSON_TITLE_NOUNS | TITLE_WORDS)
        name = clean_name(" ".join(words))
        if not name:
            return None
        full = self.persons.resolve(name, self.doc[start].idx)
        if full is None and proper and person_key(name) in self._tagged_persons:
            full = self._tagged_persons[person_key(name)]  # 'Maddow said', tagged PERSON elsewhere only
        if full is None and (not proper or not titles & PERSON_TITLE_NOUNS):
            return None
        if full is None:
            full = name
            self.persons.add(name, self.doc[start].idx)
        canonical = self.table.person(full)
        span = self.doc[start:tok.i + 1]
        self.mentions.append(Mention("person", name, span.start_char, span.end_char, start, tok.i + 1,
                                     "PARSE", titles, canonical))
        for i in range(start, tok.i + 1):
            self.by_token[i] = self.mentions[-1]
        return canonical

    # -- pronouns ------------------------------------------------------------------------------

    def resolve_pronoun(self, pron) -> str | None:
        """The person a he/she/him/her refers to. Sentence by sentence backwards; in each, the
        main clause's subject first, then other subjects, then other mentions, latest first."""
        if pron.i not in self._resolved:  # pronoun chains ask about the same pronoun again
            self._resolved[pron.i] = self._resolve_pronoun(pron)
        return self._resolved[pron.i]

    def _resolve_pronoun(self, pron) -> str | None:
        want_female = PERSON_PRONOUNS[pron.lower_] == "f"
        sents = self.sentences.spans
        here = self.sentences.index_of(pron.i)
        deferred: list[str] = []
        deferred_subjects: list[str] = []
        bound = self._named_in_own_complement(pron)
        for k in range(here, max(here - 4, -1), -1):
            sent = sents[k]
            end = pron.i if k == here else sent.end
            main, subjects, others, embedded = [], [], [], []
            depth: dict[str, int] = {}
            for i in range(end - 1, sent.start - 1, -1):
                m = self.by_token.get(i)
                if m is None or m.kind != "person" or self.inside_quote[self.doc[i].idx] \
                        or names_no_person(m.canonical):
                    continue
                tok = self.doc[i]
                modifier = False  # 'The Murdoch outlets have been standing in the way, he said': not Murdoch
                while tok.dep_ in ("compound", "flat", "appos") and tok.head is not tok:
                    modifier |= tok.dep_ == "compound" and not is_proper_noun(tok.head)
                    tok = tok.head
                if modifier:
                    bucket = others
                elif tok.dep_ == "nsubj" and (tok.head.dep_ == "ROOT" or tok.head.dep_ == "conj"
                                              and tok.head.head.dep_ == "ROOT"):
                    bucket = main
                elif k == here and tok.dep_ in ("nsubj", "nsubjpass") and not _dominates(tok.head, pron):
                    # 'Asked about her vote if Clinton faces Trump, she replied': the subject of a clause
                    # that the pronoun is not part of comes after the previous sentence's people
                    bucket = embedded
                elif tok.dep_ in ("nsubj", "nsubjpass") or self._opens_line(m):
                    bucket = subjects  # a name opening its line is its subject, whatever a parse run on says
                else:
                    bucket = others
                if m.canonical not in bucket:
                    bucket.append(m.canonical)
                if bucket is subjects:
                    depth[m.canonical] = min(depth.get(m.canonical, 99), _depth(tok))
            # of the other subjects, the one of the highest clause first ('Carson turned the story back on the
            # Post, pointing out that Robert Costa had reported ... He hoped, he said'), else the latest
            subjects.sort(key=lambda person: depth[person])
            # who spoke in the sentence, its own part before the pronoun included: the parser runs '... said
            # Mr. Trump had disrespected troops.\n\n“...,” he said.' into one sentence
            speakers = list(reversed(self._speakers_by_sent.get(k, [])))
            # "He avoided criticism of Trump until recent days, when he expressed concern": the
            # sentence's own subject pronoun carries the chain on, before any name in the sentence
            chain = self._subject_pronoun(sent, end, want_female, any_clause=k == here)
            chained: list[str] = []
            if chain is not None:
                person = self.resolve_pronoun(chain)
                if person is not None:
                    main = main + [person]
                    if chain.i in self._tentative:
                        chained.append(person)
            if not main and chain is None and self._described_subject(sent, end):
                subjects, others = [], []  # 'The former ambassador also discussed ... Trump. He stated'
            if k == here and k > 0:  # 'In an interview with Obama, he said': an object of this sentence
                deferred, others = others, []  # comes after the previous sentence's people
                deferred_subjects = embedded
            elif k == here:
                subjects = subjects + embedded
            elif k == here - 1:
                others = others + deferred
                subjects = subjects + [p for p in deferred_subjects if p not in subjects]
            for person in speakers + main + subjects + others:
                female = self._gender.get(person)
                if (female is None or female == want_female) and person not in bound:
                    if person in others and person not in speakers + main + subjects or person in chained:
                        self._tentative.add(pron.i)
                    return person
        # '“...” she continued' after a long quote: the last speaker of that gender a little further back
        for k in range(here - 4, max(here - 8, -1), -1):
            for person in reversed(self._speakers_by_sent.get(k, [])):
                if self._gender.get(person) in (None, want_female) and person not in bound:
                    return person
        person = self._earlier_paragraph_person(here, want_female)
        return person if person not in bound else None

    def _named_in_own_complement(self, pron) -> set[str]:
        """The persons named, outside quotes, in the that-clause of a subject pronoun's verb: 'He insisted
        Curiel had a conflict', 'He also thinks Cruz will win' — never the person the pronoun means."""
        if pron.dep_ != "nsubj" or pron.head is pron:
            return set()
        out = set()
        for clause in pron.head.children:
            if clause.dep_ != "ccomp" or clause.i < pron.i:
                continue
            for tok in clause.subtree:
                m = self.by_token.get(tok.i)
                if m is not None and m.kind == "person" and m.canonical and not self.inside_quote[tok.idx]:
                    out.add(m.canonical)
        return out

    def _earlier_paragraph_person(self, here: int, want_female: bool) -> str | None:
        """A he/she whose person was named paragraphs before: the one person of that gender who
        speaks or is a main subject in the 8 to 16 sentences before; none when two could be meant."""
        found: list[str] = []
        for k in range(here - 8, max(here - 16, -1), -1):
            sent = self.sentences.spans[k]
            for person in [*self._speakers_by_sent.get(k, []), *self._main_subjects(sent)]:
                if self._gender.get(person) in (None, want_female) and person not in found:
                    found.append(person)
        return found[0] if len(found) == 1 else None

    def _main_subjects(self, sent) -> list[str]:
        """Persons named as the subject of the main verb of `sent`, outside quotes."""
        out = []
        for i in range(sent.start, sent.end):
            m = self.by_token.get(i)
            if m is None or m.kind != "person" or self.inside_quote[self.doc[i].idx]:
                continue
            tok = self.doc[i]
            while tok.dep_ in ("compound", "flat") and tok.head is not tok:
                tok = tok.head
            if tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT" and m.canonical not in out:
                out.append(m.canonical)
        return out

    def _opens_line(self, mention: Mention) -> bool:
        """The mention opens its line, after title words at most ('Russian President Vladimir Putin also
        responded ...' after a heading the parser ran into the same sentence)."""
        line_start = self.text.rfind("\n", 0, mention.start) + 1
        prefix = self.text[line_start:mention.start].split()
        return len(prefix) <= 4 and all(w[:1].isupper() for w in prefix)

    def _described_subject(self, sent, end: int) -> bool:
        """The main subject of `sent` (before `end`) is a person described, not named: 'the former
        ambassador', 'the senator'; the people it mentions besides are not who a later he/she is."""
        for i in range(sent.start, end):
            t = self.doc[i]
            if t.dep_ == "nsubj" and t.head.dep_ == "ROOT":
                return t.tag_ == "NN" and t.lower_ in PERSON_TITLE_NOUNS and i not in self.by_token
        return False

    def _subject_pronoun(self, sent, end: int, want_female: bool, any_clause: bool = False):
        """A he/she (of the wanted gender) that is the main subject of `sent` before token `end`
        (with `any_clause`, the subject of any clause: 'Though he did not mention Rubio, he made it
        clear'); without a parse, one that opens the sentence."""
        first = next((t for t in sent if not t.is_punct and not t.is_space), None)
        for i in range(sent.start, end):
            t = self.doc[i]
            low = t.lower_
            if low not in ("he", "she") or (low == "she") != want_female or self.inside_quote[t.idx]:
                continue
            if t.dep_ == "nsubj" and (any_clause or t.head.dep_ == "ROOT") or not t.dep_ and t is first:
                return t
        return None

    # -- quotes --------------------------------------------------------------------------------

    def attribute(self, events: list[SpeechEvent]) -> list[Quote]:
        text = self.text
        # a stance ('Sanders endorsed Clinton') states what it names, never a direct quote nearby
        all_events, events = events, [e for e in events if not e.rule.startswith("stance/")]
        quotes: list[Quote] = []
        claimed: set[int] = set()
        cues = [e.cue_i for e in events]
        sents = self.sentences.spans
        previous: Quote | None = None
        previous_sent_end = -1
        dash_events = [e for e in events if e.rule == "dash-line"]
        for q in self.quotes:
            first = next((s for s in sents if s.end_char > q.start), sents[-1])
            last = next((s for s in sents if s.end_char >= q.end), sents[-1])
            lo, hi = first.start_char, last.end_char
            # an attribution split off after the quote: '“...”, he added.'
            nxt = next((s for s in sents if s.start_char >= q.end and s.start_char - q.end <= 3), None)
            # ... or one a long sentence opens with: '“Who are they?” Trump said of Apple in February, when ...'
            # (that sentence stays a statement of its own: its cue is not marked as claimed)
            long_next = nxt is not None and len(nxt) > 12 and self._opens_with_cue(nxt, events, cues)
            if nxt is not None and (len(nxt) <= 12 or long_next):
                hi = max(hi, nxt.end_char)
            # the parser runs sentences across paragraph breaks ('... Canova said. “...”\n\nSanders said'):
            # a cue in another paragraph never claims the quote
            lo = max(lo, text.rfind("\n", 0, q.start) + 1)
            para_end = text.find("\n", q.end)
            hi = min(hi, para_end if para_end >= 0 else len(text))
            window = [e for e in events if lo <= self.doc[e.cue_i].idx < hi]
            if not window and q.start - lo <= 2:
                # 'Cruz continued:' / 'released the following statement:' then the quote, in the same
                # paragraph or opening the next one (the parser often runs both into one sentence)
                before = text[:lo].rstrip()
                if before.endswith(":") or text[lo - 1:lo] in "“\"" and before.endswith(","):
                    colon = len(before) - 1
                    prev = next((s for s in sents if s.start_char <= colon < s.end_char), None)
                    if prev is not None:
                        start = max(prev.start_char, text.rfind("\n", 0, colon) + 1)
                        window = [e for e in events if start <= self.doc[e.cue_i].idx < colon]
            event = None
            containing = [e for e in window if e.content and e.content[0] <= q.start and q.end <= e.content[1]]
            dashed = [e for e in dash_events if e.content[0] <= q.start and q.end <= e.content[1]]
            if dashed:  # '“...”\n― Maria Lopez': the dash line names the speaker, whatever cue is near
                event = dashed[0]
            elif containing:
                event = min(containing, key=lambda e: e.content[1] - e.content[0])
            elif window:
                event = min(window, key=lambda e: _distance(self.doc[e.cue_i].idx, q))
            if event is not None:
                if not (long_next and nxt.start <= event.cue_i < nxt.end):
                    claimed.add(event.cue_i)
                quote = Quote(event.speaker, event.speaker_type, text[q.start:q.end], q.start, q.end, "direct",
                              event.cue, event.rule, event.confidence)
            elif (previous is not None and previous.speaker and lo - previous_sent_end <= 3
                  and q.start - first.start_char <= 2):  # a quote that opens the next sentence
                quote = Quote(previous.speaker, previous.speaker_type, text[q.start:q.end], q.start, q.end,
                              "direct", previous.cue, "continuation", round(previous.confidence * 0.8, 2))
            elif q.start - lo <= 2 and (after := self._speaker_before(events, lo)) is not None:
                quote = Quote(after.speaker, after.speaker_type, text[q.start:q.end], q.start, q.end, "direct",
                              after.cue, "paragraph-continuation", round(after.confidence * 0.7, 2))
            else:
                quote = Quote(None, None, text[q.start:q.end], q.start, q.end, "direct", "", "unattributed", 0.0)
            quotes.append(quote)
            previous, previous_sent_end = quote, hi
        direct = list(quotes)
        for e in all_events:
            if e.cue_i in claimed or e.speaker is None or e.content is None and e.reported_by is not None:
                continue  # 'Briggs said Sharpton asked for the meeting': the sentence is Briggs's words
            cue_sent = self.sentences.of(e.cue_i)
            start, end = e.content or self._paragraph_part(cue_sent, self.doc[e.cue_i].idx)
            if e.content is None and any(start <= q.start and q.end <= end and q.speaker and q.speaker != e.speaker
                                         for q in direct):
                continue  # '“...,” Trump said when Boyle asked him': the sentence is not what Boyle said
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            kind = "direct" if e.rule == "transcript" else "reported"
            quotes.append(Quote(e.speaker, e.speaker_type, text[start:end], start, end, kind,
                                e.cue, e.rule, round(e.confidence * 0.9, 2)))
        quotes.sort(key=lambda x: x.start)
        return quotes


    def _paragraph_part(self, sent, pos: int) -> tuple[int, int]:
        """The part of `sent` in the paragraph of character `pos`: the parser runs a heading or the title
        into the next paragraph's sentence."""
        para_start = self.text.rfind("\n", 0, pos) + 1
        para_end = self.text.find("\n", pos)
        return max(sent.start_char, para_start), min(sent.end_char, para_end if para_end >= 0 else len(self.text))

    def _opens_with_cue(self, sent, events: list[SpeechEvent], cues: list[int]) -> bool:
        """A speech event with nothing said of its own has its cue among the first four tokens of
        `sent`: '“Who do they think they are?” Trump said of Apple in February, when ...' split after the
        question mark ('“...?” Clinton called on members to be ...' says what it says itself; 'Mr. Zahed
        said: “...”' and 'Mrs. Clinton replied, “...”' introduce the quote after them)."""
        first = bisect_left(cues, sent.start)  # `cues`: the events' cue indexes, in order
        return any(e.cue_i < sent.start + 4 and e.content is None and not self._introduces_quote(e.cue_i)
                   for e in events[first:first + 4])

    def _introduces_quote(self, cue_i: int) -> bool:
        """A colon or an opening quote mark follows the cue (after a comma at most)."""
        after = [t.text for t in self.doc[cue_i + 1:cue_i + 3]]
        if after[:1] == [","]:
            after = after[1:]
        return bool(after) and after[0] in (":", "“", '"', "``", "''", "«")

    def _speaker_before(self, events: list[SpeechEvent], sent_start: int) -> SpeechEvent | None:
        """Who goes on speaking in a quote that opens its sentence with no cue of its own: the person
        of the last speech event earlier in its paragraph or, for a quote opening a paragraph, in the
        paragraph before ('Clinton responded, saying ...\n\n“I am so sick of it.”'). Nobody when that
        event's source is unnamed or an organisation."""
        para_start = self.text.rfind("\n", 0, sent_start) + 1
        region_start = para_start
        if not self.text[para_start:sent_start].strip():  # the quote opens its paragraph
            if para_start < 2:
                return None
            region_start = self.text.rfind("\n", 0, para_start - 1)
            while region_start > 0 and not self.text[region_start + 1:para_start].strip():
                region_start = self.text.rfind("\n", 0, region_start - 1)
            region_start += 1
        before = [e for e in events if region_start <= self.doc[e.cue_i].idx < sent_start]
        if before:
            last = before[-1]
            return last if last.speaker_type == "person" and last.speaker else None
        return None


@lru_cache(maxsize=1)
def _cue_hashes() -> numpy.ndarray:
    """spaCy's string hashes of every cue form (a hash does not depend on the vocabulary)."""
    from spacy.strings import get_string_id  # imported here: this module loads without spaCy

    forms = {*STRONG, *WEAK, *STANCE, *THOUGHT, *PUSH_FOR, *BESIDE_QUOTE, *PHRASAL, *AFTER_QUOTE, "according"}
    return numpy.array(sorted(get_string_id(f) for f in forms), dtype=numpy.uint64)


# Events that a line's layout makes, quoting rather than reporting.
_STRUCTURAL_RULES = frozenset({"transcript", "colon-name", "dash-line"})
# Cue forms that show a speech verb before a colon ('Trump told Clinton: “...”'); 'agree' only introduces
# a quote it follows ('Pollsters agree - Carl Bialik: “...”' is Bialik's)
_CUE_FORMS = frozenset({*STRONG, *WEAK, *BESIDE_QUOTE, *PHRASAL, "according"})
# Every form of a speech verb: a title-case headline runs them into names ('Ben Carson Slams Hillary').
CUE_FORMS = frozenset({*_CUE_FORMS, *AFTER_QUOTE})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _depth(tok) -> int:
    """How many heads lie between `tok` and the root of its sentence."""
    n = 0
    while tok.head.i != tok.i:
        tok, n = tok.head, n + 1
    return n


def _dominates(head, tok) -> bool:
    """`tok` is `head` or lies in its subtree."""
    while tok.i != head.i and tok.head.i != tok.i:
        tok = tok.head
    return tok.i == head.i


def _distance(pos: int, q: QuoteSpan) -> int:
    if pos < q.start:
        return q.start - pos
    if pos >= q.end:
        return pos - q.end
    return 10**6  # a cue inside the quote itself never claims it
