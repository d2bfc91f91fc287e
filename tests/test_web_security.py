"""Hostile users of the web UI and API: XSS payloads in every field a page shows (article text,
outlets, tags, entity names, corrections, queries) rendered inert in the raw HTML; every route
enumerated from the app, so a new one cannot forget its role check; GET routes fuzzed with hostile
parameters and ids (never a 500, never a change); path traversal; security headers on every
response; session cookie flags."""

from __future__ import annotations

import random
import re
import shutil
from urllib.parse import quote, urlencode

import pytest
from newsfind.index.curation.rules import EntityRule
from newsfind.index.curation.store import CurationStore
from newsfind.index.ingest.writer import index_paths

from tests.conftest import write_jsonl
from tests.test_curation_web import PASSWORD, csrf_token, logged_in, make_app, users_index  # noqa: F401
from tests.webdata import EXTRA_RECORDS, XSS_ID

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The only state-changing route anyone may use: logging in (CSRF-protected and rate-limited).
OPEN_UNSAFE_ENDPOINTS = {"auth.login"}
XSS = {
    "tag": "<script>alert('tag')</script>",
    "tag2": '"><img src=x onerror=alert(2)>',
    "person": "<script>alert('person')</script> Mogherini",
    "outlet": "<svg onload=alert('outlet')>",
    "title": "<iframe src=javascript:alert(1)>",
}
DATA_TYPES = {"application/json", "text/csv", "application/x-ndjson", "text/javascript", "text/css", "image/svg+xml"}
RAW = ("<script>alert(", "<img src=x", "<svg onload", "<iframe", 'onerror="', "onerror=alert(2)>")


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory, users_index):  # noqa: F811
    """The seed index with users, the hostile articles of tests/webdata.py, and curation full of
    payloads: tags, a renamed entity, a corrected outlet and title."""
    root = tmp_path_factory.mktemp("web-security")
    index_dir = root / "index"
    shutil.copytree(users_index, index_dir)
    assert not index_paths([str(write_jsonl(root / "extra.jsonl", EXTRA_RECORDS))], index_dir).failed
    store = CurationStore(index_dir)
    store.change_tags([XSS_ID, "002_a2b3b58d53712aaf"], [XSS["tag"], XSS["tag2"]], "alice")
    store.add_rule(EntityRule("rename", "person", "Federica Mogherini", XSS["person"]), "alice")
    store.correct("002_a2b3b58d53712aaf", {"outlet": XSS["outlet"], "title": XSS["title"]}, "alice")
    from newsfind.index.curation.apply import apply_changes
    from newsfind.index.store import open_index

    apply_changes(open_index(index_dir), store)
    return index_dir


@pytest.fixture
def admin(hostile_index):
    return logged_in(make_app(hostile_index), "adam")


def page(response) -> str:
    return response.get_data(as_text=True)


def assert_inert(text: str, where: str) -> None:
    for raw in RAW:
        assert raw not in text, (where, raw, text[max(0, text.find(raw) - 200):text.find(raw) + 200])


# -- routes: role checks cannot be forgotten ------------------------------------------------------


def test_every_route_that_changes_data_checks_the_role(hostile_index):
    app = make_app(hostile_index)
    unguarded = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (rule.methods or set()) & UNSAFE and not hasattr(view, "required_role"):
            unguarded.add(rule.endpoint)
    assert unguarded == OPEN_UNSAFE_ENDPOINTS, "a state-changing route without @requires(role)"
    assert app.view_functions["curate.users"].required_role == "admin"  # the accounts page is admins' only


