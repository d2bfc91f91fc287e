"""The curation JSON API, for scripts (`Authorization: Bearer TOKEN`) and pages (session + the
`X-CSRFToken` header). Requests and answers are JSON; every change answers with the audit row it
made (`change`, null when nothing changed) and whether it is in the index yet (`applied`).

    GET  /api/me                          who you are
    GET  /api/tags                        tags in use, with counts
    GET  /api/history?article=ID&limit=N  the audit log, oldest first
    POST /api/tag/<id>                    {"add": [...], "remove": [...]}
    POST /api/bulk-tag                    {"q": ..., "filters": {...}, "tags": [...], "remove": false, "expected": N}
    POST /api/correct/<id>                {"outlet": "UPI", "date": "2015-09-18", "clear": ["author"]}
    POST /api/entity/<kind>/<name>        {"action": "merge", "target": "...", "article": ..., "spellings": [...]}
    POST /api/undo/<change_id>
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from newsfind.index.curation.changes import Change, CurationError
from newsfind.index.curation.document import CORRECTABLE
from newsfind.index.curation.rules import EntityRule
from newsfind.index.curation.store import UndoError
from newsfind.index.curation.tags import search_context
from newsfind.search.query import QueryError
from newsfind.web.auth import current_user, requires, store
from newsfind.web.curate import (
    _require_article,
    apply_now,
    matching_ids,
    refused_as_bad_request,
    visible_changes,
    who,
)
from newsfind.web.index import get_searcher
from newsfind.web.params import State
from werkzeug.datastructures import MultiDict

bp = Blueprint("curate_api", __name__, url_prefix="/api")


def body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "Send a JSON object (Content-Type: application/json).")
    return data


def _strings(value, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        abort(400, f"{name} must be a list of strings")
    return value


def answer(change: Change | None, applied: bool = True, **extra):
    return jsonify({"change": change.as_dict() if change else None, "applied": applied, **extra})


@bp.get("/me")
def me():
    user = current_user()
    return jsonify({"user": user.public() if user else None})


@bp.get("/tags")
def tags():
    searcher = get_searcher()
    counts = store().tag_counts(lambda article_id: searcher.document_number(id=article_id) is not None) \
        if store().exists() else []
    return jsonify({"tags": [{"tag": label, "count": count} for label, count in counts]})


@bp.get("/history")
def history():
    article_id = request.args.get("article") or None
    try:
        limit = int(request.args.get("limit", 200))
    except ValueError:
        abort(400, "limit must be a whole number")
    changes = store().history(article_id, max(1, min(limit, 10_000))) if store().exists() else []
    return jsonify({"changes": [c.as_dict() for c in visible_changes(changes)]})


@bp.post("/tag/<path:article_id>")
@requires("archivist")
def tag(article_id: str):
    _require_article(article_id)
    data = body()
    add, remove = _strings(data.get("add"), "add"), _strings(data.get("remove"), "remove")
    if not add and not remove:
        abort(400, 'Give tags to "add" and/or "remove".')
    changes = []
    with refused_as_bad_request():
        if add:
            changes.append(store().change_tags([article_id], add, who()))
        if remove:
            changes.append(store().change_tags([article_id], remove, who(), remove=True))
    applied = apply_now()
    made = [c for c in changes if c]
    return jsonify({"changes": [c.as_dict() for c in made], "applied": applied,
                    "tags": store().tags_of(article_id)})


@bp.post("/bulk-tag")
@requires("archivist")
def bulk_tag():
    """Tag every hit of a search. Without `expected` nothing changes: the answer says how many
    articles match (`count`); send it back as `expected` to apply."""
    data = body()
    query = data.get("q") or ""
    if not isinstance(query, str):
        abort(400, "q must be a string (a query)")
    args = MultiDict([("q", query)])
    filters = data.get("filters") or {}
    if not isinstance(filters, dict):
        abort(400, "filters must be an object: facet -> list of values")
    for name, values in filters.items():
        for value in _strings(values, f"filters.{name}"):
            args.add(name, value)
    try:
        state = State.from_args(args)
        ids = matching_ids(state)
    except QueryError as exc:
        abort(400, str(exc))
    tags_ = _strings(data.get("tags"), "tags")
    if not tags_:
        abort(400, 'Give the "tags" to add (or remove, with "remove": true).')
    if data.get("expected") is None:
        return jsonify({"change": None, "applied": False, "count": len(ids)})
    if data.get("expected") != len(ids):
        return jsonify({"error": {"status": 409, "title": "Conflict",
                                  "message": f"the search matches {len(ids)} articles, not {data.get('expected')}"},
                        "count": len(ids)}), 409
    context = search_context(state.q, state.filters)
    with refused_as_bad_request():
        change = store().change_tags(ids, tags_, who(), remove=bool(data.get("remove")), context=context)
    return answer(change, apply_now(), count=len(ids))


@bp.post("/correct/<path:article_id>")
@requires("archivist")
def correct(article_id: str):
    _require_article(article_id)
    data = body()
    values: dict[str, str | None] = {}
    for name in CORRECTABLE:
        if name in data:
            if not isinstance(data[name], str):
                abort(400, f"{name} must be a string ('' for none)")
            values[name] = data[name]
    for name in _strings(data.get("clear"), "clear"):
        values[name] = None
    if not values:
        abort(400, f"Give fields to correct ({', '.join(CORRECTABLE)}) or to \"clear\".")
    with refused_as_bad_request():
        change = store().correct(article_id, values, who())
    return answer(change, apply_now())


@bp.post("/entity/<kind>/<path:name>")
@requires("archivist")
def entity(kind: str, name: str):
    data = body()
    spellings = _strings(data.get("spellings"), "spellings")
    rule = EntityRule(str(data.get("action", "")), kind, name, data.get("target"), data.get("article"),
                      tuple(spellings))
    try:
        change = store().add_rule(rule, who())
    except (CurationError, TypeError, AttributeError) as exc:
        abort(400, str(exc))
    return answer(change, apply_now())


@bp.post("/undo/<change_id>")
@requires("archivist")
def undo(change_id: str):
    if not change_id.isdigit() or store().change(int(change_id)) is None:
        abort(404, f"There is no change #{change_id}.")
    try:
        change = store().undo(int(change_id), who())
    except UndoError as exc:
        return jsonify({"error": {"status": 409, "title": "Conflict", "message": str(exc)}}), 409
    return answer(change, apply_now())
