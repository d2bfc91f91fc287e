"""Curation in the web UI: tags, metadata and entity corrections, history and undo, accounts.

Pages post forms and redirect (303) back, with a message; the same changes are in the JSON API
(`newsfind.web.curate_api`). Every change is made by `newsfind.index.curation.store` (one transaction with its audit
row) and then applied to the index; if the index is busy (an indexing run), the change stays
pending and the next write or index run applies it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from newsfind.index.curation.accounts import ROLES, hash_password
from newsfind.index.curation.apply import apply_changes
from newsfind.index.curation.changes import Change, CurationError
from newsfind.index.curation.document import CORRECTABLE
from newsfind.index.curation.rules import KINDS, EntityRule
from newsfind.index.curation.store import UndoError
from newsfind.index.curation.tags import search_context
from newsfind.index.store import IndexBusyError
from newsfind.search.query import QueryError
from newsfind.search.searcher import get_article
from newsfind.web.auth import current_user, requires, store
from newsfind.web.index import get_searcher, pool
from newsfind.web.params import State

bp = Blueprint("curate", __name__)

WEB_WRITER_TIMEOUT = 10.0  # seconds a request waits for another process's index writer
HISTORY_PAGE = 200
BULK_PREVIEW = 10


# -- shared helpers ------------------------------------------------------------------------------


def apply_now() -> bool:
    """Apply pending changes to the index; False (the change stays pending) if the index is busy."""
    try:
        apply_changes(pool().ix, store(), timeout=WEB_WRITER_TIMEOUT)
        return True
    except IndexBusyError:
        return False


def announce(change: Change | None, applied: bool, nothing: str = "Nothing to change.") -> None:
    if change is None:
        flash(nothing)
        return
    flash(f"Change #{change.id}: {change.summary()}" + ("" if applied else
          " (saved; the index is busy and shows it once the indexing run has finished)"))


def who() -> str:
    return current_user().name


def matching_ids(state: State) -> list[str]:
    """Ids of every hit of a search state (raises QueryError)."""
    from newsfind.search.browse import matching_ids as ids_matching
    from newsfind.search.searcher import build_query

    searcher = get_searcher()
    request_ = state.request(facets=[])
    request_.validate()
    return ids_matching(searcher, *build_query(searcher, request_))


@contextmanager
def refused_as_bad_request() -> Iterator[None]:
    """A change the curation store refuses (bad tag, unknown field, ...) answers 400 with its reason."""
    try:
        yield
    except CurationError as exc:
        abort(400, str(exc))


def split_tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]


def _back_to_article(article_id: str):
    return redirect(url_for("ui.article", article_id=article_id) + "#curation", code=303)


def _require_article(article_id: str) -> dict:
    art = get_article(get_searcher(), article_id)
    if art is None:
        abort(404, f"There is no article with id {article_id!r} in this index.")
    return art


def article_curation(article_id: str) -> dict:
    """What the article page shows about curation: history, corrections (template global)."""
    if not store().exists():
        return {"history": [], "corrections": {}}
    return {"history": store().history(article_id), "corrections": store().corrections_of(article_id)}


def init_app(app) -> None:
    app.jinja_env.globals.update(article_curation=article_curation, CORRECTABLE=CORRECTABLE, ENTITY_KINDS=KINDS,
                                 ROLES=ROLES, bulk_tag_url=bulk_tag_url)
    app.register_blueprint(bp)


def bulk_tag_url(state: State) -> str:
    pairs = [(k, v) for k, v in state.pairs() if k not in ("page", "per_page", "expand", "within", "sort")]
    return url_for("curate.bulk_tag") + ("?" + urlencode(pairs) if pairs else "")


# -- tags on one article -------------------------------------------------------------------------


@bp.post("/curate/tag/<path:article_id>")
@requires("archivist")
def tag_article(article_id: str):
    _require_article(article_id)
    tags = split_tags(request.form.get("tags", ""))
    if not tags:
        flash("Type a tag first (several: separate them with commas).")
        return _back_to_article(article_id)
    with refused_as_bad_request():
        change = store().change_tags([article_id], tags, who())
    announce(change, apply_now(), "The article has these tags already.")
    return _back_to_article(article_id)


@bp.post("/curate/untag/<path:article_id>")
@requires("archivist")
def untag_article(article_id: str):
    _require_article(article_id)
    with refused_as_bad_request():
        change = store().change_tags([article_id], [request.form.get("tag", "")], who(), remove=True)
    announce(change, apply_now(), "The article does not have this tag.")
    return _back_to_article(article_id)


# -- bulk tags -----------------------------------------------------------------------------------


def _bulk_state():
    try:
        state = State.from_args(request.values, current_app.config["NEWSFIND_PER_PAGE"])
        return state, matching_ids(state)
    except QueryError as exc:
        abort(400, str(exc))


@bp.route("/curate/bulk-tag", methods=["GET", "POST"])
@requires("archivist")
def bulk_tag():
    """GET: how many articles the search matches, a preview, and the form to confirm; POST: apply,
    if the search still matches as many articles as the archivist was shown."""
    state, ids = _bulk_state()
    tags = split_tags(request.values.get("tags", ""))
    remove = request.values.get("mode") == "remove"
    warning = None
    if request.method == "POST":
        if not tags:
            warning = "Type a tag first."
        elif request.form.get("expected") != str(len(ids)):
            warning = (f"The search now matches {len(ids)} articles, not {request.form.get('expected')}: "
                       "check the count and confirm again.")
        else:
            with refused_as_bad_request():
                change = store().change_tags(ids, tags, who(), remove=remove, context=_describe(state))
            announce(change, apply_now(), "Nothing to change: " + (
                "none of these articles has these tags." if remove else "they all have these tags already."))
            return redirect(state.url(url_for("ui.search_page")), code=303)
    preview = [get_article(get_searcher(), article_id) for article_id in ids[:BULK_PREVIEW]]
    return render_template("bulk_tag.html", state=state, ids=ids, tags=tags, remove=remove, warning=warning,
                           preview=[p for p in preview if p], description=_describe(state),
                           hidden=[(k, v) for k, v in state.pairs() if k not in ("page", "expand", "within")],
                           back=state.url(url_for("ui.search_page"))), 409 if warning and tags else 200


def _describe(state: State) -> str:
    return search_context(state.q, state.filters)


# -- metadata and entity corrections ---------------------------------------------------------------


@bp.post("/curate/correct/<path:article_id>")
@requires("archivist")
def correct_article(article_id: str):
    _require_article(article_id)
    values: dict[str, str | None] = {}
    for name in CORRECTABLE:
        value = request.form.get(name, "").strip()
        if value:
            values[name] = value
    for name in request.form.getlist("clear"):
        if name in CORRECTABLE:
            values[name] = None
    if not values:
        flash("Nothing to correct: type a value, or tick a correction to remove.")
        return _back_to_article(article_id)
    with refused_as_bad_request():
        change = store().correct(article_id, values, who())
    announce(change, apply_now(), "The article has these corrections already.")
    return _back_to_article(article_id)


@bp.post("/curate/article-entity/<path:article_id>")
@requires("archivist")
def correct_article_entity(article_id: str):
    """Not an entity / not a speaker, in this article only."""
    _require_article(article_id)
    action = request.form.get("action", "")
    kind, _, value = request.form.get("entity", "").partition(":")
    if action not in ("not-entity", "not-speaker"):
        abort(400, "action must be not-entity or not-speaker")
    with refused_as_bad_request():
        change = store().add_rule(EntityRule(action, kind, value, None, article_id), who())
    announce(change, apply_now())
    return _back_to_article(article_id)


def rule_from_form(kind: str, name: str, form) -> EntityRule:
    action = form.get("action", "")
    target = (form.get("target") or "").strip() or None
    article_id = (form.get("article") or "").strip() or None
    spellings = tuple(s.strip() for s in (form.get("spellings") or "").split(",") if s.strip())
    if action in ("not-entity", "not-speaker"):
        target = None
    return EntityRule(action, kind, name, target, article_id, spellings)


@bp.post("/curate/entity/<kind>/<path:name>")
@requires("archivist")
def correct_entity(kind: str, name: str):
    with refused_as_bad_request():
        change = store().add_rule(rule_from_form(kind, name, request.form), who())
    announce(change, apply_now())
    rule = EntityRule.from_dict(change.after["rule"])
    if rule.action in ("rename", "merge"):
        return redirect(url_for("ui.entity", kind=kind, name=rule.target), code=303)
    if rule.action == "retype":
        return redirect(url_for("ui.entity", kind=rule.target, name=name), code=303)
    if rule.action == "split":
        return redirect(url_for("ui.entity", kind=kind, name=rule.target), code=303)
    return redirect(url_for("ui.search_page", q=name), code=303)


# -- history and undo ----------------------------------------------------------------------------


def visible_changes(changes: list[Change]) -> list[Change]:
    """The changes this visitor may read. A watch is its owner's (its query can say what a journalist is
    after, its notify URL can hold a webhook's secret): its changes show to its owner and to admins only."""
    user = current_user()
    if user is not None and user.can("admin"):
        return changes

    def shown(change: Change) -> bool:
        if not change.action.startswith("watch."):
            return True
        watch = change.after or change.before or {}
        return user is not None and watch.get("owner") == user.name

    return [c for c in changes if shown(c)]