def test_html_and_json_never_show_payloads_raw(admin, hostile_index):
    tag_q = quote(XSS["tag"])
    urls = [
        "/", "/?q=Vienna", f"/?tag={tag_q}", f"/?outlet={quote(XSS['outlet'])}", "/?expand=tag", "/?expand=person",
        f"/?q={quote(XSS['tag'])}", f"/?q=tag:{quote(chr(34) + XSS['tag'] + chr(34))}",
        f"/articles/{XSS_ID}", "/articles/002_a2b3b58d53712aaf", f"/entities/person/{quote(XSS['person'])}",
        "/entities/place/Vienna", "/history", f"/curate/bulk-tag?q=Vienna&tag={tag_q}", "/admin/users",
        "/?q=" + quote('"><script>alert(1)</script>'), "/articles/" + quote("<script>alert(1)</script>"),
        "/entities/person/" + quote("<img src=x onerror=alert(1)>"), "/login?next=" + quote("javascript:alert(1)"),
    ]
    shown = 0
    for url in urls:
        response = admin.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        text = page(response)
        assert_inert(text, url)
        shown += any(e in text for e in ("&lt;script&gt;alert(", "&lt;svg onload", "&lt;iframe", "&lt;img src=x"))
    assert shown >= 10  # the payloads are on the pages, escaped
    article = page(admin.get("/articles/002_a2b3b58d53712aaf"))
    assert "&lt;svg onload=alert(&#39;outlet&#39;)&gt;" in article
    assert "&lt;iframe src=javascript:alert(1)&gt;" in article
    for url in ["/api/search?q=Vienna&facet=tag&facet=person&facet=outlet", f"/api/articles/{XSS_ID}", "/api/tags",
                "/api/history", f"/api/facets/tag?contains={tag_q}", "/api/me", "/api/search?q=" + quote("<script>")]:
        response = admin.get(url)
        assert response.status_code in (200, 400), url
        assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert XSS["tag"] in admin.get("/api/tags").get_data(as_text=True)  # in JSON, data stays data


# -- fuzzing the GET routes -------------------------------------------------------------------------


HOSTILE_VALUES = ["-1", "0", "1", "99999999999999999999", "1e9", "nan", "", " ", "<script>alert(1)</script>", "../..",
                  "../../../../etc/passwd", "%2e%2e%2f", "x" * 3000, "\x00", "%", "\u202e", "date:[", '"', "'", "*",
                  "Lavrov~9", "2015-13-45", "2015..", "..2016", "2016..2015", "person", "tag", "-date", "none",
                  "\ud7ff\ue000", "ｓｙｒｉａ", "a" * 201, "/", "\\", "C:\\Windows", "file:///etc/passwd",
                  "//evil.example"]
PARAMS = ["q", "page", "per_page", "sort", "facet", "facet_size", "expand", "within", "contains", "size", "date",
          "date_from", "date_to", "speaker", "person", "org", "place", "outlet", "author", "tag", "speaker_org",
          "article", "limit", "next", "id", "format"]
PATH_VALUES = ["../../etc/passwd", "..%2F..%2Fsecret_key", "%2e%2e/%2e%2e/x", "secret_key", "curation.sqlite3",
               "<script>alert(1)</script>", "x" * 2000, "%00", "a/b/../../c", "002_a2b3b58d53712aaf", "Sergei Lavrov",
               "person", "csv", "jsonl", "1", "-1", "99999999999999999999", "\u202e", " ", "~root"]


def get_routes(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or set())]


