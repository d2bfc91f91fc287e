"""A tiny HTTP client for tests against the real server (started with `newsfind.web.served.served`)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    """(status, body) of a GET, also for 4xx/5xx answers."""
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
