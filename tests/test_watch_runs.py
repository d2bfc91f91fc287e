"""After an index run, for watches: notifications POSTed to a loopback receiver started here (and to
failing ones: retried with back-off within a bounded time, then one line on stderr, the run still
exit 0), and every new article reported exactly once although the real `newsfind index` is
SIGKILLed in the middle of a run, between its last commit and the matching, and inside the matching."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from newsfind.search import watch_runs

from tests import test_watches
from tests.conftest import ROOT
from tests.generate import articles, write_articles
from tests.test_crash import generation, newsfind_cmd
from tests.test_watches import NEW, new_ids, query_ids

watched = test_watches.watched  # the fixture: a copy of the seed index as a CLI runner


class Receiver:
    """A loopback HTTP server: records every POST; answers with `statuses` in turn (the last one
    from then on), after `delay` seconds, with `headers` (e.g. a redirect's Location); a GET (where a
    redirect would lead) is recorded in `gets` and answered 200."""

    def __init__(self, statuses=(200,), delay: float = 0.0, headers: dict[str, str] | None = None) -> None:
        self.statuses, self.delay, self.requests, self.gets = list(statuses), delay, [], []
        self.headers = headers or {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "type": self.headers.get("Content-Type"),
                                          "body": json.loads(body)})
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self) -> None:  # noqa: N802
                receiver.gets.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(*args, **kwargs) -> Receiver:
        made.append(Receiver(*args, **kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(watch_runs, "BACKOFF", 0.01)


def test_one_post_per_watch_with_new_matches(watched, receiver):
    run, hook = watched, receiver()
    assert run("watch", "add", "lavrov", "speaker:Lavrov Syria", "--notify", hook.url, "--user", "alice").exit_code == 0
    assert run("watch", "add", "merkel", "person:Merkel", "--notify", hook.url, "--user", "alice").exit_code == 0
    result = run.index(NEW)
    assert result.stderr == "", result.stderr
    assert len(hook.requests) == 1  # merkel has nothing new: no message
    message = hook.requests[0]
    assert message["path"] == "/hook" and message["type"].startswith("application/json")
    body = message["body"]
    assert body["event"] == "newsfind.watch.new" and body["watch"]["name"] == "lavrov"
    assert body["watch"]["owner"] == "alice" and (body["new"], body["new_articles"]) == (2, 3)
    ids = {i for hit in body["hits"] for i in [hit["id"], *(v["id"] for v in hit["new_versions"])]}
    assert ids == {"n1", "n2", "n3"}
    run.index(NEW)  # nothing new: nothing sent
    assert len(hook.requests) == 1


def test_a_failing_receiver_is_retried_then_logged_and_the_run_succeeds(watched, receiver, quick_retries):
    run, hook = watched, receiver(statuses=(500,))
    assert run("watch", "add", "lavrov", "speaker:Lavrov", "--notify", hook.url, "--user", "alice").exit_code == 0
    result = run.index(NEW[:1])
    assert result.exit_code == 0 and "indexed 1" in result.stdout
    assert len(hook.requests) == watch_runs.ATTEMPTS
    assert result.stderr.count("\n") == 1 and "warning: watch alice/lavrov: could not notify" in result.stderr
    assert f"HTTP 500 ({watch_runs.ATTEMPTS} attempts)" in result.stderr, result.stderr
    hook.statuses = [503, 200]  # the next run: one failure, then accepted, with what was not notified yet
    run.index(NEW[1:3], "more.jsonl")
    assert len(hook.requests) == watch_runs.ATTEMPTS + 2
    sent = hook.requests[-1]["body"]
    assert sent["new_articles"] == 3 and {h["id"] for h in sent["hits"]} | {
        v["id"] for h in sent["hits"] for v in h["new_versions"]} == {"n1", "n2", "n3"}
    run.index(NEW[3:], "last.jsonl")
    assert len(hook.requests) == watch_runs.ATTEMPTS + 2  # all notified


def test_an_unreachable_or_slow_receiver_costs_a_bounded_time(watched, receiver, quick_retries, monkeypatch):
    run = watched
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    slow = receiver(delay=3.0)
    monkeypatch.setattr(watch_runs, "BUDGET", 1.0)
    monkeypatch.setattr(watch_runs, "REQUEST_TIMEOUT", 0.3)
    assert run("watch", "add", "a", "speaker:Lavrov", "--notify", refused, "--user", "alice").exit_code == 0
    assert run("watch", "add", "b", "speaker:Lavrov", "--notify", slow.url, "--user", "alice").exit_code == 0
    started = time.monotonic()
    result = run.index(NEW[:1])
    assert time.monotonic() - started < 20  # the run itself (spaCy) and at most BUDGET of notifying
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "watch alice/a: could not notify" in lines[0] and "refused" in lines[0], lines
    assert "watch alice/b: could not notify" in lines[1] and "timed out" in lines[1], lines


KILLED = """
import os, signal, sys
import newsfind.search.watch_runs as runs
import newsfind.search.watches as watches

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "before-matching":  # after the run's last commit, before the watches look
    runs.after_index_run = die
elif sys.argv[1] == "inside-matching":  # the watches evaluated, the hits not yet recorded
    real = watches._evaluate
    watches._evaluate = lambda *args: (real(*args), die())
from newsfind.cli.main import main
sys.argv = ["newsfind", *sys.argv[2:]]
main()
"""


def killed_run(where: str, index_dir, source) -> None:
    proc = subprocess.run([sys.executable, "-c", KILLED, where, "--index", str(index_dir), "index", str(source),
                           "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_every_new_article_is_reported_exactly_once_across_sigkills(watched, tmp_path):
    run = watched
    assert run("watch", "add", "all", "*", "--user", "alice").exit_code == 0
    assert run("watch", "add", "lavrov", "person:Lavrov", "--user", "alice").exit_code == 0
    first = articles(24, seed=7, prefix="k")
    source = write_articles(tmp_path / "first.jsonl", first)
    # 1. killed in the middle of a run, just after its second commit; then the same command again
    proc = subprocess.Popen(newsfind_cmd(run.index_dir, "index", str(source), "--jobs", "1", commit_every=3),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start, deadline = generation(run.index_dir), time.monotonic() + 300
    while proc.poll() is None and generation(run.index_dir) < start + 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL, "the run ended before it could be killed"
    again = subprocess.run(newsfind_cmd(run.index_dir, "index", str(source), "--jobs", "1"), cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "unchanged" in again.stdout, again.stderr
    # 2. killed after its last commit, before the watches looked; 3. killed while they looked
    second, third = articles(6, seed=8, prefix="m"), articles(6, seed=9, prefix="p")
    killed_run("before-matching", run.index_dir, write_articles(tmp_path / "second.jsonl", second))
    killed_run("inside-matching", run.index_dir, write_articles(tmp_path / "third.jsonl", third))
    listed = new_ids(run, "all")
    assert sorted(listed) == sorted(a["id"] for a in first + second + third)  # each once, none lost
    lavrov = new_ids(run, "lavrov")
    assert len(lavrov) == len(set(lavrov))
    assert lavrov and set(lavrov) == query_ids(run, "person:Lavrov") & set(listed)
    assert run.json("watch", "list", "--user", "alice")[0]["new"] == 36
