"""Enrichment: one spaCy pass per article (in batches), then entities, speakers and quotes.

The text given to spaCy is the title, a blank line and the body with boilerplate masked out
(photo credits, "Author :" / "Source :" lines, comment prompts): masking replaces characters with
spaces, so every offset still points into the body as stored. A hard-wrapped body (wire archives,
old `.txt` files) is read unwrapped, its soft line breaks made spaces (`unwrap`); where that removes
spaces ending a line, quote and mention offsets are mapped back to the body as stored.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from types import EllipsisType
from typing import NamedTuple

from newsfind.index.nlp.article_persons import ArticlePersons, canonicalise
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.entities import extract_mentions, kinds_by_article, values_by_kind
from newsfind.index.nlp.fingerprint import Fingerprint, fingerprint
from newsfind.index.nlp.metadata import Metadata, infer_metadata
from newsfind.index.nlp.parallel import parse
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.nlp.quote_spacing import spaced
from newsfind.index.nlp.quotes import find_quote_spans, quote_index
from newsfind.index.nlp.sentences import Sentences
from newsfind.index.nlp.soft_hyphens import without_soft_hyphens
from newsfind.index.nlp.speakers.attribution import Quote, SpeakerFinder
from newsfind.index.nlp.speakers.decide import decide, ensure_shown, pronoun_sources
from newsfind.index.nlp.speakers.features import candidates
from newsfind.index.nlp.speakers.layout import tweet_spans
from newsfind.index.nlp.speakers.model import current_model
from newsfind.index.nlp.split import LOCAL_ONLY
from newsfind.index.nlp.unwrap import unwrapped
from newsfind.index.readers.types import SourceArticle

# Parts of a line that are credits or page furniture, not reporting.
BOILERPLATE = [
    re.compile(r"(?:Photo(?:graph)?s?|Image|Picture|Credit)\s*(?:by|:|credit:?)\s[^\n]*", re.IGNORECASE),
    re.compile(r"\|\s*License Photo[^\n]*", re.IGNORECASE),
    re.compile(r"Screen\s?shot (?:from|via)[^\n]*", re.IGNORECASE),
    re.compile(r"^\s*(?:Author|Written by|By|Source|Outlet|Publication|Publisher)\s*[:：][^\n]*$",
               re.IGNORECASE | re.MULTILINE),
    re.compile(r"^\s*(?:Please enter your (?:comment|name)[^\n]*|Leave a (?:Comment|Reply)[^\n]*|"
               r"Post navigation|Related:[^\n]*|Share (?:this|on)[^\n]*|see more|Updated on[^\n]*|"
               r"Advertisement|Система Orphus|If you find an error[^\n]*|[^\n]* on LockerDome)\s*$",
               re.IGNORECASE | re.MULTILINE),
]
# The Hill's hover card after a name: the person's full name glued to the headlines of their latest stories, then
# 'MORE' ('Sen. Lindsey Graham Lindsey Olin Graham'Saturday Night Live' presents ... Sunday shows preview: ... MORE
# (R-S.C.) said'). Its headlines make speakers of whoever they name ('Graham says Schiff should be a witness'):
# the card is masked, the name before it stays. 1,235 of the 37,554 allsides articles hold one.
HOVER_CARD = re.compile(r"\b(?P<surname>[A-Z][\w'’-]+)(?P<mask> [A-Z][^\n]{0,80}?(?P=surname)(?=[A-Z'‘\"“(\d])"
                        r"[^\n]{0,800}? MORE\b)")
# A line in capitals only, of four words or more, in an article written in lower case: a related story's headline
# ('FELICITY HUFFMAN, LORI LOUGHLIN AMONG 50 SNARED IN ELITE COLLEGE CHEATING SCAM, AUTHORITIES SAY', 'BIDEN SAYS
# HE WAS 'AWARE' OF MICHAEL FLYNN PROBE') or a section's heading, not the article's sentences: its names made
# persons and speakers of people the article never mentions. Kept (`_capitals_line`): a line ending in a colon (a
# transcript's 'RACHEL MARTIN, HOST:'), one a dash line follows (an embedded tweet's text, then '— Donald J. Trump
# (@...)'), and a numbered item of the article's own list ('1. WHAT TRUMP'S IMMIGRATION WAFFLING REFLECTS.').
# Each line is checked on its own, with patterns that cannot backtrack across it.
_LINE = re.compile(r"[^\n]+")
_CAPITALS_WORD = re.compile(r"\b[A-Z][A-Z'’.-]+\b")
_LOWER = re.compile(r"[a-z]")
_NUMBERED = re.compile(r"\(?\d+[.)]")
_DASH_LINE_NEXT = re.compile(r"(?:[ \t]*\n)+[ \t]*[—–-]")
BATCH_SIZE = 16


@dataclass
class Enrichment:
    metadata: Metadata
    persons: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)  # persons quoted or reported as speaking
    speaker_orgs: list[str] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)  # Quote.as_dict(), offsets into the body
    mentions: list[dict] = field(default_factory=list)  # {kind, value, text, field, start, end}
    # the model's candidate speakers with their features: not stored, and not sent back by cluster workers
    # (`LOCAL_ONLY`, index/nlp/split.py), which return compact results
    candidates: list = field(default_factory=list, repr=False, metadata={LOCAL_ONLY: True})
    fingerprint: Fingerprint | None = None  # for syndication groups, computed with the rest (enrich_article)


_NOT_NEWLINE = re.compile(r"[^\n]")


def mask_boilerplate(body: str) -> str:
    spans = sorted([*((m.start(), m.end()) for pattern in BOILERPLATE for m in pattern.finditer(body)),
                    *(m.span("mask") for m in HOVER_CARD.finditer(body)), *capitals_lines(body)])
    if not spans:
        return body
    parts, done = [], 0
    for start, end in spans:  # overlapping matches: mask each character once
        start = max(start, done)
        if end > start:
            parts += [body[done:start], _NOT_NEWLINE.sub(" ", body[start:end])]
            done = end
    parts.append(body[done:])
    return "".join(parts)


def capitals_lines(body: str) -> list[tuple[int, int]]:
    """The spans of the article's lines in capitals only (`_capitals_line`), when they are less than half the
    article (an article set in capitals throughout, as old wire copy is, keeps every line)."""
    spans = [m.span() for m in _LINE.finditer(body) if _capitals_line(body, m)]
    if spans and sum(end - start for start, end in spans) * 2 > len(body):
        return []
    return spans


def _capitals_line(body: str, m: re.Match) -> bool:
    line = m.group().strip(" \t")
    if len(line) < 20 or line.endswith(":") or _LOWER.search(line) or _NUMBERED.match(line):
        return False
    if len(_CAPITALS_WORD.findall(line)) < 4:
        return False
    return not _DASH_LINE_NEXT.match(body, m.end())


class Analysed(NamedTuple):
    """The text spaCy reads, the offset at which the body starts in it, and the offset in the body
    as stored of each character of the body's part (None when every offset is its own)."""

    text: str
    body_offset: int
    positions: list[int] | None