def fuzzed_urls(app, count_per_route: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    urls = []
    for rule in get_routes(app):
        for i in range(count_per_route):
            path = rule.rule
            for arg in rule.arguments:
                value = PATH_VALUES[i % len(PATH_VALUES)] if i < len(PATH_VALUES) else rng.choice(PATH_VALUES)
                if rule._converters[arg].__class__.__name__ == "IntegerConverter":
                    value = str(rng.choice([1, 0, 2**70]))
                path = re.sub(rf"<(?:\w+:)?{arg}>", quote(value, safe="/%") if "%" in value else quote(value, safe="/"),
                              path)
            pairs = [(rng.choice(PARAMS), rng.choice(HOSTILE_VALUES)) for _ in range(rng.randint(0, 4))]
            urls.append(path + ("?" + urlencode(pairs) if pairs else ""))
    return urls


def fuzz_routes(hostile_index, count_per_route: int, seed: int) -> int:
    app = make_app(hostile_index)  # TESTING: an exception in a view fails the test instead of becoming a 500
    before = len(CurationStore(hostile_index).history())
    clients = {"anonymous": app.test_client(), "archivist": logged_in(app, "alice"), "admin": logged_in(app, "adam")}
    urls = fuzzed_urls(app, count_per_route, seed)
    for n, url in enumerate(urls):
        client = list(clients.values())[n % len(clients)]
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.mimetype == "text/html":
            assert_inert(page(response), url)
        else:  # JSON, CSV, JSON Lines, static files: data, never sniffed as HTML
            assert response.mimetype in DATA_TYPES, (url, response.mimetype)
        for name in ("Content-Security-Policy", "X-Content-Type-Options"):
            assert name in response.headers, (url, name)
    assert len(CurationStore(hostile_index).history()) == before, "a GET request changed curation"
    return len(urls)


def test_fuzzed_get_routes_never_fail_or_change_anything(hostile_index):
    count = fuzz_routes(hostile_index, count_per_route=30, seed=1)
    print(f"\nweb fuzzing: {count} GET requests over every GET route")


@pytest.mark.long
def test_many_fuzzed_get_requests(hostile_index):
    count = fuzz_routes(hostile_index, count_per_route=400, seed=2)
    print(f"\nweb fuzzing (long): {count} GET requests")


# -- path traversal ---------------------------------------------------------------------------------


TRAVERSALS = ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fsecret_key",
              "..\\..\\secret_key", "/etc/passwd", "....//....//etc/passwd", "secret_key", "curation.sqlite3",
              "_MAIN_1.toc", "..%00/x"]


def test_ids_and_names_from_users_never_reach_the_filesystem(hostile_index, tmp_path):
    app = make_app(hostile_index)
    archivist = logged_in(app, "alice")
    token = csrf_token(archivist, "/")
    listing = sorted(p.name for p in hostile_index.iterdir())
    for bad in TRAVERSALS:
        for url in (f"/articles/{bad}", f"/api/articles/{bad}", f"/entities/person/{bad}", f"/static/{bad}",
                    f"/api/facets/{bad}", f"/export.{bad}"):
            response = archivist.get(url)
            if response.status_code == 308:  # "//etc": werkzeug merges the slashes, on this site
                assert response.headers["Location"].startswith("http://localhost/"), response.headers["Location"]
                response = archivist.get(url, follow_redirects=True)
            assert response.status_code in (400, 404), (url, response.status_code)
            assert "root:" not in page(response)
        for url in (f"/curate/tag/{bad}", f"/curate/correct/{bad}", f"/api/tag/{bad}"):
            response = archivist.post(url, data={"csrf_token": token, "tags": "t", "outlet": "o"},
                                      headers={"X-CSRFToken": token}, follow_redirects=True)
            assert response.status_code in (400, 404), (url, response.status_code)
    assert sorted(p.name for p in hostile_index.iterdir()) == listing  # nothing created, nothing removed
    assert not any("t" in c.after.get("tags", []) for c in CurationStore(hostile_index).history() if c.after)
    secret = (hostile_index / "secret_key").read_text() if (hostile_index / "secret_key").exists() else None
    for url in ("/static/../secret_key", "/static/%2e%2e/secret_key", "/static/..%2f..%2fweb%2f__init__.py"):
        response = archivist.get(url)
        assert response.status_code == 404 and (secret is None or secret not in page(response))


def routes_with_arguments(app) -> list[tuple[str, str]]:
    """(method, rule) of every route that takes an id, a name or a path: enumerated, so a new one is covered."""
    return [(method, rule.rule) for rule in app.url_map.iter_rules() if rule.arguments
            for method in sorted((rule.methods or set()) & {"GET", "POST"})]


