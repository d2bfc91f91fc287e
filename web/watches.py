"""Watches in the web UI: "Watch this search", the `/watches` page, a watch's new matches, its Atom
feed and the feed token.

    POST /watches                       save the search in the form (q, facet filters, sort) as NAME
    GET  /watches                       your watches, each with its number of new matches
    GET  /watches/<name>                its new matches, highlighted, newest first; then they are seen
    POST /watches/<name>/remove         remove it
    GET  /watches/<name>/feed.atom?token=FEED_TOKEN   Atom feed of its latest matches (no cookie)
    GET  /account/feed                  your feed URLs; POST makes a new feed token (the old one stops)

A watch belongs to the logged-in user (any role: readers too): its owner is the account's name, so
`newsfind watch ... --user NAME` sees the same watches. Pages first look at what was written since
the last look (`match_pending`, as `newsfind watch new` does): an index run looks after every run,
a curation change does not. With the index busy they show what is recorded and say the rest waits.
Storage and matching are `newsfind.index.curation.watches` and `newsfind.search.watches`.

The feed is reached with the owner's feed token in the URL, on a public archive as on a private one
(watches are private to their owner), never with the session cookie: a feed reader has no session,
and a URL that works only in the owner's browser would be no feed. See index/curation/feeds.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from newsfind.index.curation.changes import CurationError
from newsfind.index.curation.db import now_text
from newsfind.index.curation.feeds import FeedTokenStore
from newsfind.index.curation.watches import Watch, WatchStore
from newsfind.search.query import QueryError
from newsfind.search.watches import MatchReport, add_watch, match_pending, new_matches, validate
from newsfind.web.auth import current_user, requires
from newsfind.web.index import get_searcher, pool
from newsfind.web.params import SORT_LABELS, State
from newsfind.web.templating import display_date

bp = Blueprint("watches", __name__)

EXTENSION = "newsfind.watches"
LOOK_TIMEOUT = 1.0  # seconds a page waits for a busy index before showing what is recorded
PAGE_LIMIT = 200  # stories a watch page lists
FEED_ENTRIES = 50  # the latest matches in a feed


@contextmanager
def writing() -> Iterator[None]:
    """A write the curation database refuses (a read-only index directory, a full disk, locked too
    long) answers 503 with SQLite's reason, not a 500; a change it refuses is a 400."""
    try:
        yield
    except CurationError as exc:
        abort(400, str(exc))
    except sqlite3.OperationalError as exc:
        current_app.logger.warning("curation database not written: %s", exc)
        abort(503, f"Nothing was saved: the curation database cannot be written now ({exc}).")


def watch_store() -> WatchStore:
    return current_app.extensions[EXTENSION]


def feed_tokens() -> FeedTokenStore:
    return current_app.extensions[EXTENSION + ".feeds"]


def init_app(app) -> None:
    index_dir = app.config["NEWSFIND_INDEX_DIR"]
    app.extensions[EXTENSION] = WatchStore(index_dir)
    app.extensions[EXTENSION + ".feeds"] = FeedTokenStore(index_dir)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"watches_new": new_in_nav})


def new_in_nav() -> int:
    """How many new matches the logged-in user's watches hold as recorded (the navigation's count;
    the watches page looks at what was written since). 0 without a user, a database or a readable one:
    a count is never worth a failed page."""
    user = current_user()
    if user is None or not watch_store().exists():
        return 0
    try:
        return sum(w.new for w in watch_store().watches(user.name))
    except sqlite3.Error as exc:
        current_app.logger.warning("watch counts not read: %s", exc)
        return 0


def look() -> MatchReport | None:
    """Match what was written since the last look; the report says how many articles still wait."""
    store = watch_store()
    if not store.exists():
        return None
    report = match_pending(pool().ix, store, LOOK_TIMEOUT)
    g.watch_waiting = store.journal_size() if report.busy else 0
    return report


def owner() -> str:
    return current_user().name


def find_watch(name: str, who: str | None = None) -> Watch:
    name = " ".join(name.split())
    who = who or owner()
    watch = watch_store().get(who, name) if watch_store().exists() else None
    if watch is None:
        abort(404, f"{who} has no watch named {name!r}.")
    return watch


def runnable(watch: Watch) -> Watch:
    """The watch, if its stored query still runs; else a 400 with the parser's message (the QueryError
    handler), rather than a page that says nothing is new (an index run does not match it either)."""
    validate(get_searcher(), watch.query, watch.filters, watch.sort)
    return watch


def search_href(watch: Watch) -> str:
    """The search page of a watch's query, filters and sort: every match, seen or not."""
    state = State(q=watch.query, filters=watch.filters, sort=watch.sort)
    return state.url(url_for("ui.search_page"))