def analysed(article: SourceArticle) -> Analysed:
    """`analysed_text` with the positions `enrich_doc` maps offsets back with: the body is examined
    for hard wrapping once."""
    prefix = f"{article.title}\n\n" if article.title else ""
    text, positions = analysed_body(article.body, mask_boilerplate(article.body))
    return Analysed(prefix + text, len(prefix), positions)


def analysed_body(body: str, masked: str | None = None) -> tuple[str, list[int] | None]:
    """The body as spaCy reads it (`masked`, a same-length copy with boilerplate masked, if given): unwrapped
    (`unwrap`), glued quotation marks spaced (`quote_spacing`), soft hyphens left out (`soft_hyphens`); and each
    character's offset in `body` (None: its own)."""
    return without_soft_hyphens(*spaced(*unwrapped(body, masked)))


def analysed_text(article: SourceArticle) -> tuple[str, int]:
    """The text spaCy reads, and the offset at which the body starts in it (`enrich_doc` maps
    offsets past it back to the body as stored)."""
    text, body_offset, _ = analysed(article)
    return text, body_offset


def enrich_many(articles: Iterable[SourceArticle], table: CanonicalTable, n_process: int = 1,
                batch_size: int = BATCH_SIZE) -> Iterator[tuple[SourceArticle, Enrichment | Exception]]:
    """Enrich articles in order, streaming: memory is bounded by the batch, not the corpus.
    With `n_process` > 1 spaCy parses in worker processes (index/nlp/parallel.py); the rest runs here,
    in order, against the one canonical table. An article whose enrichment fails comes back with
    the exception instead, and the run goes on."""
    iterator = iter(articles)
    first = next(iterator, None)
    if first is None:  # nothing to enrich (an unchanged corpus): spaCy is never loaded
        return
    nlp = load_pipeline()
    pending: deque[tuple[SourceArticle, Analysed]] = deque()

    def texts():
        for article in chain([first], iterator):
            seen = analysed(article)
            pending.append((article, seen))
            yield seen.text

    for doc in parse(nlp, texts(), n_process=n_process, batch_size=batch_size):
        article, seen = pending.popleft()
        try:
            result: Enrichment | Exception = enrich_article(article, doc, seen, table)
        except Exception as exc:  # one odd document must not stop the run; the caller reports it
            result = exc
        yield article, result


def enrich_article(article: SourceArticle, doc, seen: Analysed, table: CanonicalTable) -> Enrichment:
    """All the per-article work once `doc` is parsed, locally against the real table and on a cluster
    worker against a recorded speculative one (index/nlp/split.py): one code path."""
    result = enrich_doc(article, doc, seen.body_offset, table, seen.text, positions=seen.positions)
    result.fingerprint = fingerprint(article.title, article.body)
    return result