def test_no_route_taking_an_id_or_path_reads_or_writes_files_it_names(tmp_path, hostile_index):
    index_dir = tmp_path / "web-security" / "index"
    shutil.copytree(hostile_index, index_dir)
    outside = index_dir.parent / "outside.txt"
    outside.write_text("SENTINEL-outside-the-index")
    (index_dir / "inside.txt").write_text("SENTINEL-inside-the-index")
    app = make_app(index_dir)
    admin = logged_in(app, "adam")  # the highest role: no route refuses it before looking at its arguments
    token = csrf_token(admin, "/")
    listing = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    routes = routes_with_arguments(app)
    assert {"/articles/<path:article_id>", "/api/tag/<path:article_id>", "/static/<path:filename>",
            "/admin/users/<name>/remove", "/export.<fmt>"} <= {rule for _, rule in routes}
    traversals = [*TRAVERSALS, "../outside.txt", "../../outside.txt", "inside.txt", "..%2Foutside.txt",
                  str(outside), "%2e%2e/outside.txt"]
    for method, rule in routes:
        for bad in traversals:
            url = re.sub(r"<(?:\w+:)?\w+>", bad.replace("\\", "\\\\"), rule)  # every argument of the route
            if method == "GET":
                response = admin.get(url)
            elif rule.startswith("/api/"):
                response = admin.post(url, json={"add": ["t"], "outlet": "o", "action": "rename", "target": "x"},
                                      headers={"X-CSRFToken": token})
            else:
                response = admin.post(url, data={"csrf_token": token, "tags": "t", "outlet": "o", "tag": "t",
                                                 "role": "reader", "action": "rename", "target": "x"})
            # a watch's feed refuses a request without its feed token before reading the name (403); with
            # a token, names are looked up in the curation database only (tests/test_watches_web.py)
            allowed = (308, 400, 404, 405) + ((403,) if rule.endswith("/feed.atom") else ())
            assert response.status_code in allowed, (method, url, response.status_code)
            assert "SENTINEL" not in page(response) and "root:" not in page(response), (method, url)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == listing  # nothing created or removed
    assert outside.read_text() == "SENTINEL-outside-the-index"
    assert CurationStore(index_dir).history() == CurationStore(hostile_index).history()  # and nothing changed


def test_cli_ids_with_paths_are_unknown_articles(run_seed):
    for bad in TRAVERSALS:
        result = run_seed("show", bad)
        assert result.exit_code == 2 and "no article with id" in result.output, bad  # README: an unknown id is exit 2


# -- headers and cookies ----------------------------------------------------------------------------


