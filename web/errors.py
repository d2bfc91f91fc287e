"""One error handler: JSON under /api/, a page elsewhere. Query errors are 400 with their message;
unknown articles or entities 404; nothing a client sends should ever become a 500."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
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


def init_app(app: Flask) -> None:
    app.register_error_handler(QueryError, handle_query_error)
    app.register_error_handler(HTTPException, handle_http_error)
