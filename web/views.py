"""HTML pages: search with facets and a date histogram, article, entity; CSV / JSON Lines export.

Views compute data with the search layer and hand it to templates; every link a page shows is
built from a `State` (see `newsfind.web.params`), so each state of the UI is a URL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from newsfind.index.schema import ENTITY_KINDS
from newsfind.search.browse import facet_values, iter_hits, similar_articles
from newsfind.search.entities import entity_data
from newsfind.search.facets import date_range, same_value
from newsfind.search.query import QueryError
from newsfind.search.searcher import SORTS, get_article, quotes_by_speaker, search
from newsfind.web.histogram import build as build_histogram
from newsfind.web.index import get_searcher, pool
from newsfind.web.markup import mark_text
from newsfind.web.params import MAX_QUERY_CHARS, SORT_LABELS, State
from newsfind.web.templating import entity_url

bp = Blueprint("ui", __name__)

SIDEBAR_FACETS = ["speaker", "person", "org", "place", "outlet", "author", "tag"]
EXPANDED_SIZE = 500  # values of a facet after "show more"
PAGE_WINDOW = 2  # page links either side of the current page


def search_url(state: State) -> str:
    return state.url(url_for("ui.search_page"))


# -- search page -----------------------------------------------------------------------------


@bp.get("/")
def search_page():
    per_page = current_app.config["NEWSFIND_PER_PAGE"]
    state = State(q=request.args.get("q", "")[:MAX_QUERY_CHARS], default_per_page=per_page, per_page=per_page)
    try:
        if "date_from" in request.args or "date_to" in request.args:
            return redirect(range_redirect(), code=303)
        state = State.from_args(request.args, per_page)
        searcher = get_searcher()
        data = search(searcher, state.request(facets=[*SIDEBAR_FACETS, "date"],
                                              facet_size=current_app.config["NEWSFIND_FACET_SIZE"]))
        expanded = None
        if state.expand:
            expanded = facet_values(searcher, state.request(), state.expand, state.within, EXPANDED_SIZE)
    except QueryError as exc:
        return render_template("search.html", state=state, error=str(exc), data=None, chips=chip_links(state),
                               hidden=_form_state(state)), 400
    return render_template(
        "search.html", state=state, error=None, data=data,
        facets=facet_panels(state, data, expanded),
        chips=chip_links(state),
        hist=(hist := build_histogram(data["facets"]["date"], state.filters.get("date", []),
                                      lambda key: search_url(state.with_date(key)))),
        date_box=date_box(state, hist),
        sort_links=[(label, search_url(state.sorted_by(sort)), sort == state.sort)
                    for sort, label in _sort_labels()],
        pages=pagination(state, data["total"]),
        exports={fmt: f"{url_for('ui.export', fmt=fmt)}?{urlencode(_export_pairs(state))}" for fmt in ("csv", "jsonl")},
        hidden=_form_state(state),
    )


def date_box(state: State, hist) -> tuple[str, str]:
    """What the From/To boxes show: the active date filter as typed ("2015-09-01..2015-09-30"), else
    the extent of the dated hits."""
    dates = state.filters.get("date", [])
    if len(dates) == 1:
        start, sep, end = dates[0].partition("..")
        return (start, end) if sep else (start, start)
    return (hist.first.key, hist.last.key) if hist else ("", "")


def _form_state(state: State) -> list[tuple[str, str]]:
    """What the search box keeps when the query changes: filters, sort, page size."""
    return [(k, v) for k, v in state.pairs() if k not in ("q", "page", "expand", "within")]


def _sort_labels() -> list[tuple[str, str]]:
    return [(sort, label) for sort, label in SORT_LABELS.items() if sort in SORTS]


def range_redirect() -> str:
    """`date_from`/`date_to` (the histogram's range form) become one `date=FROM..TO` filter."""
    start, end = request.args.get("date_from", "").strip(), request.args.get("date_to", "").strip()
    args = request.args.copy()
    for key in ("date_from", "date_to", "page", "date"):
        args.poplist(key)
    if start or end:
        value = f"{start}..{end}" if start != end else start
        date_range(value)  # a QueryError now, with what the user typed
        args.add("date", value)
    return url_for("ui.search_page") + ("?" + urlencode(list(args.items(multi=True))) if args else "")


def chip_links(state: State) -> list[dict]:
    return [{"facet": name, "value": value, "href": search_url(without)} for name, value, without in state.chips()]


def facet_panels(state: State, data: dict, expanded) -> list[dict]:
    panels = []
    for name in SIDEBAR_FACETS:
        selected = state.filters.get(name, [])
        if expanded is not None and expanded.name == name:
            values = [{"value": v.value, "count": v.count} for v in expanded.values]
            truncated, is_expanded = expanded.truncated, True
        else:
            values, truncated, is_expanded = data["facets"].get(name, []), data["facets_truncated"].get(name), False
        if not values and not is_expanded:
            continue
        panels.append({
            "name": name,
            "entries": [{
                "value": v["value"], "count": v["count"],
                "selected": any(same_value(name, v["value"], s) for s in selected),
                "href": search_url(state.toggled(name, v["value"])), "entity": entity_url(name, v["value"]),
            } for v in values],
            "truncated": truncated,
            "expanded": is_expanded,
            "within": state.within if is_expanded else "",
            "more": search_url(state.expanded(name)),
            "less": search_url(state.collapsed()),
            "hidden": [(k, v) for k, v in state.expanded(name).pairs() if k not in ("within", "page")],
        })
    return panels


def pagination(state: State, total: int) -> dict:
    last = max(1, -(-total // state.per_page))
    window = range(max(1, state.page - PAGE_WINDOW), min(last, state.page + PAGE_WINDOW) + 1)
    numbers = sorted({1, last, *window})
    links: list[dict | None] = []
    for i, n in enumerate(numbers):
        if i and n - numbers[i - 1] > 1:
            links.append(None)  # a gap
        links.append({"page": n, "href": search_url(state.at_page(n)), "current": n == state.page})
    return {
        "page": state.page, "last": last, "links": links,
        "prev": search_url(state.at_page(state.page - 1)) if 1 < state.page <= last + 1 else None,
        "next": search_url(state.at_page(state.page + 1)) if state.page < last else None,
        "first_hit": (state.page - 1) * state.per_page + 1,
        "hidden": [(k, v) for k, v in state.pairs() if k != "page"],
    }


# -- article and entity pages ----------------------------------------------------------------


def entity_link(kind: str, value: str) -> str:
    return url_for("ui.entity", kind=kind, name=value)


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    searcher = get_searcher()
    art = get_article(searcher, article_id)
    if art is None:
        abort(404, f"There is no article with id {article_id!r} in this index.")
    quotes = [{**q, "index": i} for i, q in enumerate(art["quotes"])]
    mentions = art["mentions"]
    body = mark_text(art["body"], [m for m in mentions if m.get("field", "body") == "body"], quotes, entity_link)
    title = mark_text(art["title"], [m for m in mentions if m.get("field") == "title"], (), entity_link)
    return render_template("article.html", art=art, body=body, title=title, by_speaker=quotes_by_speaker(quotes),
                           similar=similar_articles(searcher, art["id"], top=5))


@bp.get("/entities/<kind>/<path:name>")
def entity(kind: str, name: str):
    if kind not in ENTITY_KINDS:
        abort(404, f"Entity pages are for {', '.join(ENTITY_KINDS)}, not {kind!r}.")
    data = entity_data(get_searcher(), kind, name)
    if data is None:
        abort(404, f"No article names the {kind} {name!r}.")
    articles = State(filters={kind: [name]})
    return render_template(
        "entity.html", ent=data, search_href=search_url(articles),
        hist=build_histogram(data["timeline"], [], lambda key: search_url(articles.with_date(key))),
        speaker_href=search_url(State(filters={"speaker" if kind == "person" else "speaker_org": [name]}))
        if kind in ("person", "org") else None,
    )


# -- export ----------------------------------------------------------------------------------

CSV_COLUMNS = ["id", "title", "outlet", "date", "date_precision", "authors", "url", "score", "speakers",
               "speaker_orgs", "persons", "orgs", "places", "tags"]


def _export_pairs(state: State) -> list[tuple[str, str]]:
    return [(k, v) for k, v in state.pairs() if k not in ("page", "per_page", "expand", "within")]


def _cell(value) -> str:
    if value is None:
        return ""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    # A cell starting like a formula would run in a spreadsheet: make it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(col)) for col in CSV_COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, default=str) + "\n"


@bp.get("/export.<fmt>")
def export(fmt: str):
    """Every hit of the current search (all pages), streamed: CSV of hit data, or JSON Lines of
    whole articles as `newsfind export` writes them."""
    if fmt not in ("csv", "jsonl"):
        abort(404, "Export formats are .csv and .jsonl.")
    state = State.from_args(request.args)
    searcher_pool = pool()
    searcher = searcher_pool.acquire()
    try:
        rows = iter_hits(searcher, state.request(facets=[]), full=fmt == "jsonl")  # QueryError before streaming
    except BaseException:
        searcher_pool.release(searcher)
        raise
    body, mimetype = (csv_lines(rows), "text/csv") if fmt == "csv" else (jsonl_lines(rows), "application/x-ndjson")
    response = Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="newsfind-export.{fmt}"'})
    response.call_on_close(lambda: searcher_pool.release(searcher))
    return response
