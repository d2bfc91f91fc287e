"""What follows an index run for watches: look at what the run wrote (`watches.match_pending`), then
notify the watches that have a `--notify URL` and new matches.

Kept out of the ingest layer (which must not import the search layer): `newsfind index` calls
`index_paths` and then `after_index_run`.

Notification: one JSON POST per watch with matches not yet notified (its hits above
`notified_up_to`: so a failed notification is sent again, with the newer hits, after the next run),
`Content-Type: application/json`, body {"event": "newsfind.watch.new", "watch": {...}, "index": DIR,
"new": stories, "new_articles": articles, "hits": [...]} with the hits as `newsfind watch new --json`
lists them (up to MAX_NOTIFIED stories). A 2xx answer marks them notified. Anything else (refused
connection, timeout, 5xx, 4xx) is retried with back-off (BACKOFF, doubled each time, ATTEMPTS in all)
within a total time of BUDGET seconds for the whole run; what still fails is returned as one line
per watch for stderr and never fails the index run. A redirect (3xx) is not followed, nor retried: urllib
would follow it with a GET without the message, and its 2xx would mark the hits notified. Standard
library only (urllib).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from newsfind.index.curation.watches import WatchStore
from newsfind.search.query import QueryError
from newsfind.search.watches import MatchReport, match_pending, new_matches

ATTEMPTS = 4
BACKOFF = 0.5  # seconds before the 2nd attempt; doubled before each next one
BUDGET = 20.0  # seconds for every notification of one run, retries included
REQUEST_TIMEOUT = 5.0
MAX_NOTIFIED = 100
USER_AGENT = "newsfind-watch/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx comes back as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class RunReport:
    matching: MatchReport
    notified: list[str] = field(default_factory=list)  # "owner/name" notified
    failures: list[str] = field(default_factory=list)  # one line per watch whose notification failed


def after_index_run(ix, index_dir: Path) -> RunReport:
    """Match the watches against what the run wrote, then send the notifications."""
    store = WatchStore(index_dir)
    report = RunReport(match_pending(ix, store))
    if not report.matching.busy:
        notify_all(ix, store, index_dir, report)
    return report


def notify_all(ix, store: WatchStore, index_dir: Path, report: RunReport) -> None:
    deadline = time.monotonic() + BUDGET
    for watch in report.matching.watches:
        if not watch.notify_url or watch.id in report.matching.errors:  # a query that no longer runs: warned
            continue
        try:
            data = new_matches(ix, store, watch, MAX_NOTIFIED, since=watch.notified_up_to)
        except QueryError as exc:  # one watch must not keep the others from being notified
            report.failures.append(f"watch {watch.owner}/{watch.name}: not notified: {exc}")
            continue
        if not data["new_articles"]:
            continue
        payload = {"event": "newsfind.watch.new", "watch": watch.public(), "index": str(index_dir),
                   "new": data["new"], "new_articles": data["new_articles"], "hits": data["hits"]}
        error = post_json(watch.notify_url, payload, deadline)
        label = f"{watch.owner}/{watch.name}"
        if error is None:
            store.mark_notified(watch, data["up_to"])
            report.notified.append(label)
        else:
            report.failures.append(f"watch {label}: could not notify {watch.notify_url}: {error} "
                                   "(sent again after the next index run)")


def post_json(url: str, payload: dict, deadline: float) -> str | None:
    """POST `payload`, retrying with back-off until `deadline`; None when a 2xx came back, else why not."""
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    delay, error, attempts = BACKOFF, "no time left to try", 0
    for attempt in range(ATTEMPTS):
        left = deadline - time.monotonic()
        if left <= 0.05:
            break
        attempts += 1
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=min(REQUEST_TIMEOUT, left)) as response:
                response.read(65536)
                if 200 <= response.status < 300:
                    return None
                error = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}"
            if 300 <= exc.code < 400:
                where = exc.headers.get("Location") if exc.headers else None
                error += f" to {where[:300]!r}" if where else ""
                exc.close()
                error += ", a redirect, not followed: give --notify the URL it redirects to"
                break
        except (urllib.error.URLError, OSError, ValueError) as exc:
            error = str(getattr(exc, "reason", None) or exc)
        if attempt + 1 < ATTEMPTS:
            time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
            delay *= 2
    return f"{error} ({attempts} attempt{'s' if attempts != 1 else ''})"

