"""Article text with persons, organisations, places and quotes marked, built from escaped pieces.

The stored offsets (`mentions`, `quotes`) index into the raw text. Every piece of text is escaped
on its own; tags are built with `Markup.format`, which escapes every value it inserts. Quotes are
the outer layer, each tied to its speaker; mentions nest inside or between them. Spans that
overlap a kept span without nesting in it are left unmarked rather than producing broken HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

KINDS = ("person", "org", "place")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    data: dict


def _valid(items: list[dict], text: str) -> list[Span]:
    spans = []
    for item in items:
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            spans.append(Span(start, end, item))
    return sorted(spans, key=lambda s: (s.start, -s.end))


def _non_overlapping(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in spans:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _inside_or_outside(spans: list[Span], outer: list[Span]) -> list[Span]:
    """Spans that lie wholly inside one outer span or wholly outside all of them."""
    out = []
    for span in spans:
        crossing = any(o.start < span.end and span.start < o.end and not (o.start <= span.start and span.end <= o.end)
                       for o in outer)
        if not crossing:
            out.append(span)
    return out


def _mentions(text: str, start: int, end: int, mentions: list[Span], entity_url: Callable[[str, str], str]) -> Markup:
    parts: list[Markup] = []
    pos = start
    for m in mentions:
        if m.start < start or m.end > end:
            continue
        kind, value = m.data.get("kind"), m.data.get("value") or text[m.start:m.end]
        parts.append(escape(text[pos:m.start]))
        parts.append(Markup('<a class="ent ent-{kind}" href="{href}" title="{tip}">{text}</a>').format(
            kind=kind, href=entity_url(kind, value), tip=f"{kind}: {value}", text=text[m.start:m.end]))
        pos = m.end
    parts.append(escape(text[pos:end]))
    return Markup("").join(parts)


@dataclass(frozen=True)
class Marked:
    html: Markup
    quotes: frozenset[int]  # `index` of each quote that is marked (and so has an anchor #q<index>)


def mark_text(text: str, mentions: list[dict], quotes: list[dict] = (),
              entity_url: Callable[[str, str], str] = lambda kind, value: "#") -> Marked:
    """`text` as HTML: mentions as links to entity pages, quotes (each with an `index`) as spans
    with an anchor and their speaker."""
    text = text or ""
    kept_quotes = _non_overlapping(_valid(list(quotes), text))
    entity_mentions = [m for m in _valid(list(mentions), text) if m.data.get("kind") in KINDS]
    kept_mentions = _non_overlapping(_inside_or_outside(entity_mentions, kept_quotes))
    parts: list[Markup] = []
    pos = 0
    for q in kept_quotes:
        parts.append(_mentions(text, pos, q.start, kept_mentions, entity_url))
        speaker = q.data.get("speaker")
        speaker_kind = "org" if q.data.get("speaker_type") == "org" else "person"
        together = [speaker, *q.data.get("co_speakers", ())] if speaker else []  # 'Bolton and Gorka said'
        tip = f"{' and '.join(together) or 'no speaker found'} ({q.data.get('kind') or 'quote'}; " \
              f"cue: {q.data.get('cue') or '?'})"
        if speaker:
            said_by = Markup(" ").join(
                Markup('<a class="said-by" href="{href}" aria-label="quote by {speaker}">{speaker}</a>').format(
                    href=entity_url(speaker_kind if k == 0 else "person", who), speaker=who)
                for k, who in enumerate(together))
        else:
            said_by = Markup('<span class="said-by unattributed">unattributed</span>')
        parts.append(Markup('<span class="quote quote-{qkind}" id="q{n}" title="{tip}">{inner}{said_by}</span>').format(
            qkind=q.data.get("kind") or "quote", n=q.data.get("index", 0), tip=tip, said_by=said_by,
            inner=_mentions(text, q.start, q.end, kept_mentions, entity_url)))
        pos = q.end
    parts.append(_mentions(text, pos, len(text), kept_mentions, entity_url))
    return Marked(Markup("").join(parts), frozenset(q.data.get("index", 0) for q in kept_quotes))
