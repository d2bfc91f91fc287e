"""search/facet_counts.py: a table's counts are the brute-force counts, whether the match set is
small (its documents' entries gathered) or large (every entry masked)."""

import random

import numpy as np
import pytest
from newsfind.search.facet_counts import FacetTable


@pytest.mark.parametrize("n_values", [30, 5000], ids=["few values (counted into an array)",
                                                      "many values (entries sorted and counted)"])
def test_counts_are_brute_force_counts_for_small_and_large_match_sets(n_values):
    rng = random.Random(11)
    n_docs = 400
    doc_values = [sorted(rng.sample(range(n_values), rng.choice((0, 0, 1, 2, 5)))) for _ in range(n_docs)]
    owner = np.array([d for d, vs in enumerate(doc_values) for _ in vs], dtype=np.int32)
    ords = np.array([v for vs in doc_values for v in vs], dtype=np.int32)
    table = FacetTable([f"v{i}" for i in range(n_values)], np.arange(n_values, dtype=np.int32), owner, ords)
    for fraction in (0.0, 0.01, 0.1, 0.24, 0.26, 0.5, 1.0):
        matched = np.array([rng.random() < fraction for _ in range(n_docs)])
        expected = np.zeros(n_values, dtype=np.int64)
        for d in np.flatnonzero(matched):
            for v in doc_values[d]:
                expected[v] += 1
        assert table.counts(matched).tolist() == expected.tolist(), fraction
        assert table.counts(matched, np.flatnonzero(matched)).tolist() == expected.tolist()


def test_tables_file_round_trip_and_damaged_files(tmp_path):
    from newsfind.search.facet_counts import _load, _save

    tables = {
        "person": FacetTable(["Sergei Lavrov", "Zoë Ünal", "", "李克强"], np.array([2, 3, 0, 1], dtype=np.int32),
                             np.array([0, 0, 1, 3], dtype=np.int32), np.array([0, 1, 3, 1], dtype=np.int32)),
        "tag": FacetTable([], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)),
    }
    path = tmp_path / "facets-1-abc.tables"
    _save(path, tables)
    loaded = _load(path, ["person", "tag", "missing"])
    assert sorted(loaded) == ["person", "tag"]
    for name, table in tables.items():
        got = loaded[name]
        assert list(got.values) == list(table.values) and len(got.values) == len(table.values)
        assert [got.values[i] for i in range(len(table.values))] == list(table.values)
        for part in ("rank", "owner", "ords"):
            assert getattr(got, part).tolist() == getattr(table, part).tolist()
    assert loaded["person"].values[-1] == "李克强" and loaded["person"].position("Zoë Ünal") == 1
    matched = np.array([True, False, False, True])
    assert loaded["person"].counts(matched).tolist() == tables["person"].counts(matched).tolist()
    # each document's first entry is saved once known, so a cold process does not search for it again
    tables["person"].starts(4)
    _save(path, tables)
    reloaded = _load(path, ["person"])["person"]
    assert reloaded._starts is not None and reloaded._starts.tolist() == [0, 2, 3, 3, 4]
    assert reloaded.counts(matched).tolist() == tables["person"].counts(matched).tolist()
    # truncated, foreign or empty files are not trusted: the tables are rebuilt
    data = path.read_bytes()
    for damaged in (data[:40], b"PK\x03\x04" + data[4:], b""):
        path.write_bytes(damaged)
        assert _load(path, ["person"]) == {}


@pytest.mark.parametrize("n_values", [30, 5000])
def test_count_gives_the_top_values_by_count_then_name_and_the_selected_ones(n_values):
    from newsfind.search.facet_counts import count
    from newsfind.search.facets import FACETS_BY_NAME

    rng = random.Random(5)
    n_docs = 300
    doc_values = [sorted(rng.sample(range(n_values), rng.choice((0, 1, 3)))) for _ in range(n_docs)]
    owner = np.array([d for d, vs in enumerate(doc_values) for _ in vs], dtype=np.int32)
    ords = np.array([v for vs in doc_values for v in vs], dtype=np.int32)
    # ordinal order is not name order; the last value belongs to no document
    names = [f"v{(i * 7919) % n_values:05d}" for i in range(n_values)] + ["unused"]
    rank = np.argsort(np.argsort(names)).astype(np.int32)
    table = FacetTable(names, rank, owner, ords)
    for fraction in (0.02, 0.2, 0.9):
        matched = np.array([rng.random() < fraction for _ in range(n_docs)])
        tally: dict[str, int] = {}
        for d in np.flatnonzero(matched):
            for v in doc_values[d]:
                tally[names[v]] = tally.get(names[v], 0) + 1
        best = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:6]
        unseen = "unused"
        got = count(table, matched, FACETS_BY_NAME["person"], 5, [best[-1][0], unseen])
        assert got == {**dict(best), unseen: 0}, fraction
