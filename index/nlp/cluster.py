"""The per-article NLP on a Dask cluster (`newsfind index --cluster ADDRESS`).

Scheduler and workers are Dask's own processes (`dask scheduler`, `dask worker ADDRESS`) on machines where
newsfind is installed. The client registers `NlpPlugin` on every worker: it checks that the worker runs the
client's newsfind and PIPELINE_VERSION and loads the spaCy pipeline there, once per worker (never on the
client: a pipeline pickled to a worker is a known trouble of spaCy under Dask).

Batches of articles go out with bounded back-pressure (`WINDOW_PER_WORKER` batches per connected worker in
flight) and come back in input order: each worker parses its batch and does all the per-article work
(entities, speakers, quotes, metadata, fingerprint) against a speculative copy of the index-wide name table,
and returns plain values and the table calls it made (index/nlp/split.py). The client settles each article
against the real table in input order, so canonical names and syndication groups see what a local run
sees, and the output is the same. An article whose table answers differ is computed again on the worker
that has its parse, against the exact table.

A worker killed mid-run costs the batches it was running a retry (Dask reschedules them); the summary
counts the batches started more than once. A worker that cannot load the model or runs another version,
a scheduler that goes away, or no worker at all for `NO_WORKER_TIMEOUT` seconds: `ClusterError`, one line.
With NEWSFIND_CLUSTER_DEBUG=FILE, an exact recomputation that still disagrees with the real table (a bug) leaves
its details in FILE.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import BATCH_SIZE, analysed, enrich_article
from newsfind.index.nlp.split import (
    ArticleResult,
    RecordingTable,
    TableFeed,
    WorkerTable,
    settle,
    table_data,
    to_plain,
)
from newsfind.index.nlp.stoppable import Stopped, until_stopped
from newsfind.index.readers.types import SourceArticle

PLUGIN_NAME = "newsfind-nlp"
EVENT_TOPIC = "newsfind-batch"
WINDOW_PER_WORKER = 3  # batches in flight per connected worker
MAX_WINDOW = 64
CONNECT_TIMEOUT = float(os.environ.get("NEWSFIND_CLUSTER_CONNECT_TIMEOUT", "20"))
# A run with no worker connected for this long stops (workers may come and go in between).
NO_WORKER_TIMEOUT = float(os.environ.get("NEWSFIND_CLUSTER_NO_WORKER_TIMEOUT", "120"))
# A new snapshot of the name table goes to the workers once this many entries were added since the last.
SNAPSHOT_LIMIT = 20000
DOC_CACHE = 128  # parses a worker keeps for an article computed again against the exact table


class ClusterError(RuntimeError):
    """The run cannot go on on the cluster: one line that says why and what to do."""


class WorkerProblem(RuntimeError):
    """Raised on a worker that cannot do the work (no model, another version)."""


@dataclass
class ClusterStats:
    address: str = ""
    workers: int = 0  # connected at the last look
    batches: int = 0
    retried: int = 0  # batches started more than once (their worker was lost)
    recomputed: int = 0  # articles computed again against the exact name table

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def versions() -> dict[str, str]:
    """What must be the same on the client and every worker for a worker's result to be the local one's: the
    newsfind and pipeline versions, and who decides speakers (NEWSFIND_ATTRIBUTION, speakers/model.py)."""
    from newsfind.index.nlp.speakers.model import SETTING
    from newsfind.index.schema import PIPELINE_VERSION

    from newsfind import __version__

    return {"newsfind": __version__, "pipeline": PIPELINE_VERSION,
            "attribution": os.environ.get(SETTING, "model").strip().lower() or "model"}


# -- addresses -------------------------------------------------------------------------------------------

def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(address: str, insecure: bool = False) -> str:
    """The scheduler address, or ValueError with what is wrong: `tls://HOST:PORT`, or `tcp://HOST:PORT` on
    loopback; `tcp://` to another machine sends article text in the clear, so only with `insecure`."""
    usage = f"--cluster {address!r}: give the Dask scheduler as tls://HOST:PORT (or tcp://HOST:PORT)"
    try:
        parts = urlsplit(address)
        port = parts.port  # ValueError for a port that is no number or out of range
    except ValueError as exc:  # a port out of range, no number, a broken [IPv6] host
        raise ValueError(f"{usage}: {exc}") from None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None:
        raise ValueError(usage)
    if parts.scheme == "tcp" and not _loopback(parts.hostname) and not insecure:
        raise ValueError(f"--cluster {address}: tcp:// would send article text unencrypted over the network; use "
                         "tls:// with a Dask security config (README, \"Big archives\"), or pass --insecure-cluster "
                         "on a network you trust")
    return address


# -- the worker side -------------------------------------------------------------------------------------

try:
    from distributed.diagnostics.plugin import WorkerPlugin as _PluginBase
except ImportError:  # distributed is a dependency; without it only --cluster is unavailable
    _PluginBase = object


class NlpPlugin(_PluginBase):
    """Registered by the client on every worker (and on workers joining later): loads the pipeline once."""

    name = PLUGIN_NAME
    idempotent = False

    def __init__(self, client_versions: dict[str, str]) -> None:
        self.client_versions = client_versions

    def setup(self, worker) -> None:
        self.error: str | None = None
        self.nlp = None
        self.tables = WorkerTable()
        self.docs: OrderedDict = OrderedDict()
        mine, theirs = versions(), self.client_versions
        if (mine["newsfind"], mine["pipeline"]) != (theirs["newsfind"], theirs["pipeline"]):
            self.error = (f"worker {worker.address} runs newsfind {mine['newsfind']} (pipeline {mine['pipeline']}), "
                          f"the client newsfind {theirs['newsfind']} (pipeline "
                          f"{theirs['pipeline']}): install the same newsfind on every worker")
            return
        if mine.get("attribution") != theirs.get("attribution"):
            self.error = (f"worker {worker.address} decides speakers with NEWSFIND_ATTRIBUTION={mine['attribution']}, "
                          f"the client with {theirs.get('attribution')}: start the workers with the client's setting")
            return
        try:
            from newsfind.index.nlp.pipeline import load_pipeline

            self.nlp = load_pipeline()
        except Exception as exc:  # reported by the first batch this worker gets, as one line
            self.error = f"worker {worker.address} cannot load the spaCy model: {exc}"

    def table(self, snapshot: dict, chunks: list, delta) -> CanonicalTable:
        return self.tables.table(snapshot, chunks, delta)


def _plugin() -> NlpPlugin:
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise WorkerProblem(f"worker {worker.address} has no newsfind plugin (it joined without it)")
    if plugin.error:
        raise WorkerProblem(plugin.error)
    return plugin


def _one(plugin: NlpPlugin, article: SourceArticle, seen, doc, table: CanonicalTable) -> ArticleResult:
    recording = RecordingTable(table)
    try:
        return ArticleResult(plain=to_plain(enrich_article(article, doc, seen, recording)), calls=recording.calls)
    except Exception as exc:  # one odd document must not stop the run; the client reports it with its path
        return ArticleResult(error=repr(exc), calls=recording.calls)


def enrich_batch(run: str, batch: int, articles: list[SourceArticle], snapshot: dict, chunks: list,
                 delta) -> tuple[str, list[ArticleResult]]:
    """A Dask task: the per-article work of one batch, in order, against one speculative table."""
    from distributed import get_worker

    worker = get_worker()
    worker.log_event(EVENT_TOPIC, {"run": run, "batch": batch, "worker": worker.address})
    plugin = _plugin()
    table = plugin.table(snapshot, chunks, delta)
    seen = [analysed(a) for a in articles]
    out = []
    for article, s, doc in zip(articles, seen, plugin.nlp.pipe([s.text for s in seen], batch_size=len(seen)),
                               strict=True):
        plugin.docs[(article.id, s.text)] = doc
        while len(plugin.docs) > DOC_CACHE:
            plugin.docs.popitem(last=False)
        out.append(_one(plugin, article, s, doc, table))
    return worker.address, out


def enrich_exact(batch: list[SourceArticle], position: int, snapshot: dict, chunks: list, delta,
                 reparse: bool = False) -> ArticleResult:
    """A Dask task: one article of a batch again, against the exact table, from the parse its batch made: the
    one kept here, else the batch parsed again (spaCy's parse of a text may differ in another batch)."""
    plugin = _plugin()
    article = batch[position]
    seen = analysed(article)
    doc = None if reparse else plugin.docs.get((article.id, seen.text))
    if doc is None:
        texts = [analysed(a).text for a in batch]
        doc = list(plugin.nlp.pipe(texts, batch_size=len(texts)))[position]
    return _one(plugin, article, seen, doc, plugin.table(snapshot, chunks, delta))


# -- the client side -------------------------------------------------------------------------------------

def _connect(address: str):
    from distributed import Client, Security

    # Dask logs every lost connection and retried task on stderr; the run reports what matters itself
    # (progress, the summary's retried batches, one line when it stops).
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name.startswith("distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL)

    if address.startswith("tls://"):
        security = Security()  # Dask's configuration: ~/.config/dask/*.yaml, DASK_DISTRIBUTED__COMM__TLS__...
        if not (security.tls_ca_file and security.tls_client_cert):
            raise ClusterError(f"the Dask scheduler at {address} speaks TLS, and Dask's TLS settings for a client are "
                               "missing here (distributed.comm.tls: ca-file, client cert and key; README, \"Big "
                               "archives\")")
    failure = None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        failure = ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}")
    except Exception as exc:  # a TLS configuration Dask refuses, ...
        failure = ClusterError(f"cannot connect to the Dask scheduler at {address}: {exc!r}")
    _quietly_collect()  # the half-made Client: its __del__ would print a traceback at exit
    raise failure


def _close(client) -> None:
    with contextlib.suppress(Exception):  # closing a client whose scheduler is gone
        client.close(timeout=5)


def _quietly_collect() -> None:
    import gc
    import sys

    hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


class _Session:
    def __init__(self, client, stats: ClusterStats, on_workers: Callable[[int], None] | None,
                 stopped: Callable[[], bool] = lambda: False) -> None:
        self.client, self.stats, self.on_workers, self.stopped = client, stats, on_workers, stopped
        self._looked = 0.0
        self._last_worker = time.monotonic()

    def workers(self, fresh: bool = False) -> int:
        now = time.monotonic()
        if fresh or now - self._looked >= 2.0:
            self._looked = now
            try:
                self.stats.workers = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
            except Exception as exc:
                raise self.lost(exc) from None
            if self.on_workers is not None:
                self.on_workers(self.stats.workers)
            if self.stats.workers:
                self._last_worker = now
        return self.stats.workers

    def no_worker(self) -> ClusterError:
        return ClusterError(f"no Dask worker connected to {self.stats.address} for {NO_WORKER_TIMEOUT:.0f} s: what "
                            "was committed is kept; start workers and run the same command again")

    def scatter(self, data):
        """`_scatter` once a worker is connected (waiting up to NO_WORKER_TIMEOUT for one): Dask's scatter to no
        worker fails after its own timeout with a TimeoutError, an OSError, that read as a fault of the index."""
        while not self.workers(fresh=True):
            if self.stopped():
                raise Stopped
            if time.monotonic() - self._last_worker > NO_WORKER_TIMEOUT:
                raise self.no_worker()
            time.sleep(0.5)
        try:
            return _scatter(self.client, data)
        except Exception as exc:  # the scheduler went away, or every worker left meanwhile
            if self.client.status == "running" and not _connection_lost(exc):
                raise ClusterError(f"cannot send the name table to the Dask workers at {self.stats.address}: "
                                   f"{exc!r}") from None
            if self.client.status == "running" and not self.workers(fresh=True):
                raise self.no_worker() from None
            raise self.lost(exc) from None

    def lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(f"lost the Dask scheduler at {self.stats.address} ({type(exc).__name__}): what was "
                            "committed is kept; run the same command again to go on")

    def result(self, future, abandon: Callable[[], bool] | None = None):
        """The future's result, waiting as long as workers are there; None once `abandon()` says so."""
        from distributed import KilledWorker

        while True:
            if self.client.status not in ("running", "connecting", "newly-created"):
                raise self.lost(RuntimeError(self.client.status))
            try:
                return future.result(timeout=1.0)
            except TimeoutError:
                if abandon is not None and abandon():
                    future.cancel()
                    return None
                if future.status == "cancelled":
                    raise self.lost(RuntimeError("cancelled")) from None
                if not self.workers() and time.monotonic() - self._last_worker > NO_WORKER_TIMEOUT:
                    raise self.no_worker() from None
            except UnboundLocalError as exc:  # distributed's sync() lost a timed call's value (dask/distributed#8514)
                if future.status == "error":  # ask again, unless the task itself raised it
                    raise ClusterError(f"a batch failed on the cluster: {exc!r}") from None
            except WorkerProblem as exc:
                raise ClusterError(str(exc)) from None
            except KilledWorker as exc:
                raise ClusterError(f"a batch lost {exc.last_worker.address if exc.last_worker else 'its'} worker "
                                   "several times in a row (does an article crash the workers?): what was committed "
                                   "is kept") from None
            except ClusterError:
                raise
            except Exception as exc:  # the scheduler went away (CancelledError, CommClosedError, OSError)
                if self.client.status == "running" and not _connection_lost(exc):
                    raise ClusterError(f"a batch failed on the cluster: {exc!r}") from None
                raise self.lost(exc) from None


def _connection_lost(exc: BaseException) -> bool:
    from distributed import CancelledError

    return isinstance(exc, CancelledError | OSError | TimeoutError) or "CommClosed" in type(exc).__name__


def enrich_on_cluster(articles: Iterable[SourceArticle], table: CanonicalTable, address: str,
                      stats: ClusterStats | None = None, on_workers: Callable[[int], None] | None = None,
                      batch_size: int | None = None, stopped: Callable[[], bool] = lambda: False
                      ) -> Iterator[tuple[SourceArticle, object]]:
    """Like `enrich_many`: (article, Enrichment or exception) in input order, the per-article work done by
    the cluster at `address`, the index-wide part here against `table`. Once `stopped()` (a first Ctrl-C), a
    wait for the cluster (a batch still running, no worker connected) ends the iteration early: the caller
    commits what it has."""
    iterator = iter(articles)
    first = next(iterator, None)
    if first is None:  # nothing to enrich: no connection at all
        return
    batch_size = batch_size or BATCH_SIZE
    stats = stats if stats is not None else ClusterStats()
    stats.address = address
    try:  # a first Ctrl-C is seen at once, also while connecting and while the workers load the model
        client = until_stopped(lambda: _connect(address), stopped, abandoned=_close)
    except Stopped:
        return
    session = _Session(client, stats, on_workers, stopped)
    run = uuid.uuid4().hex
    in_flight: deque = deque()
    try:
        try:
            until_stopped(lambda: client.register_plugin(NlpPlugin(versions()), name=PLUGIN_NAME), stopped)
        except Stopped:
            raise
        except Exception as exc:
            raise ClusterError(f"cannot set up the Dask workers at {address}: {exc!r}") from None
        feed = TableFeed(table, limit=SNAPSHOT_LIMIT)
        snapshot, chunks = session.scatter(feed.data), []  # the table as the run began, then its chunks
        pending = _batches([first], iterator, batch_size)
        batch_no = 0
        while True:
            window = min(MAX_WINDOW, WINDOW_PER_WORKER * max(session.workers(), 1))
            while len(in_flight) < window:
                batch = next(pending, None)
                if batch is None:
                    break
                future = client.submit(enrich_batch, run, batch_no, batch, snapshot, list(chunks), feed.delta(),
                                       pure=False, key=f"newsfind-batch-{run}-{batch_no}")
                in_flight.append((batch, future))
                batch_no += 1
            if not in_flight:
                break
            batch, future = in_flight.popleft()
            done = session.result(future, abandon=stopped)
            if done is None:  # asked to stop while the batch ran: the batches in flight are cancelled below
                return
            worker, results = done
            future.release()
            stats.batches += 1
            for position, (article, result) in enumerate(zip(batch, results, strict=True)):
                mark, real = feed.mark(), []
                replayed = settle(result.calls, table, real=real)
                if replayed is not None:
                    stats.recomputed += 1
                    args = (batch, position, snapshot, list(chunks), feed.delta(mark))
                    exact = _recompute(session, worker, args)
                    expected = [*result.calls[:replayed - 1], (*result.calls[replayed - 1][:3], real[0])]
                    differing = _first_difference(exact.calls[:replayed], expected)
                    if differing is not None:  # not the parse its batch made? once more from the batch parsed anew
                        exact = session.result(client.submit(enrich_exact, *args, reparse=True, pure=False,
                                                              priority=100))
                        differing = _first_difference(exact.calls[:replayed], expected)
                    if differing is None:
                        differing = settle(exact.calls, table, skip=replayed)
                    if differing is not None and os.environ.get("NEWSFIND_CLUSTER_DEBUG"):
                        import pickle

                        Path(os.environ["NEWSFIND_CLUSTER_DEBUG"]).write_bytes(pickle.dumps({
                            "article": article, "speculative": result.calls, "exact": exact.calls, "real": real,
                            "replayed": replayed, "generation": feed.generation, "mark": mark,
                            "table": table_data(table), "data": feed.data, "chunks": feed.chunks,
                            "delta": feed.delta(mark)}))
                    if differing is not None:
                        call = (exact.calls + [None])[differing - 1]
                        raise ClusterError(f"{article.source}: the cluster's result differs from the exact table's "
                                           f"at call {differing} {call!r} (a bug in newsfind: please report it)")
                    result = exact
                feed.counted(result.calls)
                yield article, result.value()
            if feed.maybe_renew():
                chunks.append(session.scatter(feed.chunks[-1]))
        stats.retried = _retried(client, run)
        session.workers(fresh=True)
    except Stopped:
        return
    finally:
        for _, future in in_flight:
            future.cancel()
        _close(client)


def _recompute(session: _Session, worker: str, args: tuple) -> ArticleResult:
    """`enrich_exact` on the worker that holds the batch's parse (bound to it: Dask would otherwise let an idle
    worker steal the task), ahead of its queued batches; if that worker is gone, on any (which parses the batch
    again)."""
    def gone() -> bool:
        try:
            return worker not in session.client.scheduler_info(n_workers=-1).get("workers", {})
        except Exception as exc:
            raise session.lost(exc) from None

    client = session.client
    exact = session.result(client.submit(enrich_exact, *args, pure=False, workers=[worker], priority=100), gone)
    if exact is None:
        exact = session.result(client.submit(enrich_exact, *args, pure=False, priority=100))
    return exact


def _first_difference(exact: list, expected: list) -> int | None:
    """Where the exact computation's first calls differ from those replayed (their real answers), else None."""
    if len(exact) != len(expected):
        return min(len(exact), len(expected)) + 1
    for i, (a, b) in enumerate(zip(exact, expected, strict=True)):
        if a != b:
            return i + 1
    return None


def _scatter(client, data):
    """`data` on every worker, under a new key. (A dict given to `scatter` itself is scattered as key -> value
    pairs under its own keys: the next snapshot's 'person' would then be the first one's, still on the workers.)"""
    [future] = client.scatter([data], broadcast=True, hash=False)
    return future


def _batches(head: list, iterator: Iterator, size: int) -> Iterator[list]:
    batch = head + list(islice(iterator, size - len(head)))
    while batch:
        yield batch
        batch = list(islice(iterator, size))


def _retried(client, run: str) -> int:
    """Batches of this run started more than once: their first worker was lost while running them."""
    try:
        events = client.get_events(EVENT_TOPIC)
    except Exception:
        return 0
    starts: dict[int, int] = {}
    for _, msg in events:
        if isinstance(msg, dict) and msg.get("run") == run:
            starts[msg["batch"]] = starts.get(msg["batch"], 0) + 1
    return sum(1 for n in starts.values() if n > 1)
