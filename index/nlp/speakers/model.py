"""The learned attribution model: who among an article's candidates (`features`) is a speaker, with
a calibrated probability.

The model is a small JSON file inside the package (`attribution-v<PIPELINE_VERSION>.json`, built by
`make train-attribution` from PolNeAR train, see README "Speaker attribution model"): a linear model
over the named features, a Platt calibration of its score, and the facet threshold, all chosen on
cross-validation folds of train. Scoring is a few dictionary look-ups per candidate: neither the
learner nor numpy is imported at run time.

`NEWSFIND_ATTRIBUTION=rules` switches the model off: speakers are then the rules' alone, as before
the model existed (PolNeAR states no licence; the model is an artifact derived from it).
"""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsfind.index.nlp.speakers import cuelex
from newsfind.index.nlp.speakers.features import veto_kind
from newsfind.index.schema import PIPELINE_VERSION

ARTIFACT = Path(__file__).resolve().parent / f"attribution-v{PIPELINE_VERSION}.json"
VETOED = "vetoed"  # the feature a veto of the rules is to a model trained with `veto_feature`
SETTING = "NEWSFIND_ATTRIBUTION"  # "rules": the rules alone; unset or "model": the learned model


@dataclass(frozen=True)
class AttributionModel:
    weights: dict[str, float]
    bias: float
    platt: tuple[float, float]  # probability = 1 / (1 + exp(-(a * score + b)))
    threshold: float  # a person the rules do not make a speaker needs a candidate (not vetoed) this probable
    # (with a `person_stage`, the stage's own threshold decides instead)
    meta: dict
    drop_below: float = 0.0  # a speaker of the rules is dropped when none of their candidates is this probable
    cue_lexicon: dict[str, float] | None = None  # word -> how often it heads a cue in train (`cuelex`)
    person_stage: dict | None = None  # a person-level second stage (`persons`) that decides who speaks
    soft_vetoes: frozenset[str] = frozenset()  # kinds of the rules' vetoes (`features.VETO_KINDS`) it may overrule

    def soft(self, c) -> bool:
        """Whether candidate `c` (`features.Candidate`) is vetoed by a kind of veto this model weighs itself."""
        return bool(self.soft_vetoes) and c.vetoed and veto_kind(c.features) in self.soft_vetoes

    def candidate_probability(self, c) -> float:
        """The probability of a candidate: a veto of a kind the model weighs itself is two more features."""
        if not self.soft(c):
            return self.probability(c.features)
        return self.probability({**c.features, VETOED: 1.0, f"{VETOED}:{veto_kind(c.features)}": 1.0})

    @classmethod
    def from_spec(cls, spec: dict) -> AttributionModel:
        if spec.get("format") != "newsfind-attribution-linear/1":
            raise ValueError(f"unknown attribution model format {spec.get('format')!r}")
        return cls(dict(zip(spec["features"], spec["weights"], strict=True)), spec["bias"],
                   (spec["platt"]["a"], spec["platt"]["b"]), spec["threshold"], spec.get("meta", {}),
                   spec.get("drop_below", 0.0), spec.get("cue_lexicon"),
                   spec.get("person_stage"), frozenset(spec.get("soft_vetoes", ())))

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        extra = cuelex.derived(features, self.cue_lexicon) if self.cue_lexicon else {}
        return self.bias + sum(w.get(name, 0.0) * value for name, value in features.items()) + \
            sum(w.get(name, 0.0) * value for name, value in extra.items())

    def probability(self, features: dict[str, float]) -> float:
        a, b = self.platt
        z = a * self.score(features) + b
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


_loaded: list = []  # [model or None], once per process
_override: list = []  # a model set by `using` (cross-validation), innermost last


def model_path() -> Path:
    return ARTIFACT


def current_model() -> AttributionModel | None:
    """The model in force: None with NEWSFIND_ATTRIBUTION=rules; else the packaged artifact (loaded once)."""
    if _override:
        return _override[-1]
    setting = os.environ.get(SETTING, "model").strip().lower()
    if setting == "rules":
        return None
    if setting not in ("", "model"):
        raise ValueError(f"{SETTING} must be 'rules' or 'model', not {setting!r}")
    if not _loaded:
        try:
            spec = json.loads(ARTIFACT.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RuntimeError(f"the attribution model {ARTIFACT.name} is missing from the package: rebuild it "
                               f"with `make train-attribution`, or set {SETTING}=rules") from None
        _loaded.append(AttributionModel.from_spec(spec))
    return _loaded[0]


@contextmanager
def using(model: AttributionModel | None):
    """Use `model` (None: the rules) instead of the packaged one inside the block (cross-validation)."""
    _override.append(model)
    try:
        yield
    finally:
        _override.pop()
