"""The sentences of a parsed doc, computed once per article.

`doc.sents` and `token.sent` walk the parse every time they are asked; the speaker rules and the
title look-up ask thousands of times per article, so they share this index instead.
"""

from __future__ import annotations

from bisect import bisect_right


class Sentences:
    def __init__(self, doc) -> None:
        self.spans = list(doc.sents)
        owner: list[int] = []
        for k, span in enumerate(self.spans):
            owner.extend([k] * (span.end - span.start))
        self._owner = owner
        self._starts = [span.start_char for span in self.spans]

    def index_of(self, token_i: int) -> int:
        """The number of the sentence that holds token `token_i`."""
        return self._owner[token_i]

    def of(self, token_i: int):
        """The sentence (a Span) that holds token `token_i`."""
        return self.spans[self._owner[token_i]]

    def index_of_char(self, char: int) -> int:
        """The number of the sentence that holds character `char` (the last one that starts at or before it)."""
        return max(0, bisect_right(self._starts, char) - 1)
