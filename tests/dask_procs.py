"""A real Dask cluster on loopback for the tests and the bench: `dask scheduler` and `dask worker --nthreads 1`
processes from this venv, started, waited for and stopped (each by its own process id)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DaskCluster:
    def __init__(self, log_dir: Path, env: dict | None = None, tls: tuple[Path, Path, Path] | None = None,
                 preload: list[Path] | None = None) -> None:
        """`tls`: (CA file, certificate, key) for every process: the cluster then speaks only tls://.
        `preload`: files every worker loads at start (`dask worker --preload`), e.g. tests/crash_hook.py."""
        self.log_dir = log_dir
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.tls = tls
        self.address = f"{'tls' if tls else 'tcp'}://127.0.0.1:{self.port}"
        flags = ("--tls-ca-file", "--tls-cert", "--tls-key")
        self.tls_args = [arg for flag, path in zip(flags, tls or (), strict=False) for arg in (flag, str(path))]
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.preload_args = [arg for path in preload or () for arg in ("--preload", str(path))]

    def _spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("ab")
        return subprocess.Popen([str(DASK), *args], stdout=log, stderr=subprocess.STDOUT,
                                env={**self.env, **(env or {})}, start_new_session=True)

    def start_scheduler(self) -> None:
        self.scheduler = self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                                   "--no-dashboard", "--no-show", *self.tls_args,
                                                   *(["--protocol", "tls"] if self.tls else [])])
        self._wait(lambda: self._listening(), "the scheduler")

    def add_worker(self, env: dict | None = None, wait: bool = True) -> subprocess.Popen:
        n = len(self.workers)
        proc = self._spawn(f"worker-{n}", ["worker", self.address, "--nthreads", "1", "--no-nanny",
                                           "--no-dashboard", "--name", f"w{n}", "--death-timeout", "30",
                                           *self.tls_args, *self.preload_args], env)
        self.workers.append(proc)
        if wait:
            self.wait_workers(sum(1 for w in self.workers if w.poll() is None))
        return proc

    def _listening(self) -> bool:  # a TCP connect, for tls:// too
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def security(self):
        from distributed import Security

        if not self.tls:
            return None
        ca, cert, key = map(str, self.tls)
        return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key, require_encryption=True)

    def client_env(self) -> dict[str, str]:
        """Dask's configuration, as environment variables, for a client of this cluster."""
        if not self.tls:
            return {}
        ca, cert, key = map(str, self.tls)
        return {"DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True", "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": ca,
                "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": cert, "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": key}

    def connected(self) -> int:
        from distributed import Client

        with Client(self.address, timeout=10, set_as_default=False, security=self.security()) as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])

    def wait_workers(self, n: int) -> None:
        self._wait(lambda: self.connected() >= n, f"{n} workers")

    def _wait(self, ready, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.scheduler is not None and self.scheduler.poll() is not None:
                raise RuntimeError(f"the Dask scheduler exited: see {self.log_dir}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{what} not ready after {timeout:.0f} s: see {self.log_dir}")

    def kill(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if proc.poll() is None:
            proc.send_signal(sig)
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [*self.workers, self.scheduler]:
            if proc is None:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
