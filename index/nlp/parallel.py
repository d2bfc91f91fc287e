"""Parsing in parallel: spaCy in worker processes, everything index-wide in the main process.

Workers only parse (tagger, parser, NER) and send each `Doc` back as bytes; the main process
rebuilds the Docs and does the rest in input order (canonical names, speakers, grouping, the
Whoosh writer), so results are identical to a single-process run.

Why not `nlp.pipe(n_process=N)`: its workers are forked, so they inherit the open Whoosh write lock
(an flock, held as long as any process has the file open), and they block forever on their queue
when the parent is killed: after a SIGKILL the orphans keep the lock and the next run finds the
index busy. Here workers are *spawned* (no inherited descriptors), ignore SIGINT (the parent stops
them), and exit on their own within a second once their parent is gone.

Memory is bounded by the batch: at most `2 * n_process` batches are in flight, and the input
iterator is read lazily.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from multiprocessing import get_context

# Runs with fewer articles than this many batches per worker are parsed in this process.
MIN_BATCHES_PER_WORKER = 2
# Doc attributes the rest of the pipeline never reads; not sent between processes.
EXCLUDE = ["tensor", "user_data"]

_worker_nlp = None


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def _init_worker(parent: int) -> None:
    global _worker_nlp
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from newsfind.index.nlp.pipeline import load_pipeline

    _worker_nlp = load_pipeline()


def _parse_batch(texts: list[str]) -> list[bytes]:
    assert _worker_nlp is not None
    return [doc.to_bytes(exclude=EXCLUDE) for doc in _worker_nlp.pipe(texts, batch_size=len(texts))]


def parse_parallel(nlp, texts: Iterable[str], n_process: int, batch_size: int) -> Iterator:
    """Docs for `texts`, in order, parsed by `n_process` worker processes."""
    from spacy.tokens import Doc

    iterator = iter(texts)
    pool = ProcessPoolExecutor(max_workers=n_process, mp_context=get_context("spawn"),
                               initializer=_init_worker, initargs=(os.getpid(),))
    in_flight: deque[Future] = deque()
    finished = False
    try:
        while True:
            while not finished and len(in_flight) < 2 * n_process:
                batch = list(islice(iterator, batch_size))
                if not batch:
                    finished = True
                    break
                in_flight.append(pool.submit(_parse_batch, batch))
            if not in_flight:
                return
            for data in in_flight.popleft().result():
                yield Doc(nlp.vocab).from_bytes(data, exclude=EXCLUDE)
    finally:
        # Normal end: workers are idle. Early end (error, Ctrl-C): do not wait for their batches.
        pool.shutdown(wait=finished and not in_flight, cancel_futures=True)


def parse(nlp, texts: Iterable[str], n_process: int = 1, batch_size: int = 16) -> Iterator:
    """Docs for `texts` in order: in this process for one job or a small run (fewer than
    `MIN_BATCHES_PER_WORKER` batches per worker: starting workers would cost more than it saves),
    else in worker processes."""
    if n_process <= 1:
        return nlp.pipe(texts, batch_size=batch_size)
    iterator = iter(texts)
    head = list(islice(iterator, MIN_BATCHES_PER_WORKER * n_process * batch_size))
    if len(head) < MIN_BATCHES_PER_WORKER * n_process * batch_size:
        return nlp.pipe(head, batch_size=batch_size)
    return parse_parallel(nlp, chain(head, iterator), n_process, batch_size)
