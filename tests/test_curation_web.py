"""Curation in the web UI and API through Flask's test client: who may change what, CSRF, tokens,
sessions, the login rate limit, and the tag / correct / history / undo flows."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from newsfind.index.curation.accounts import hash_password
from newsfind.index.curation.store import CurationStore
from newsfind.web import create_app

from tests.conftest import SEED_IDS, copy_index
from tests.test_curation import LAVROV_SPEAKS, UPI, read_only_with_schema

PASSWORD = "correct horse battery"
USERS = {"alice": "archivist", "rita": "reader", "adam": "admin"}


@pytest.fixture(scope="module")
def users_index(tmp_path_factory, seed_index):
    """A copy of the seed index with an archivist, a reader and an admin (hashing is slow: once)."""
    index_dir = copy_index(seed_index, tmp_path_factory.mktemp("curation-web") / "template")
    store = CurationStore(index_dir)
    for name, role in USERS.items():
        store.add_user(name, role, hash_password(PASSWORD), "test")
    return index_dir


@pytest.fixture
def index_dir(tmp_path, users_index):
    import shutil

    target = tmp_path / "index"
    shutil.copytree(users_index, target)
    return target


def make_app(index_dir, **config):
    return create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True, "SECRET_KEY": "test-secret", **config})


@pytest.fixture
def app(index_dir):
    return make_app(index_dir)


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, name: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"})


def logged_in(app, name: str | None):
    client = app.test_client()
    if name:
        response = login(client, name)
        assert response.status_code == 303, response.get_data(as_text=True)
    return client


def token_for(index_dir, name: str) -> str:
    return CurationStore(index_dir).create_token(name, "test", "test")


SAMPLE_ARGS = {"article_id": UPI, "kind": "org", "name": "Kremlin", "change_id": "1"}


def state_changing_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            args = {arg: SAMPLE_ARGS.get(arg, "alice") for arg in rule.arguments}
            with app.test_request_context():
                routes.append((method, app.url_map.bind("localhost").build(rule.endpoint, args)))
    return routes


def required_role(app, method: str, url: str) -> str | None:
    endpoint, _ = app.url_map.bind("localhost").match(url, method=method)
    return getattr(app.view_functions[endpoint], "required_role", None)


def test_every_state_changing_route_refuses_anonymous_readers_and_requests_without_csrf(app, index_dir):
    routes = state_changing_routes(app)
    assert len(routes) >= 15 and ("POST", "/login") in routes
    anonymous, reader, archivist = app.test_client(), logged_in(app, "rita"), logged_in(app, "alice")
    anonymous_token, reader_token = csrf_token(anonymous), csrf_token(reader, "/")
    for method, url in routes:
        if url == "/login":
            assert anonymous.open(url, method=method, data={"name": "alice", "password": PASSWORD}).status_code == 400
            continue
        response = anonymous.open(url, method=method, data={"csrf_token": anonymous_token},
                                  headers={"X-CSRFToken": anonymous_token})
        assert response.status_code == 401 or (response.status_code in (302, 303)
                                               and "/login" in response.headers["Location"]), (url, response.status)
        response = archivist.open(url, method=method, data={"tags": "x"})
        assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True), (url, response.status)
        if url == "/logout":  # a reader may end their own session (below, last)
            continue
        if required_role(app, method, url) == "reader":  # readers' own watches (tests/test_watches_web.py)
            continue
        response = reader.open(url, method=method, data={"csrf_token": reader_token},
                               headers={"X-CSRFToken": reader_token})
        assert response.status_code == 403, (url, response.status)
    assert reader.post("/logout", data={"csrf_token": reader_token}).status_code == 303
    assert reader.get("/api/me").get_json()["user"] is None
    token = token_for(index_dir, "rita")
    for method, url in routes:
        if url.startswith("/api/"):
            response = anonymous.open(url, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 403, url
            bad = anonymous.open(url, method=method, json={}, headers={"Authorization": "Bearer nf_forged"})
            assert bad.status_code == 401 and bad.is_json, url
    assert CurationStore(index_dir).history()[-1].action == "user.token"  # nothing else changed


def test_archivist_tags_an_article_sees_history_and_undoes(app, index_dir):
    client = logged_in(app, "alice")
    page = client.get(f"/articles/{UPI}").get_data(as_text=True)
    assert 'id="add-tags"' in page and "No changes yet." in page
    token = csrf_token(client, f"/articles/{UPI}")
    response = client.post(f"/curate/tag/{UPI}", data={"tags": "Lavrov Talks, aid", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/articles/{UPI}#curation")
    tagged = CurationStore(index_dir).history()[-1].id
    page = client.get(f"/articles/{UPI}").get_data(as_text=True)
    assert f"Change #{tagged}: +aid +Lavrov Talks on {UPI}" in unescape(page)  # the flashed message
    assert 'href="/?tag=Lavrov+Talks"' in page and '<span class="who">alice</span>' in page
    assert f'aria-label="Undo change #{tagged}"' in page
    assert client.get("/api/search?tag=aid").get_json()["total"] == 1
    client.post(f"/curate/untag/{UPI}", data={"tag": "AID", "csrf_token": token})
    assert client.get(f"/api/articles/{UPI}").get_json()["tags"] == ["Lavrov Talks"]
    untagged = tagged + 1
    client.post(f"/curate/undo/{untagged}", data={"csrf_token": token, "next": f"/articles/{UPI}"})
    assert client.get(f"/api/articles/{UPI}").get_json()["tags"] == ["aid", "Lavrov Talks"]
    history = client.get("/history").get_data(as_text=True)
    assert f"undo #{untagged}" in history and f"undone by #{untagged + 1}" in history
    anonymous = app.test_client().get(f"/articles/{UPI}").get_data(as_text=True)
    assert f"undo #{untagged}" in anonymous and 'id="add-tags"' not in anonymous and "Undo change" not in anonymous


def test_bulk_tag_shows_the_count_and_applies_only_what_was_confirmed(app):
    client = logged_in(app, "alice")
    search = client.get("/?q=speaker:Lavrov").get_data(as_text=True)
    assert 'action="/curate/bulk-tag"' in search and "Tag all 2" in search
    confirm = client.get("/curate/bulk-tag?q=speaker:Lavrov&tags=lavrov-talks")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "2 articles match query" in unescape(page)
    assert 'name="expected" value="2"' in page and "Apply to 2 articles" in page
    token = csrf_token(client, "/")
    stale = client.post("/curate/bulk-tag", data={"q": "speaker:Lavrov", "tags": "lavrov-talks", "expected": "3",
                                                  "csrf_token": token})
    assert stale.status_code == 409 and "now matches 2 articles, not 3" in stale.get_data(as_text=True)
    assert client.get("/api/tags").get_json() == {"tags": []}
    done = client.post("/curate/bulk-tag", data={"q": "speaker:Lavrov", "tags": "lavrov-talks", "expected": "2",
                                                 "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == "/?q=speaker%3ALavrov"
    result = client.get("/api/search?q=tag:lavrov-talks&facet=tag").get_json()
    assert sorted(h["id"] for h in result["hits"]) == LAVROV_SPEAKS
    assert result["facets"]["tag"] == [{"value": "lavrov-talks", "count": 2}]
    assert "+lavrov-talks on 2 articles (query &#39;speaker:Lavrov&#39;)" in client.get("/history").get_data(
        as_text=True)


def test_corrections_from_the_article_and_entity_pages(app):
    client = logged_in(app, "alice")
    token = csrf_token(client, f"/articles/{UPI}")
    client.post(f"/curate/correct/{UPI}", data={"date": "2015-09-18", "outlet": "UPI wire", "csrf_token": token})
    art = client.get(f"/api/articles/{UPI}").get_json()
    assert (art["date"], art["outlet"]) == ("2015-09-18", "UPI wire")
    page = client.get(f"/articles/{UPI}").get_data(as_text=True)
    assert "Outlet (corrected)" in page and 'name="clear" value="outlet"' in page
    client.post(f"/curate/correct/{UPI}", data={"clear": "outlet", "csrf_token": token})
    assert client.get(f"/api/articles/{UPI}").get_json()["outlet"] == "UPI"
    bad = client.post(f"/curate/correct/{UPI}", data={"date": "yesterday", "csrf_token": token})
    assert bad.status_code == 400 and "is not a date" in bad.get_data(as_text=True)

    entity_page = client.get("/entities/org/Foreign%20Ministry").get_data(as_text=True)
    assert 'value="merge"' in entity_page and "Correct this organisation" in entity_page
    merged = client.post("/curate/entity/org/Foreign%20Ministry",
                         data={"action": "merge", "target": "Russian Foreign Ministry", "csrf_token": token})
    assert merged.status_code == 303 and merged.headers["Location"] == "/entities/org/Russian%20Foreign%20Ministry"
    assert client.get("/entities/org/Foreign%20Ministry").status_code == 404
    putin = "000_cc762b55518d5dfc"
    client.post(f"/curate/article-entity/{putin}", data={"entity": "person:Vladimir Putin", "action": "not-speaker",
                                                          "csrf_token": token})
    assert "Vladimir Putin" not in client.get(f"/api/articles/{putin}").get_json()["speakers"]
    assert "Correct this" not in app.test_client().get("/entities/org/Kremlin").get_data(as_text=True)


def test_the_api_takes_bearer_tokens_without_csrf_and_sessions_with_it(app, index_dir):
    token = token_for(index_dir, "alice")
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=auth).get_json()["user"]["name"] == "alice"
    response = client.post(f"/api/tag/{UPI}", json={"add": ["from-script"]}, headers=auth)
    assert response.status_code == 200 and response.get_json()["tags"] == ["from-script"]
    assert response.get_json()["changes"][0]["who"] == "alice"
    count = client.post("/api/bulk-tag", json={"q": "Kerry", "tags": ["kerry"]}, headers=auth).get_json()
    assert count == {"change": None, "applied": False, "count": 5}
    done = client.post("/api/bulk-tag", json={"q": "Kerry", "tags": ["kerry"], "expected": 5}, headers=auth)
    assert done.get_json()["change"]["summary"] == "+kerry on 5 articles (query 'Kerry')"
    fix = client.post(f"/api/correct/{UPI}", json={"author": "Jane Doe"}, headers=auth).get_json()
    assert fix["applied"] and client.get(f"/api/articles/{UPI}").get_json()["authors"] == ["Jane Doe"]
    rule = client.post("/api/entity/place/North%20Caucus", json={"action": "rename", "target": "North Caucasus"},
                       headers=auth)
    assert rule.status_code == 200
    undo = client.post(f"/api/undo/{rule.get_json()['change']['id']}", headers=auth)
    assert undo.get_json()["change"]["undoes"] == rule.get_json()["change"]["id"]
    again = client.post(f"/api/undo/{rule.get_json()['change']['id']}", headers=auth)
    assert again.status_code == 409 and "already undone" in again.get_json()["error"]["message"]
    assert client.post("/api/undo/999", headers=auth).status_code == 404
    assert client.post(f"/api/tag/{UPI}", json={"add": ["a,b"]}, headers=auth).status_code == 400
    assert [c["action"] for c in client.get(f"/api/history?article={UPI}").get_json()["changes"]] == [
        "tag", "tag", "correct"]
    # A session calling the API from a page needs the CSRF header.
    session = logged_in(app, "alice")
    assert session.post(f"/api/tag/{UPI}", json={"add": ["x"]}).status_code == 400
    csrf = csrf_token(session, "/")
    assert session.post(f"/api/tag/{UPI}", json={"add": ["x"]}, headers={"X-CSRFToken": csrf}).status_code == 200


def test_private_mode_requires_login_to_read(index_dir):
    app = make_app(index_dir, NEWSFIND_PRIVATE=True)
    anonymous = app.test_client()
    page = anonymous.get("/?q=Syria")
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=")
    assert anonymous.get("/api/search?q=Syria").status_code == 401
    assert anonymous.get(f"/articles/{UPI}").status_code == 303
    assert anonymous.get("/login").status_code == 200 and anonymous.get("/static/style.css").status_code == 200
    reader = logged_in(app, "rita")
    assert reader.get("/?q=Syria").status_code == 200
    token = token_for(index_dir, "rita")
    assert anonymous.get("/api/search", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert make_app(index_dir).test_client().get("/?q=Syria").status_code == 200  # public by default


def test_login_is_rate_limited_and_never_redirects_off_site(app):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "alice", "wrong password").status_code == 401
    blocked = login(client, "alice")
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.get_data(as_text=True)
    other = app.test_client()
    assert login(other, "rita").status_code == 303  # another name is not blocked
    assert login(app.test_client(), "nobody").status_code == 401
    token = csrf_token(other)
    response = app.test_client()
    response.get("/login")
    offsite = app.test_client()
    t = csrf_token(offsite)
    went = offsite.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": t,
                                        "next": "//evil.example/x"})
    assert went.status_code == 303 and went.headers["Location"] == "/"
    assert token


def test_sessions_expire_and_end_when_the_role_changes(index_dir):
    app = make_app(index_dir, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    client = logged_in(app, "alice")
    assert client.get("/api/me").get_json()["user"]["name"] == "alice"
    cookie = client.get_cookie("newsfind_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    time.sleep(1.2)
    assert client.get("/api/me").get_json()["user"] is None
    app = make_app(index_dir)
    client = logged_in(app, "alice")
    CurationStore(index_dir).set_role("alice", "reader", "adam")
    assert client.get("/api/me").get_json()["user"] is None


def test_admins_manage_accounts_in_the_web_ui(app, index_dir):
    assert logged_in(app, "alice").get("/admin/users").status_code == 403
    admin = logged_in(app, "adam")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert all(name in page for name in USERS)
    token = csrf_token(admin, "/admin/users")
    added = admin.post("/admin/users", data={"name": "bea", "role": "archivist", "password": "long enough pw",
                                             "csrf_token": token})
    assert added.status_code == 303 and CurationStore(index_dir).user("bea").role == "archivist"
    assert admin.post("/admin/users", data={"name": "x", "role": "archivist", "password": "short",
                                            "csrf_token": token}).status_code == 400
    admin.post("/admin/users/bea/role", data={"role": "reader", "csrf_token": token})
    assert CurationStore(index_dir).user("bea").role == "reader"
    admin.post("/admin/users/bea/remove", data={"csrf_token": token})
    assert CurationStore(index_dir).user("bea") is None
    assert admin.post("/admin/users/adam/remove", data={"csrf_token": token}).status_code == 400
    actions = [c.action for c in CurationStore(index_dir).history()]
    assert actions[-3:] == ["user.add", "user.role", "user.remove"]


def test_threads_tagging_through_the_app_lose_nothing(app, index_dir):
    token = token_for(index_dir, "alice")
    errors: list[str] = []

    def tagger(name: str) -> None:
        client = app.test_client()
        for i in range(6):
            for article_id in (UPI, SEED_IDS[0]):
                response = client.post(f"/api/tag/{quote(article_id)}", json={"add": [f"{name}-{i}"]},
                                       headers={"Authorization": f"Bearer {token}"})
                if response.status_code != 200:
                    errors.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=tagger, args=(name,)) for name in ("t1", "t2", "t3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = sorted(f"{n}-{i}" for n in ("t1", "t2", "t3") for i in range(6))
    client = app.test_client()
    for article_id in (UPI, SEED_IDS[0]):
        assert sorted(client.get(f"/api/articles/{article_id}").get_json()["tags"]) == expected


def test_a_read_only_curation_database_too_old_to_read_is_a_503_saying_so(index_dir, monkeypatch):
    """A read-only directory whose curation database an older newsfind wrote, older than this one can read
    (it cannot be upgraded there): pages that read it answer 503 with the reason, never a 500."""
    read_only_with_schema(index_dir, 1, monkeypatch)
    client = make_app(index_dir).test_client()
    for route in ("/history", "/api/history", "/api/tags", "/", "/articles/" + SEED_IDS[0]):
        response = client.get(route)
        assert response.status_code in (200, 503), (route, response.status_code)
    history = client.get("/history")
    assert history.status_code == 503 and "needs writing to upgrade" in history.get_data(as_text=True)
    assert "needs writing to upgrade" in client.get("/api/history").get_json()["error"]["message"]
