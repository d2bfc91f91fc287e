"""Curation in a real browser: an archivist logs in, tags the Lavrov stories in bulk from a result
set (seeing the count first), finds the tag facet, and reads an article's history. `newsfind serve`
runs as a subprocess on its own copy of the seed index (tagging must not change what the other
browser tests see)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from playwright.sync_api import Page, expect

from index.curation.store import CurationStore, hash_password
from tests.conftest import ROOT
from tests.test_browser import NEWSFIND, browser, shot, wait_for_url_line, wait_until_answering  # noqa: F401
from tests.test_curation import LAVROV_SPEAKS, copy_index

PASSWORD = "archive-all-the-things"


@pytest.fixture(scope="module")
def curation_server(tmp_path_factory, seed_index):
    index_dir = copy_index(seed_index, tmp_path_factory.mktemp("browser-curation") / "index")
    CurationStore(index_dir).add_user("alice", "archivist", hash_password(PASSWORD), "test")
    proc = subprocess.Popen([str(NEWSFIND), "--index", str(index_dir), "serve", "--port", "0"], cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        url = wait_for_url_line(proc, deadline)
        wait_until_answering(url, deadline)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def page(browser, curation_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=curation_server)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert problems == []


def test_archivist_logs_in_bulk_tags_the_lavrov_stories_and_reads_the_history(page: Page):
    page.goto("/?q=speaker:Lavrov")
    expect(page.get_by_label("Tag all 2")).to_have_count(0)  # anonymous: no curation forms
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
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