def describe(watch: Watch) -> str:
    parts = [repr(watch.query)] if watch.query else ["every article"]
    parts += [f"{name}: {', '.join(values)}" for name, values in watch.filters.items()]
    if watch.sort != "relevance":
        parts.append(SORT_LABELS.get(watch.sort, watch.sort).lower())
    return "; ".join(parts)


# -- saving a search, the list, one watch, removing ------------------------------------------------


@bp.post("/watches")
@requires("reader")
def add():
    """Save the search in the form (the hidden fields of the search page) under the name given."""
    state = State.from_args(request.form)  # QueryError: 400 with the message
    name = request.form.get("name", "")
    try:
        with writing():
            watch, _ = add_watch(pool().ix, watch_store(), owner(), name, state.q, state.filters, state.sort, None,
                                 owner())
    except QueryError as exc:
        abort(400, f"This search cannot be watched: {exc}")
    flash(f"Watching {watch.name!r}: what matches now counts as seen; what starts to match later shows here.")
    return redirect(url_for("watches.index"), code=303)


@bp.get("/watches")
@requires("reader")
def index():
    look()
    watches = watch_store().watches(owner()) if watch_store().exists() else []
    return render_template("watches.html", watches=watches, describe=describe, search_href=search_href,
                           waiting=g.get("watch_waiting", 0))


@bp.get("/watches/<path:name>")
@requires("reader")
def show(name: str):
    """The new matches, highlighted, one per story; opening the page marks them seen."""
    find_watch(name)
    look()
    watch = runnable(find_watch(name))
    data = new_matches(pool().ix, watch_store(), watch, PAGE_LIMIT)
    page = render_template("watch.html", watch=watch, data=data, describe=describe(watch),
                           search_href=search_href(watch), waiting=g.get("watch_waiting", 0))
    if data["up_to"] > watch.seen_up_to:  # also hits whose article left the index: the badge counted them
        try:
            watch_store().mark_seen(watch, data["up_to"])
        except sqlite3.OperationalError as exc:  # a read-only index directory: shown, not marked
            current_app.logger.warning("watch %s/%s not marked seen: %s", watch.owner, watch.name, exc)
    return page


@bp.post("/watches/<path:name>/remove")
@requires("reader")
def remove(name: str):
    watch = find_watch(name)
    with writing():
        watch_store().remove(watch.owner, watch.name, owner())
    flash(f"Watch {watch.name!r} removed.")
    return redirect(url_for("watches.index"), code=303)


# -- the feed and its token ------------------------------------------------------------------------


def _token_user():
    token = request.args.get("token", "")
    user = feed_tokens().user_for(token) if token else None
    if user is None:
        abort(403, "This feed needs its feed token in the URL (?token=...): its owner finds the feed URL "
                   "on the Feed URLs page (/account/feed) after logging in.")
    return user


@bp.get("/watches/<path:name>/feed.atom")
def feed(name: str):
    """The latest matches (seen or not, those that matched when it was saved included), newest match
    first; reading the feed marks nothing seen."""
    from newsfind.web.atom import feed_document  # feedgen and lxml: loaded by the first feed, not at start-up

    user = _token_user()
    find_watch(name, user.name)
    look()
    watch = runnable(find_watch(name, user.name))
    latest = watch_store().latest_hits(watch, FEED_ENTRIES)
    since = min(h.hit for h in latest) - 1 if latest else None
    data = new_matches(pool().ix, watch_store(), watch, FEED_ENTRIES, since=since) if latest else {"hits": []}
    data["hits"].sort(key=lambda h: h["hit"], reverse=True)
    self_url = url_for("watches.feed", name=watch.name, _external=True) + "?" + urlencode(
        {"token": request.args["token"]})
    body = feed_document(watch.public(), watch.id, data, self_url,
                         url_for("watches.show", name=watch.name, _external=True),
                         lambda article_id: url_for("ui.article", article_id=article_id, _external=True),
                         display_date, now_text())
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def feed_url(watch: Watch, token: str | None) -> str:
    base = url_for("watches.feed", name=watch.name, _external=True)
    return f"{base}?{urlencode({'token': token})}" if token else f"{base}?token=…"


@bp.route("/account/feed", methods=["GET", "POST"])
@requires("reader")
def feed_token():
    """GET: whether you have a feed token, and your watches' feed URLs (the token is not kept, so
    only its place is shown). POST: a new token, shown once in the URLs; the old one stops working."""
    token = None
    if request.method == "POST":
        with writing():  # CurationError: the account was removed meanwhile
            token = feed_tokens().create(owner(), owner())
    watches = watch_store().watches(owner()) if watch_store().exists() else []
    page = render_template("feed_token.html", token=token, created_at=feed_tokens().created_at(owner()),
                           feeds=[(w, feed_url(w, token)) for w in watches])
    response = Response(page)
    if token:
        response.headers["Cache-Control"] = "no-store"
    return response