def enrich_doc(article: SourceArticle, doc, body_offset: int, table: CanonicalTable,
               text: str | None = None, positions: list[int] | None | EllipsisType = ...) -> Enrichment:
    """`text`: the text `doc` was parsed from, when the caller has it (`doc.text` joins every token);
    `positions`: those of `analysed` (left out: the body is examined for hard wrapping again)."""
    text = doc.text if text is None else text
    metadata = infer_metadata(article.title, article.body, article.outlet, article.date, article.author)
    quote_spans = find_quote_spans(text)
    inside_quote = quote_index(quote_spans, len(text))
    for lo, hi, _ in tweet_spans(text):  # an embedded tweet's words are its author's, as if quoted
        inside_quote[lo:hi] = b"\x01" * (hi - lo)
    ignore = bytearray(len(text))  # masked characters are spaces already; nothing more to skip
    sentences = Sentences(doc)
    mentions = extract_mentions(doc, ignore, sentences, title_end=body_offset, text=text)
    kinds_by_article(text, mentions, table.knows_surname)
    persons = ArticlePersons(mentions)
    canonicalise(mentions, persons, table)

    finder = SpeakerFinder(doc, mentions, persons, quote_spans, inside_quote, table, sentences, text)
    events = finder.events()
    model, cands = current_model(), []
    if model is not None:  # the learned model decides who speaks (speakers/model.py); the rules are its features
        cands = candidates(doc, text, sentences, mentions, events, inside_quote, body_offset,
                           frozenset(model.meta.get("extra_candidates", ())))
    # a he/she's quotes go to the person the model finds it most probably is (the rules' pick stays a feature)
    quote_events = pronoun_sources(model, cands, events) if model is not None else events
    quotes: list[Quote] = finder.attribute(quote_events)

    values = values_by_kind(mentions)
    speakers, speaker_orgs = [], []
    for event in events:
        target = speakers if event.speaker_type == "person" else speaker_orgs
        if event.names_a_speaker and event.speaker not in target:
            target.append(event.speaker)
        if event.names_a_speaker:  # 'Ted Cruz and Marco Rubio said': both speak
            target.extend(v for v in event.co_speakers if v not in target)
    per_quote = [None] * len(quotes)
    if model is not None:
        speakers, _, quotes, per_quote = decide(model, cands, speakers, quotes, sentences, text, body_offset)
    else:  # the rules alone: each speaker still has an attribution to show (the sentence of their event)
        anchors = {}
        for e in events:
            for v in (e.speaker, *e.co_speakers):
                anchors.setdefault(v, []).append((doc[e.cue_i].idx, sentences.index_of(e.cue_i), e.cue, e.confidence))
        speakers, quotes = ensure_shown(speakers, quotes, anchors, sentences, text, body_offset, "event")
        per_quote = [None] * len(quotes)
    for value in speakers:  # every speaker is also a person of the article
        if value not in values["person"]:
            values["person"].append(value)
    table.count_article(values["person"])
    for value in speaker_orgs:
        if value not in values["org"]:
            values["org"].append(value)

    if positions is ...:
        positions = analysed_body(article.body)[1]  # None: analysed offsets are body offsets

    def in_body(start: int, end: int) -> tuple[int, int]:
        start, end = start - body_offset, end - body_offset
        if positions is None or end <= start:
            return start, end
        return positions[start], positions[end - 1] + 1

    def to_body(start: int, end: int) -> dict:
        if start >= body_offset:
            start, end = in_body(start, end)
            return {"field": "body", "start": start, "end": end}
        return {"field": "title", "start": start, "end": end}

    quote_dicts = []
    spoken = set(speakers)
    for q, probability in zip(quotes, per_quote, strict=True):
        if q.start < body_offset:
            continue
        d = q.as_dict()
        # a co-speaker is shown only if a speaker of the article (the model may have dropped them), each with the
        # model's probability (None: rules only)
        kept = [k for k, v in enumerate(q.co_speakers) if v in spoken and v != q.speaker]
        d["co_speakers"] = [q.co_speakers[k] for k in kept]
        d["co_probabilities"] = [q.co_probabilities[k] if q.co_probabilities else None for k in kept]
        d["probability"] = probability  # the model's calibrated probability of the speaker; None: rules only
        d["start"], d["end"] = in_body(q.start, q.end)
        quote_dicts.append(d)
    mention_dicts = [
        {"kind": m.kind, "value": m.canonical, "text": text[m.start:m.end], **to_body(m.start, m.end)}
        for m in sorted(mentions, key=lambda m: m.start) if m.canonical
    ]
    return Enrichment(metadata=metadata, persons=values["person"], orgs=values["org"],
                      places=values["place"], speakers=speakers, speaker_orgs=speaker_orgs,
                      quotes=quote_dicts, mentions=mention_dicts, candidates=cands)
