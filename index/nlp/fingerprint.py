"""The fingerprint of an article's text that syndication groups compare (index/ingest/dedup.py explains how):
an exact key of its normalised words and a MinHash signature of their shingles.

Per-article work, computed with the rest of the NLP (`enrich_article`: locally, or on a cluster worker), so it
lives with the NLP; the ingestion layer's group store imports it from here, never the other way round.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 128
MIN_WORDS = 20  # shorter bodies are grouped only when title and body are the same
SCHEME = "affine32"
SEED = 1

_WORD = re.compile(r"\w+")


def normalise_words(text: str) -> list[str]:
    """Words of `text`, NFKC-folded and lower-cased; punctuation and spacing dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Fingerprint:
    exact: str | None  # None: nothing to compare (empty text)
    signature: np.ndarray | None  # uint32[NUM_PERM]; None for short bodies

    @property
    def signature_bytes(self) -> bytes | None:
        return None if self.signature is None else self.signature.astype("<u4").tobytes()


def minhash_signature(items: Iterable[bytes]) -> np.ndarray:
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    mh.update_batch(list(items))
    return mh.hashvalues.astype(np.uint32)


def fingerprint(title: str, body: str) -> Fingerprint:
    words = normalise_words(body)
    if len(words) >= MIN_WORDS:
        exact = hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()
        return Fingerprint(exact, minhash_signature(shingles(words)))
    title_words = normalise_words(title)
    if not words and not title_words:
        return Fingerprint(None, None)
    key = " ".join(title_words) + "\n" + " ".join(words)
    return Fingerprint(hashlib.sha1(key.encode("utf-8")).hexdigest(), None)
