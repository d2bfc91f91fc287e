"""Speech events that a line's layout makes, quoting rather than reporting: an interview transcript's
labels ("PENCE: ..."), a name right before a colon that opens a quote ("Carl Bialik: “...”"), a
dash line after a quote ("“...”\n― Maria Lopez, 34, Phoenix"), and an embedded tweet's signature
("... — Ben Jacobs (@Bencjacobs) September 1, 2016")."""

from __future__ import annotations

import re

from newsfind.index.nlp.canonical import known_kind
from newsfind.index.nlp.entities import Mention
from newsfind.index.nlp.entity_names import NOT_NAMES
from newsfind.index.nlp.names import (
    TITLE_WORDS,
    clean_name,
    core_tokens,
    looks_female,
    names_no_person,
    strip_possessive,
)
from newsfind.index.nlp.postags import is_proper_noun
from newsfind.index.nlp.speakers.article import ParsedArticle
from newsfind.index.nlp.speakers.events import SpeechEvent, correct_non_person
from newsfind.index.nlp.speakers.lexicon import CUES_BEFORE_COLON

# A transcript line: "PENCE: ...", "Mike Pence: ...", "Alex Seitz-Wald: ...", "Mr. Trump: ...", also opening a quote.
_LABEL_WORD = r"(?:Ma?c|O[’']|De|La)?[A-Z][a-z’']+(?:-[A-Z]?[a-z’']+)?"
TRANSCRIPT_LINE = re.compile(r"(?m)^[ \t]*[\"“]?(?P<name>(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.[ ])?"
                             rf"(?:[A-Z][A-Z.'’ -]{{1,40}}[A-Z]|[A-Z][a-z]+(?: {_LABEL_WORD}){{0,2}}))"
                             r":[ \t]+(?P<said>\S[^\n]*)$")
# Labels of a line that name no speaker, however much the line looks like a transcript's.
NOT_SPEAKER_LABELS = frozenset("""
    q a update updated note correction clarification editor editors byline transcript source sources
    watch read related breaking exclusive video audio photo photos poll report developing live caption
    unidentified unknown anonymous alert implications group crowd
    """.split())
# Words that show a label is a phrase, not a name: "STAT OF THE WEEK:", "WHAT TO WATCH:".
LABEL_FUNCTION_WORDS = frozenset({"of", "the", "to", "for", "and", "in", "on", "at", "what", "how", "why", "this",
                                  "by", "any", "with", "from", "about"})
# A dash that attributes a quote: at a line start or right after a closing quote mark, before a name.
DASH_LINE = re.compile(r"(?:^|(?<=[”\"])[.,]?)[ \t\u00a0]*(?P<dash>―|—|–|--)[ \t\u00a0]*(?=[A-Z])", re.MULTILINE)
_ALNUM = re.compile(r"[^\W_]")
# The signature an embedded tweet ends with (Twitter's embed code, as text): a dash, the author's display name,
# their handle and the date.
TWEET_SIGNATURE = re.compile(r"(?P<dash>—|–|--?)[ \t\u00a0]*(?P<name>[^\s(—–@][^\n(—–@]{0,60}?)[ \t\u00a0]*"
                             r"\(@\w{1,15}\)[ \t\u00a0]*[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}")
_TWEET_TAG = re.compile(r"<tweet\b[^>]*>")  # PolNeAR keeps the tag of a tweet in its text
MAX_TWEET = 600  # characters: a tweet is at most 280, and its links show in full


