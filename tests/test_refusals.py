"""README "Inputs -> Refused, with the reason in the summary", one row per promise: each input
is written here, read with the real readers, and must be refused with that reason (and located by
path, line, row or WARC record); the good records beside a bad one are still read."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from newsfind.index.readers.files import read_articles
from newsfind.index.readers.types import ReadFailure, ReadOptions, SourceArticle

from tests.conftest import Runner
from tests.test_ingest import CRAWL, PARAGRAPHS, UNDATED_URL, page_html, write_warc

GOOD = b'{"id": "good", "title": "T", "body": "B"}'
ATTRIBUTES = " ".join(f"a{i}='{i}'" for i in range(1001))


def warc_over_limit(folder: Path) -> None:
    write_warc(folder / "crawl.warc", [
        {"type": "response", "url": "https://x.example/small", "date": "2016-01-01T00:00:00Z",
         "content_type": "text/html", "body": page_html("Small page", PARAGRAPHS[:1]).encode()},
        {"type": "response", "url": "https://x.example/big", "date": "2016-01-01T00:00:00Z",
         "content_type": "text/html", "body": page_html("Big page", PARAGRAPHS * 40).encode()}],
        gzip_records=False)


def truncated_warc(folder: Path) -> None:
    crawl = write_warc(folder / "whole.warc.gz", CRAWL).read_bytes()
    (folder / "whole.warc.gz").unlink()
    (folder / "truncated.warc.gz").write_bytes(crawl[:-50])  # ends inside the last page


# (README's words, files to write: name -> bytes or a writer, --max-bytes, {located path: reason},
#  ids still read). A located path is the file name, then ":LINE", "[INDEX]" or "#URL".
Files = dict[str, bytes] | Callable[[Path], None]
ROWS: list[tuple[str, Files, int | None, dict[str, str], list[str]]] = [
    ("empty files", {"empty.txt": b"", "empty.html": b"", "blank.txt": b"\n  \n\n", "blank.csv": b"  \n\n"}, None,
     {"empty.txt": "empty file", "empty.html": "empty file", "blank.txt": "empty file", "blank.csv": "empty file"},
     []),
    ("binary files (NUL bytes)", {"image.json": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "nul.txt": b"Title\x00body"},
     None, {"image.json": "binary file (contains NUL bytes)", "nul.txt": "binary file (contains NUL bytes)"}, []),
    ("binary files (control characters)", {"ctrl.txt": b"Title\nbody \x01\x02\x03\x04\x05\x06 text \x07\x08" * 8},
     None, {"ctrl.txt": "binary file (64 control characters in the first 200 read as utf-8)"}, []),
    ("undecodable text", {"undecodable.txt": bytes(range(128, 256)) * 8}, None,
     {"undecodable.txt": "undecodable text: not UTF-8, and no other encoding fits"}, []),
    ("invalid JSON (per line)", {"bad.jsonl": GOOD + b"\n{not json}\n", "bad.json": b'{"id": "a", '}, None,
     {"bad.jsonl:2": "invalid JSON: Expecting property name enclosed in double quotes at column 2",
      "bad.json": "invalid JSON: Expecting property name enclosed in double quotes at line 1 column 13"}, ["good"]),
    ("invalid CSV: a quote left open to the end of the file", {"broken.csv": b'id,title,body\nx1,"broken\n'}, None,
     {"broken.csv:2": "invalid CSV: a quoted field is not closed before the end of the file "
                      "(the rest of the file is that field)"}, []),
    ("invalid CSV: text after a closing quote refuses the rest of the file",
     {"quotes.csv": b'id,title,body\nok,T,B\nx2,"a"b,c\nx3,T,B\n',
      # the bad row's quoted field runs over two lines: its second line is no article
      "multiline.csv": b'id,title,body\n1,T1,"Body with "quoted" word\nsecond, paragraph here"\n2,T2,fine\n'}, None,
     {"quotes.csv:3": "invalid CSV: text after the closing quote of a field (',' expected after '\"'); "
                      "the rest of the file is not read",
      "multiline.csv:2": "invalid CSV: text after the closing quote of a field (',' expected after '\"'); "
                         "the rest of the file is not read"},
     ["ok"]),
    ("files over --max-bytes", {"big.txt": b"Big\n" + b"word " * 400, "ok.txt": b"Fine\nA small file."}, 1000,
     {"big.txt": "file too large: 2,004 bytes, over the limit of 1,000 bytes (--max-bytes)"}, ["ok"]),
    ("files over --max-bytes (JSON Lines: per line)", {"big.jsonl": b'{"id": "big", "body": "' + b"x" * 2000
                                                       + b'"}\n' + GOOD + b"\n"}, 1000,
     {"big.jsonl:1": "record too large: 2,026 bytes, over the limit of 1,000 bytes (--max-bytes)"}, ["good"]),
    ("files over --max-bytes (WARC: record payloads over it)", warc_over_limit, 1500,
     {"crawl.warc#https://x.example/big": "record payload too large: over the limit of 1,500 bytes (--max-bytes)"},
     ["0e7c407d577de81f"]),
    ("truncated archives", truncated_warc, None,
     {f"truncated.warc.gz#{UNDATED_URL}": "truncated record: the file ends inside it"}, ["00bf44327bf99c51"]),
    ("non-WARC archives", {"fake.warc": b"this is not a WARC file\n"}, None,
     {"fake.warc": "not a WARC file (record 1 reads as 'arc' at best)"}, []),
    ("pages without text", {"no_text.html": b"<html><head><title>Gallery</title><script>var x = 1;</script></head>"
                                            b"<body><img src='a.jpg'></body></html>"}, None,
     {"no_text.html": "no article text found in the HTML"}, []),
    ("files with no records at all (blank lines only, a CSV header without rows, [])",
     {"blank.jsonl": b"\n\n   \n", "header.csv": b"id,title,body\n", "list.json": b"[]"}, None,
     {"blank.jsonl": "no records in the file", "header.csv": "no records in the file",
      "list.json": "no records in the file"}, []),
    ("JSON nested too deeply", {"deep.json": b"[" * 100_000 + b"]" * 100_000,
                                "deep.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n" + GOOD + b"\n"}, None,
     {"deep.json": "invalid JSON: nested too deeply", "deep.jsonl:1": "invalid JSON: nested too deeply"}, ["good"]),
    ("JSON with numbers too long to read",
     {"number.json": b'{"id": "n", "title": "T", "body": "B", "x": ' + b"1" * 5000 + b"}"}, None,
     {"number.json": "invalid JSON: a number of 5,000 digits (at most 4,300)"}, []),
    ("pages whose elements carry over 1,000 attributes",
     {"attributes.html": f"<html><body><p {ATTRIBUTES}>x</p></body></html>".encode()}, None,
     {"attributes.html": "refused: an element with 1,001 attributes (at most 1,000; parsing it would take very "
                         "long)"}, []),
    ("records with neither title nor body",
     {"hollow.jsonl": b'{"id": "h1", "title": "", "body": ""}\n{"id": "h2", "title": "Headline only"}\n'}, None,
     {"hollow.jsonl:1": "record 'h1' has neither title nor body (read from 'title' and 'body' or 'text')"}, ["h2"]),
]


def located(item: ReadFailure, folder: Path) -> str:
    return item.path.removeprefix(f"{folder}/")


@pytest.mark.parametrize("promise, files, max_bytes, refused, read", ROWS, ids=[row[0] for row in ROWS])
def test_every_refusal_readme_promises_is_made_with_its_reason(tmp_path, promise, files, max_bytes, refused, read):
    if callable(files):
        files(tmp_path)
    else:
        for name, data in files.items():
            (tmp_path / name).write_bytes(data)
    options = ReadOptions() if max_bytes is None else ReadOptions(max_bytes=max_bytes)
    items = list(read_articles([tmp_path], options=options))
    assert {located(i, tmp_path): i.reason for i in items if isinstance(i, ReadFailure)} == refused
    assert sorted(i.id for i in items if isinstance(i, SourceArticle)) == sorted(read)


def test_stdin_lines_over_max_bytes_are_refused_and_the_rest_read():
    big = b'{"id": "big", "body": "' + b"x" * 2000 + b'"}'
    stdin = io.BytesIO(big + b"\n{oops\n" + GOOD + b"\n")
    items = list(read_articles(["-"], options=ReadOptions(max_bytes=1000, stdin=stdin)))
    assert {i.path: i.reason for i in items if isinstance(i, ReadFailure)} == {
        "<stdin>:1": "record too large: 2,026 bytes, over the limit of 1,000 bytes (--max-bytes)",
        "<stdin>:2": "invalid JSON: Expecting property name enclosed in double quotes at column 2"}
    assert [i.id for i in items if isinstance(i, SourceArticle)] == ["good"]


def test_the_table_mirrors_readme_one_for_one():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    readme = " ".join(readme.split())
    promise = readme.split("**Refused, with the reason in the summary**:", 1)[1].split("Nothing stops the run", 1)[0]
    for phrase in ("empty files", "NUL bytes or control characters", "undecodable text", "invalid JSON/CSV",
                   "files over `--max-bytes`", "record payloads over it", "for stdin and JSON Lines: lines over it",
                   "truncated or non-WARC archives", "pages without text", "files with no records at all",
                   "JSON nested too deeply", "numbers too long to read", "over 1,000 attributes",
                   "neither title nor body"):
        assert phrase in promise, phrase


def test_a_broken_csv_is_listed_as_failed_in_the_index_summary(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.csv").write_bytes(b'id,title,body\nx1,"broken\n')
    result = Runner(tmp_path / "index")("index", str(tmp_path / "in"), "--json")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.output)
    assert summary["added"] == 0
    assert summary["failed"] == [{"path": f"{tmp_path}/in/broken.csv:2", "reason": "invalid CSV: a quoted field is "
                                  "not closed before the end of the file (the rest of the file is that field)"}]
