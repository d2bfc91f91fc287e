"""The OpenAPI 3.1 description of /api/, served at /api/openapi.json. Filter parameters are
generated from the facet list, so a new facet is documented as soon as it exists."""

from __future__ import annotations

from functools import cache

from newsfind.search.browse import MAX_FACET_VALUES
from newsfind.search.facets import DEFAULT_FACETS, FACETS_BY_NAME
from newsfind.search.query import HELP as QUERY_HELP
from newsfind.search.searcher import MAX_PER_PAGE, SORTS


def _param(name: str, schema: dict, description: str, where: str = "query", **extra) -> dict:
    return {"name": name, "in": where, "schema": schema, "description": description, **extra}


def _string_list(description: str) -> dict:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def _filter_params() -> list[dict]:
    params = []
    for name, facet in FACETS_BY_NAME.items():
        description = f"Keep articles with this {facet.label.lower()} value (repeat: values of one facet OR)."
        if name == "date":
            description = ("Keep articles dated in YYYY, YYYY-MM, YYYY-MM-DD or a range FROM..TO (either side may "
                           "be empty), e.g. 2015-09-01..2015-09-30.")
        params.append(_param(name, {"type": "array", "items": {"type": "string"}}, description,
                             style="form", explode=True))
    return params


SEARCH_PARAMS = [
    _param("q", {"type": "string", "default": ""}, "The query, in the query language of `newsfind query`:\n\n"
           + QUERY_HELP),
    _param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page of hits (no upper limit)."),
    _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10}, "Hits per page."),
    _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"},
           "relevance, date (oldest first) or -date (newest first); undated articles come last."),
]

ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _change_op(summary: str, operation_id: str, params: list[dict], body: dict | None) -> dict:
    op = {"summary": summary, "operationId": operation_id, "parameters": params,
          "security": [{"token": []}, {"session": []}],
          "responses": {"200": _ok("#/components/schemas/ChangeResult", "The change made (null: nothing to change)"),
                        "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "409": ERROR}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return {"post": op}


def _obj(**properties) -> dict:
    return {"type": "object", "properties": properties}


def curation_paths() -> dict:
    """Curation (web/curate_api.py): reading needs nothing; changes need the archivist role."""
    strings = {"type": "array", "items": {"type": "string"}}
    article = _param("id", {"type": "string"}, "Article id", where="path", required=True)
    return {
        "/api/me": {"get": {"summary": "Who you are (null when anonymous)", "operationId": "me",
                            "responses": {"200": {"description": "{user: {name, role, created_at} | null}"}}}},
        "/api/tags": {"get": {"summary": "Tags in use with their article counts", "operationId": "tags",
                              "responses": {"200": {"description": "{tags: [{tag, count}]}"}}}},
        "/api/history": {"get": {
            "summary": "The audit log, oldest first", "operationId": "history",
            "parameters": [_param("article", {"type": "string"}, "Only changes of this article."),
                           _param("limit", {"type": "integer", "default": 200}, "The last N changes.")],
            "responses": {"200": {"description": "{changes: [Change]}"}}}},
        "/api/tag/{id}": _change_op("Add and/or remove tags of an article", "tagArticle", [article],
                                    _obj(add=strings, remove=strings)),
        "/api/bulk-tag": _change_op(
            "Tag every hit of a search: first without `expected` (answers the `count`), then with it", "bulkTag", [],
            _obj(q={"type": "string"}, filters={"type": "object", "additionalProperties": strings}, tags=strings,
                 remove={"type": "boolean"}, expected={"type": "integer"})),
        "/api/correct/{id}": _change_op(
            "Correct (or with `clear`, stop correcting) an article's outlet, date, author, title", "correctArticle",
            [article], _obj(outlet={"type": "string"}, date={"type": "string"}, author={"type": "string"},
                            title={"type": "string"}, clear=strings)),
        "/api/entity/{kind}/{name}": _change_op(
            "Correct an entity: rename, merge, split, not-entity, not-speaker, retype", "correctEntity",
            [_param("kind", {"type": "string", "enum": ["person", "org", "place"]}, "Kind", where="path",
                    required=True),
             _param("name", {"type": "string"}, "Canonical value", where="path", required=True)],
            _obj(action={"type": "string", "enum": ["rename", "merge", "split", "not-entity", "not-speaker", "retype"]},
                 target={"type": "string"}, article={"type": "string"}, spellings=strings)),
        "/api/undo/{change_id}": _change_op("Undo a change (the undo is logged too)", "undo",
                                            [_param("change_id", {"type": "integer"}, "Change", where="path",
                                                    required=True)], None),
    }


def watch_paths() -> dict:
    """Watches (web/watches_api.py): the requesting user's own, bearer token or session."""
    auth = {"security": [{"token": []}, {"session": []}]}
    watch = {"type": "object", "required": ["owner", "name", "query", "filters", "sort", "created_at", "new"],
             "properties": {"owner": {"type": "string"}, "name": {"type": "string"},
                            "query": {"type": "string"},
                            "filters": {"type": "object", "additionalProperties": {"type": "array",
                                                                                   "items": {"type": "string"}}},
                            "sort": {"type": "string", "enum": ["-date", "date", "relevance"]},
                            "notify_url": {"type": ["string", "null"]}, "created_at": {"type": "string"},
                            "new": {"type": "integer", "description": "new matches (articles) not yet seen"}}}
    waiting = {"type": "integer", "description": "articles written since the last look that wait for a busy index"}
    new_hit = {"allOf": [{"$ref": "#/components/schemas/Hit"}, {"type": "object", "properties": {
        "new_versions": {"type": "array", "description": "the other new versions of this story",
                         "items": {"type": "object", "properties": {
                             k: {"type": ["string", "null"]} for k in ("id", "outlet", "date", "title")}}},
        "hit": {"type": "integer"}, "matched_at": {"type": "string"}}}]}
    return {
        "/api/watches": {"get": {
            "summary": "Your watches (saved searches), each with its number of new matches", "operationId": "watches",
            **auth, "responses": {"200": {"description": "Your watches", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"watches": {"type": "array", "items": watch},
                                                            "waiting": waiting}}}}},
                "401": ERROR}}},
        "/api/watches/{name}/new": {"get": {
            "summary": "The new matches of one of your watches, one per story, in its order (as `newsfind watch "
                       "new NAME --json`)", "operationId": "watchNew", **auth,
            "parameters": [_param("name", {"type": "string"}, "Watch name", where="path", required=True),
                           _param("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                                  "Stories to list"),
                           _param("mark_seen", {"type": "boolean", "default": False},
                                  "1: afterwards every new match counts as seen (listed or not)")],
            "responses": {"200": {"description": "New matches", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "watch": watch, "new": {"type": "integer", "description": "stories"},
                    "new_articles": {"type": "integer"}, "shown": {"type": "integer"},
                    "up_to": {"type": "integer"}, "hits": {"type": "array", "items": new_hit},
                    "marked_seen": {"type": "boolean"}, "waiting": waiting}}}}},
                "400": ERROR, "401": ERROR, "404": ERROR, "409": ERROR}}},
    }


