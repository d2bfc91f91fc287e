"""`newsfind index --cluster` faults found by the review of the cluster change (tests/test_cluster.py has the
rest): a scheduler with no worker connected."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS
from tests.dask_procs import DaskCluster
from tests.test_cluster import one_error_line, run

pytestmark = [pytest.mark.cluster]


def test_a_scheduler_without_workers_is_one_clear_line_after_the_wait(tmp_path, monkeypatch):
    """Before: Dask's scatter of the name table to no worker timed out after ~20 s with a TimeoutError (an
    OSError), reported as "cannot write the index at ...: No valid workers found"."""
    from newsfind.index.nlp import cluster

    monkeypatch.setattr(cluster, "NO_WORKER_TIMEOUT", 2.0)
    (tmp_path / "logs").mkdir()
    empty = DaskCluster(tmp_path / "logs")
    try:
        empty.start_scheduler()
        result = run(tmp_path / "index", "index", str(SEEDS), "--cluster", empty.address)
    finally:
        empty.stop()
    assert result.exit_code == 1, result.output
    line = one_error_line(result.output)
    assert line.startswith(f"Error: no Dask worker connected to {empty.address} for 2 s"), line
    assert "cannot write the index" not in line
