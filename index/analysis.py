"""Whoosh analyzers for the searchable entity fields (speaker, person, org, place, outlet, author).

These classes are pickled into the index schema, so they must stay importable under these names.
An entity field holds several values joined by `VALUE_SEPARATOR`; the separator becomes a large
position gap, so a phrase such as `speaker:"Kerry Vladimir"` never matches across two values.
"""

from __future__ import annotations

from newsfind.index.nlp.names import HONORIFICS, PARTICLES, fold_token, strip_accents
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

VALUE_SEPARATOR = " || "
_GAP = 100


class ValueGapFilter(Filter):
    """Turns the `||` separator token into a position gap between values."""

    def __call__(self, tokens):
        gap = 0
        for t in tokens:
            if t.text == "||":
                gap += _GAP
                continue
            if gap and t.positions:
                t.pos += gap
            yield t


class NameFoldFilter(Filter):
    """Folds spelling variants of names (Sergey -> sergei) so queries match the canonical value."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text != "||":
                t.text = fold_token(t.text)
            yield t


class AccentFoldFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = strip_accents(t.text)
            yield t


_TOKENS = r"\|\||[^\W_]+"


def PersonNameAnalyzer():  # noqa: N802 - named like Whoosh's own analyzer factories
    """Person names: honorifics, particles and initials dropped, transliteration folded."""
    return (
        RegexTokenizer(_TOKENS)
        | LowercaseFilter()
        | StopFilter(stoplist=HONORIFICS | PARTICLES, minsize=2, renumber=True)
        | NameFoldFilter()
        | ValueGapFilter()
    )


def ProperNameAnalyzer():  # noqa: N802
    """Organisations, places and outlets: lower case, accents folded, 'the' dropped."""
    return (
        RegexTokenizer(_TOKENS)
        | LowercaseFilter()
        | StopFilter(stoplist=frozenset({"the"}), minsize=1, renumber=True)
        | AccentFoldFilter()
        | ValueGapFilter()
    )
