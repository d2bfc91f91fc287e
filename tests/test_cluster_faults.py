"""`newsfind index --cluster` faults found by the review of the cluster change (tests/test_cluster.py has the
rest): a scheduler with no worker connected, and Ctrl-C while the run waits for one, connects, or waits for the
workers to load the model."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest

from tests.conftest import SEEDS
from tests.dask_procs import DaskCluster
from tests.test_cluster import NEWSFIND, one_error_line, run

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


def clients(address: str) -> int:
    from distributed import Client

    with Client(address, timeout=10, set_as_default=False) as client:
        return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.clients))


def interrupted_run(tmp_path, address: str, ready, wait: float = 60.0, env: dict | None = None):
    """`newsfind index --cluster ADDRESS` started, a first Ctrl-C sent once `ready()` says the run reached the
    step under test: (exit code, stdout, stderr, seconds from the signal to the exit)."""
    proc = subprocess.Popen([str(NEWSFIND), "--index", str(tmp_path / "index"), "index", str(SEEDS),
                             "--cluster", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + wait
        while not ready():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        time.sleep(1.0)
        asked = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        return proc.returncode, out, err, time.monotonic() - asked
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ctrl_c_while_waiting_for_a_worker_stops_at_once_with_130(tmp_path):
    """Before: a first Ctrl-C was only seen when a batch came back, so a run waiting for a worker went on
    waiting (up to NO_WORKER_TIMEOUT, 2 minutes) and then failed with exit 1 instead of stopping."""
    (tmp_path / "logs").mkdir()
    empty = DaskCluster(tmp_path / "logs")
    try:
        empty.start_scheduler()
        alone = clients(empty.address)
        # ready when the run has connected and waits for a worker
        code, out, err, took = interrupted_run(tmp_path, empty.address, lambda: clients(empty.address) > alone)
    finally:
        empty.stop()
    assert code == 130, out + err
    assert took < 15, took
    assert "interrupted: everything above is committed" in out and "Traceback" not in err, out + err


def test_ctrl_c_while_connecting_to_a_scheduler_that_does_not_answer_stops_at_once_with_130(tmp_path):
    """Before: a first Ctrl-C was only seen when the connection attempt ended (its timeout: 20 s by default),
    which then failed with exit 1 instead of stopping."""
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never speaks
    silent.settimeout(0.2)
    peers: list = []

    def connecting() -> bool:
        try:
            peers.append(silent.accept()[0])
        except TimeoutError:
            return False
        return True

    try:
        code, out, err, took = interrupted_run(tmp_path, f"tcp://127.0.0.1:{silent.getsockname()[1]}", connecting,
                                               env={"NEWSFIND_CLUSTER_CONNECT_TIMEOUT": "120"})
    finally:
        for peer in peers:
            peer.close()
        silent.close()
    assert code == 130, out + err
    assert took < 10, took
    assert "interrupted" in out and "Traceback" not in err, out + err


@pytest.mark.model
def test_workers_that_decide_speakers_otherwise_than_the_client_stop_the_run(tmp_path, monkeypatch):
    """Before: a client with NEWSFIND_ATTRIBUTION=rules and workers with the model (or the reverse) indexed
    the model's speakers without a word, unlike the local run the user asked for."""
    (tmp_path / "logs").mkdir()
    other = DaskCluster(tmp_path / "logs")  # its workers see this environment: no NEWSFIND_ATTRIBUTION
    try:
        other.start_scheduler()
        other.add_worker()
        monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")
        result = run(tmp_path / "index", "index", str(SEEDS), "--cluster", other.address)
        assert result.exit_code == 1, result.output
        line = one_error_line(result.output)
        assert "decides speakers with NEWSFIND_ATTRIBUTION=model, the client with rules" in line, line
        monkeypatch.delenv("NEWSFIND_ATTRIBUTION")
        again = run(tmp_path / "index", "index", str(SEEDS), "--cluster", other.address)
        assert again.exit_code == 0, again.output
    finally:
        other.stop()


def test_ctrl_c_while_the_workers_load_the_model_stops_at_once_with_130(tmp_path):
    """Registering newsfind on the workers waits for each to load the spaCy model (seconds; here a worker
    whose loading never ends, by a preload that slows `load_pipeline`). Before stoppable.until_stopped, a
    first Ctrl-C was seen only when every worker had loaded the model."""
    loading = tmp_path / "loading"
    preload = tmp_path / "slow_model.py"
    preload.write_text(
        "import pathlib, time\n"
        "from newsfind.index.nlp import pipeline\n"
        "def load_pipeline(*args, **kwargs):\n"
        f"    pathlib.Path({str(loading)!r}).touch()\n"
        "    time.sleep(300)\n"
        "pipeline.load_pipeline = load_pipeline\n")
    (tmp_path / "logs").mkdir()
    cluster = DaskCluster(tmp_path / "logs", preload=[preload])
    try:
        cluster.start_scheduler()
        cluster.add_worker()
        # ready when the worker is loading the model for this run
        code, out, err, took = interrupted_run(tmp_path, cluster.address, loading.exists, wait=120)
    finally:
        cluster.stop()
    assert code == 130, out + err
    assert took < 15, took
    assert "interrupted" in out and "Traceback" not in err, out + err


class _LosingFuture:
    """A Dask future as distributed's sync() race leaves it (dask/distributed#8514): the first result(timeout=...)
    call raises UnboundLocalError though the task is fine."""

    def __init__(self, outcomes: list, status: str = "finished") -> None:
        self.outcomes, self.status, self.calls = outcomes, status, 0

    def result(self, timeout=None):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class _RunningClient:
    status = "running"


def test_a_result_call_that_loses_its_value_to_dasks_race_is_asked_again():
    from newsfind.index.nlp.cluster import ClusterError, ClusterStats, _Session

    session = _Session(_RunningClient(), ClusterStats(address="tcp://x:8786"), None)
    future = _LosingFuture([UnboundLocalError("cannot access local variable 'result'"), ("worker", [])])
    assert session.result(future) == ("worker", []) and future.calls == 2
    failed = _LosingFuture([UnboundLocalError("the task's own")], status="error")  # the task raised it: a failure
    with pytest.raises(ClusterError, match="a batch failed on the cluster"):
        session.result(failed)
