"""A tiny HTTP client for tests against the real server (started with `web.serving.served`)."""

from __future__ import annotations

import urllib.error
import urllib.request


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    """(status, body) of a GET, also for 4xx/5xx answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
