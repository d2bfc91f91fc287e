"""Syndication: exact and near-duplicate articles share a *group*.

Every article gets a fingerprint of its normalised body (NFKC, lower case, words only: punctuation,
quote styles and line breaks do not matter; computed by index/nlp/fingerprint.py with the NLP):

* an *exact key*, sha1 of the normalised words: articles with the same key always share a group
  (for bodies under `MIN_WORDS` words the normalised title is part of the key, so two different
  stories that both say only "Watch the video above." stay apart);
* a MinHash signature (datasketch, `NUM_PERM` permutations, scheme affine32) of the set of
  `SHINGLE_WORDS`-word shingles, for bodies of at least `MIN_WORDS` words.

A new article joins the group of the **best-matching** existing article: an exact duplicate if
there is one (the earliest indexed), else the LSH candidate with the highest estimated Jaccard
similarity, if that is at least `THRESHOLD` (ties: the earliest indexed). Otherwise it starts a
group of its own. Groups never merge: an article similar to members of two groups joins the
better match, and a later article never moves an earlier one (single link to the best member;
see README, "Syndicated copies"). A replaced article is taken out and assigned again; one that
matches nothing keeps its old group id when no other article holds it, so ids stay stable.

The store is `groups.sqlite` in the index directory: one row per indexed article (id, content
hash, group, exact key, signature, input file). The LSH itself is rebuilt in memory from the
signatures when a run first needs it. `sync_with_index` makes the store agree with the Whoosh
index after an interrupted run (the index is the truth: rows it lacks are dropped, rows missing
for its documents are rebuilt from their stored title and body and group).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from newsfind.index.nlp.fingerprint import (  # noqa: F401 - the fingerprint's names, as before
    MIN_WORDS,
    NUM_PERM,
    SCHEME,
    SEED,
    SHINGLE_WORDS,
    Fingerprint,
    fingerprint,
    minhash_signature,
    normalise_words,
    shingles,
)

STORE_FILE = "groups.sqlite"
# Estimated Jaccard similarity of 5-word shingle sets at which two articles are versions of one
# story. Chosen on the allsides benchmark (bench/eval_grouping.py; README, "Syndicated copies").
THRESHOLD = 0.6
STORE_VERSION = "1"


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(frozen=True)
class Assignment:
    group: str
    match: str | None  # the existing article it was grouped with
    similarity: float | None  # estimated Jaccard with `match`; 1.0 for exact duplicates
    how: str  # "exact", "near" or "new"


@dataclass(frozen=True)
class Member:
    id: str
    content_hash: str
    group: str
    file: str | None


class GroupStore:
    """The persistent group assignments of one index (SQLite), with an in-memory LSH over them."""

    def __init__(self, path: Path | None = None, threshold: float = THRESHOLD) -> None:
        self.path = path
        self.threshold = threshold
        self.db = sqlite3.connect(str(path) if path is not None else ":memory:")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS docs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                content_hash TEXT NOT NULL,
                grp TEXT NOT NULL,
                exact TEXT,
                sig BLOB,
                file TEXT
            );
            CREATE INDEX IF NOT EXISTS docs_grp ON docs(grp);
            CREATE INDEX IF NOT EXISTS docs_exact ON docs(exact);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """)
        self._check_meta()
        self.db.commit()
        self._lsh = None
        self._signatures: dict[str, np.ndarray] = {}

    def _check_meta(self) -> None:
        wanted = {"version": STORE_VERSION, "shingle_words": str(SHINGLE_WORDS), "num_perm": str(NUM_PERM),
                  "scheme": SCHEME, "seed": str(SEED)}
        have = dict(self.db.execute("SELECT key, value FROM meta"))
        if have and have != wanted:  # signatures of another kind: start over (sync rebuilds them)
            self.db.execute("DELETE FROM docs")
            self.db.execute("DELETE FROM meta")
            have = {}
        if not have:
            self.db.executemany("INSERT INTO meta VALUES (?, ?)", wanted.items())

    # -- reading ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def content_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, content_hash FROM docs"))

    def group_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT grp FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def members(self, group: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM docs WHERE grp = ? ORDER BY seq", (group,))]

    def groups(self) -> dict[str, str]:
        """id -> group of every article."""
        return dict(self.db.execute("SELECT id, grp FROM docs"))

    def iter_members(self) -> Iterator[Member]:
        for row in self.db.execute("SELECT id, content_hash, grp, file FROM docs ORDER BY seq"):
            yield Member(*row)

    # -- the in-memory LSH -----------------------------------------------------------------------

    def _index(self):
        if self._lsh is None:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)
            for doc_id, blob in self.db.execute("SELECT id, sig FROM docs WHERE sig IS NOT NULL ORDER BY seq"):
                self._add_signature(doc_id, np.frombuffer(blob, dtype="<u4").astype(np.uint32))
        return self._lsh

    def _add_signature(self, doc_id: str, signature: np.ndarray) -> None:
        from datasketch import LeanMinHash

        self._signatures[doc_id] = signature
        self._lsh.insert(doc_id, LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME),
                         check_duplication=False)

    def _drop_signature(self, doc_id: str) -> None:
        if self._lsh is not None and self._signatures.pop(doc_id, None) is not None:
            self._lsh.remove(doc_id)

    def best_match(self, fp: Fingerprint, exclude: str | None = None) -> tuple[str, float, str] | None:
        """(id, similarity, "exact"|"near") of the existing article `fp` is grouped with, or None."""
        if fp.exact is None:
            return None
        row = self.db.execute("SELECT id FROM docs WHERE exact = ? AND id IS NOT ? ORDER BY seq LIMIT 1",
                              (fp.exact, exclude)).fetchone()
        if row:
            return row[0], 1.0, "exact"
        if fp.signature is None:
            return None
        from datasketch import LeanMinHash

        lsh = self._index()
        if not self._signatures:
            return None
        candidates = [c for c in lsh.query(LeanMinHash(seed=SEED, hashvalues=fp.signature, scheme=SCHEME))
                      if c != exclude]
        scored = [(estimated_jaccard(fp.signature, self._signatures[c]), c) for c in candidates]
        scored = [(s, c) for s, c in scored if s >= self.threshold]
        if not scored:
            return None
        best = max(s for s, _ in scored)
        tied = [c for s, c in scored if s == best]
        if len(tied) > 1:  # the earliest indexed
            marks = ",".join("?" * len(tied))
            tied = [r[0] for r in self.db.execute(
                f"SELECT id FROM docs WHERE id IN ({marks}) ORDER BY seq LIMIT 1", tied)]
        return tied[0], best, "near"

    # -- writing ---------------------------------------------------------------------------------

    def _fresh_group(self, doc_id: str) -> str:
        n = 0
        while True:
            seed = doc_id if n == 0 else f"{doc_id}\x00{n}"
            group = "g" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:15]
            if not self.db.execute("SELECT 1 FROM docs WHERE grp = ? LIMIT 1", (group,)).fetchone():
                return group
            n += 1

    def assign(self, doc_id: str, content_hash: str, fp: Fingerprint, file: str | None = None) -> Assignment:
        """Put an added or replaced article into a group and record it (uncommitted)."""
        old_group = self.group_of(doc_id)
        self.remove(doc_id)
        found = self.best_match(fp)
        if found:
            match, similarity, how = found
            group = self.group_of(match)
            assert group is not None
        else:
            match, similarity, how = None, None, "new"
            still_used = old_group and self.db.execute("SELECT 1 FROM docs WHERE grp = ? LIMIT 1",
                                                       (old_group,)).fetchone()
            group = old_group if old_group and not still_used else self._fresh_group(doc_id)
        self._insert(doc_id, content_hash, group, fp, file)
        return Assignment(group, match, similarity, how)

    def _insert(self, doc_id: str, content_hash: str, group: str, fp: Fingerprint, file: str | None) -> None:
        self.db.execute("INSERT INTO docs (id, content_hash, grp, exact, sig, file) VALUES (?, ?, ?, ?, ?, ?)",
                        (doc_id, content_hash, group, fp.exact, fp.signature_bytes, file))
        if fp.signature is not None and self._lsh is not None:
            self._add_signature(doc_id, fp.signature)

    def restore(self, doc_id: str, content_hash: str, group: str, fp: Fingerprint, file: str | None) -> None:
        """Record an article the index already holds, in the group the index says (see sync)."""
        self.remove(doc_id)
        self._insert(doc_id, content_hash, group, fp, file)

    def remove(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        self._drop_signature(doc_id)

    def set_file(self, doc_id: str, file: str | None) -> None:
        self.db.execute("UPDATE docs SET file = ? WHERE id = ? AND file IS NOT ?", (file, doc_id, file))

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        """Forget uncommitted changes (and the LSH, which is rebuilt from what was committed)."""
        self.db.rollback()
        self._lsh = None
        self._signatures = {}

    def close(self) -> None:
        self.db.close()

    def sync_with_index(self, indexed: dict[str, str], stored: Callable[[str], dict | None],
                        file_of: Callable[[str | None], str | None] = lambda source: None) -> int:
        """Make the store agree with the index: `indexed` is id -> content hash of every document in
        it, `stored(id)` its stored fields. Returns how many rows were dropped or rebuilt."""
        have = self.content_hashes()
        changed = 0
        for doc_id, content_hash in have.items():
            if indexed.get(doc_id) != content_hash:
                self.remove(doc_id)
                changed += 1
        for doc_id, content_hash in indexed.items():
            if have.get(doc_id) == content_hash:
                continue
            fields = stored(doc_id) or {}
            fp = fingerprint(fields.get("title", ""), fields.get("body", ""))
            group = fields.get("group") or self._fresh_group(doc_id)
            self.restore(doc_id, content_hash, group, fp, file_of(fields.get("source")))
            changed += 1
        self.commit()
        return changed