class LayoutReader:
    def __init__(self, article: ParsedArticle) -> None:
        self.doc, self.text, self.sentences = article.doc, article.text, article.sentences
        self.mentions, self.by_token, self.persons = article.mentions, article.by_token, article.persons
        self.quotes, self.inside_quote, self.table = article.quotes, article.inside_quote, article.table
        self.lower_words = article.lower_words

    def events(self) -> list[SpeechEvent]:
        """Transcript lines, then name-and-colon lines (not a transcript label's own colon), then dash lines."""
        transcript = self.transcript_events()
        label_colons = {e.content[0] for e in transcript}  # a transcript line's words start after its colon
        colons = [e for e in self.colon_events() if not any(0 < c - self.doc[e.cue_i].idx <= 3 for c in label_colons)]
        return [*transcript, *colons, *self.dash_events(), *self.tweet_events()]

    def transcript_events(self) -> list[SpeechEvent]:
        """Interview transcripts: a paragraph opening with "PENCE:", "Mike Pence:" or "Mr. Pence:" is
        that person speaking, resolved to the article's full name ("Chris Wallace" for "WALLACE:").
        A label that resolves to nobody counts only when it is a full name in capitals, or a
        one-word name in capitals in an article with at least two such labelled lines (a transcript) and no
        label that is a common word of the article (a form's fields);
        "Q:", "UPDATE:" or a place or organisation never speaks."""
        every = list(TRANSCRIPT_LINE.finditer(self.text))
        for m in every:  # "KATE BOULDUAN: Why not debate?" tells who a later "BOULDUAN:" is
            raw = m.group("name").strip()
            if raw.isupper() and m.start() > 0 and len(clean_name(raw.title()).split()) >= 2 \
                    and raw.lower() not in NOT_NAMES \
                    and not self._labelled_non_person(m.start("name"), m.end("name")):
                self.persons.add(clean_name(raw.title()), m.start())
        # "Clinton: 1,769." says nothing; "PICTURES: PREPARATIONS FOR HURRICANE FLORENCE" is a heading
        lines = [m for m in every if len(re.findall(r"[^\W\d_]{2,}", m.group("said"))) >= 4
                 and not m.group("said").isupper()]
        capital_labels = sum(1 for m in lines if m.group("name").isupper() and m.start() > 0)
        in_transcript = capital_labels >= 2 and not self._form_labels(every)
        out = []
        for m in lines:
            event = self._transcript_event(m, in_transcript)
            if event is not None:
                correct_non_person(event, self.table)
                out.append(event)
        return out

    def _form_labels(self, labels: list[re.Match]) -> bool:
        """Some one-word label in capitals is a word the article writes in lower case and no person of it:
        the lines are a form's fields ('TARGET: ...', 'ATTACKER: ...'), not a conversation."""
        for m in labels:
            raw = m.group("name").strip()
            if raw.isupper() and " " not in raw and raw.lower() not in NOT_SPEAKER_LABELS \
                    and raw.lower() in self.lower_words and self.persons.resolve(raw.title(), m.start()) is None:
                return True
        return False

    def _transcript_event(self, m: re.Match, in_transcript: bool) -> SpeechEvent | None:
        raw = m.group("name").strip()
        name = clean_name(raw.title() if raw.isupper() else raw)
        words = [strip_possessive(w).lower() for w in raw.split()]
        if not name or name.lower() in NOT_NAMES or any(w in NOT_SPEAKER_LABELS or w in LABEL_FUNCTION_WORDS
                                                        for w in words):
            return None  # 'See Also: ...' is page furniture
        if self._labelled_non_person(m.start("name"), m.end("name")) or known_kind(raw) in ("org", "place"):
            return None  # 'CBO: “...”' as well as 'WASHINGTON: ...'
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
            if any(t.lower_ in CUES_BEFORE_COLON for t in self.doc[sent.start:colon] if t.idx >= line_start):
                continue
            out.append(SpeechEvent(colon, ":", speaker, "person", "colon-name", 0.8, (q.start, q.end),
                                   sent.start_char, subject_i=colon - 1,
                                   co_speakers=self._listed_before(colon - 1, speaker)))
        return out

    def _listed_before(self, i: int, speaker: str) -> tuple[str, ...]:
        """The persons listed with the one whose name ends at token `i` before a colon: 'Frank Newport and
        Jim Harter: “...”' (Newport too), 'Ana Ruiz, Tom Lee and Jim Harter:'."""
        mention = self.by_token.get(i)
        if mention is None or mention.kind != "person":
            return ()
        found: list[str] = []
        j = mention.token_start - 1
        while j > 0 and self.doc[j].lower_ in ("and", "&", ","):
            j -= 1
            if self.doc[j].lower_ == ",":  # 'Ruiz, and Lee'
                j -= 1
            other = self.by_token.get(j)
            if other is None or other.kind != "person" or other.token_end != j + 1 or not other.canonical \
                    or names_no_person(other.canonical) or other.canonical in (speaker, *found):
                break
            found.insert(0, other.canonical)
            j = other.token_start - 1
        return tuple(found)

    def _colon_before(self, pos: int) -> int | None:
        """The token index of a colon that stands right before `pos` (an opening mark between), if any."""
        j = pos - 1
        while j >= 0 and (self.text[j].isspace() and self.text[j] != "\n" or self.text[j] in "“\"«'"):
            j -= 1
        if j < 0 or self.text[j] != ":":
            return None
        tok = self.doc.char_span(j, j + 1, alignment_mode="expand")
        return tok.start if tok is not None and tok.text == ":" and tok.start > 0 else None

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
                lo, hi = paragraph_before(text, line_start)
                if hi <= 0:
                    continue
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

    def tweet_events(self) -> list[SpeechEvent]:
        """An embedded tweet (`tweet_spans`) is what its author says, the author being a person or organisation the
        article names by the display name of the signature ('— Donald J. Trump (@realDonaldTrump) June 5, 2017').
        A display name that names nobody known ('Chuck 🇺🇸') gives no event."""
        out = []
        for lo, hi, m in tweet_spans(self.text):
            source = self._source_named(m.start("name"), m.end("name"))
            tok = self.doc.char_span(m.start("dash"), m.end("dash"), alignment_mode="expand")
            if source is None or tok is None:
                continue
            sent = self.sentences.of(tok.start)
            out.append(SpeechEvent(tok.start, m.group("dash"), source[0], source[1], "tweet", 0.9, (lo, hi),
                                   sent.start_char))
        return out

    def _source_named(self, start: int, end: int) -> tuple[str, str] | None:
        """(canonical value, kind) of the person or organisation that the name over characters start..end is:
        a mention there (a person by more than one name), else a person of the article by that name."""
        for mention in self.mentions:
            if start <= mention.start < end and mention.canonical and mention.kind in ("person", "org"):
                if mention.kind == "person" and (names_no_person(mention.canonical)
                                                 or len(core_tokens(mention.canonical)) < 2):
                    return None  # 'Chuck 🇺🇸' names no one in particular
                return mention.canonical, mention.kind
        full = self.persons.resolve(clean_name(self.text[start:end]) or self.text[start:end], start)
        return (self.table.person(full), "person") if full is not None else None

    def _person_opening_at(self, pos: int) -> tuple[str, int] | None:
        """The canonical person whose mention starts at character `pos`, and where the mention ends."""
        for mention in self.mentions:
            if mention.start == pos and mention.kind == "person" and mention.canonical \
                    and not names_no_person(mention.canonical):
                return mention.canonical, mention.end
        return None


