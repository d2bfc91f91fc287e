"""The UI in a real browser: `newsfind serve` as a subprocess (waitress, a real port), Debian's
chromium driven by Playwright. One server and one browser for the whole session; a fresh page (and
browser context) per test. Screenshots go to build/screenshots/.

Chromium comes from `make test` (`apt-get install chromium` when /usr/bin/chromium is missing);
Playwright never downloads a browser here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from newsfind.web.served import served
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import ROOT, SEED_IDS, needs
from tests.webdata import XSS_ID, build_web_index

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "build" / "screenshots"
LAVROV_SPEAKS = ["002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"]


@pytest.fixture(scope="session")
def server(tmp_path_factory, seed_index):
    """`newsfind --index DIR serve --port 0` on the seeds plus two extra articles (one hostile)."""
    index_dir = build_web_index(tmp_path_factory.mktemp("browser") / "index", seed_index)
    with served(index_dir, cwd=ROOT) as running:
        yield running.url


@pytest.fixture(scope="session")
@needs("browser")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def checked_page(browser, base_url: str) -> Iterator[Page]:
    """A page in a fresh context; fails the test on a script error, a CSP violation, a dialog or a failed
    request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "status of 400" not in msg.text else None)
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    # A request cut short by the next navigation (ERR_ABORTED, e.g. the favicon) is not a failure.
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}: {req.failure}")
            if "ERR_ABORTED" not in (req.failure or "") else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def page(browser, server):
    with checked_page(browser, server) as page:
        yield page


