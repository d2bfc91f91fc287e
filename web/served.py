"""`newsfind serve` as a subprocess on a free loopback port, for the tests and benchmarks that need the
real server (waitress, a real socket): started, waited for until it answers, and stopped afterwards.

    with served(index_dir, threads=8) as server:
        urllib.request.urlopen(server.url + "api/search?q=Syria")

Not imported by the application itself.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
NEWSFIND = Path(sys.executable).with_name("newsfind")
READY_PATH = "api/openapi.json"  # answers 200 once the app and its index are loaded


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/ (with the slash)
    proc: subprocess.Popen
    output: deque[str] = field(default_factory=lambda: deque(maxlen=50))  # its last lines, for error messages

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])


def _url_line(proc: subprocess.Popen, deadline: float, output: deque[str]) -> str:
    """The URL `newsfind serve` prints once it listens (it chose the port itself)."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output.append(proc.stdout.read())
            raise RuntimeError(f"newsfind serve exited with {proc.returncode}: {''.join(output)}")
        if selector.select(timeout=0.2):
            line = proc.stdout.readline()
            output.append(line)
            if match := re.search(rf"http://{re.escape(HOST)}:\d+/", line):
                return match.group(0)
    raise RuntimeError(f"newsfind serve printed no URL in time: {''.join(output)}")


def _drain(proc: subprocess.Popen, output: deque[str]) -> None:
    """Keep reading the server's output so that its pipe never fills up and blocks it."""
    assert proc.stdout is not None
    for line in proc.stdout:
        output.append(line)


def wait_until_answering(url: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url + READY_PATH, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


@contextmanager
def served(index_dir: str | os.PathLike, threads: int | None = None, timeout: float = 60,
           cwd: str | os.PathLike | None = None, workers: int | None = None) -> Iterator[Server]:
    """`newsfind --index DIR serve --host 127.0.0.1 --port 0 [--threads N] [--workers N]`, answering,
    stopped afterwards."""
    cmd = [str(NEWSFIND), "--index", str(index_dir), "serve", "--host", HOST, "--port", "0"]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    output: deque[str] = deque(maxlen=50)
    try:
        deadline = time.monotonic() + timeout
        url = _url_line(proc, deadline, output)
        threading.Thread(target=_drain, args=(proc, output), daemon=True).start()
        wait_until_answering(url, deadline)
        yield Server(url, proc, output)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
