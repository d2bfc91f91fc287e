"""Scored document sets combined as Whoosh scores compound queries: a document matching several
parts of an OR, or every part of an AND, scores the sum of their scores. A set is a pair of arrays
(global docnums, scores); fastscore's evaluation of a query tree is built from these two."""

from __future__ import annotations

import numpy as np

ScoredSet = tuple[np.ndarray, np.ndarray]


def union(parts: list[ScoredSet]) -> ScoredSet:
    """Documents in any part (sorted), each with the sum of its scores in the parts. (`bincount` of
    nothing gives integers, whatever its weights: an empty OR then broke an ANDMAYBE's sum.)"""
    docs = np.concatenate([d for d, _ in parts])
    scores = np.concatenate([s for _, s in parts])
    unique, inverse = np.unique(docs, return_inverse=True)
    return unique, np.bincount(inverse, weights=scores, minlength=len(unique)).astype(np.float64, copy=False)


def intersection(parts: list[ScoredSet]) -> ScoredSet:
    """Documents in every part (sorted), each with the sum of its scores in the parts."""
    docs, scores = parts[0]
    order = np.argsort(docs, kind="stable")
    docs, scores = docs[order], scores[order]
    for other_docs, other_scores in parts[1:]:
        order = np.argsort(other_docs, kind="stable")
        other_docs, other_scores = other_docs[order], other_scores[order]
        common, ia, ib = np.intersect1d(docs, other_docs, assume_unique=True, return_indices=True)
        docs, scores = common, scores[ia] + other_scores[ib]
    return docs, scores