def shot(page: Page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def hit_ids(page: Page) -> list[str]:
    hrefs = page.locator("ol.hits .hit-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [unquote(h.removeprefix("/articles/")) for h in hrefs]


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_search_click_speaker_facet_remove_chip_and_go_back(page: Page):
    page.goto("/")
    page.get_by_label("Search articles").fill("Syria")
    page.get_by_label("Search articles").press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("5 articles match")
    assert sorted(hit_ids(page)) == SEED_IDS

    page.locator("#facet-speaker").get_by_role("link", name="Add filter Speaker: Sergei Lavrov").click()
    expect(page.locator("#results-heading")).to_contain_text("2 articles match")
    assert params(page) == {"q": ["Syria"], "speaker": ["Sergei Lavrov"]}
    assert sorted(hit_ids(page)) == LAVROV_SPEAKS
    chip = page.get_by_role("link", name="Remove filter Speaker: Sergei Lavrov").first
    expect(chip).to_be_visible()
    shot(page, "search-speaker-lavrov")

    page.locator("ul.chips").get_by_role("link", name="Remove filter Speaker: Sergei Lavrov").click()
    expect(page.locator("#results-heading")).to_contain_text("5 articles match")
    expect(page.locator("ul.chips")).to_have_count(0)
    page.go_back()  # the back button restores the filtered state: it is all in the URL
    expect(page.locator("#results-heading")).to_contain_text("2 articles match")
    assert sorted(hit_ids(page)) == LAVROV_SPEAKS


def test_facet_find_box_and_show_more(page: Page):
    page.goto("/?q=Syria")
    page.get_by_label("Find in people").fill("kirb")
    people = page.locator("#facet-person ul.values .v")
    expect(people).to_have_text(["John Kirby"])  # fetched from /api/facets/person as you type
    page.locator("#facet-person").get_by_role("link", name=re.compile("Add filter Person: John Kirby")).click()
    expect(page.locator("#results-heading")).to_contain_text("1 article matches")
    assert params(page)["person"] == ["John Kirby"]

    page.goto("/?q=Syria")
    before = page.locator("#facet-org .toggle").count()
    page.locator("#facet-org").get_by_role("link", name="Show more").click()
    assert page.locator("#facet-org .toggle").count() > before and params(page)["expand"] == ["org"]


def test_open_article_then_entity_page(page: Page):
    page.goto("/?q=Zakharova")
    page.locator("ol.hits .hit-title a").first.click()
    expect(page.locator("h1#article-title")).to_contain_text("Russia Did Not Deny")
    expect(page.locator(".body .said-by").first).to_be_visible()
    expect(page.locator(".body a.ent-person").first).to_be_visible()
    assert page.locator(".body .quote").count() >= 3
    assert page.locator("#similar-h + ol.similar li").count() >= 1
    shot(page, "article", full_page=False)

    page.locator(".body a.ent-person", has_text="Lavrov").first.click()
    expect(page.locator("h1")).to_have_text("Sergei Lavrov")
    expect(page.locator(".summary")).to_contain_text("Named in 5 articles")
    expect(page.locator("ol.quotes li")).to_have_count(3)
    expect(page.locator("svg.histogram a.bar")).to_have_count(1)  # his one dated article: 7 Sep 2015
    shot(page, "entity-lavrov")
    page.get_by_role("link", name="5 articles").click()
    assert params(page) == {"person": ["Sergei Lavrov"]} and len(hit_ids(page)) == 5


def test_histogram_bar_click_and_drag_select_dates(page: Page):
    page.goto("/")
    bars = page.locator("svg.histogram a.bar")
    expect(bars).to_have_count(7)
    expect(page.locator("#hist-caption")).to_contain_text("by month (3 of 7)")
    shot(page, "histogram", full_page=False)

    page.locator('svg.histogram a.bar[data-key="2015-09"]').click()
    expect(page.locator("#results-heading")).to_contain_text("1 article")
    assert params(page)["date"] == ["2015-09"] and hit_ids(page) == ["004_2064c722ad5b44e7"]
    expect(page.get_by_role("link", name="Remove filter Date: Sep 2015")).to_be_visible()
    expect(page.locator("svg.histogram a.bar.selected")).to_have_count(1)

    page.goto("/")  # drag across Sep .. Dec 2015: a range
    first = page.locator('svg.histogram a.bar[data-key="2015-09"] .hit-area').bounding_box()
    last = page.locator('svg.histogram a.bar[data-key="2015-12"] .hit-area').bounding_box()
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(r"date=2015-09\.\.2015-12"))
    expect(page.locator("#results-heading")).to_contain_text("2 articles")
    assert sorted(hit_ids(page)) == ["004_2064c722ad5b44e7", "feeds/2015-12?x=1&y=<b>"]

    page.get_by_label("From").fill("2016-01")  # the keyboard way: From / To
    page.get_by_label("to", exact=True).fill("2016-03-31")
    page.get_by_role("button", name="Filter dates").click()
    assert params(page)["date"] == ["2016-01..2016-03-31"] and hit_ids(page) == [XSS_ID]


def test_bad_query_shows_the_message_with_400(page: Page):
    response = page.goto('/?q=%22open+phrase')
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("unclosed quote")
    expect(page.get_by_label("Search articles")).to_have_value('"open phrase')


def test_help_popover_and_keyboard_navigation(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Search articles")).to_be_focused()
    page.keyboard.type("Kirby")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("1 article matches")

    page.get_by_role("button", name="Query language help").click()
    expect(page.locator("#query-help")).to_be_visible()
    expect(page.locator("#query-help")).to_contain_text("speaker:Lavrov")
    shot(page, "help-popover", full_page=False)
    page.keyboard.press("Escape")
    expect(page.locator("#query-help")).to_be_hidden()


def test_hostile_article_runs_no_script(page: Page):
    """The page fixture fails the test on any dialog (alert) or script error."""
    page.goto("/?q=Vienna")
    page.goto(f"/articles/{XSS_ID}")
    expect(page.locator("h1#article-title")).to_contain_text("<script>alert(1)</script> Summit in Vienna")
    expect(page.locator(".body")).to_contain_text("<img src=x onerror=alert(3)>")
    assert page.locator(".body img, h1 img, script:not([src])").count() == 0
    page.goto("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    expect(page.get_by_label("Search articles")).to_have_value("<script>alert(1)</script>")


def test_narrow_screen_is_readable_without_horizontal_scrolling(browser, server):
    context = browser.new_context(viewport={"width": 400, "height": 800}, base_url=server)
    page = context.new_page()
    try:
        for url, name in [("/?q=Syria&speaker=Sergei+Lavrov", "search-400px"),
                          ("/articles/002_a2b3b58d53712aaf", "article-400px")]:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 400, url
            shot(page, name, full_page=False)
        expect(page.locator("h1#article-title")).to_be_visible()
    finally:
        context.close()


def test_no_layout_shift_while_loading(page: Page):
    page.add_init_script("""
        window.__shift = 0;
        new PerformanceObserver(list => {
            for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
        }).observe({type: "layout-shift", buffered: true});
    """)
    for url in ("/?q=Syria", "/articles/002_a2b3b58d53712aaf", "/entities/person/Sergei%20Lavrov"):
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)  # let late shifts, if any, be reported
        assert page.evaluate("window.__shift") < 0.01, url


# -- curation: an archivist logs in, bulk-tags the Lavrov stories after seeing the count, finds the
# tag facet and reads an article's history (its own server and index copy).

ARCHIVIST_PASSWORD = "archive-all-the-things"



@pytest.fixture(scope="module")
def curation_server(tmp_path_factory, seed_index):
    """`newsfind serve` on its own copy of the seeds, with an archivist: tagging there must not change
    what the other tests see."""
    from newsfind.index.curation.accounts import hash_password
    from newsfind.index.curation.store import CurationStore

    from tests.conftest import copy_index

    index_dir = copy_index(seed_index, tmp_path_factory.mktemp("browser-curation") / "index")
    CurationStore(index_dir).add_user("alice", "archivist", hash_password(ARCHIVIST_PASSWORD), "test")
    with served(index_dir, cwd=ROOT) as running:
        yield running.url


@pytest.fixture
def curation_page(browser, curation_server):
    with checked_page(browser, curation_server) as page:
        yield page


def test_archivist_logs_in_bulk_tags_the_lavrov_stories_and_reads_the_history(curation_page: Page):
    page = curation_page
    page.goto("/?q=speaker:Lavrov")
    expect(page.get_by_label("Tag all 2")).to_have_count(0)  # anonymous: no curation forms
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Name").fill("alice")
    page.get_by_label("Password").fill(ARCHIVIST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".flashes")).to_contain_text("Logged in as alice (archivist)")
    expect(page.locator("#results-heading")).to_contain_text("2 articles match")  # back where she was

    page.get_by_label("Tag all 2").fill("lavrov-talks")
    page.get_by_role("button", name="Tag…").click()
    expect(page.locator("#bulk-count")).to_contain_text("2 articles match query 'speaker:Lavrov'")
    shot(page, "curation-bulk-confirm")
    page.get_by_role("button", name="Apply to 2 articles").click()
    expect(page.locator(".flashes")).to_contain_text("+lavrov-talks on 2 articles (query 'speaker:Lavrov')")
    tag_facet = page.locator("#facet-tag")
    expect(tag_facet.locator(".v")).to_have_text(["lavrov-talks"])
    expect(tag_facet.locator(".n")).to_have_text(["2"])
    shot(page, "curation-tag-facet")

    tag_facet.get_by_role("link", name="Add filter Tag: lavrov-talks (2)").click()
    expect(page.locator("#results-heading")).to_contain_text("2 articles")
    page.locator("ol.hits .hit-title a").first.click()
    history = page.locator("#curation ol.changes li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("alice")
    expect(history.first).to_contain_text("+lavrov-talks on 2 articles")
    expect(page.locator("#curation .tag-list")).to_contain_text("lavrov-talks")
    assert any(page.url.endswith(article_id) for article_id in LAVROV_SPEAKS)
    shot(page, "curation-article-history")

    page.get_by_label("Add tags").fill("needs review")
    page.get_by_role("button", name="Tag", exact=True).click()
    expect(page.locator("#curation .tag-list")).to_contain_text("needs review")
    expect(history).to_have_count(2)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


# -- watches: a reader saves a search, new articles are indexed into the same index directory by the
# real command, the badge counts them, the watch shows them highlighted and then seen, the feed URL
# answers a client with no session (its own server and index copy).

READER_PASSWORD = "watch-the-archive"


@pytest.fixture(scope="module")
def watch_site(tmp_path_factory, seed_index):
    from newsfind.index.curation.accounts import hash_password
    from newsfind.index.curation.store import CurationStore

    from tests.conftest import Runner, copy_index

    root = tmp_path_factory.mktemp("browser-watches")
    index_dir = copy_index(seed_index, root / "index")
    CurationStore(index_dir).add_user("rita", "reader", hash_password(READER_PASSWORD), "test")
    with served(index_dir, cwd=ROOT) as running:
        yield running.url, Runner(index_dir), root


def test_reader_watches_a_search_sees_the_badge_after_an_index_run_opens_it_and_fetches_the_feed(browser, watch_site):
    import feedparser

    from tests.generate import write_articles
    from tests.serving import get
    from tests.test_watches import NEW

    url, run, root = watch_site
    with checked_page(browser, url) as page:
        page.goto("/login")
        page.get_by_label("Name").fill("rita")
        page.get_by_label("Password").fill(READER_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_label("Search articles").fill("speaker:Lavrov Syria")
        page.get_by_label("Search articles").press("Enter")
        page.get_by_role("link", name="Newest first").click()
        expect(page.locator("#results-heading")).to_contain_text("match")
        page.get_by_label("Watch this search as").fill("lavrov syria")
        shot(page, "watch-this-search", full_page=False)
        page.get_by_role("button", name="Watch this search").click()
        expect(page.locator(".flashes")).to_contain_text("Watching 'lavrov syria'")
        expect(page.locator(".watches .badge")).to_have_text(["0 new"])

        result = run("index", str(write_articles(root / "new.jsonl", NEW)), "--jobs", "1")
        assert result.exit_code == 0 and "lavrov syria (rita): 3 new" in result.output, result.output
        page.reload()
        expect(page.locator(".watches .badge")).to_have_text(["3 new"])
        shot(page, "watches-badge")

        page.get_by_role("link", name="lavrov syria").click()
        expect(page.locator("#new-count")).to_contain_text("2 new stories (3 articles)")
        expect(page.locator("li.hit.new")).to_have_count(2)
        expect(page.locator("li.hit.new .hit-title a").first).to_have_text("Lavrov meets Kerry")  # newest first
        expect(page.locator("li.hit.new .versions")).to_contain_text("+1 other version")
        assert page.locator("li.hit.new").first.evaluate("li => getComputedStyle(li).borderLeftStyle") == "solid"
        shot(page, "watch-new-matches")
        page.reload()
        expect(page.locator("#new-count")).to_contain_text("Nothing new since you last looked")
        expect(page.locator("li.hit.new")).to_have_count(0)

        page.get_by_role("link", name="feed URL").click()
        page.get_by_role("button", name="Make a feed token").click()
        feed_url = page.locator("a.feed-url").get_attribute("href")
        page.set_viewport_size({"width": 400, "height": 800})  # long feed URLs wrap on a narrow screen
        page.wait_for_function("window.innerWidth === 400")  # the resize reaches the page later on a busy machine
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        shot(page, "watch-feed-urls-400px", full_page=False)
        page.set_viewport_size({"width": 1280, "height": 900})
        status, body = get(feed_url)  # no cookie: as a feed reader fetches it
        feed = feedparser.parse(body)
        assert status == 200 and not feed.bozo
        assert f"{url}articles/n3" in [e.link for e in feed.entries]
        page.get_by_role("link", name="Watches", exact=True).click()
        page.get_by_role("button", name="Remove watch lavrov syria").click()
        expect(page.locator(".flashes")).to_contain_text("Watch 'lavrov syria' removed")
        expect(page.locator(".watches")).to_have_count(0)
