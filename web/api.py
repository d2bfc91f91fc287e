"""The JSON API: the same data as the pages and the CLI, described at /api/openapi.json.

    GET /api/search?q=Syria&speaker=Sergei+Lavrov&sort=-date&page=1&per_page=10&facet=speaker
    GET /api/articles/<id>
    GET /api/facets/<name>?q=Syria&contains=ker&size=50
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from newsfind.search.browse import MAX_FACET_VALUES, facet_values
from newsfind.search.facets import FACETS_BY_NAME
from newsfind.search.searcher import get_article, public_data, search
from newsfind.web.index import get_searcher
from newsfind.web.openapi import openapi_document
from newsfind.web.params import State, api_facets, int_arg

bp = Blueprint("api", __name__, url_prefix="/api")

API_PER_PAGE = 10  # as `newsfind query`


@bp.get("/search")
def api_search():
    """Exactly what `newsfind query --json` prints for the same query, filters, page and sort."""
    state = State.from_args(request.args, API_PER_PAGE)
    search_request = state.request(facets=api_facets(request.args),
                                   facet_size=int_arg(request.args, "facet_size", 10, high=MAX_FACET_VALUES))
    return jsonify(public_data(search(get_searcher(), search_request)))


@bp.get("/articles/<path:article_id>")
def api_article(article_id: str):
    """Everything the index holds about one article, as `newsfind show --json` prints it."""
    article = get_article(get_searcher(), article_id)
    if article is None:
        abort(404, f"There is no article with id {article_id!r} in this index.")
    return jsonify(article)


@bp.get("/facets/<name>")
def api_facet(name: str):
    """Values of one facet with counts over the result set of the search parameters; `contains`
    keeps values containing that text (case-insensitive), `size` caps the list."""
    if name not in FACETS_BY_NAME:
        abort(404, f"There is no facet {name!r}; facets are {', '.join(FACETS_BY_NAME)}.")
    state = State.from_args(request.args, API_PER_PAGE)
    result = facet_values(get_searcher(), state.request(), name, request.args.get("contains", "")[:200],
                          int_arg(request.args, "size", 50, high=MAX_FACET_VALUES))
    return jsonify({
        "facet": result.name,
        "label": result.label,
        "values": [{"value": v.value, "count": v.count, "selected": v.selected} for v in result.values],
        "truncated": result.truncated,
    })


@bp.get("/openapi.json")
def api_openapi():
    return jsonify(openapi_document())
