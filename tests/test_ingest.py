"""Real-archive inputs: saved web pages, WARC crawls, CSV/JSON with --map, stdin, encodings, and
inputs that are refused. Every fixture is written here, into a temporary directory."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from newsfind.index.readers.fields import FieldMap, FieldMapError
from newsfind.index.readers.files import read_articles
from newsfind.index.readers.types import ReadFailure, ReadOptions, ReadReport, SourceArticle, parse_size
from newsfind.index.readers.warc import warc_id

from newsfind.cli.main import cli
from tests.conftest import ROOT, SEED_IDS, SEEDS, Runner, write_jsonl

NAV = """<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav>
<div class="menu">Menu Login Register Newsletter</div>"""
FOOTER = """<footer><p>Copyright 2016 The Daily Planet. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>"""
PARAGRAPHS = [
    "WASHINGTON, Sept. 18 (UPI) -- Diplomats from both sides returned to the negotiating table on Friday "
    "after a week-long pause, officials said.",
    "“We are ready to talk as long as it takes,” said Staffan de Mistura, the United Nations envoy, in a "
    "statement to reporters outside the Palais des Nations.",
    "The talks are expected to focus on humanitarian access to besieged towns and on the release of "
    "detainees held by all parties to the conflict.",
]


def page_html(title: str, paragraphs: list[str], head: str = "", byline: str = "By John Smith") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Planet</title>{head}</head>
<body>{NAV}<article><h1>{title}</h1><p>{byline}</p>
{body}</article>{FOOTER}</body></html>"""


PAGE_META = """
<meta property="og:site_name" content="The Daily Planet">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2016-03-04T08:15:00Z">
<link rel="canonical" href="https://dailyplanet.example/world/ceasefire-talks">"""


