"""index/whoosh_ext/fastflush.py: segments written with the fast `add_postings` are byte for byte Whoosh's own,
through commits, merges and deletions."""
import random
from pathlib import Path

from newsfind.index import whoosh_ext
from newsfind.index.schema import build_schema
from newsfind.index.whoosh_ext import fastflush
from whoosh import index as whoosh_index

from tests.conftest import needs_patches

pytestmark = needs_patches

WORDS = ("Lavrov Kerry Syria talks Moscow Geneva ceasefire said the of and rebels Assad Putin "
         "opposition agenda quote “meeting” U.S. Russia’s 2015 naïve İstanbul").split()


def _documents(rng: random.Random, n: int) -> list[dict]:
    docs = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 200))]
        docs.append({
            "id": f"doc-{i}", "title": " ".join(words[:8]), "body": " ".join(words),
            "quote": " ".join(words[::7]), "person": "Sergei Lavrov\nJohn Kerry"[: rng.randint(0, 24)],
            "facet_person": rng.choice(["Sergei Lavrov", "John Kerry", ""]), "outlet": rng.choice(["UPI", "AP"]),
        })
    return docs


def _build(directory: Path, docs: list[dict], fast: bool) -> dict[str, bytes]:
    if fast:
        assert "fastflush" in whoosh_ext.install().patches
    else:
        whoosh_ext.uninstall("fastflush")
    try:
        random.seed(7)  # Whoosh names segments with `random`: the same names in both builds
        directory.mkdir()
        ix = whoosh_index.create_in(str(directory), build_schema())
        for start in range(0, len(docs), 40):
            # a compound file holds timestamps; a small pool limit spills postings to sorted runs
            writer = ix.writer(compound=False, limitmb=0.05)
            for doc in docs[start:start + 40]:
                writer.update_document(**{k: v for k, v in doc.items() if v})
            if start:
                writer.delete_by_term("id", f"doc-{start - 3}")
            writer.commit()  # Whoosh merges the small segments now and then
        files = _files(directory)  # segments as flushed (and merged)
        writer = ix.writer(compound=False)
        writer.commit(optimize=True)
        files.update(_files(directory))  # and all merged into one
        ix.close()
    finally:
        whoosh_ext.install()
    return files


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if not p.name.endswith("LOCK")}


def test_segments_are_byte_for_byte_whooshs(tmp_path):
    docs = _documents(random.Random(3), 300)
    ours = _build(tmp_path / "fast", docs, fast=True)
    whooshs = _build(tmp_path / "whoosh", docs, fast=False)
    assert ours.keys() == whooshs.keys() and len(ours) >= 2
    for name in ours:
        assert ours[name] == whooshs[name], name


def test_fast_paths_are_installed_by_install_and_uninstalled_alone():
    from whoosh.codec.whoosh3 import W3FieldWriter
    from whoosh.writing import PostingPool

    whoosh_ext.install()
    assert W3FieldWriter.add_postings is fastflush.add_postings and PostingPool.add is fastflush.pool_add
    try:
        whoosh_ext.uninstall("fastflush")
        assert W3FieldWriter.add_postings is whoosh_ext.original("whoosh.codec.base:FieldWriter.add_postings")
        assert "add_postings" not in vars(W3FieldWriter)  # inherited again, as Whoosh has it
        assert "fastflush" not in whoosh_ext.installation().patches
        assert "fastanalysis" in whoosh_ext.installation().patches
    finally:
        whoosh_ext.install()
    assert W3FieldWriter.add_postings is fastflush.add_postings
