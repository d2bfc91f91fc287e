"""Finding quoted material in text: “curly”, "straight", ''doubled apostrophes'' (the New York Times
archive style), «guillemets», „low-high“.

Pure string work, no NLP: the spans feed speaker attribution (which verb claims a quote) and
keep verbs and names *inside* a quote from being taken as the article's own statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = [
    re.compile(r"“([^“”\n]{1,3000}?)”"),
    re.compile(r"«([^«»\n]{1,3000}?)»"),
    re.compile(r"„([^„“”\n]{1,3000}?)[“”]"),
]
_STRAIGHT = re.compile(r'"([^"\n]{1,3000}?)"')
_DOUBLED_APOSTROPHES = re.compile(r"''((?:(?!'')[^\n]){1,3000}?)''")
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


# A straight double quote that opens (at a line start or after a space or bracket) or closes; used
# to pair it with a curly one: '“We are going to win so much," Trump said' (mixed marks, common in
# copy-pasted wire text) is one quote, not the start of a straight pair running to the next '"'.
_STRAIGHT_OPENING = re.compile(r'(?:(?<=^)|(?<=[\s(\[—–-]))"(?=\S)', re.MULTILINE)
_STRAIGHT_CLOSING = re.compile(r'(?<=\S)"')


def _curly_both(text: str) -> str:
    """`text` with every straight double quote made curly by its position (same length)."""
    if '"' not in text or not any(c in text for c in "“”"):
        return text
    return _STRAIGHT_CLOSING.sub("”", _STRAIGHT_OPENING.sub("“", text))


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Non-overlapping spans of quoted text, in order. Quotes without a letter are ignored."""
    spans: list[QuoteSpan] = []
    taken = bytearray(len(text))
    curly = _curly_both(text)
    for pattern in [*_PAIRS, _DOUBLED_APOSTROPHES, _STRAIGHT]:
        for m in pattern.finditer(curly if pattern is _PAIRS[0] else text):
            if any(taken[m.start():m.end()]) or not _WORD.search(m.group(1)):
                continue
            spans.append(QuoteSpan(m.start(1), m.end(1)))
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(spans, key=lambda s: s.start)


def quote_index(spans: list[QuoteSpan], text_length: int) -> bytearray:
    """A per-character map: 1 where the character is inside a quote (marks included)."""
    inside = bytearray(text_length)
    for s in spans:
        lo, hi = max(s.start - 2, 0), min(s.end + 2, text_length)
        inside[lo:hi] = b"\x01" * (hi - lo)
    return inside
