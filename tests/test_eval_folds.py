"""The PolNeAR harness's k-fold split (bench/attribution_folds.py): by document, seeded, stable."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from attribution_folds import assign_folds  # noqa: E402


def test_folds_are_by_document_seeded_and_balanced():
    ids = [f"doc{i:03d}" for i in range(23)]
    folds = assign_folds(ids + ids[:5], 5, seed=17)  # a document listed twice is still one document
    assert set(folds) == set(ids) and set(folds.values()) == set(range(5))
    sizes = sorted(list(folds.values()).count(k) for k in range(5))
    assert sizes == [4, 4, 5, 5, 5]
    assert assign_folds(list(reversed(ids)), 5, seed=17) == folds  # the order given does not matter
    assert assign_folds(ids, 5, seed=18) != folds


def test_one_fold_is_refused():
    with pytest.raises(ValueError):
        assign_folds(["a", "b"], 1)
