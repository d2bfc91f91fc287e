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


# Tags of a common word: a noun or an adjective.
_COMMON_TAGS = frozenset({"NN", "NNS", "JJ", "JJR", "JJS"})
# A word in lower case in running text, not part of an address, a handle or a file name ('kristina.peterson@',
# '/sadie-gurman', '@realdonaldtrump'), which write names in lower case too.
_RUNNING_LOWER_WORD = re.compile(r"(?<![\w@#./_-])[a-z]+(?![\w@/_-]|\.\w)")


class CommonWords:
    """The words an article uses as common words, each in lower case: written in lower case in its running text
    ('Trump is a billionaire'), or tagged a noun or adjective outside every entity ('Billionaire or not, ...'),
    and never the last word of a person's name the model found on one line of the body ('Trump' where the
    article writes 'a trump card' and 'Trump said'; a title-case headline's 'Christian Baker' tells nothing).
    Collected on first use."""

    def __init__(self, doc, text: str, title_end: int = 0) -> None:
        self.doc, self.text, self.title_end = doc, text, title_end
        self._lower: set[str] | None = None
        self._tagged: set[str] | None = None
        self._surnames: set[str] | None = None

    @property
    def surnames(self) -> set[str]:
        """The last words of the person names the model found on one line of the body, in lower case."""
        if self._surnames is None:
            self._surnames = {e[-1].lower_ for e in self.doc.ents
                              if e.label_ == "PERSON" and "\n" not in e.text and e.start_char >= self.title_end}
        return self._surnames

    def __contains__(self, word: str) -> bool:
        if word in self.surnames:
            return False
        if self._lower is None:
            self._lower = set(_RUNNING_LOWER_WORD.findall(self.text))
        if word in self._lower:
            return True
        if self._tagged is None:
            self._tagged = {t.lower_ for t in self.doc if t.tag_ in _COMMON_TAGS and not t.ent_type_}
        return word in self._tagged
