"""Watches in the JSON API, for the user the request is from (bearer token or session, as the rest
of /api; anonymous: 401):

    GET /api/watches                                   your watches, each with `new` (articles)
    GET /api/watches/<name>/new?limit=N&mark_seen=1    what `newsfind watch new NAME --json` prints

Both first look at what was written since the last look, as the pages do (web/watches.py).
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, abort, g, jsonify, request
from newsfind.search.watches import MAX_SHOWN, new_matches
from newsfind.web.auth import requires
from newsfind.web.index import pool
from newsfind.web.params import int_arg
from newsfind.web.watches import find_watch, look, owner, runnable, watch_store

bp = Blueprint("watches_api", __name__, url_prefix="/api")


@bp.get("/watches")
@requires("reader")
def api_watches():
    look()
    watches = watch_store().watches(owner()) if watch_store().exists() else []
    return jsonify({"watches": [w.public() for w in watches], "waiting": g.get("watch_waiting", 0)})


@bp.get("/watches/<path:name>/new")
@requires("reader")
def api_new(name: str):
    find_watch(name)
    limit = int_arg(request.args, "limit", 100, high=MAX_SHOWN)
    mark_seen = request.args.get("mark_seen", "") in ("1", "true", "yes")
    look()
    watch = runnable(find_watch(name))
    data = new_matches(pool().ix, watch_store(), watch, limit)
    marked = False
    if mark_seen and data["up_to"] > watch.seen_up_to:  # also hits whose article left the index
        try:
            watch_store().mark_seen(watch, data["up_to"])
            marked = True
        except sqlite3.OperationalError as exc:  # a read-only index directory
            abort(409, f"the new matches could not be marked seen: {exc}")
    data["marked_seen"] = marked
    data["waiting"] = g.get("watch_waiting", 0)
    return jsonify(data)
