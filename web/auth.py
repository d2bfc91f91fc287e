"""Accounts in the web UI and API: sessions, roles, CSRF, API tokens, login rate limit.

* Who: a signed session cookie after `/login` (HttpOnly, SameSite=Lax, expiring
  `NEWSFIND_SESSION_HOURS` after login, ended when the user's role or password changes), or
  `Authorization: Bearer TOKEN` (tokens from `newsfind user token`, stored hashed) for scripts.
* What: anonymous visitors read (unless `NEWSFIND_PRIVATE=1`: then readers must log in too);
  archivists change curation; admins also manage accounts. `requires(role)` guards every view
  that changes anything: 401 (API) or a redirect to the login page (pages) for anonymous
  visitors, 403 for a role too low.
* CSRF: every POST, PUT, PATCH and DELETE made with a session carries the token (Flask-WTF:
  the `csrf_token` form field or the `X-CSRFToken` header), or is refused with 400. Requests with a
  bearer token carry no cookies a browser would add by itself, so they need none. An anonymous
  change through the API (`/api/...` POST) is 401 before any CSRF check: no token would allow it.
* Login attempts: after `LOGIN_MAX_FAILURES` failures for one name from one address within
  `LOGIN_WINDOW` seconds, further attempts get 429 until the window has passed (kept in SQLite,
  so the limit holds across threads and restarts).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from datetime import timedelta
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from newsfind.index.curation.accounts import User
from newsfind.index.curation.rules import indefinite
from newsfind.index.curation.store import CurationStore
from newsfind.web.errors import wants_json
from werkzeug.security import check_password_hash, generate_password_hash

EXTENSION = "newsfind.curation"
SECRET_FILE = "secret_key"
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = 15 * 60
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Reached without logging in on a private archive: a watch's feed checks its own feed token (web/watches.py).
OPEN_ENDPOINTS = frozenset({"auth.login", "static", "watches.feed"})
# Checked when the name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16), method="scrypt")

csrf = CSRFProtect()
bp = Blueprint("auth", __name__)


def store() -> CurationStore:
    return current_app.extensions[EXTENSION]


def current_user() -> User | None:
    return g.get("user")


def secret_key(index_dir: Path) -> str:
    """$NEWSFIND_SECRET_KEY, else a key generated once into the index directory (mode 0600)."""
    if os.environ.get("NEWSFIND_SECRET_KEY"):
        return os.environ["NEWSFIND_SECRET_KEY"]
    path = index_dir / SECRET_FILE
    try:
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return path.read_text().strip()
    except FileExistsError:
        return path.read_text().strip()
    except OSError:  # a read-only index directory: sessions last as long as this process
        return secrets.token_hex(32)


def init_app(app: Flask, index_dir: Path) -> None:
    app.extensions[EXTENSION] = CurationStore(index_dir)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(index_dir)
    hours = float(app.config.get("NEWSFIND_SESSION_HOURS") or os.environ.get("NEWSFIND_SESSION_HOURS") or 8)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=hours))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="newsfind_session",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in `load_user`, where bearer-token requests are told apart
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as its session
    )
    if os.environ.get("NEWSFIND_SECURE_COOKIES") == "1":
        app.config["SESSION_COOKIE_SECURE"] = True
    if "NEWSFIND_PRIVATE" not in app.config:
        app.config["NEWSFIND_PRIVATE"] = os.environ.get("NEWSFIND_PRIVATE") == "1"
    csrf.init_app(app)
    app.before_request(load_user)
    app.context_processor(lambda: {"current_user": current_user()})
    app.register_blueprint(bp)


def _session_user() -> User | None:
    user_id = session.get("uid")
    if user_id is None:
        return None
    user = store().user_by_id(user_id) if store().exists() else None
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if (user is None or session.get("sv") != user.session_version
            or time.time() - session.get("login_at", 0) > lifetime):
        session.clear()
        return None
    return user


def load_user():
    """Before every request: who is asking (session or bearer token), CSRF, private mode."""
    g.user = None
    g.via_token = False
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = store().user_for_token(header[7:].strip())
        if user is None:
            abort(401, "The API token is not valid (create one with `newsfind user token NAME`).")
        g.user, g.via_token = user, True
    else:
        g.user = _session_user()
        if request.method in UNSAFE_METHODS:
            if g.user is None and request.path.startswith("/api/"):
                return _login_required()  # 401 first: no CSRF token could make an anonymous change allowed
            csrf.protect()
    if current_app.config["NEWSFIND_PRIVATE"] and g.user is None and request.endpoint not in OPEN_ENDPOINTS:
        return _login_required()
    return None


def _login_required():
    if wants_json() or g.get("via_token"):
        abort(401, "Log in first: send `Authorization: Bearer TOKEN` (see `newsfind user token`).")
    target = request.full_path if request.method == "GET" else request.referrer or "/"
    return redirect(url_for("auth.login", next=_local(target)), code=303)


def requires(role: str):
    """Only users with `role` (or a higher one) may use the view."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                return _login_required()
            if not user.can(role):
                abort(403, f"This needs the {role} role; {user.name} is {indefinite(user.role)}.")
            return view(*args, **kwargs)

        guarded.required_role = role
        return guarded

    return decorate


def _local(target: str | None) -> str:
    """Only paths on this site: never an absolute or protocol-relative URL (open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target.rstrip("?") or "/"


def client_ip() -> str:
    return request.remote_addr or "unknown"


def _record(write, *args) -> None:
    """Record a login attempt; a curation database that cannot be written (a read-only index
    directory) records nothing, logged, rather than failing the login with a 500."""
    try:
        write(*args)
    except sqlite3.OperationalError as exc:
        current_app.logger.warning("login attempt not recorded: %s", exc)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = _local(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, error=None, name="")
    name = request.form.get("name", "").strip()[:64]
    password = request.form.get("password", "")
    ip = client_ip()
    if store().recent_failures(name, ip, LOGIN_WINDOW) >= LOGIN_MAX_FAILURES:
        minutes = LOGIN_WINDOW // 60
        return render_template("login.html", next_url=next_url, name=name,
                               error=f"Too many failed attempts: try again in {minutes} minutes."), 429
    user = store().user(name) if name and store().exists() else None
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        _record(store().login_failed, name, ip, LOGIN_WINDOW)
        return render_template("login.html", next_url=next_url, name=name,
                               error="Wrong name or password."), 401
    _record(store().login_succeeded, name, ip)
    session.clear()
    session.permanent = True
    session.update(uid=user.id, sv=user.session_version, login_at=time.time())
    flash(f"Logged in as {user.name} ({user.role}).")
    return redirect(next_url, code=303)


@bp.post("/logout")
@requires("reader")
def logout():
    session.clear()
    flash("Logged out.")
    return redirect(url_for("ui.search_page"), code=303)