@cache
def openapi_document() -> dict:
    hit_properties = {
        "id": {"type": "string"}, "title": {"type": "string"},
        "outlet": {"type": ["string", "null"]},
        "date": {"type": ["string", "null"], "description": "YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD (no year)"},
        "date_precision": {"type": ["string", "null"], "enum": ["day", "month", "year", "month-day", None]},
        "url": {"type": ["string", "null"]},
        "score": {"type": ["number", "null"], "description": "null when sorted by date"},
        "snippet": {"type": "string", "description": "HTML: matches in <mark>, everything else escaped"},
        **{key: _string_list("canonical values") for key in
           ("speakers", "speaker_orgs", "persons", "orgs", "places", "authors", "tags")},
        "group": {"type": ["string", "null"], "description": "syndication group: every version holds the same id"},
        "group_size": {"type": "integer", "description": "versions of this story in the index (1: no other)"},
        "other_versions": {"type": "array", "description": "the other versions (at most 50)", "items": {
            "type": "object",
            "properties": {k: {"type": ["string", "null"]} for k in ("id", "outlet", "date", "title")}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newsfind API",
            "version": "1",
            "description": "Full-text search and faceted browse of a news archive. `/api/search` returns exactly "
                           "what `newsfind query --json` prints. Errors are JSON with the HTTP status; a query "
                           "that cannot be run is a 400 whose message says what is wrong.",
        },
        "paths": {
            "/api/search": {"get": {
                "summary": "Search articles: hits with highlighted snippets, and facet counts",
                "operationId": "search",
                "parameters": [
                    *SEARCH_PARAMS,
                    _param("facet", {"type": "array", "items": {"type": "string",
                                                                "enum": [*FACETS_BY_NAME, "none"]}},
                           f"Facets to count (repeat; default {', '.join(DEFAULT_FACETS)}; `none` for none).",
                           style="form", explode=True),
                    _param("facet_size", {"type": "integer", "minimum": 1, "maximum": MAX_FACET_VALUES,
                                          "default": 10}, "Values per facet (selected values are always listed)."),
                    *_filter_params(),
                ],
                "responses": {"200": _ok("#/components/schemas/SearchResult", "Hits and facets"), "400": ERROR},
            }},
            "/api/articles/{id}": {"get": {
                "summary": "One article: metadata, entities, quotes with speakers, full text",
                "operationId": "getArticle",
                "parameters": [_param("id", {"type": "string"}, "Article id", where="path", required=True)],
                "responses": {"200": _ok("#/components/schemas/Article", "The article"), "404": ERROR},
            }},
            "/api/facets/{name}": {"get": {
                "summary": "All values of one facet over a result set, optionally only those containing some text",
                "operationId": "facetValues",
                "parameters": [
                    _param("name", {"type": "string", "enum": list(FACETS_BY_NAME)}, "Facet", where="path",
                           required=True),
                    *SEARCH_PARAMS[:1],
                    _param("contains", {"type": "string"}, "Keep values containing this text (case-insensitive)."),
                    _param("size", {"type": "integer", "minimum": 1, "maximum": MAX_FACET_VALUES, "default": 50},
                           "At most this many values, most frequent first."),
                    *_filter_params(),
                ],
                "responses": {"200": _ok("#/components/schemas/FacetValues", "Values with counts"),
                              "400": ERROR, "404": ERROR},
            }},
            **curation_paths(),
            **watch_paths(),
            "/api/openapi.json": {"get": {
                "summary": "This document", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
            }},
        },
        "components": {"securitySchemes": {
            "token": {"type": "http", "scheme": "bearer",
                      "description": "A token from `newsfind user token NAME` (no CSRF token needed)."},
            "session": {"type": "apiKey", "in": "cookie", "name": "newsfind_session",
                        "description": "The login session of the pages; changes also need the X-CSRFToken header."},
        }, "schemas": {
            "Hit": {"type": "object", "properties": hit_properties, "required": list(hit_properties)},
            "FacetCount": {"type": "object", "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
                           "required": ["value", "count"]},
            "SearchResult": {
                "type": "object",
                "required": ["query", "total", "total_versions", "expand", "page", "per_page", "sort", "hits",
                             "facets"],
                "properties": {
                    "query": {"type": "string"}, "page": {"type": "integer"},
                    "total": {"type": "integer", "description": "hits, syndicated copies counted once"},
                    "total_versions": {"type": "integer", "description": "hits, every version counted"},
                    "expand": {"type": "boolean", "description": "true: every version listed"},
                    "per_page": {"type": "integer"}, "sort": {"type": "string", "enum": list(SORTS)},
                    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                    "facets": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"$ref": "#/components/schemas/FacetCount"}}},
                },
            },
            "Article": {
                "type": "object",
                "required": ["id", "title", "body", "quotes", "mentions"],
                "properties": {
                    **{k: v for k, v in hit_properties.items() if k not in ("score", "snippet")},
                    "author": {"type": ["string", "null"]}, "body": {"type": "string"},
                    "source": {"type": ["string", "null"]}, "metadata_sources": {"type": "object"},
                    "quotes": {"type": "array", "items": {"type": "object", "properties": {
                        "speaker": {"type": ["string", "null"]}, "speaker_type": {"type": ["string", "null"]},
                        "text": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"},
                        "kind": {"type": "string"}, "cue": {"type": ["string", "null"]},
                        "rule": {"type": ["string", "null"]}, "confidence": {"type": "number"},
                        "probability": {"type": ["number", "null"]},
                        "co_speakers": {"type": "array", "items": {"type": "string"},
                                        "description": "the other persons of a coordinated source, who say it too"},
                        "co_probabilities": {"type": "array", "items": {"type": ["number", "null"]},
                                             "description": "the model's probability of each co-speaker"}}}},
                    "mentions": {"type": "array", "items": {"type": "object", "properties": {
                        "kind": {"type": "string", "enum": ["person", "org", "place"]},
                        "value": {"type": "string"}, "text": {"type": "string"},
                        "field": {"type": "string", "enum": ["body", "title"]},
                        "start": {"type": "integer"}, "end": {"type": "integer"}}}},
                },
            },
            "FacetValues": {
                "type": "object", "required": ["facet", "label", "values", "truncated"],
                "properties": {
                    "facet": {"type": "string"}, "label": {"type": "string"}, "truncated": {"type": "boolean"},
                    "values": {"type": "array", "items": {"type": "object", "properties": {
                        "value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"}},
                        "required": ["value", "count", "selected"]}},
                },
            },
            "ChangeResult": {
                "type": "object", "required": ["change", "applied"],
                "properties": {"change": {"oneOf": [{"$ref": "#/components/schemas/Change"}, {"type": "null"}]},
                               "applied": {"type": "boolean",
                                           "description": "false: saved, applied once the index is free"}},
            },
            "Change": {
                "type": "object", "required": ["id", "at", "who", "action", "target", "summary"],
                "properties": {"id": {"type": "integer"}, "at": {"type": "string"}, "who": {"type": "string"},
                               "action": {"type": "string"}, "target": {"type": "string"},
                               "before": {}, "after": {}, "undoes": {"type": ["integer", "null"]},
                               "undone_by": {"type": ["integer", "null"]}, "summary": {"type": "string"}},
            },
            "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {
                    "status": {"type": "integer"}, "title": {"type": "string"}, "message": {"type": "string"}}}},
            },
        }},
    }
