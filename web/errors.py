"""One error handler: JSON under /api/, a page elsewhere. Query errors are 400 with their message;
unknown articles or entities 404; a damaged file of the index directory 503, saying which and how to
repair it, and so is a curation database this newsfind cannot use as it is; nothing a client sends
should ever become a 500."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from newsfind.index.curation.db import CurationDatabaseError
from newsfind.index.damage import DAMAGE, damage_message
from newsfind.search.query import QueryError
from werkzeug.exceptions import HTTPException, InternalServerError


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith((".jsonl", ".json"))


def error_response(status: int, title: str, message: str):
    if wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": message}}), status
    return render_template("error.html", status=status, title=title, message=message), status


def handle_query_error(exc: QueryError):
    return error_response(400, "Bad request", str(exc))


def handle_http_error(exc: HTTPException):
    if isinstance(exc, InternalServerError):
        return error_response(500, "Server error", "Something went wrong on our side; the error was logged.")
    return error_response(exc.code or 500, exc.name, exc.description or exc.name)


def handle_damage(exc: Exception):
    """A damaged file of the index directory (index/damage.py): 503 with what to do; anything else
    of these classes is a bug and stays a 500."""
    message = damage_message(exc, current_app.config.get("NEWSFIND_INDEX_DIR"))
    if message is None:
        raise exc
    current_app.logger.error("damaged index: %s", message)
    return error_response(503, "Index damaged", message)


def handle_curation_database(exc: CurationDatabaseError):
    """A curation database this newsfind cannot use as it is (newer, or too old to read in a read-only
    directory): 503 with what to do."""
    current_app.logger.error("curation database: %s", exc)
    return error_response(503, "Curation database unavailable", str(exc))


def init_app(app: Flask, index_dir=None) -> None:
    app.config["NEWSFIND_INDEX_DIR"] = index_dir
    for damage in DAMAGE:
        app.register_error_handler(damage, handle_damage)
    app.register_error_handler(QueryError, handle_query_error)
    app.register_error_handler(CurationDatabaseError, handle_curation_database)
    app.register_error_handler(HTTPException, handle_http_error)
