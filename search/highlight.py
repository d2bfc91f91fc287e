"""Snippets: Whoosh's fragmenter and scorer pick the best fragments (only the words that may match
are analysed); we mark matches with private sentinels and render them as HTML (`<mark>`,
everything else escaped) or for a terminal (colour or plain markers)."""

from __future__ import annotations

import html
import re

from whoosh import highlight
from whoosh.analysis import RegexTokenizer

_OPEN, _CLOSE, _BETWEEN = "\ue000", "\ue001", "\ue002"
SNIPPET_CHARS = 240


class SentinelFormatter(highlight.Formatter):
    between = _BETWEEN

    def format_token(self, text, token, replace=False):
        return f"{_OPEN}{highlight.get_text(text, token, replace)}{_CLOSE}"


def configure(results) -> None:
    """Set the fragmenter and formatter used by `hit.highlights()` on a Results object."""
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    results.formatter = SentinelFormatter()


def lead(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The start of a text, cut at a word boundary: the snippet when nothing in the body matched."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars)
    return text[: cut if cut > chars // 2 else chars] + " …"


def normalise(raw: str) -> str:
    return " ".join(raw.split())


def to_html(raw: str) -> str:
    """Escape everything, then turn sentinels into <mark> tags."""
    out = html.escape(normalise(raw), quote=False)
    return out.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>").replace(_BETWEEN, " … ")


def html_to_terminal(snippet: str, color: bool) -> str:
    """A `to_html` snippet for a terminal: matches in colour, or between ** markers."""
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("**", "**")
    return html.unescape(snippet.replace("<mark>", start).replace("</mark>", end))


def has_marks(raw: str) -> bool:
    return _OPEN in raw


def quote_snippet(quotes: list[dict], speaker_terms: set[str], quote_terms: set[str], speaker_analyzer,
                  quote_analyzer) -> str | None:
    """The quote that answers a `speaker:`/`quote:` query, as HTML: 'Speaker: “… <mark>word</mark> …”'.
    Prefers a quote whose speaker matches and whose words match; None when no quote fits."""
    best, best_score = None, 0
    for q in quotes:
        if not q.get("speaker"):
            continue
        speaker_ok = not speaker_terms or bool(
            {t.text for t in speaker_analyzer(q["speaker"])} & speaker_terms)
        if not speaker_ok:
            continue
        words = {t.text for t in quote_analyzer(q["text"])}
        score = 1 + 2 * len(words & quote_terms)
        if quote_terms and not words & quote_terms:
            continue
        if score > best_score:
            best, best_score = q, score
    if best is None:
        return None
    text = best["text"]
    if quote_terms:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
        raw = highlight.highlight(text, frozenset(quote_terms), quote_analyzer, fragmenter, SentinelFormatter(),
                                  top=1)
        text = raw or lead(text)
    else:
        text = lead(text)
    opening, closing = ("“", "”") if best.get("kind") == "direct" else ("", "")
    return html.escape(best["speaker"], quote=False) + ": " + to_html(f"{opening}{text}{closing}")


WINDOW = 160  # characters each side of a candidate match
MAX_WINDOWS = 4


class _Token:
    """What Whoosh's fragmenter, scorer and formatter read of a token."""

    __slots__ = ("startchar", "endchar", "text", "matched", "boost")

    def __init__(self, startchar: int, endchar: int, text: str, matched: bool) -> None:
        self.startchar, self.endchar, self.text, self.matched, self.boost = startchar, endchar, text, matched, 1.0

    def copy(self) -> _Token:
        return _Token(self.startchar, self.endchar, self.text, self.matched)


def _tokenizer_pattern(analyzer) -> re.Pattern | None:
    """The regular expression of the analyzer's tokenizer, when it is a plain `RegexTokenizer`."""
    items = getattr(analyzer, "items", None)
    first = items[0] if items else None
    if isinstance(first, RegexTokenizer) and not first.gaps:
        return first.expression
    return None


def _marked_tokens(text: str, pattern: re.Pattern, terms: frozenset[str], prefixes: tuple[str, ...], analyzer,
                   stems: dict[str, str | None]):
    """The analyzer's tokens of `text` with `matched` set, analysing (lowercasing, stemming) only the
    words that start like a query term: the rest cannot match, and analysing every word was most of
    a snippet's cost. A matched token's text is the term it matched (the scorer counts distinct terms)."""
    for m in pattern.finditer(text):
        word = m.group()
        lowered = word.lower()
        term = None
        if lowered.startswith(prefixes):
            if word in stems:
                term = stems[word]
            else:
                term = stems[word] = next((t.text for t in analyzer(word, mode="query", removestops=False)
                                           if t.text in terms), None)
        yield _Token(m.start(), m.end(), lowered if term is None else term, term is not None)


def _highlight(text: str, terms: frozenset[str], analyzer, prefixes: tuple[str, ...],
               stems: dict[str, str | None]) -> str:
    """`whoosh.highlight.highlight(text, terms, analyzer, ContextFragmenter, SentinelFormatter, top=1)`,
    with only the candidate words analysed (same fragments, same marks)."""
    pattern = _tokenizer_pattern(analyzer)
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    if pattern is None:
        return highlight.highlight(text, terms, analyzer, fragmenter, SentinelFormatter(), top=1)
    tokens = _marked_tokens(text, pattern, terms, prefixes, analyzer, stems)
    fragments = highlight.top_fragments(fragmenter.fragment_tokens(text, tokens), 1,
                                        highlight.BasicFragmentScorer(), highlight.FIRST)
    return SentinelFormatter()(text, fragments)


def body_snippet(text: str, terms: set[str], analyzer, top: int = 2) -> str:
    """Best fragments of a long body with the query's terms marked (sentinel-marked raw text).

    Whoosh's highlighter analyses the whole stored body for every hit; news bodies run to tens of
    thousands of characters. Here a cheap scan finds words that may match (the first four letters
    of each indexed term), and only windows around the first few are analysed and marked."""
    if not terms or not text:
        return ""
    prefixes = sorted({t[:4] for t in terms if t}, key=len, reverse=True)
    scan = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in prefixes) + r")", re.IGNORECASE)
    windows: list[list[int]] = []
    for m in scan.finditer(text):
        start, end = max(m.start() - WINDOW, 0), min(m.end() + WINDOW, len(text))
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        elif len(windows) < MAX_WINDOWS:
            windows.append([start, end])
        else:
            break
    # Words to analyse: those starting like a term. Stemming may change a word's last letters
    # ("caring" -> "care", "ability" -> "abl"), so the test is on a term's first letters but two.
    gates = tuple({t[:min(4, max(1, len(t) - 2))] for t in terms if t})
    termset, stems = frozenset(terms), {}
    scored = []
    for start, end in windows:
        raw = _highlight(text[start:end], termset, analyzer, gates, stems)
        if raw and _OPEN in raw:
            scored.append((raw.count(_OPEN), -start, raw))
    best = sorted(scored, reverse=True)[:top]
    return _BETWEEN.join(raw for _, _, raw in sorted(best, key=lambda x: -x[1]))