def tweet_spans(text: str) -> list[tuple[int, int, re.Match]]:
    """(start, end, signature) of each embedded tweet's text: from the start of its signature's line, or after the
    tweet before it on that line; the paragraph before when the signature opens its line. The tweet's words are
    its author's, as if in quotation marks (`enrich_doc` marks them so)."""
    out = []
    after_previous = 0
    for m in TWEET_SIGNATURE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        lo, hi = max(line_start, after_previous), m.start()
        after_previous = m.end()
        if not text[lo:hi].strip():  # the signature opens its line: the tweet is the paragraph before
            lo, hi = paragraph_before(text, line_start)
        tag = _TWEET_TAG.search(text, lo, hi)
        lo = tag.end() if tag is not None else lo
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if _ALNUM.search(text[lo:hi]) and hi - lo <= MAX_TWEET:
            out.append((lo, hi, m))
    return out


def paragraph_before(text: str, line_start: int) -> tuple[int, int]:
    """(start, end) of the last paragraph with words before the line that starts at `line_start`; the end is 0 or
    less when there is none."""
    hi = line_start - 1
    while hi > 0 and not text[text.rfind("\n", 0, hi) + 1:hi].strip():
        hi = text.rfind("\n", 0, hi)
    return (text.rfind("\n", 0, hi) + 1 if hi > 0 else hi), hi
