"""The words an article writes in lower case: a capitalised word that the body also writes in lower case
is a headline's word ('Email', 'Should'), no name, and a proper noun that it does not is no word of a
title-case headline."""

from __future__ import annotations

import re


class LazyLowerWords:
    """The words written in lower case in the body (after `start`), collected on first use; and whether the
    body writes a word capitalised."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start = text, start
        self._words: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = set(re.findall(r"\b[a-z]+\b", self.text[self.start:]))
        return word in self._words

    def written_capitalised(self, word: str) -> bool:
        """The body (after `start`) writes `word` as it is written here, capitalised."""
        return re.search(rf"\b{re.escape(word)}\b", self.text[self.start:]) is not None
