"""Coarse word classes from the tagger's Penn Treebank tags.

The pipeline runs without spaCy's attribute_ruler (the rule table that maps fine tags to coarse
`pos_`): it cost about 16 % of the whole pipeline's time and only ever answered "is this a verb /
noun / proper noun / preposition?", which the fine tag answers directly.
"""

from __future__ import annotations

VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
VERB_OR_AUX_TAGS = VERB_TAGS | {"MD"}
NOUN_TAGS = frozenset({"NN", "NNS"})
PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})
PREPOSITION_TAGS = frozenset({"IN", "RP"})


def is_verb(tok) -> bool:
    return tok.tag_ in VERB_TAGS


def is_verb_aux_or_preposition(tok) -> bool:
    return tok.tag_ in VERB_OR_AUX_TAGS or tok.tag_ in PREPOSITION_TAGS


def is_noun(tok) -> bool:
    """A common or proper noun."""
    return tok.tag_ in NOUN_TAGS or tok.tag_ in PROPER_NOUN_TAGS


def is_proper_noun(tok) -> bool:
    return tok.tag_ in PROPER_NOUN_TAGS
