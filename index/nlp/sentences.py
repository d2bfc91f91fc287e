"""The sentences of a parsed doc, computed once per article.

`doc.sents` and `token.sent` walk the parse every time they are asked; the speaker rules and the
title look-up ask thousands of times per article, so they share this index instead.
"""

from __future__ import annotations


class Sentences:
    def __init__(self, doc) -> None:
        self.spans = list(doc.sents)
        owner: list[int] = []
        for k, span in enumerate(self.spans):
            owner.extend([k] * (span.end - span.start))
        self._owner = owner

    def index_of(self, token_i: int) -> int:
        """The number of the sentence that holds token `token_i`."""
        return self._owner[token_i]

    def of(self, token_i: int):
        """The sentence (a Span) that holds token `token_i`."""
        return self.spans[self._owner[token_i]]
