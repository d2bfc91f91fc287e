"""The web UI and API through Flask's test client: every route and error path, on the real seed
index and on a copy with hostile articles. The app is created with TESTING, so an exception in a
view fails the test instead of turning into a 500 page."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner
from newsfind.search.query import HELP
from newsfind.web import create_app
from newsfind.web import histogram as hist
from newsfind.web.markup import mark_text

from newsfind.cli.main import cli
from tests.conftest import SEED_IDS, Runner, write_jsonl
from tests.webdata import ODD_ID, PAYLOADS, XSS_ID, build_web_index

LAVROV_SPEAKS = ["002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"]


@pytest.fixture(scope="module")
def web_index(tmp_path_factory, seed_index):
    return build_web_index(tmp_path_factory.mktemp("web") / "index", seed_index)


def make_client(index_dir):
    app = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True})
    return app.test_client()


@pytest.fixture
def client(seed_index):
    return make_client(seed_index)


@pytest.fixture
def web_client(web_index):
    return make_client(web_index)


def html(response) -> str:
    return response.get_data(as_text=True)


def hit_ids(page: str) -> list[str]:
    """Article ids of the hits on a search page, in order."""
    hits = page.split('<ol class="hits"', 1)[1].split("</ol>", 1)[0] if '<ol class="hits"' in page else ""
    return [unquote(unescape(m)) for m in re.findall(r'<h2 class="hit-title"><a href="/articles/([^"]+)"', hits)]


# -- search page -------------------------------------------------------------------------------


def test_search_page_shows_hits_facets_histogram_and_help(client):
    response = client.get("/?q=Syria")
    page = html(response)
    assert response.status_code == 200
    assert sorted(hit_ids(page)) == SEED_IDS
    assert "5 articles" in page and "<q>Syria</q>" in page
    assert "<mark>Syria</mark>" in page
    for name in ("speaker", "person", "org", "place", "outlet"):
        assert f'id="facet-{name}"' in page
    assert 'href="/?q=Syria&amp;speaker=Sergei+Lavrov"' in page  # a facet value adds a filter
    assert 'href="/entities/person/Sergei%20Lavrov"' in page  # and links to its entity page
    assert '<svg class="histogram"' in page and 'data-key="2015-09-07"' in page
    assert "popover" in page and "speaker:Lavrov" in page and "date:[2015-09-01 to 2015-09-30]" in HELP
    assert '<label class="visually-hidden" for="q">Search articles</label>' in page


def test_speaker_filter_shows_exactly_the_matching_articles_with_a_removable_chip(client):
    page = html(client.get("/?q=Syria&speaker=Sergei+Lavrov"))
    assert sorted(hit_ids(page)) == LAVROV_SPEAKS
    chip = re.search(r'<a class="chip" href="([^"]+)" aria-label="Remove filter Speaker: Sergei Lavrov"', page)
    assert chip and chip.group(1) == "/?q=Syria"
    # the selected value toggles off; the search form keeps the filter when the query changes
    assert 'href="/?q=Syria" aria-label="Remove filter Speaker: Sergei Lavrov (2)"' in page
    assert '<input type="hidden" name="speaker" value="Sergei Lavrov">' in page


def test_values_of_one_facet_or_and_facets_and(client):
    two = html(client.get("/?speaker=John+Kirby&speaker=Josh+Earnest"))
    assert sorted(hit_ids(two)) == ["003_f379e9a848eb2c6b", "004_2064c722ad5b44e7"]
    both = html(client.get("/?speaker=John+Kirby&speaker=Josh+Earnest&outlet=112+Ukraine"))
    assert hit_ids(both) == ["004_2064c722ad5b44e7"]
    assert both.count('class="chip"') == 3 and "Clear all" in both


def test_sort_and_pagination_have_no_cap(client):
    newest = html(client.get("/?sort=-date&per_page=2"))
    assert hit_ids(newest)[0] == "004_2064c722ad5b44e7"
    assert 'aria-current="true" class="current">Newest first' in newest
    assert 'href="/?sort=-date&amp;per_page=2&amp;page=3"' in newest and 'rel="next"' in newest
    last = html(client.get("/?sort=-date&per_page=2&page=3"))
    assert len(hit_ids(last)) == 1 and 'rel="prev"' in last
    far = client.get("/?per_page=1&page=20000")  # far past 10,000 hits' worth of pages
    assert far.status_code == 200 and "No articles on page 20000" in html(far)
    assert hit_ids(html(client.get("/?sort=date")))[0] == "004_2064c722ad5b44e7"  # undated last either way


def test_show_more_and_find_inside_a_facet_without_javascript(client):
    page = html(client.get("/?q=Syria"))
    assert 'href="/?q=Syria&amp;expand=org">Show more' in page
    expanded = html(client.get("/?q=Syria&expand=org"))
    section = expanded.split('id="facet-org"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="toggle"') > 10 and "Show fewer" in section
    found = html(client.get("/?q=Syria&expand=person&within=kir"))
    section = found.split('id="facet-person"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<span class="v">([^<]+)</span>', section) == ["John Kirby"]
    nothing = html(client.get("/?expand=person&within=zzz"))
    assert "No person contains “zzz”" in nothing


def test_date_filters_and_histogram(client):
    assert hit_ids(html(client.get("/?date=2015-09"))) == ["004_2064c722ad5b44e7"]
    assert hit_ids(html(client.get("/?date=2015-09-08..2015-12"))) == []
    response = client.get("/?q=Syria&date_from=2015-09-01&date_to=2015-09-30&page=3")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?q=Syria&date=2015-09-01..2015-09-30"
    page = html(client.get("/?date=2015-09-01..2015-09-30"))
    assert '<a class="bar selected"' in page and "Date</span> 1 Sep 2015 – 30 Sep 2015" in page


def test_histogram_units_and_links():
    def build(days, selected=()):
        return hist.build([{"value": d, "count": c} for d, c in days.items()], list(selected), lambda k: f"?date={k}")

    by_day = build({"2015-09-01": 2, "2015-09-03": 1}, ["2015-09-02..2015-09-03"])
    assert by_day.unit == "day" and [b.key for b in by_day.bars] == ["2015-09-01", "2015-09-02", "2015-09-03"]
    assert [b.count for b in by_day.bars] == [2, 0, 1] and [b.selected for b in by_day.bars] == [False, True, True]
    assert by_day.bars[0].height > by_day.bars[2].height > 0 == by_day.bars[1].height
    by_month = build({"2015-09-07": 1, "2016-03-04": 1})
    assert by_month.unit == "month" and len(by_month.bars) == 7 and by_month.bars[0].label == "Sep 2015"
    by_year = build({"2001-01-01": 1, "2015-06-01": 3}, ["2015"])
    assert by_year.unit == "year" and by_year.bars[-1].key == "2015" and by_year.bars[-1].selected
    assert by_year.bars[-1].href == "?date=2015" and by_year.total == 4
    assert build({}) is None
    assert all(b.x >= 0 and b.x + b.width <= hist.WIDTH for b in by_month.bars)


# -- errors: 400 with the message, 404, never 500 ----------------------------------------------


@pytest.mark.parametrize("url, status, message", [
    ("/?q=%22open", 400, "unclosed quote"),
    ("/?q=colour:red", 400, "unknown field"),
    ("/?q=date:2015-02-30", 400, "not a valid date"),
    ("/?q=*foo", 400, "wildcard cannot start"),
    ("/?page=abc", 400, "page must be a whole number"),
    ("/?page=-1", 400, "page must be 1 or more"),
    ("/?page=0", 400, "page must be 1 or more"),
    ("/?per_page=100000", 400, "per_page must be between"),
    ("/?sort=sideways", 400, "unknown sort"),
    ("/?expand=colour", 400, "unknown facet"),
    ("/?date=2015-13", 400, "not a valid date"),
    ("/?date=2016..2015", 400, "ends before it starts"),
    ("/?date_from=soon", 400, "is not a date"),
    ("/?q=" + "x" * 3000, 400, "too long"),
    ("/articles/no-such-id", 404, "no article with id"),
    ("/articles/../../etc/passwd", 404, "no article with id"),
    ("/articles/%2e%2e%2fetc%2fpasswd", 404, "no article with id"),
    ("/entities/person/Nobody%20Atall", 404, "No article names the person"),
    ("/entities/colour/red", 404, "Entity pages are for"),
    ("/export.xml", 404, "Export formats"),
    ("/export.csv?q=%22open", 400, "unclosed quote"),
    ("/no/such/page", 404, "Not Found"),
])
def test_bad_requests_are_pages_with_a_message(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status, html(response)[:500]
    assert response.mimetype == "text/html"
    assert message.lower() in html(response).lower()


@pytest.mark.parametrize("url, status, message", [
    ("/api/search?q=%22open", 400, "unclosed quote"),
    ("/api/search?page=abc", 400, "page must be a whole number"),
    ("/api/search?page=-1", 400, "page must be 1 or more"),
    ("/api/search?facet=colour", 400, "unknown facet"),
    ("/api/search?facet_size=0", 400, "facet_size must be between"),
    ("/api/search?sort=up", 400, "unknown sort"),
    ("/api/articles/no-such-id", 404, "no article with id"),
    ("/api/articles/../x", 404, "no article with id"),
    ("/api/facets/colour", 404, "no facet"),
    ("/api/facets/person?size=abc", 400, "size must be a whole number"),
    ("/api/facets/person?size=100000", 400, "size must be between"),
    ("/api/facets/person?q=date:2015-13", 400, "not a valid date"),
    ("/api/nothing", 404, "not found"),
    ("/export.jsonl?date=x", 400, "is not a date"),
])
def test_api_errors_are_json(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status and message.lower() in error["message"].lower()


def test_a_query_error_keeps_the_query_and_filters_in_the_form(client):
    page = html(client.get("/?q=%22open&speaker=John+Kirby"))
    assert 'value="&#34;open"' in page and '<input type="hidden" name="speaker" value="John Kirby">' in page
    assert "Remove filter Speaker: John Kirby" in page


def test_unknown_filter_parameters_are_ignored_and_huge_pages_are_empty(client):
    assert client.get("/?colour=red").status_code == 200
    data = client.get("/api/search?page=99999999999999999999").get_json()
    assert data["hits"] == [] and data["total"] == 5


# -- API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("cli_args, query_string", [
    (["Syria speaker:Lavrov"], "q=Syria+speaker%3ALavrov"),
    (["", "--sort", "-date", "--limit", "2", "--page", "2"], "sort=-date&per_page=2&page=2"),
    (["", "--filter", "speaker=John Kirby", "--filter", "speaker=Josh Earnest", "--facet", "outlet",
      "--facet", "date"], "speaker=John+Kirby&speaker=Josh+Earnest&facet=outlet&facet=date"),
    (["Russia", "--facet", "none"], "q=Russia&facet=none"),
])
def test_api_search_is_exactly_the_cli_json(client, run_seed, cli_args, query_string):
    assert client.get(f"/api/search?{query_string}").get_json() == run_seed.json("query", *cli_args)


def test_api_article_is_show_json(client, run_seed):
    data = client.get("/api/articles/002_a2b3b58d53712aaf").get_json()
    assert data == run_seed.json("show", "002_a2b3b58d53712aaf")


def test_api_facets(client):
    data = client.get("/api/facets/person?q=Syria&speaker=John+Kirby&contains=KIR").get_json()
    assert data == {"facet": "person", "label": "People", "truncated": False,
                    "values": [{"value": "John Kirby", "count": 1, "selected": False}]}
    selected = client.get("/api/facets/speaker?speaker=John+Kirby&size=1").get_json()  # 003: Kerry and Kirby
    assert selected["values"] == [{"value": "John Kerry", "count": 1, "selected": False},
                                  {"value": "John Kirby", "count": 1, "selected": True}]  # selected: always listed
    assert selected["truncated"]
    top = client.get("/api/facets/person?size=2").get_json()
    assert len(top["values"]) == 2 and top["truncated"]
    days = client.get("/api/facets/date").get_json()
    assert days["values"] == [{"value": "2015-09-07", "count": 1, "selected": False}]


def test_openapi_document_describes_every_api_route(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    routes = {re.sub(r"<(?:path:)?(\w+)>", r"{\1}", rule.rule) for rule in client.application.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    routes = {r.replace("{article_id}", "{id}") for r in routes}
    assert routes == set(doc["paths"])
    params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "page", "per_page", "sort", "facet", "facet_size", "speaker", "person", "date"} <= params
    required = set(doc["components"]["schemas"]["SearchResult"]["required"])
    assert required == set(client.get("/api/search").get_json())
    hit_keys = set(doc["components"]["schemas"]["Hit"]["required"])
    assert hit_keys == set(client.get("/api/search?q=Syria").get_json()["hits"][0])


# -- article and entity pages ------------------------------------------------------------------


def test_article_page_marks_entities_and_quotes_tied_to_speakers(client):
    response = client.get("/articles/002_a2b3b58d53712aaf")
    page = html(response)
    assert response.status_code == 200
    assert "Russia Did Not Deny Sending Military Equipment" in page
    assert '<a class="ent ent-person" href="/entities/person/Maria%20Zakharova"' in page
    assert '<a class="ent ent-place" href="/entities/place/Syria"' in page
    assert '<a class="ent ent-org"' in page
    quote_span = re.search(r'<span class="quote quote-direct" id="q(\d+)"[^>]*>(.*?)<a class="said-by" '
                           r'href="/entities/person/([^"]+)"', page, re.S)
    assert quote_span and "confirmed that such assistance" in quote_span.group(2)
    assert '<a class="ent ent-person" href="/entities/person/Sergei%20Lavrov"' in quote_span.group(2)  # nested
    assert quote_span.group(3) == "Maria%20Zakharova"
    assert f'href="#q{quote_span.group(1)}"' in page  # listed beside the text, linked to the mark
    assert "Other coverage" in page and page.count('<ol class="similar">') == 1
    similar = re.findall(r'<li><a href="/articles/([^"]+)"', page.split('id="similar-h"', 1)[1])
    assert similar and "002_a2b3b58d53712aaf" not in similar


def test_entity_page(client):
    response = client.get("/entities/person/Sergei%20Lavrov")
    page = html(response)
    assert response.status_code == 200
    assert "<h1>Sergei Lavrov</h1>" in page and "5 articles" in page and "quoted 3 times" in page
    assert 'href="/?person=Sergei+Lavrov"' in page and 'href="/?speaker=Sergei+Lavrov"' in page
    assert '<svg class="histogram"' in page and 'href="/?person=Sergei+Lavrov&amp;date=2015-09-07"' in page
    assert "“premature”" in page  # one of his quotes
    assert '<a class="ent ent-person" href="/entities/person/John%20Kerry">John Kerry</a>' in page
    assert 'href="/entities/person/Sergei%20Lavrov"' not in page.split('id="with-h"', 1)[1]  # not with himself
    place = client.get("/entities/place/Syria")
    assert place.status_code == 200 and "Quotes by" not in html(place)


# -- export ------------------------------------------------------------------------------------


def test_export_streams_every_hit_with_filters(client, run_seed):
    response = client.get("/export.csv?per_page=1&page=2")  # paging does not limit an export
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="newsfind-export.csv"'
    rows = list(csv.DictReader(io.StringIO(html(response))))
    assert sorted(r["id"] for r in rows) == SEED_IDS
    lavrov = list(csv.DictReader(io.StringIO(html(client.get("/export.csv?speaker=Sergei+Lavrov&sort=-date")))))
    assert [r["id"] for r in lavrov] == ["004_2064c722ad5b44e7", "002_a2b3b58d53712aaf"]
    assert "Sergei Lavrov" in lavrov[0]["speakers"].split("; ")

    jsonl = client.get("/export.jsonl?q=speaker:Lavrov")
    assert jsonl.mimetype == "application/x-ndjson"
    articles = [json.loads(line) for line in html(jsonl).splitlines()]
    cli_export = [json.loads(line) for line in run_seed("export", "speaker:Lavrov").output.splitlines()]
    assert sorted(articles, key=lambda a: a["id"]) == cli_export


def test_export_neutralises_spreadsheet_formulas(tmp_path, seed_index):
    from newsfind.web.views import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell(["a", "b"]) == "a; b" and _cell(None) == ""


# -- hostile content ---------------------------------------------------------------------------


def assert_no_payload(page: str) -> None:
    for payload in PAYLOADS:
        assert payload not in page, payload


@pytest.mark.parametrize("url", [
    "/?q=Vienna", "/?q=summit", "/", "/?outlet=%3Cb%3EEvil%3C%2Fb%3E+Outlet+%3Cscript%3Ealert(4)%3C%2Fscript%3E",
    "/?expand=author", f"/articles/{XSS_ID}", "/entities/person/Federica%20Mogherini", "/entities/place/Vienna",
])
def test_untrusted_article_text_is_escaped_everywhere(web_client, url):
    response = web_client.get(url)
    page = html(response)
    assert response.status_code == 200, url
    assert_no_payload(page)


def test_hostile_article_renders_escaped_and_marked(web_client):
    page = html(web_client.get(f"/articles/{XSS_ID}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Summit in" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert '<a class="said-by" href="/entities/person/Federica%20Mogherini"' in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in page
    assert "javascript:alert(6)" not in page  # an unsafe URL is neither linked nor shown
    search = html(web_client.get("/?q=accept"))
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in search and "<mark>accept</mark>" in search
    assert "Mogherini" in html(web_client.get("/?q=Mogherini"))


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"<img src=x onerror=alert(1)>', "</q><script>alert(1)",
                               'x" onfocus="alert(1)', "person:<script>alert(1)</script>"])
def test_hostile_queries_are_escaped_in_pages_and_errors(web_client, q):
    response = web_client.get("/?q=" + quote(q))
    assert response.status_code in (200, 400)
    page = html(response)
    assert_no_payload(page)
    assert 'onfocus="alert' not in page
    api = web_client.get("/api/search?q=" + quote(q))
    assert api.status_code in (200, 400) and api.mimetype == "application/json"


def test_odd_ids_round_trip_through_urls(web_client):
    page = html(web_client.get("/?q=progress"))
    assert hit_ids(page) == [ODD_ID]
    link = re.search(r'<h2 class="hit-title"><a href="([^"]+)"', page).group(1)
    assert link == "/articles/feeds/2015-12%3Fx=1&amp;y=%3Cb%3E"
    article = web_client.get(link.replace("&amp;", "&"))
    assert article.status_code == 200 and "Ministers meet in Vienna" in html(article)
    assert web_client.get("/api/articles/" + quote(ODD_ID, safe="/")).get_json()["id"] == ODD_ID


def test_month_histogram_on_the_wider_index(web_client):
    page = html(web_client.get("/"))
    assert "Dated articles by month (3 of 7)" in page
    assert re.findall(r'data-key="([^"]+)"', page) == ["2015-09", "2015-10", "2015-11", "2015-12", "2016-01",
                                                        "2016-02", "2016-03"]


def test_markup_nests_mentions_in_quotes_and_drops_crossing_spans():
    text = 'Lavrov said "<b>Kerry</b> agrees" in Geneva.'
    quotes = [{"speaker": "Sergei Lavrov", "speaker_type": "person", "start": 13, "end": 32, "kind": "direct",
               "index": 0}]
    mentions = [
        {"kind": "person", "value": "Sergei Lavrov", "start": 0, "end": 6},
        {"kind": "person", "value": "John Kerry", "start": 16, "end": 21},
        {"kind": "place", "value": "Geneva", "start": 37, "end": 43},
        {"kind": "org", "value": "Crossing", "start": 30, "end": 40},  # crosses the quote's end: unmarked
        {"kind": "person", "value": "Out of range", "start": 40, "end": 400},
    ]
    marked = mark_text(text, mentions, quotes, lambda kind, value: f"/e/{kind}/{value}")
    out = str(marked.html)
    assert out.startswith('<a class="ent ent-person" href="/e/person/Sergei Lavrov" title="person: Sergei Lavrov">'
                          'Lavrov</a> said &#34;<span class="quote quote-direct" id="q0"')
    assert '&lt;b&gt;<a class="ent ent-person" href="/e/person/John Kerry"' in out
    assert '<a class="said-by" href="/e/person/Sergei Lavrov" aria-label="quote by Sergei Lavrov">' in out
    assert "Crossing" not in out and "Out of range" not in out and "<b>" not in out
    assert marked.quotes == {0}
    unattributed = mark_text("a “b” c", [], [{"speaker": None, "start": 2, "end": 5, "index": 3}])
    assert 'class="said-by unattributed"' in str(unattributed.html) and unattributed.quotes == {3}


# -- serving -----------------------------------------------------------------------------------


def test_pages_have_no_inline_scripts_styles_or_external_resources(client):
    for url in ("/?q=Syria", "/articles/002_a2b3b58d53712aaf", "/entities/person/Sergei%20Lavrov", "/nothing"):
        response = client.get(url)
        page = html(response)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert " style=" not in page and "<style" not in page
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page), url
    for asset in ("style.css", "app.js", "favicon.svg"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_searchers_follow_the_index_when_it_changes(tmp_path, seed_index):
    from tests.webdata import build_web_index

    index_dir = build_web_index(tmp_path / "index", seed_index)
    client = make_client(index_dir)
    before = client.get("/api/search?q=Zanzibar").get_json()["total"]
    from newsfind.index.ingest.writer import index_paths

    index_paths([str(write_jsonl(tmp_path / "new.jsonl", [{"id": "z1", "title": "Zanzibar", "body": "Zanzibar."}]))],
                index_dir)
    assert (before, client.get("/api/search?q=Zanzibar").get_json()["total"]) == (0, 1)


def test_serve_command_reports_a_missing_index(tmp_path):
    result = Runner(tmp_path / "nowhere")("serve", "--port", "0")
    assert result.exit_code == 1 and "no newsfind index at" in result.output
    assert "--port" in CliRunner().invoke(cli, ["serve", "-h"]).output


def test_syndicated_copies_collapse_with_a_toggle_and_are_listed_on_the_article_page(tmp_path, seed_index):
    import shutil

    from newsfind.index.ingest.writer import index_paths
    from newsfind.web import create_app

    from tests.conftest import write_jsonl

    index_dir = tmp_path / "ix"
    shutil.copytree(seed_index, index_dir)
    body = ("MOSCOW (Reuters) - Russian Foreign Minister Sergei Lavrov said on Tuesday that talks with the United "
            "States on Syria would continue next week in Montreux, despite deep disagreements over the future of "
            "President Bashar al-Assad and the campaign of air strikes. ") * 3
    write_jsonl(tmp_path / "wire.jsonl", [
        {"id": "wire-a", "title": "Lavrov: talks go on", "body": body, "outlet": "Reuters"},
        {"id": "wire-b", "title": "Russia says Syria talks will continue", "body": body + " Extra paragraph.",
         "outlet": "Yahoo News"},
    ])
    index_paths([str(tmp_path / "wire.jsonl")], index_dir)
    client = create_app({"TESTING": True, "NEWSFIND_INDEX": str(index_dir)}).test_client()
    page = client.get("/?q=Montreux").get_data(as_text=True)
    assert page.count('class="hit"') == 1 and "1 other version" in page and "Show all 2 versions" in page
    expanded = client.get("/?q=Montreux&versions=all").get_data(as_text=True)
    assert expanded.count('class="hit"') == 2 and "One hit per story" in expanded
    article = client.get("/articles/wire-a").get_data(as_text=True)
    assert "Other versions of this story" in article and "/articles/wire-b" in article


def _children(pid: int) -> set[int]:
    from pathlib import Path

    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(c) for c in path.read_text().split()} if path.exists() else set()


def _alive(pid: int) -> bool:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("stop_signal", ["SIGINT", "SIGTERM"])
def test_serve_runs_worker_processes_on_one_port_and_stops_them_all(web_index, stop_signal):
    import signal
    import time

    from newsfind.web.served import served

    from tests.serving import get_json

    with served(web_index, threads=2, workers=3) as server:
        base, proc = server.url, server.proc
        deadline = time.monotonic() + 20  # the first worker may answer before the parent forked the last one
        while len(workers := _children(proc.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 3
        pages = [get_json(base + "api/search?q=Syria&per_page=2") for _ in range(12)]
        assert all(page == pages[0] for page in pages) and pages[0]["total"] > 0
        proc.send_signal(getattr(signal, stop_signal))  # Ctrl-C reaches the parent; it stops every worker
        assert proc.wait(timeout=30) in (0, -2, -15, 130)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)


def test_a_worker_that_dies_is_replaced(web_index):
    import os
    import signal
    import time

    from newsfind.web.served import served
    from newsfind.web.serving import QUICK_DEATH

    from tests.serving import get_json

    with served(web_index, threads=2, workers=2) as server:
        base, proc = server.url, server.proc
        time.sleep(QUICK_DEATH + 0.5)  # past the start-up grace period: a later death is a crash to recover from
        first = _children(proc.pid)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while (len(_children(proc.pid)) < 2 or victim in _children(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert victim not in _children(proc.pid) and len(_children(proc.pid)) == 2
        assert get_json(base + "api/search?q=Syria")["total"] > 0


JOINT = ("Senators met in Des Moines on Monday.\n\n“The deal will fail in Congress,” Ted Cruz and Marco Rubio said "
         "on Monday after the meeting.")


@pytest.mark.model
def test_a_quote_said_together_is_shown_under_each_speaker(tmp_path):
    """'“...,” Cruz and Rubio said': one quote with a co-speaker, in `show`, the article page, the co-speaker's
    entity page and a `speaker:` search's snippet."""
    source = write_jsonl(tmp_path / "joint.jsonl", [{"id": "joint", "title": "Senators meet", "text": JOINT}])
    run = Runner(tmp_path / "index")
    assert run("index", str(source), "-j", "1").exit_code == 0
    shown = run.json("show", "joint")
    quote = next(q for q in shown["quotes"] if "deal will fail" in q["text"])
    assert quote["speaker"] == "Ted Cruz" and quote["co_speakers"] == ["Marco Rubio"], shown["quotes"]
    assert len(quote["co_probabilities"]) == 1
    listed = run("show", "joint").output.split("Speakers and quotes", 1)[1].split("Senators met", 1)[0]
    assert listed.count("The deal will fail in Congress") == 2 and "(with Ted Cruz)" in listed, listed
    client = make_client(tmp_path / "index")
    page = html(client.get("/articles/joint"))
    assert page.count('aria-label="quote by') == 2  # both marked on the quote
    listed = page.split('id="quotes-h"', 1)[1]
    assert 'with <a href="/entities/person/Marco%20Rubio">' in listed
    assert 'with <a href="/entities/person/Ted%20Cruz">' in listed
    entity = html(client.get("/entities/person/Marco%20Rubio"))
    assert "quoted 1 time" in entity and "The deal will fail in Congress" in entity
    hits = client.get("/api/search?q=speaker:Rubio").get_json()["hits"]
    assert [h["id"] for h in hits] == ["joint"] and "Ted Cruz and Marco Rubio:" in hits[0]["snippet"], hits
