"""The newsfind web UI: search and faceted browse in the browser, with a JSON API.

    app = create_app({"NEWSFIND_INDEX": "/path/to/index"})

Run it with `newsfind serve` (waitress). Pages and API render the data of the search layer
(`search/`); nothing here parses queries or counts facets by itself.
"""

from __future__ import annotations

from flask import Flask
from newsfind.index import whoosh_ext
from newsfind.index.store import resolve_index_dir

# Content-Security-Policy: no inline scripts or styles, nothing from other origins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(test_config: dict | None = None) -> Flask:
    # before any index is opened; `newsfind serve`'s worker processes are forked from the process
    # that created the app, so they run with the same patches (index/whoosh_ext)
    whoosh_ext.install()
    app = Flask(__name__)
    app.config.from_mapping(
        NEWSFIND_INDEX=None,  # default: --index / $NEWSFIND_INDEX / ~/.local/share/newsfind/index
        NEWSFIND_PER_PAGE=20,  # hits per page in the UI (the API defaults to 10, as the CLI)
        NEWSFIND_FACET_SIZE=10,  # values per facet before "show more"
        NEWSFIND_SEARCHERS=4,  # idle searchers kept open (one per waitress thread)
        # Also: NEWSFIND_PRIVATE (or $NEWSFIND_PRIVATE=1: log in to read), NEWSFIND_SESSION_HOURS, SECRET_KEY
        # (default: $NEWSFIND_SECRET_KEY, else a key generated into the index directory); see web/auth.py.
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    from newsfind.web import api, auth, curate, curate_api, errors, index, views, watches, watches_api
    from newsfind.web.templating import init_templating

    index_dir = resolve_index_dir(app.config["NEWSFIND_INDEX"])
    index.init_app(app, index_dir)
    init_templating(app)
    errors.init_app(app, index_dir)
    auth.init_app(app, index_dir)  # accounts, sessions, CSRF (before any view runs)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    curate.init_app(app)  # tags, corrections, history, accounts
    app.register_blueprint(curate_api.bp)
    watches.init_app(app)  # "Watch this search", /watches, feeds (after auth: it uses its accounts)
    app.register_blueprint(watches_api.bp)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app