def test_security_headers_on_every_kind_of_response(admin, hostile_index):
    """Pages, JSON, CSV, static files, redirects and every error (400, 401, 403, 404, 405, 500)."""
    anonymous = make_app(hostile_index).test_client()
    token = csrf_token(anonymous)
    crashing = make_app(hostile_index, TESTING=False)  # an exception becomes a 500 answer, as in production

    def boom():
        raise RuntimeError("a bug")

    crashing.add_url_rule("/boom", "boom", boom)
    crashing = crashing.test_client()
    responses = {url: admin.get(url) for url in ("/", "/?q=%22open", "/articles/nope", "/api/search",
                                                   "/api/articles/nope", "/static/app.js", "/history", "/login",
                                                   "/export.csv", "/admin/users", "/?date_from=2015")}
    responses["POST /logout without CSRF"] = admin.post("/logout")
    responses["HEAD /"] = admin.head("/")
    responses["GET /logout (405)"] = admin.get("/logout")
    responses["forged API token (401 JSON)"] = admin.get("/api/me", headers={"Authorization": "Bearer nf_forged"})
    responses["reader on /admin/users (403)"] = logged_in(make_app(hostile_index), "rita").get("/admin/users")
    responses["anonymous POST (303 to login)"] = anonymous.post("/api/undo/1", data={"csrf_token": token},
                                                                 headers={"X-CSRFToken": token})
    responses["login (303)"] = anonymous.post("/login", data={"name": "alice", "password": PASSWORD,
                                                              "csrf_token": token})
    responses["an unexpected exception (500)"] = crashing.get("/boom")
    assert {r.status_code for r in responses.values()} >= {200, 303, 400, 401, 403, 404, 405, 500}
    assert {r.mimetype for r in responses.values()} >= {"text/html", "application/json", "text/csv"}
    for url, response in responses.items():
        headers = response.headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], url
        assert csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "same-origin", url


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("newsfind_session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_samesite_and_secure_behind_tls(hostile_index, monkeypatch):
    client = make_app(hostile_index).test_client()
    token = csrf_token(client)
    cookie = session_cookie(client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token}))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    monkeypatch.setenv("NEWSFIND_SECURE_COOKIES", "1")
    secure = make_app(hostile_index).test_client()
    login_page = page(secure.get("/login", base_url="https://localhost"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    form = {"name": "alice", "password": PASSWORD, "csrf_token": token}
    refused = secure.post("/login", data=form, base_url="https://localhost")  # over HTTPS the referrer must match
    assert refused.status_code == 400 and "referrer" in page(refused).lower()
    cookie = session_cookie(secure.post("/login", data=form, base_url="https://localhost",
                                        headers={"Referer": "https://localhost/login"}))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# -- fuzzing the state-changing routes ----------------------------------------------------------------


FORM_FIELDS = ["tags", "tag", "remove", "outlet", "date", "author", "title", "clear", "action", "target", "article",
               "spellings", "kind", "name", "role", "password", "q", "expected", "confirm", "next", "add"]
JSON_VALUES = [None, 0, -1, 2**70, 1.5, "", "x" * 5000, [], ["a", 1, None], {"a": {"b": []}}, True,
               "<script>alert(1)</script>", "../../etc/passwd", "2015-13-45", "a,b", "\u0000", ["x"] * 500]


def fuzz_changes(index_dir, requests: int, seed: int) -> int:
    """Hostile forms (with a valid CSRF token, as an admin) and hostile JSON bodies (with an admin's
    API token) to every state-changing route: a 4xx with a message or a change, never a 500."""
    rng = random.Random(seed)
    app = make_app(index_dir)
    admin = logged_in(app, "adam")
    token = csrf_token(admin, "/")
    api_token = CurationStore(index_dir).create_token("adam", "fuzz", "test")
    rules = [r for r in app.url_map.iter_rules() if (r.methods or set()) & UNSAFE
             and r.endpoint not in ("auth.login", "auth.logout")]
    sent = 0
    for n in range(requests):
        rule = rules[n % len(rules)]
        args = {}
        for arg in rule.arguments:
            args[arg] = rng.choice([*PATH_VALUES, "002_a2b3b58d53712aaf", "person", "alice", "rita", "1", "2"])
            if rule._converters[arg].__class__.__name__ == "IntegerConverter":
                args[arg] = rng.choice([1, 2, 3, 10**6])
        with app.test_request_context():
            try:
                url = app.url_map.bind("localhost").build(rule.endpoint, args)
            except Exception:  # a value the route cannot take (e.g. a "/" in <name>)
                continue
        if rule.rule.startswith("/api/"):
            payload = {rng.choice(FORM_FIELDS): rng.choice(JSON_VALUES) for _ in range(rng.randint(0, 5))}
            response = admin.post(url, json=rng.choice([payload, rng.choice(JSON_VALUES)]),
                                  headers={"Authorization": f"Bearer {api_token}"})
        else:
            form = {rng.choice(FORM_FIELDS): str(rng.choice(HOSTILE_VALUES)) for _ in range(rng.randint(0, 5))}
            response = admin.post(url, data={**form, "csrf_token": token})
        sent += 1
        assert response.status_code < 500, (url, response.status_code)
        if response.mimetype == "text/html":
            assert_inert(page(response), url)
    assert CurationStore(index_dir).db.integrity() == []
    return sent


def test_fuzzed_changes_never_fail(tmp_path, hostile_index):
    index_dir = tmp_path / "index"
    shutil.copytree(hostile_index, index_dir)
    sent = fuzz_changes(index_dir, requests=60, seed=1)
    print(f"\nweb fuzzing: {sent} hostile POST requests to every state-changing route")


@pytest.mark.long
def test_many_fuzzed_changes(tmp_path, hostile_index):
    index_dir = tmp_path / "index"
    shutil.copytree(hostile_index, index_dir)
    sent = fuzz_changes(index_dir, requests=1000, seed=2)
    print(f"\nweb fuzzing (long): {sent} hostile POST requests")
