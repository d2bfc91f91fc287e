"""A blocking step that a stop request (a first Ctrl-C) interrupts at once.

Connecting to a Dask scheduler waits up to its timeout, and registering newsfind on the workers waits for
every worker to load the spaCy model: neither looks at the run's stop flag. `until_stopped` runs such a
step in a thread of its own and waits for it or for the flag, whichever comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL = 0.1  # seconds between looks at the stop flag


class Stopped(Exception):
    """The run was asked to stop while it waited for the step."""


def until_stopped(step: Callable[[], T], stopped: Callable[[], bool],
                  abandoned: Callable[[T], None] | None = None) -> T:
    """What `step()` returns (or raises); Stopped as soon as `stopped()` while it runs. The step goes on
    in its daemon thread: what it makes after being left is handed to `abandoned` (to close it)."""
    box: dict = {}
    done = threading.Event()
    lock = threading.Lock()

    def run() -> None:
        try:
            box["value"] = step()
        except BaseException as exc:  # given to the waiting thread, or dropped with the abandoned step
            box["error"] = exc
        with lock:
            done.set()
            late = box.get("left", False)
        if late and abandoned is not None and "value" in box:
            abandoned(box["value"])

    threading.Thread(target=run, name="newsfind-stoppable", daemon=True).start()
    while not done.wait(POLL):
        if stopped():
            with lock:
                if not done.is_set():
                    box["left"] = True
                    raise Stopped
    if "error" in box:
        raise box["error"]
    return box["value"]
