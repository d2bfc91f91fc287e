"""Watches on the web (web/watches.py, web/watches_api.py, web/atom.py), through the Flask test client
on a real on-disk copy of the seed index (real spaCy model), new articles indexed by the real
`newsfind index` command: "Watch this search", the /watches badges, a watch's page (highlighted,
collapsed by syndication group, newest first, then seen), removal, refusals; the Atom feed parsed
by `feedparser` as a feed reader would, reached with the feed token only, revocable, also on a
private archive; the API. The real server and browser: tests/test_browser.py."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from urllib.parse import quote, unquote, urlsplit

import feedparser
import pytest
from newsfind.index.curation.accounts import hash_password
from newsfind.index.curation.store import CurationStore
from newsfind.index.curation.watches import WatchStore
from newsfind.web import create_app
from werkzeug.datastructures import MultiDict

from tests.conftest import Runner, copy_index, needs
from tests.generate import write_articles
from tests.test_watches import NEW

PASSWORD = "watch-the-archive"
WATCH = "lavrov syria"
QUERY = "speaker:Lavrov Syria"


@pytest.fixture
@needs("model")
def site(seed_index, tmp_path):
    """A copy of the seed index with a reader (rita) and an archivist (alice); `site.index(records)`
    runs the real `newsfind index` on them; `site.app(**config)` a fresh app on the index."""
    index_dir = copy_index(seed_index, tmp_path / "index")
    store = CurationStore(index_dir)
    store.add_user("rita", "reader", hash_password(PASSWORD), "test")
    store.add_user("alice", "archivist", hash_password(PASSWORD), "test")
    run = Runner(index_dir)
    sources = tmp_path / "sources"
    sources.mkdir()

    class Site:
        dir = index_dir

        @staticmethod
        def index(records, name="new.jsonl"):
            result = run("index", str(write_articles(sources / name, records)), "--jobs", "1")
            assert result.exit_code == 0, result.output
            return result

        @staticmethod
        def app(**config):
            return create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True, **config})

    return Site


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def logged_in(app, name: str):
    client = app.test_client()
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def form_fields(page: str, form_class: str) -> list[tuple[str, str]]:
    form = re.search(rf'<form class="{form_class}"[^>]*>(.*?)</form>', page, re.S).group(1)
    return [(n, v.replace("&#34;", '"').replace("&amp;", "&"))
            for n, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)]


def watch_this(client, search: str, name: str):
    """Press "Watch this search" on the search page of `search` with the name `name`."""
    fields = [(k, v) for k, v in form_fields(client.get(search).get_data(as_text=True), "watch-this") if k != "name"]
    return client.post("/watches", data=MultiDict([*fields, ("name", name)]))


def badges(client) -> dict[str, str]:
    page = client.get("/watches").get_data(as_text=True)
    found = re.findall(r'class="watch-name" href="[^"]+">([^<]+)</a>\s*<span class="badge[^"]*"[^>]*>([^<]+)<', page)
    return {html.unescape(name): count for name, count in found}


def test_watch_this_search_then_the_badge_counts_new_matches_and_opening_shows_them_once(site):
    app = site.app()
    rita = logged_in(app, "rita")  # a reader: watches are not curation
    search = "/?q=speaker%3ALavrov+Syria&outlet=TASS&outlet=Reuters&outlet=UPI&sort=-date"
    page = rita.get(search).get_data(as_text=True)
    assert "Watch this search" in page
    saved = watch_this(rita, search, "  lavrov   syria ")
    assert saved.status_code == 303 and saved.headers["Location"] == "/watches"
    watch = WatchStore(site.dir).get("rita", WATCH)  # what was saved: the page's query, filters and sort
    assert (watch.query, watch.filters, watch.sort) == (QUERY, {"outlet": ["TASS", "Reuters", "UPI"]}, "-date")
    assert badges(rita) == {WATCH: "0 new"}  # what matched when it was saved counts as seen

    assert 'class="badge nav-new"' not in rita.get("/").get_data(as_text=True)
    site.index(NEW)
    assert badges(rita) == {WATCH: "3 new"}  # articles: n1 and its copy n2, n3 (n4: no Lavrov)
    nav = re.search(r'<nav class="account".*?</nav>', rita.get("/?q=Syria").get_data(as_text=True), re.S).group(0)
    assert re.search(r'>Watches <span class="badge nav-new" aria-label="3 new matches">3</span></a>', nav), nav
    alice = logged_in(app, "alice")  # rita's count is hers
    assert 'class="badge nav-new"' not in alice.get("/").get_data(as_text=True)
    opened = rita.get(f"/watches/{quote(WATCH)}").get_data(as_text=True)
    assert "2 new stories (3 articles) since you last looked" in opened
    shown = re.findall(r'<li class="hit new">\s*<h3 class="hit-title"><span class="new-mark">New</span> '
                       r'<a href="/articles/([^"]+)"', opened)
    assert shown[0] == "n3" and shown[1] in ("n1", "n2")  # newest first; n1 and n2 one story
    assert "+1 other version:" in opened and "<b" in opened.split('class="snippet"', 1)[1]  # matches marked
    assert badges(rita) == {WATCH: "0 new"}  # opening marked them seen
    assert 'class="badge nav-new"' not in rita.get("/").get_data(as_text=True)
    again = rita.get(f"/watches/{quote(WATCH)}").get_data(as_text=True)
    assert "Nothing new since you last looked" in again and 'class="hit new"' not in again

    site.index(NEW, "same-again.jsonl")  # the same articles again: nothing new
    assert badges(rita) == {WATCH: "0 new"}
    removed = rita.post(f"/watches/{quote(WATCH)}/remove", data={"csrf_token": csrf_token(rita, "/watches")})
    assert removed.status_code == 303 and badges(rita) == {}
    history = CurationStore(site.dir).history()
    assert [(c.action, c.who) for c in history if c.action.startswith("watch.")] == [
        ("watch.add", "rita"), ("watch.remove", "rita")]


def test_watches_are_their_owners_and_refusals_are_400_with_the_reason(site):
    app = site.app()
    anonymous = app.test_client()
    assert "Watch this search" not in anonymous.get("/?q=Syria").get_data(as_text=True)
    for path in ("/watches", f"/watches/{quote(WATCH)}", "/account/feed"):
        response = anonymous.get(path)
        assert response.status_code == 303 and "/login" in response.headers["Location"], path
    assert anonymous.get("/api/watches").status_code == 401
    rita, alice = logged_in(app, "rita"), logged_in(app, "alice")
    assert watch_this(rita, "/?q=Syria", "mine").status_code == 303
    assert rita.post("/watches", data={"name": "x", "q": "Syria"}).status_code == 400  # no CSRF token
    assert alice.get("/watches/mine").status_code == 404 and badges(alice) == {}
    assert alice.post("/watches/mine/remove", data={"csrf_token": csrf_token(alice, "/")}).status_code == 404
    token = csrf_token(rita, "/")
    for data, message in [({"name": "mine", "q": "Kerry"}, "rita already has a watch named &#39;mine&#39;"),
                          ({"name": " ", "q": "Kerry"}, "a watch needs a name"),
                          ({"name": "bad", "q": '"open phrase'}, "This search cannot be watched"),
                          ({"name": "bad", "q": "Syria", "outlet": "x" * 3, "date": "2015-13"}, "date"),
                          ({"name": "bad", "q": "Syria", "sort": "newest"}, "sort")]:
        response = rita.post("/watches", data={**data, "csrf_token": token})
        assert response.status_code == 400 and message in response.get_data(as_text=True), data
    assert badges(rita) == {"mine": "0 new"}


def feed_url_of(client, name: str) -> str:
    """Make a new feed token on the Feed URLs page; the URL it shows for watch `name`."""
    page = client.post("/account/feed", data={"csrf_token": csrf_token(client, "/account/feed")})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    urls = re.findall(r'class="feed-url" href="([^"]+)"', page.get_data(as_text=True))
    urls = [html.unescape(u) for u in urls]
    url = next(u for u in urls if unquote(urlsplit(u).path) == f"/watches/{name}/feed.atom")
    assert urlsplit(url).scheme == "http" and urlsplit(url).netloc == "localhost"
    return url


def feed_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.mark.parametrize("private", [False, True])
def test_the_atom_feed_is_valid_lists_the_latest_matches_and_needs_the_current_feed_token(site, private):
    app = site.app(NEWSFIND_PRIVATE=private)
    rita = logged_in(app, "rita")
    assert watch_this(rita, "/?q=speaker%3ALavrov+Syria&sort=-date", WATCH).status_code == 303
    site.index(NEW)
    url = feed_url_of(rita, WATCH)
    reader = app.test_client()  # a feed reader: no session
    response = reader.get(feed_path(url))
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert "Set-Cookie" not in response.headers
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == f"newsfind watch {WATCH}: {QUERY}"
    assert feed.feed.id.startswith("urn:uuid:") and feed.feed.updated and feed.feed.author == "newsfind"
    new = {e.link.rsplit("/", 1)[1]: e for e in feed.entries if e.link.rsplit("/", 1)[1] in ("n1", "n2", "n3")}
    assert len(new) == 2 and "n3" in new  # one entry per story: n1 and n2 one
    n3 = new["n3"]
    assert n3.link == "http://localhost/articles/n3" and n3.title == "Lavrov meets Kerry"
    assert n3.author == "UPI" and n3.published.startswith("2015-09-25") and n3.updated
    assert "Sergei Lavrov" in [t.term for t in n3.tags]
    assert "UPI · 25 Sep 2015 · speakers: " in n3.summary and "Lavrov" in n3.summary
    other = next(e for k, e in new.items() if k != "n3")
    assert "+1 other version: " in other.summary
    for entry in feed.entries:  # what RFC 4287 requires of each entry (the feed's author covers theirs)
        assert entry.id.startswith("urn:uuid:") and entry.title and entry.updated and entry.link
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert reader.get(feed_path(url)).data == response.data  # reading the feed marks nothing seen...
    assert badges(rita) == {WATCH: "3 new"}  # ...the watch's own page does

    path = urlsplit(url).path
    assert reader.get(path).status_code == 403  # no token
    assert rita.get(path).status_code == 403  # the session cookie is no feed token
    assert reader.get(path + "?token=nffeed_forged").status_code == 403
    newer = feed_url_of(rita, WATCH)  # a new token: the old URL stops working
    assert reader.get(feed_path(url)).status_code == 403 and reader.get(feed_path(newer)).status_code == 200
    CurationStore(site.dir).set_password("rita", hash_password("another-password"), "test")
    assert reader.get(feed_path(newer)).status_code == 403  # a new password revokes the feed token


def test_entry_links_keep_rel_and_type_which_feedgen_drops(site):
    """feedgen 1.0.0 writes an entry's link with its href only (lkiesow/python-feedgen#135); web/atom.py
    puts back rel="alternate" and type="text/html" (feedparser assumes rel, so the raw XML is read)."""
    app = site.app()
    rita = logged_in(app, "rita")
    assert watch_this(rita, "/?q=Syria", "syria").status_code == 303
    body = app.test_client().get(feed_path(feed_url_of(rita, "syria"))).data
    links = re.findall(rb"<entry>.*?(<link [^>]*>)", body)
    assert links and all(b'rel="alternate"' in link and b'type="text/html"' in link for link in links), links[:2]


def test_feedgen_is_loaded_by_the_first_feed_and_not_by_start_up_or_other_pages(site):
    """In a fresh interpreter (a server's): the app, its search page and a watch page load neither
    feedgen nor lxml; the feed does."""
    app = site.app()
    rita = logged_in(app, "rita")
    assert watch_this(rita, "/?q=Syria", "syria").status_code == 303
    path = feed_path(feed_url_of(rita, "syria"))
    script = f"""
import json, re, sys
from newsfind.web import create_app
client = create_app({{'NEWSFIND_INDEX': {str(site.dir)!r}, 'TESTING': True}}).test_client()
token = re.search(r'name="csrf_token" value="([^"]+)"', client.get('/login').get_data(as_text=True)).group(1)
login = client.post('/login', data={{'name': 'rita', 'password': {PASSWORD!r}, 'csrf_token': token}})
codes = [login.status_code] + [client.get(p).status_code for p in ('/', '/?q=Syria', '/watches', '/watches/syria')]
before = sorted(m for m in ('feedgen', 'lxml') if m in sys.modules)
feed = client.get({path!r})
print(json.dumps([codes, before, feed.status_code, 'feedgen' in sys.modules]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    codes, before, feed_status, loaded = json.loads(done.stdout.splitlines()[-1])
    assert codes == [303, 200, 200, 200, 200] and before == [] and (feed_status, loaded) == (200, True)


def test_a_feed_token_reads_only_its_owners_feeds(site):
    app = site.app()
    rita, alice = logged_in(app, "rita"), logged_in(app, "alice")
    assert watch_this(rita, "/?q=Syria", "syria").status_code == 303
    assert watch_this(alice, "/?q=Kerry", "kerry").status_code == 303
    alice_url = feed_url_of(alice, "kerry")
    token = urlsplit(alice_url).query
    reader = app.test_client()
    assert reader.get(f"/watches/syria/feed.atom?{token}").status_code == 404  # alice has no watch "syria"
    assert reader.get(f"/api/watches?{token}").status_code == 401  # a feed token is no API token
    assert reader.get("/api/watches", headers={"Authorization": f"Bearer {token.split('=', 1)[1]}"}
                      ).status_code == 401
    saved = feedparser.parse(reader.get(feed_path(alice_url)).data)  # what matched when it was saved
    kerry = reader.get("/api/search?q=Kerry&per_page=100&facet=none").get_json()
    assert not saved.bozo and {e.link.rsplit("/", 1)[1] for e in saved.entries} == {h["id"] for h in kerry["hits"]}


def test_api_lists_watches_and_new_matches_with_a_bearer_token_or_the_session(site):
    app = site.app()
    rita = logged_in(app, "rita")
    assert watch_this(rita, "/?q=speaker%3ALavrov+Syria&sort=-date", WATCH).status_code == 303
    site.index(NEW)
    api_token = CurationStore(site.dir).create_token("rita", "test", "test")
    bearer = {"Authorization": f"Bearer {api_token}"}
    scripts = app.test_client()
    listed = scripts.get("/api/watches", headers=bearer).get_json()
    assert [(w["name"], w["query"], w["new"]) for w in listed["watches"]] == [(WATCH, QUERY, 3)]
    assert rita.get("/api/watches").get_json()["watches"] == listed["watches"]
    new = scripts.get(f"/api/watches/{quote(WATCH)}/new", headers=bearer).get_json()
    assert (new["new"], new["new_articles"], new["marked_seen"]) == (2, 3, False)
    assert new["hits"][0]["id"] == "n3" and new["hits"][1]["new_versions"][0]["id"] in ("n1", "n2")
    assert scripts.get(f"/api/watches/{quote(WATCH)}/new?limit=1", headers=bearer).get_json()["shown"] == 1
    marked = scripts.get(f"/api/watches/{quote(WATCH)}/new?mark_seen=1", headers=bearer).get_json()
    assert marked["marked_seen"] and marked["new_articles"] == 3
    assert scripts.get(f"/api/watches/{quote(WATCH)}/new", headers=bearer).get_json()["new_articles"] == 0
    missing = scripts.get("/api/watches/nope/new", headers=bearer)
    assert missing.status_code == 404 and "rita has no watch named 'nope'" in missing.get_json()["error"]["message"]
    bad = scripts.get(f"/api/watches/{quote(WATCH)}/new?limit=0", headers=bearer)
    assert bad.status_code == 400 and "limit must be" in bad.get_json()["error"]["message"]
    assert scripts.get("/api/watches").status_code == 401


def test_a_curation_change_that_makes_an_article_match_shows_on_the_watches_page(site):
    """A tag journals the article; the page looks at the journal first, as `newsfind watch new` does."""
    app = site.app()
    alice = logged_in(app, "alice")
    assert watch_this(alice, "/?q=tag%3Afollow-up", "follow-up").status_code == 303
    token = csrf_token(alice, "/articles/002_a2b3b58d53712aaf")
    tagged = alice.post("/curate/tag/002_a2b3b58d53712aaf", data={"tags": "follow-up", "csrf_token": token})
    assert tagged.status_code == 303
    assert badges(alice) == {"follow-up": "1 new"}


def test_hostile_articles_and_odd_watch_names_make_a_valid_feed_and_working_links(site):
    """Titles, outlets and bodies full of markup and control characters (which XML 1.0 cannot hold)
    are text in the feed; a watch name with a slash, spaces and quotes works in every URL."""
    from tests.webdata import EXTRA_RECORDS, XSS_ID

    app = site.app()
    rita = logged_in(app, "rita")
    name = 'Vienna / "talks" & more?'
    assert watch_this(rita, "/?q=Vienna", name).status_code == 303
    control = {"id": "ctl-1", "title": "Vienna\x01 talks \x0bresume", "body": "Talks in Vienna\x02 resumed.\x1f",
               "outlet": "Wire\x07", "date": "2016-03-05"}
    site.index([*EXTRA_RECORDS, control])
    assert badges(rita) == {name: "3 new"}
    page = rita.get("/watches/" + quote(name)).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Summit in Vienna" in page
    url = feed_url_of(rita, name)
    response = app.test_client().get(feed_path(url))
    feed = feedparser.parse(response.data)
    assert response.status_code == 200 and not feed.bozo, feed.get("bozo_exception")
    by_id = {e.link.rsplit("/", 1)[1]: e for e in feed.entries}
    assert by_id[quote(XSS_ID)].title == "<script>alert(1)</script> Summit in Vienna <img src=x onerror=alert(1)>"
    assert b"<script>" not in response.data and b"\x01" not in response.data
    assert "ctl-1" in by_id and "Wire" in by_id["ctl-1"].author
    removed = rita.post("/watches/" + quote(name) + "/remove", data={"csrf_token": csrf_token(rita, "/watches")})
    assert removed.status_code == 303 and badges(rita) == {}


def test_values_that_are_nothing_but_characters_xml_cannot_hold_still_make_a_valid_feed():
    """feedgen refuses an entry without a title and a category without a term: a title, outlet or speaker
    that is only control characters falls back (the article id, 'outlet unknown', no category); a date
    that looks full but is no day has no `published`."""
    from newsfind.web.atom import feed_document

    hit = {"hit": 5, "id": "ctl-2", "title": "\x01\x02", "outlet": "\x07", "speakers": ["\x0b", "Kerry\x0c"],
           "date": "2015-02-30", "matched_at": "2026-12-07T00:00:00Z", "snippet": "x\x00y"}
    body = feed_document({"owner": "rita", "name": "n\x01", "query": "q"}, 1, {"hits": [hit]},
                         "http://localhost/f", "http://localhost/w", lambda a: f"http://localhost/articles/{a}",
                         lambda d: d or "date unknown", "2026-12-07T00:00:00Z")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert (entry.title, entry.author, [t.term for t in entry.tags]) == ("ctl-2", "outlet unknown", ["Kerry"])
    assert "published" not in entry and "<p>xy</p>" in entry.summary and feed.feed.title == "newsfind watch n: q"


def test_watch_names_that_look_like_paths_are_only_names(site, tmp_path):
    """With a valid session or feed token, a name naming a file is looked up in the curation database
    and not found (404); nothing outside is read or written."""
    outside = site.dir.parent / "outside.txt"
    outside.write_text("SENTINEL-outside")
    (site.dir / "inside.txt").write_text("SENTINEL-inside")
    app = site.app()
    rita = logged_in(app, "rita")
    assert watch_this(rita, "/?q=Syria", "syria").status_code == 303
    token = urlsplit(feed_url_of(rita, "syria")).query
    listing = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "index" not in p.parts)
    csrf = csrf_token(rita, "/watches")
    for bad in ["../../../../etc/passwd", "../outside.txt", "inside.txt", "..%2Foutside.txt", str(outside),
                "%2e%2e/outside.txt", "..\\..\\outside.txt"]:
        for response in (rita.get(f"/watches/{bad}"), rita.get(f"/api/watches/{bad}/new"),
                         app.test_client().get(f"/watches/{bad}/feed.atom?{token}"),
                         rita.post(f"/watches/{bad}/remove", data={"csrf_token": csrf})):
            assert response.status_code in (308, 404), (bad, response.status_code)
            assert b"SENTINEL" not in response.data and b"root:" not in response.data
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "index" not in p.parts) == listing
    assert badges(rita) == {"syria": "0 new"}


def test_a_watchs_changes_show_in_the_history_to_its_owner_and_admins_only(site):
    """/history is readable by anonymous visitors on a public archive: a watch's query and notify URL
    (a webhook's secret) must not be, other than to its owner and to admins; other changes still are."""
    store = CurationStore(site.dir)
    store.add_user("root", "admin", hash_password(PASSWORD), "test")
    WatchStore(site.dir).add("rita", WATCH, QUERY, {}, "-date", "https://hooks.example.org/T0/SECRET", "rita")
    store.change_tags([_any_article(site)], ["shown-to-all"], "alice")
    app = site.app()
    for client, sees in ((app.test_client(), False), (logged_in(app, "alice"), False),
                         (logged_in(app, "rita"), True), (logged_in(app, "root"), True)):
        page = client.get("/history").get_data(as_text=True)
        api = json.dumps(client.get("/api/history").get_json())
        assert "shown-to-all" in page and "shown-to-all" in api
        assert (WATCH in page) is sees and (WATCH in api) is sees
        assert ("SECRET" in api) is sees and "SECRET" not in page  # the page's summary never shows the URL


def _any_article(site) -> str:
    from whoosh.index import open_dir

    with open_dir(str(site.dir)).searcher() as searcher:
        return next(searcher.all_stored_fields())["id"]