def write_warc(path: Path, records: list[dict], gzip_records: bool = True) -> Path:
    """A WARC written with warcio: dicts with type (response/request), url, date, and for responses
    status, content_type, body (bytes)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        for r in records:
            if r["type"] == "request":
                http = StatusAndHeaders(f"GET {r['url']} HTTP/1.1", [("Host", "dailyplanet.example")],
                                        is_http_request=True)
                payload = b""
            else:
                http = StatusAndHeaders(r.get("status", "200 OK"), [("Content-Type", r["content_type"])],
                                        protocol="HTTP/1.1")
                payload = r["body"]
            record = writer.create_warc_record(r["url"], r["type"], payload=io.BytesIO(payload), http_headers=http,
                                               warc_headers_dict={"WARC-Date": r["date"]})
            writer.write_record(record)
    return path


DATED_URL = "https://dailyplanet.example/world/ceasefire-talks"
UNDATED_URL = "https://news.example/aid-convoy"
CRAWL = [
    {"type": "request", "url": DATED_URL, "date": "2016-03-05T10:00:00Z"},
    {"type": "response", "url": DATED_URL, "date": "2016-03-05T10:00:01Z", "content_type": "text/html; charset=utf-8",
     "body": page_html("Ceasefire talks resume in Geneva", PARAGRAPHS, PAGE_META).encode()},
    {"type": "response", "url": "https://dailyplanet.example/logo.png", "date": "2016-03-05T10:00:02Z",
     "content_type": "image/png", "body": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)},
    {"type": "response", "url": UNDATED_URL, "date": "2016-03-06T11:30:00Z", "content_type": "text/html",
     "body": page_html("Aid convoy reaches Madaya", [
         "An aid convoy carrying food and medicine reached the besieged town of Madaya on Sunday, "
         "the Red Cross said, the first delivery in three months.",
         "Residents described severe shortages of food, fuel and medical supplies over the winter.",
     ], byline="").encode()},
]


def index_cli(index_dir: Path, *args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, ["--index", str(index_dir), "index", *args], input=input, catch_exceptions=False)


def by_id(items) -> dict[str, SourceArticle]:
    return {i.id: i for i in items if isinstance(i, SourceArticle)}


def failures(items) -> dict[str, str]:
    """File name (with "#URL" for a WARC record) -> reason."""
    out = {}
    for item in items:
        if isinstance(item, ReadFailure):
            file, sep, record = item.path.partition("#")
            out[Path(file).name + sep + record] = item.reason
    return out


# -- HTML ----------------------------------------------------------------------------------------


def test_html_page_text_title_and_metadata(tmp_path):
    (tmp_path / "talks.html").write_text(page_html("Ceasefire talks resume in Geneva", PARAGRAPHS, PAGE_META),
                                         encoding="utf-8")
    [article] = read_articles([tmp_path])
    assert article.id == "talks" and article.title == "Ceasefire talks resume in Geneva"
    assert article.body.split("\n\n")[1:] == PARAGRAPHS  # after the byline paragraph; headline not repeated
    for boilerplate in ("Subscribe today", "Newsletter", "Privacy policy", "All rights reserved"):
        assert boilerplate not in article.body
    assert (article.outlet, article.author, article.date, article.url) == (
        "The Daily Planet", "Lois Lane", "2016-03-04", DATED_URL)


@pytest.mark.model
def test_html_page_metadata_wins_over_text_inference(tmp_path, fresh_index):
    (tmp_path / "with_meta.htm").write_text(page_html("Ceasefire talks resume in Geneva", PARAGRAPHS, PAGE_META))
    # The same text without page metadata: the dateline and byline are all there is.
    (tmp_path / "bare.html").write_text(page_html("Talks resume", PARAGRAPHS))
    run = Runner(fresh_index)
    result = run("index", str(tmp_path))
    assert result.exit_code == 0, result.output
    page = run.json("show", "with_meta")
    assert (page["outlet"], page["author"], page["date"]) == ("The Daily Planet", "Lois Lane", "2016-03-04")
    assert page["metadata_sources"]["outlet"] == "page: site name"
    assert page["metadata_sources"]["date"] == "page: publication date"
    bare = run.json("show", "bare")
    assert (bare["outlet"], bare["author"], bare["date"]) == ("UPI", "John Smith", "--09-18")
    assert bare["metadata_sources"]["outlet"].startswith("inferred: dateline")
    assert "Staffan de Mistura" in page["speakers"]


def test_html_and_warc_reading_never_touch_the_network(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during reading: {args!r}")

    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    (tmp_path / "talks.html").write_text(page_html("Ceasefire talks resume in Geneva", PARAGRAPHS, PAGE_META))
    write_warc(tmp_path / "crawl.warc.gz", CRAWL)
    items = list(read_articles([tmp_path]))
    assert len(by_id(items)) == 3 and not failures(items)


def test_html_without_text_fails_and_an_undeclared_legacy_encoding_is_detected(tmp_path):
    (tmp_path / "no_text.html").write_text("<html><head><title>Gallery</title><script>var x = 1;</script></head>"
                                           "<body><img src='a.jpg'><img src='b.jpg'></body></html>")
    (tmp_path / "latin1.html").write_bytes(
        page_html("Café talks", ["Le président a déclaré mercredi que la réunion aurait lieu à Genève, "
                                 "où les ministres étrangers se réuniront."]).replace('<meta charset="utf-8">', "")
        .encode("cp1252"))
    items = list(read_articles([tmp_path]))
    assert failures(items) == {"no_text.html": "no article text found in the HTML"}
    assert "Le président a déclaré" in by_id(items)["latin1"].body


# -- WARC ----------------------------------------------------------------------------------------


def test_warc_gz_html_responses_become_articles_and_the_rest_is_counted(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", CRAWL)
    report = ReadReport()
    items = list(read_articles([path], report))
    assert not failures(items)
    articles = by_id(items)
    dated_id = hashlib.sha1(f"{DATED_URL} 2016-03-05T10:00:01Z".encode()).hexdigest()[:16]
    undated_id = hashlib.sha1(f"{UNDATED_URL} 2016-03-06T11:30:00Z".encode()).hexdigest()[:16]
    assert sorted(articles) == sorted([dated_id, undated_id])
    dated, undated = articles[dated_id], articles[undated_id]
    assert (dated.url, dated.date, dated.title) == (DATED_URL, "2016-03-04", "Ceasefire talks resume in Geneva")
    assert dated.provenance["date"] == "page: publication date"
    assert dated.provenance["capture_date"] == "2016-03-05T10:00:01Z (WARC-Date)"
    assert (undated.url, undated.date) == (UNDATED_URL, "2016-03-06")  # the capture date: the page has none
    assert undated.provenance["date"].startswith("WARC-Date")
    assert "besieged town of Madaya" in undated.body
    assert [(s.path, s.reason) for s in report.skipped] == [
        (str(path), "2 of 4 WARC records are not HTML pages: 1 image/png response, 1 request record")]


@pytest.mark.model
def test_warc_is_indexed_with_url_and_date_sources(tmp_path, fresh_index):
    path = write_warc(tmp_path / "crawl.warc.gz", CRAWL)
    run = Runner(fresh_index)
    result = run("index", str(path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["added"], summary["failed"]) == (2, [])
    assert summary["skipped"] == [{"path": str(path), "reason": "2 of 4 WARC records are not HTML pages: "
                                                               "1 image/png response, 1 request record"}]
    [hit] = run.json("query", "Madaya")["hits"]
    assert (hit["url"], hit["date"]) == (UNDATED_URL, "2016-03-06")
    sources = run.json("show", hit["id"])["metadata_sources"]
    assert sources["date"] == "WARC-Date (capture date; the page states none)"
    assert sources["url"] == "WARC-Target-URI"
    text = run("index", str(path))
    assert f"skipped: {path}: 2 of 4 WARC records" in text.output and "unchanged 2" in text.output


def test_warc_size_limit_is_per_record_and_plain_gzip_and_bad_archives(tmp_path):
    small = {"type": "response", "url": "https://x.example/small", "date": "2016-01-01T00:00:00Z",
             "content_type": "text/html", "body": page_html("Small page", PARAGRAPHS[:1]).encode()}
    big = {"type": "response", "url": "https://x.example/big", "date": "2016-01-01T00:00:00Z",
           "content_type": "text/html", "body": page_html("Big page", PARAGRAPHS * 40).encode()}
    archive = write_warc(tmp_path / "mixed.warc", [small, big], gzip_records=False)
    limit = len(small["body"]) + 100
    assert archive.stat().st_size > limit  # the archive itself is over the limit; its records are judged
    items = list(read_articles([archive], options=ReadOptions(max_bytes=limit)))
    assert [a.title for a in items if isinstance(a, SourceArticle)] == ["Small page"]
    [failure] = [i for i in items if isinstance(i, ReadFailure)]
    assert failure.path == f"{archive}#https://x.example/big"
    assert failure.reason == f"record payload too large: over the limit of {limit:,} bytes (--max-bytes)"

    whole = tmp_path / "whole.warc.gz"  # gzip of the whole file, not one member per record
    whole.write_bytes(gzip.compress(archive.read_bytes()))
    assert [a.title for a in read_articles([whole]) if isinstance(a, SourceArticle)] == ["Small page", "Big page"]

    (tmp_path / "fake.warc").write_text("this is not a WARC file\n")
    crawl = write_warc(tmp_path / "crawl.warc.gz", CRAWL).read_bytes()
    (tmp_path / "truncated.warc.gz").write_bytes(crawl[:-50])  # ends inside the last page
    items = list(read_articles([tmp_path / "fake.warc", tmp_path / "truncated.warc.gz"]))
    assert failures(items) == {"fake.warc": "not a WARC file (record 1 reads as 'arc' at best)",
                               f"truncated.warc.gz#{UNDATED_URL}": "truncated record: the file ends inside it"}
    assert [a.url for a in items if isinstance(a, SourceArticle)] == [DATED_URL]


# -- CSV, JSON, JSON Lines, stdin and --map ------------------------------------------------------


CSV_MAPPED = (
    "headline,text,source,published,link,byline\r\n"
    "Talks resume,\"Diplomats met in Geneva.\r\n\r\nThey will meet again, officials said.\",Reuters,2016-03-04,"
    "http://r.example/1,Jane Doe\r\n"
    "Convoy arrives,Aid reached Madaya on Sunday.,AP,2016-03-06,http://ap.example/2,\r\n"
    ",,,,,\r\n"
    "No body,,AP,2016-03-07,,\r\n"
)
CSV_MAP = "title=headline,body=text,outlet=source,date=published,url=link,author=byline"


@pytest.mark.model
def test_csv_with_custom_columns_and_map(tmp_path, fresh_index):
    path = tmp_path / "export.csv"
    path.write_bytes(CSV_MAPPED.encode("utf-8"))
    items = list(read_articles([path], options=ReadOptions(fields=FieldMap.parse([CSV_MAP]))))
    articles = by_id(items)
    assert sorted(articles) == ["export:1", "export:2", "export:3"]
    first = articles["export:1"]
    assert (first.title, first.outlet, first.date, first.url, first.author) == (
        "Talks resume", "Reuters", "2016-03-04", "http://r.example/1", "Jane Doe")
    assert first.body == "Diplomats met in Geneva.\n\nThey will meet again, officials said."
    assert first.source == f"{path}:2" and articles["export:2"].author is None
    assert articles["export:3"].title == "No body" and articles["export:3"].body == ""

    run = Runner(fresh_index)
    result = run("index", str(path), "--map", "title=headline,body=text", "--map", "outlet=source,date=published")
    assert result.exit_code == 0, result.output
    hit = run.json("query", "outlet:Reuters")["hits"][0]
    assert (hit["id"], hit["date"]) == ("export:1", "2016-03-04")
    assert run.json("query", "Madaya")["hits"][0]["outlet"] == "AP"


def test_csv_defaults_delimiters_and_bad_columns(tmp_path):
    (tmp_path / "plain.csv").write_text("ID;Title;Body;Outlet\nc1;Semicolons;Body; with a semicolon;X\n"
                                        "c2;Second;\"Quoted; body\";Y\n", encoding="utf-8")
    (tmp_path / "tabs.tsv").write_text("id\ttitle\ttext\nt1\tTabbed\tA body, with commas\n", encoding="utf-8")
    (tmp_path / "nobody.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    items = list(read_articles([tmp_path]))
    articles = by_id(items)
    assert articles["c2"].body == "Quoted; body" and articles["c2"].outlet == "Y"
    assert articles["t1"].body == "A body, with commas"
    assert "no title or body column" in failures(items)["nobody.csv"]
    # c1 has one field too many for its header: the extra value is ignored, the row is read
    assert articles["c1"].body == "Body" and articles["c1"].outlet == "with a semicolon"

    mapped = list(read_articles([tmp_path / "tabs.tsv"], options=ReadOptions(fields=FieldMap.parse(["body=content"]))))
    assert failures(mapped) == {"tabs.tsv": "no column 'content' (--map body=content) in the header row: "
                                            "'id', 'title', 'text'"}


def test_json_and_jsonl_with_map(tmp_path):
    records = [{"guid": "g1", "headline": "Mapped", "content": "Mapped body.", "publisher": "AFP",
                "writers": ["A One", "B Two"]},
               {"guid": "g2", "headline": "No content key", "body": "Unmapped key is ignored"}]
    write_jsonl(tmp_path / "a.jsonl", records)
    (tmp_path / "b.json").write_text(json.dumps([{**r, "guid": r["guid"] + "j"} for r in records]))
    fields = FieldMap.parse(["id=guid,title=headline,body=content,outlet=publisher,author=writers"])
    items = list(read_articles([tmp_path], options=ReadOptions(fields=fields)))
    articles = by_id(items)
    assert (articles["g1"].title, articles["g1"].body, articles["g1"].outlet, articles["g1"].author) == (
        "Mapped", "Mapped body.", "AFP", "A One, B Two")
    assert articles["g1j"].body == "Mapped body."
    assert articles["g2"].body == "" and articles["g2"].title == "No content key"  # body read from 'content' only


def test_map_errors_are_usage_errors(tmp_path, fresh_index):
    with pytest.raises(FieldMapError, match="unknown field 'colour'"):
        FieldMap.parse(["colour=red"])
    with pytest.raises(FieldMapError, match="FIELD=COLUMN"):
        FieldMap.parse(["body"])
    with pytest.raises(FieldMapError, match="mapped twice"):
        FieldMap.parse(["body=a", "body=b"])
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "title": "T", "body": "B"}])
    result = index_cli(fresh_index, str(path), "--map", "headline=title")
    assert result.exit_code == 2
    assert "unknown field 'headline'" in result.output and "known fields: id, title, body" in result.output
    assert not fresh_index.exists()  # refused before anything was written


@pytest.mark.model
def test_stdin_json_lines(fresh_index):
    lines = [json.dumps({"id": "s1", "headline": "From stdin", "text": "Piped in. Kerry said so."}),
             "{not json",
             "",
             json.dumps({"id": "s2", "title": "Second", "body": "Also piped."})]
    result = index_cli(fresh_index, "-", "--map", "title=headline", "--json", input="\r\n".join(lines) + "\r\n")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.output)
    assert summary["added"] == 2
    assert summary["failed"] == [{"path": "<stdin>:2", "reason": "invalid JSON: Expecting property name "
                                                                 "enclosed in double quotes at column 2"}]
    run = Runner(fresh_index)
    hit = run.json("query", "piped")["hits"]
    assert sorted(h["id"] for h in hit) == ["s1", "s2"]
    assert run.json("show", "s1")["source"] == "<stdin>:1"
    assert run.json("show", "s2")["title"] == ""  # a mapped field is read from its key only


@pytest.mark.model
def test_stdin_record_over_the_limit_is_refused_and_the_rest_read(fresh_index):
    big = json.dumps({"id": "big", "title": "Big", "body": "x" * 5000})
    small = json.dumps({"id": "small", "title": "Small", "body": "Fine."})
    result = index_cli(fresh_index, "-", "--max-bytes", "1KB", "--json", input=f"{big}\n{small}\n")
    summary = json.loads(result.output)
    assert result.exit_code == 1 and summary["added"] == 1
    assert summary["failed"] == [{"path": "<stdin>:1", "reason": f"record too large: {len(big) + 1:,} bytes, "
                                                                 "over the limit of 1,000 bytes (--max-bytes)"}]


# -- encodings and refused inputs ---------------------------------------------------------------


def test_legacy_encodings_boms_and_windows_line_ends(tmp_path):
    cp1252 = "“Déjà vu,” says café owner\r\nThe owner in Zürich called it a naïve façade – worth €5.\r\n"
    (tmp_path / "cp1252.txt").write_bytes(cp1252.encode("cp1252"))
    latin1 = "Der Außenminister in München\nDie Gespräche würden am Mittwoch fortgesetzt, sagte er.\n"
    (tmp_path / "latin1.txt").write_bytes(latin1.encode("latin-1"))
    utf16 = "Переговоры в Женеве\r\nМосква заявила, что переговоры продолжатся.\r\n"
    (tmp_path / "utf16.txt").write_bytes(utf16.encode("utf-16"))  # with a BOM
    (tmp_path / "utf8bom.txt").write_bytes("\ufeffBOM title\r\nBody line one\r\nline two\r\n".encode())
    (tmp_path / "oldmac.txt").write_bytes(b"Old Mac title\rBody\r")
    (tmp_path / "cp1252.csv").write_bytes("id,title,body\r\nw1,Crème brûlée,“Quoted” body\r\n".encode("cp1252"))
    articles = by_id(read_articles([tmp_path]))
    assert (articles["cp1252"].title, articles["cp1252"].body) == (
        "“Déjà vu,” says café owner", "The owner in Zürich called it a naïve façade – worth €5.")
    assert (articles["latin1"].title, articles["latin1"].body) == (
        "Der Außenminister in München", "Die Gespräche würden am Mittwoch fortgesetzt, sagte er.")
    assert (articles["utf16"].title, articles["utf16"].body) == (
        "Переговоры в Женеве", "Москва заявила, что переговоры продолжатся.")
    assert (articles["utf8bom"].title, articles["utf8bom"].body) == ("BOM title", "Body line one\nline two")
    assert (articles["oldmac"].title, articles["oldmac"].body) == ("Old Mac title", "Body")
    assert (articles["w1"].title, articles["w1"].body) == ("Crème brûlée", "“Quoted” body")
    assert all("\r" not in a.body and "\ufeff" not in a.title for a in articles.values())


@pytest.mark.model
def test_empty_binary_and_over_limit_inputs_are_reported_with_reasons(tmp_path, fresh_index):
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "blank.csv").write_text("  \n\n")
    (tmp_path / "image.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "utf16_nobom_binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "big.txt").write_text("Big\n" + "word " * 400)
    (tmp_path / "ok.txt").write_text("Fine\nA small file.")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(100))
    report = ReadReport()
    items = list(read_articles([tmp_path], report, ReadOptions(max_bytes=1000)))
    assert failures(items) == {
        "empty.html": "empty file",
        "blank.csv": "empty file",
        "image.json": "binary file (contains NUL bytes)",
        "utf16_nobom_binary.txt": "binary file (contains NUL bytes)",
        "big.txt": "file too large: 2,004 bytes, over the limit of 1,000 bytes (--max-bytes)",
    }
    assert list(by_id(items)) == ["ok"]
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [("photo.jpg", "unsupported file type '.jpg'")]

    result = index_cli(fresh_index, str(tmp_path), "--max-bytes", "1000")
    assert result.exit_code == 1
    assert "big.txt: file too large: 2,004 bytes" in result.output
    assert "photo.jpg: unsupported file type '.jpg'" in result.output
    assert index_cli(fresh_index, str(tmp_path), "--max-bytes", "lots").exit_code == 2


def test_sizes_are_read_with_units():
    assert [parse_size(s) for s in ("1000", "50MB", "50M", "1.5GB", "2KiB", "10kb")] == [
        1000, 50_000_000, 50_000_000, 1_500_000_000, 2048, 10_000]
    for bad in ("", "lots", "5 parsecs", "0", "-3"):
        with pytest.raises(ValueError):
            parse_size(bad)


# -- everything at once -------------------------------------------------------------------------


@pytest.mark.model
def test_mixed_folder_in_one_run(tmp_path, fresh_index):
    folder = tmp_path / "archive"
    (folder / "seeds").mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        (folder / "seeds" / seed.name).write_bytes(seed.read_bytes())
    (folder / "web").mkdir()
    (folder / "web" / "talks.html").write_text(page_html("Ceasefire talks resume in Geneva", PARAGRAPHS, PAGE_META))
    crawl = write_warc(folder / "web" / "crawl.warc.gz", CRAWL)
    (folder / "export.csv").write_bytes(CSV_MAPPED.encode("cp1252"))
    # --map applies to every record file of the run
    (folder / "records.jsonl").write_text(json.dumps({"id": "j1", "headline": "JSON record", "text": "Kerry spoke."})
                                          + "\n{oops\n")
    (folder / "broken").mkdir()
    (folder / "broken" / "empty.txt").write_text("")
    (folder / "broken" / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    (folder / "broken" / "notes.md").write_text("not an article")

    run = Runner(fresh_index)
    result = run("index", str(folder), "--map", CSV_MAP)
    assert result.exit_code == 1
    good = len(SEED_IDS) + 1 + 2 + 3 + 1  # seeds, html, WARC pages, CSV rows, JSONL record
    assert f"indexed {good} ({good} new, 0 replaced), unchanged 0, failed 3" in result.output
    lines = result.output.splitlines()
    assert f"  failed: {folder}/broken/binary.txt: binary file (contains NUL bytes)" in lines
    assert f"  failed: {folder}/broken/empty.txt: empty file" in lines
    assert any(line.startswith(f"  failed: {folder}/records.jsonl:2: invalid JSON") for line in lines)
    assert f"  skipped: {folder}/broken/notes.md: unsupported file type '.md'" in lines
    assert (f"  skipped: {crawl}: 2 of 4 WARC records are not HTML pages: 1 image/png response, "
            "1 request record") in lines

    # The saved page and its capture in the crawl are one story in two versions: listed once.
    everything = run.json("query", "")
    assert (everything["total"], everything["total_versions"]) == (good - 1, good)
    talks = [h for h in everything["hits"] if h["title"] == "Ceasefire talks resume in Geneva"]
    assert len(talks) == 1 and talks[0]["group_size"] == 2
    assert {talks[0]["id"], talks[0]["other_versions"][0]["id"]} == {"talks", warc_id(DATED_URL,
                                                                                      "2016-03-05T10:00:01Z")}
    for query, expected in [("speaker:Lavrov", 2), ("Madaya", 2), ("outlet:\"The Daily Planet\"", 2),
                            ("outlet:Reuters", 1), ("\"JSON record\"", 1), ("Geneva", 4)]:
        assert run.json("query", query, "--expand")["total"] == expected, query

    again = run("index", str(folder), "--map", CSV_MAP, "--json")
    summary = json.loads(again.output)
    assert (summary["indexed"], summary["unchanged"], len(summary["failed"])) == (0, good, 3)
    assert {Path(s["path"]).name for s in summary["skipped"]} == {"notes.md", "crawl.warc.gz"}


def test_query_process_imports_no_reader_libraries(seed_index):
    code = (
        "import sys\n"
        "from newsfind.cli.main import cli\n"
        f"cli(['--index', {str(seed_index)!r}, 'query', 'Syria', '--json'], standalone_mode=False)\n"
        "print(sorted(m for m in ('trafilatura', 'warcio', 'charset_normalizer', 'lxml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")
