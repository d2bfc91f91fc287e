"""Whoosh indexes a text field's words without a generator chain per word.

For every document, Whoosh's `Positions.word_values` runs each word of the title, body and quotes
through tokenizer → lowercase → stop words → stemmer, one Python generator step per filter and
word, plus a cache wrapper around the stemmer: ~12 ms of the main process's ~70 ms per article in
an indexing run, on the same two cores as the parsing workers. `install()` gives `Positions` a
`word_values` that does the same for analyzers of exactly that shape (Whoosh's
`StemmingAnalyzer`, as `index/schema.py` builds it): the words found by the tokenizer's own
expression, lowercased, stop words dropped with Whoosh's positions (renumbered or not), stems
from a dict; the same (word, frequency, weight, encoded positions) in the same order (tested
against Whoosh's own on random and real texts). Any other analyzer or value goes through Whoosh.
Installed by `newsfind.index.whoosh_ext.install()`.
"""

from __future__ import annotations

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.formats import Positions

_STEM_CACHE_LIMIT = 200_000  # distinct words remembered per analyzer before starting afresh
# Whoosh's own (this module is imported before anything is replaced)
_original_word_values = Positions.word_values
_original_encode = Positions.encode
_SINGLE_POSITIONS: dict[int, tuple[bytes, bytes]] = {}  # position -> Whoosh's encoding of [position], in two
_SINGLE_LIMIT = 1 << 16  # positions past this (very long documents) are encoded each time
_plans: dict[tuple, tuple] = {}  # the analyzer's settings -> plan: equal analyzers share one stem cache


def _plan_for(analyzer):
    """(expression, stop words, min size, max size, renumber, stem function, words not stemmed, stem
    cache) for a tokenizer | lowercase | stop | stem analyzer; None for anything else. Keyed by the
    settings, not the object: every opened index unpickles its own schema, and keying by identity
    kept one plan (and its stem cache) per opened index alive for good."""
    items = getattr(analyzer, "items", None)
    if type(analyzer) is not CompositeAnalyzer or items is None or len(items) != 4:
        return None
    tokenizer, lowercase, stop, stemmer = items
    if (type(tokenizer) is not RegexTokenizer or tokenizer.gaps or type(lowercase) is not LowercaseFilter
            or type(stop) is not StopFilter or type(stemmer) is not StemFilter or stemmer.lang):
        return None
    key = (tokenizer.expression, frozenset(stop.stops), stop.min, stop.max, stop.renumber, stemmer.stemfn,
           frozenset(stemmer.ignore))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = (*key, {})
    return plan


def word_values(self, value, analyzer, **kwargs):
    plan = _plan_for(analyzer)
    if plan is None or not isinstance(value, str) or set(kwargs) - {"mode"}:
        yield from _original_word_values(self, value, analyzer, **kwargs)
        return
    expression, stops, minsize, maxsize, renumber, stemfn, ignore, stems = plan
    if len(stems) > _STEM_CACHE_LIMIT:
        stems.clear()
    poses: dict[str, list[int]] = {}
    pos = None
    for index, match in enumerate(expression.finditer(value)):
        text = match.group().lower()
        if len(text) < minsize or (maxsize is not None and len(text) > maxsize) or text in stops:
            continue  # a stop word: removed, as Whoosh's StopFilter does by default
        pos = index if not renumber or pos is None else pos + 1
        stem = stems.get(text)
        if stem is None:
            stem = stems[text] = text if text in ignore else stemfn(text)
        poses.setdefault(stem, []).append(pos)
    boost = self.field_boost
    encode = self.encode
    # most words occur once in a document: their encoding, a pickle, depends on the position alone
    single = _SINGLE_POSITIONS if type(self).encode is _original_encode else None
    for word, poslist in poses.items():
        if single is not None and len(poslist) == 1 and poslist[0] < _SINGLE_LIMIT:
            parts = single.get(poslist[0])
            if parts is None:
                encoded = encode(poslist)
                parts = single[poslist[0]] = (encoded[:4], encoded[4:])
            # joined anew: a new object for every posting, as Whoosh's encode gives. The postings
            # writer pickles a block's values, and pickle writes an object it has seen before in the
            # block as a back-reference: one shared object made the blocks differ from Whoosh's
            encoded = parts[0] + parts[1]
        else:
            encoded = encode(poslist)
        yield (word, len(poslist), float(len(poslist)) * boost, encoded)
