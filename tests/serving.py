"""`newsfind serve` as a subprocess on a free loopback port, for tests that need the real server."""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT

NEWSFIND = Path(sys.executable).with_name("newsfind")


@contextmanager
def served(index_dir: Path, threads: int = 4, timeout: float = 60,
           workers: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of `newsfind --index DIR serve --port 0`, stopped afterwards."""
    extra = ["--workers", str(workers)] if workers else []
    proc = subprocess.Popen([str(NEWSFIND), "--index", str(index_dir), "serve", "--port", "0", "--threads",
                             str(threads), *extra], cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + timeout
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        url = None
        while url is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"newsfind serve did not start: {proc.stdout.read() if proc.stdout else ''}")
            if selector.select(timeout=0.2) and (match := re.search(r"http://[\d.]+:\d+/", proc.stdout.readline())):
                url = match.group(0)
        while True:
            try:
                get_json(url + "api/openapi.json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get_json(url: str, timeout: float = 30):
    status, body = get(url, timeout)
    if status != 200:
        raise urllib.error.HTTPError(url, status, body[:200].decode("utf-8", "replace"), None, None)  # type: ignore
    return json.loads(body)