@bp.get("/history")
def history():
    changes = store().history(limit=HISTORY_PAGE) if store().exists() else []
    return render_template("history.html", changes=list(reversed(visible_changes(changes))))


@bp.post("/curate/undo/<int:change_id>")
@requires("archivist")
def undo(change_id: int):
    try:
        change = store().undo(change_id, who())
    except UndoError as exc:
        flash(f"Cannot undo #{change_id}: {exc}")
        return redirect(_local_back(), code=303)
    announce(change, apply_now())
    return redirect(_local_back(), code=303)


def _local_back() -> str:
    from newsfind.web.auth import _local

    return _local(request.form.get("next")) if request.form.get("next") else url_for("curate.history")


# -- accounts (admins) -----------------------------------------------------------------------------


@bp.get("/admin/users")
@requires("admin")
def users():
    return render_template("users.html", users=store().users())


@bp.post("/admin/users")
@requires("admin")
def add_user():
    name, role, password = (request.form.get(k, "") for k in ("name", "role", "password"))
    with refused_as_bad_request():
        store().check_user_name(name)
        store().check_role(role)
        store().add_user(name, role, hash_password(password), who())
    flash(f"User {name} ({role}) added.")
    return redirect(url_for("curate.users"), code=303)


@bp.post("/admin/users/<name>/role")
@requires("admin")
def set_role(name: str):
    with refused_as_bad_request():
        store().set_role(name, request.form.get("role", ""), who())
    flash(f"{name} is now {request.form.get('role')}.")
    return redirect(url_for("curate.users"), code=303)


@bp.post("/admin/users/<name>/remove")
@requires("admin")
def remove_user(name: str):
    if name.casefold() == who().casefold():
        abort(400, "You cannot remove your own account.")
    with refused_as_bad_request():
        store().remove_user(name, who())
    flash(f"User {name} removed.")
    return redirect(url_for("curate.users"), code=303)
