"""`newsfind serve`: waitress in one process, or in several that share one listening socket.

A search is CPU work in Python (matching, snippets, facet counts), so the threads of one process
take turns on the GIL and one process uses one core. With `workers > 1` the parent binds the
listening socket(s) and forks that many worker processes, each running waitress with `threads`
threads on the same sockets: the kernel hands every new connection to one of them. The app is
created once in the parent, before the fork (so a missing index is reported once and the secret
key and curation database are set up before any worker runs); every worker opens its own
searchers. Ctrl-C or SIGTERM to the parent stops every worker; a worker also stops when its
parent is gone. A worker that dies is replaced, unless it died right after it started (then the
server stops with an error instead of restarting it in a loop).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable

from waitress import create_server
from waitress.adjustments import Adjustments

QUICK_DEATH = 5.0  # seconds: a worker that exits sooner than this after its start is not restarted


def default_workers() -> int:
    """One worker process per core this process may use (at most 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8)) if hasattr(os, "fork") else 1


def bind_sockets(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for `host`:`port`, as waitress would bind them itself (every address the
    host name resolves to)."""
    sockets = []
    try:
        for family, socktype, proto, sockaddr in Adjustments(host=host, port=port).listen:
            sock = socket.socket(family, socktype, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(sockaddr)
            sock.listen(1024)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve(app, host: str, port: int, threads: int, workers: int, announce: Callable[[int], None]) -> bool:
    """Serve `app` until Ctrl-C or SIGTERM; `announce(port)` is called once the socket listens.
    False when the workers could not run (the reason is on stderr)."""
    if workers <= 1 or not hasattr(os, "fork"):
        server = create_server(app, host=host, port=port, threads=threads)
        announce(server.effective_port)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
        return True
    sockets = bind_sockets(host, port)
    try:
        announce(sockets[0].getsockname()[1])
        return _supervise(app, sockets, threads, workers)
    finally:
        for sock in sockets:
            sock.close()


def _run_worker(app, sockets: list[socket.socket], threads: int, parent: int) -> None:
    """The body of a forked worker: waitress on the shared sockets until told to stop."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    status = 0
    try:
        def watch_parent() -> None:  # the parent was killed outright: do not serve on as an orphan
            while os.getppid() == parent:
                time.sleep(1.0)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch_parent, name="newsfind-parent-watch", daemon=True).start()
        server = create_server(app, sockets=sockets, threads=threads)
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    except BaseException as exc:  # noqa: BLE001 - report, then leave without running the parent's cleanup
        print(f"newsfind: worker {os.getpid()} failed: {exc!r}", file=sys.stderr, flush=True)
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _supervise(app, sockets: list[socket.socket], threads: int, workers: int) -> bool:
    parent = os.getpid()
    children: dict[int, float] = {}  # pid -> start time
    stopping = failed = False

    def start_worker() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _run_worker(app, sockets, threads, parent)
        children[pid] = time.monotonic()

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(workers):
            start_worker()
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            started = children.pop(pid, None)
            if started is None or stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            if time.monotonic() - started < QUICK_DEATH:
                print(f"newsfind: worker {pid} exited ({code}) right after it started; stopping",
                      file=sys.stderr, flush=True)
                failed = True
                stop(None, None)
                continue
            print(f"newsfind: worker {pid} exited ({code}); starting another", file=sys.stderr, flush=True)
            start_worker()
    finally:
        stop(None, None)
        for pid in list(children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return not failed
