"""Who is quoted as speaking: the article's speech events, and the quotes they claim.

`SpeakerFinder.events` reads the speech events of one article in reading order (cue verbs from the
parse, `cues`; then the lines a layout makes, `layout`) and marks those only heard second-hand;
`SpeakerFinder.attribute` gives each quote its speaker. Each direct quote goes to the event whose
reported content contains it, else to the nearest event in its sentences; an unclaimed quote right
after a claimed one continues it. Every event with a named source that claims no direct quote
stores what it reports (the that-clause, or its sentence) as a reported quote.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from newsfind.index.nlp.article_persons import ArticlePersons
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.entities import Mention
from newsfind.index.nlp.quotes import QuoteSpan
from newsfind.index.nlp.sentences import Sentences
from newsfind.index.nlp.speakers.article import ParsedArticle
from newsfind.index.nlp.speakers.cues import CueReader
from newsfind.index.nlp.speakers.events import STRUCTURAL_RULES, SpeechEvent, correct_non_person
from newsfind.index.nlp.speakers.layout import LayoutReader
from newsfind.index.nlp.speakers.pronouns import PronounResolver
from newsfind.index.nlp.speakers.sources import SourceFinder
from newsfind.index.nlp.speakers.subjects import SubjectFinder


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
    # the other persons of a coordinated source, who say it too: 'Bolton and Gorka both denounced the movement'
    co_speakers: tuple[str, ...] = ()
    co_probabilities: tuple[float, ...] = ()  # the model's probability of each co-speaker (empty: rules only)

    def as_dict(self) -> dict:
        d = dict(self.__dict__)  # scalars and tuples of scalars: no deep copy (dataclasses.asdict) needed
        d["co_speakers"], d["co_probabilities"] = list(self.co_speakers), list(self.co_probabilities)
        return d


class SpeakerFinder:
    def __init__(self, doc, mentions: list[Mention], persons: ArticlePersons, quotes: list[QuoteSpan],
                 inside_quote: bytearray, table: CanonicalTable, sentences: Sentences | None = None,
                 text: str | None = None) -> None:
        article = ParsedArticle(doc, doc.text if text is None else text, sentences or Sentences(doc), mentions,
                                persons, quotes, inside_quote, table)
        self.doc, self.text, self.sentences, self.quotes = article.doc, article.text, article.sentences, quotes
        self.inside_quote, self.table = inside_quote, table
        self.pronouns = PronounResolver(article)
        self.cues = CueReader(article, SubjectFinder(article), SourceFinder(article, self.pronouns))
        self.layout = LayoutReader(article)

    def events(self) -> list[SpeechEvent]:
        """Every speech event of the article, by the position of its cue. Who spoke in a sentence is
        recorded as the events are found, in reading order: a later he/she may mean that person."""
        out = []
        for tok in self.cues.cue_tokens():
            if self.inside_quote[tok.idx]:
                continue
            event = self.cues.event(tok)
            if event is not None:
                correct_non_person(event, self.table)
                out.append(event)
                if event.speaker_type == "person" and event.names_a_speaker:
                    spoke = self.pronouns.speakers_by_sent.setdefault(self.sentences.index_of(tok.i), [])
                    if event.speaker not in spoke:
                        spoke.append(event.speaker)
        out.extend(self.layout.events())
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
            if event.rule in STRUCTURAL_RULES:
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

    def attribute(self, events: list[SpeechEvent]) -> list[Quote]:
        text = self.text
        # a stance ('Sanders endorsed Clinton') states what it names, never a direct quote nearby
        all_events, events = events, [e for e in events if not e.rule.startswith("stance/")]
        # an embedded tweet is one quote, with any quotation marks inside it, and claims no quote outside it
        tweets = [e.content for e in events if e.rule == "tweet"]
        events = [e for e in events if e.rule != "tweet"]
        quotes: list[Quote] = []
        claimed: set[int] = set()
        cues = [e.cue_i for e in events]
        sents = self.sentences.spans
        previous: Quote | None = None
        previous_sent_end = -1
        dash_events = [e for e in events if e.rule == "dash-line"]
        for q in self.quotes:
            if any(a <= q.start and q.end <= b for a, b in tweets):
                continue
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
            # a cue in another paragraph never claims the quote ('... Canova said. “...”\n\nSanders said': the
            # sentence after a quote that ends its paragraph opens the next one)
            para_end = text.find("\n", q.end)
            para_end = para_end if para_end >= 0 else len(text)
            hi = min(hi, para_end)
            window = [e for e in events if lo <= self.doc[e.cue_i].idx < hi]
            if not window and text[q.start:q.end].rstrip().endswith(","):
                # '“...,” Pentagon spokesman Navy Capt. Jeff Davis said.': a quote that ends in a comma goes on
                # in its sentence, which the parser cut before the cue; the next sentence of the paragraph holds it
                cut = next((s for s in sents if s.start_char >= hi), None)
                if cut is not None and cut.start_char < para_end:
                    window = [e for e in events if hi <= self.doc[e.cue_i].idx < cut.end_char]
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
                              event.cue, event.rule, event.confidence, event.co_speakers)
            elif (previous is not None and previous.speaker and lo - previous_sent_end <= 3
                  and _opens(text, first.start_char, q.start)):  # a quote that opens the next sentence
                quote = Quote(previous.speaker, previous.speaker_type, text[q.start:q.end], q.start, q.end,
                              "direct", previous.cue, "continuation", round(previous.confidence * 0.8, 2),
                              previous.co_speakers)
            elif _opens(text, lo, q.start) and (after := self._speaker_before(events, lo)) is not None:
                quote = Quote(after.speaker, after.speaker_type, text[q.start:q.end], q.start, q.end, "direct",
                              after.cue, "paragraph-continuation", round(after.confidence * 0.7, 2), after.co_speakers)
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
            kind = "direct" if e.rule in ("transcript", "tweet") else "reported"  # a tweet: its author's words
            quotes.append(Quote(e.speaker, e.speaker_type, text[start:end], start, end, kind,
                                e.cue, e.rule, round(e.confidence * 0.9, 2), e.co_speakers))
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


# Words that may stand before a quote that goes on with the last speaker's words: 'But “...”', 'And, “...”'
CONNECTIVES = frozenset({"but", "and", "yet", "still", "so", "also", "plus", "then", "however", "meanwhile"})


def _opens(text: str, start: int, quote_start: int) -> bool:
    """The quote at `quote_start` opens the sentence or paragraph at `start`, after nothing or one connective
    ('But “Donald Trump’s candidacy is strengthened ...”': no cue of its own, the last speaker's words go on)."""
    before = text[start:quote_start].strip(" \n\t“\"‘',").lower()
    return quote_start - start <= 2 or before in CONNECTIVES


def _distance(pos: int, q: QuoteSpan) -> int:
    if pos < q.start:
        return q.start - pos
    if pos >= q.end:
        return pos - q.end
    return 10**6  # a cue inside the quote itself never claims it
