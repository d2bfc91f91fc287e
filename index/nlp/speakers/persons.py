"""The person-level second stage of the attribution model: who speaks, from what all of a person's
candidates scored.

The first stage scores each candidate (a mention, a he/she the person may be) on its own; a person
named three times as the subject of cue verbs, each at 0.35, is as likely a speaker as one named once
at 0.6. The second stage is a logistic regression over each person's candidate probabilities in the
article (the best and second best that may make a speaker, a noisy-or of them, how many, the rules'
verdict), trained on the first stage's out-of-fold probabilities of train (bench/train_attribution.py,
`--person-stage`), with its own threshold chosen on the folds. It decides only whom the model adds to
the rules' speakers, from the candidates no rule vetoes; the rules' speakers are kept or dropped as
without it (`decide`).
"""

from __future__ import annotations

import math

FEATURES = ("best", "logit_best", "n_above_half", "n_allowed_log", "noisy_or", "second")


def person_rows(values: list[str], probs: list[float], allowed: list[bool],
                rule_speakers: list[str]) -> dict[str, dict[str, float]]:
    """The second stage's features of each person the rules do not make a speaker and who has a candidate
    that may make one: `values[k]` is candidate k's person, `probs[k]` its probability, `allowed[k]`
    whether it may make a speaker (no veto of the rules, not a pronoun's runner-up). Only those candidates
    count: a vetoed one never lifts a person."""
    by_person: dict[str, list[float]] = {}
    for v, p, ok in zip(values, probs, allowed, strict=True):
        if ok and v not in rule_speakers:
            by_person.setdefault(v, []).append(p)
    out = {}
    for v, ps in by_person.items():
        ps = sorted(ps, reverse=True)
        clip = min(max(ps[0], 1e-4), 1 - 1e-4)
        out[v] = {"best": ps[0], "logit_best": math.log(clip / (1 - clip)),
                  "n_above_half": float(sum(p >= 0.5 for p in ps)), "n_allowed_log": math.log1p(len(ps)),
                  "noisy_or": 1.0 - math.prod(1.0 - min(p, 0.999) for p in ps), "second": ps[1] if len(ps) > 1 else 0.0}
    return out


def probability(stage: dict, row: dict[str, float]) -> float:
    """The second stage's probability that this person speaks (`stage`: the artifact's `person_stage`)."""
    z = stage["bias"] + sum(w * row[name] for name, w in zip(stage["features"], stage["weights"], strict=True))
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0
