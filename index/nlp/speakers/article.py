"""One article as the speaker rules read it: its parse, sentences, entity mentions, persons and quotes.

The rules (`layout`, `subjects`, `sources`, `pronouns`, `cues`, `attribution`) all read the same
article; some add to it as they go (a name the model left untagged becomes a mention, a transcript
label a person), so they share this one object rather than copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsfind.index.nlp.article_persons import ArticlePersons
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.entities import Mention
from newsfind.index.nlp.lower_words import LazyLowerWords
from newsfind.index.nlp.quotes import QuoteSpan
from newsfind.index.nlp.sentences import Sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass
class ParsedArticle:
    doc: Doc
    text: str  # the doc's text, kept: `doc.text` joins every token on each access
    sentences: Sentences
    mentions: list[Mention]  # entity mentions; the rules append the persons they find
    persons: ArticlePersons
    quotes: list[QuoteSpan]
    inside_quote: bytearray  # 1 for every character inside quotation marks
    table: CanonicalTable
    by_token: dict[int, Mention] = field(init=False)  # the mention each token belongs to
    lower_words: LazyLowerWords = field(init=False)  # the words the article writes in lower case, read once

    def __post_init__(self) -> None:
        self.lower_words = LazyLowerWords(self.text, 0)
        self.by_token = {}
        for m in self.mentions:
            for i in range(m.token_start, m.token_end):
                self.by_token[i] = m

