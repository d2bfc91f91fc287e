import json

from newsfind.index.readers.files import read_articles
from newsfind.index.readers.types import ReadFailure, ReadReport, SourceArticle

from tests.conftest import SEEDS, write_jsonl


def test_text_file_title_is_first_non_empty_line(tmp_path):
    (tmp_path / "a1.txt").write_text("\n\n  Headline here  \n\nFirst paragraph.\n\nSecond.\n", encoding="utf-8")
    [article] = read_articles([tmp_path])
    assert isinstance(article, SourceArticle)
    assert (article.id, article.title) == ("a1", "Headline here")
    assert article.body == "First paragraph.\n\nSecond."


def test_seeds_are_read_with_file_stem_ids():
    articles = list(read_articles([SEEDS]))
    assert [a.id for a in articles] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert articles[0].title == "U.S. warns Russia over military support for Assad"
    assert all(a.outlet is None and a.date is None for a in articles)


def test_jsonl_records_keep_their_metadata(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "r1", "title": "T1", "body": "B1", "outlet": "Reuters", "date": "2016-03-04",
         "url": "http://x/1", "author": "Jane Doe"},
        {"id": "r2", "title": "T2", "body": "B2", "authors": ["A One", "B Two"]},
    ])
    r1, r2 = read_articles([path])
    assert (r1.id, r1.outlet, r1.date, r1.url, r1.author) == ("r1", "Reuters", "2016-03-04", "http://x/1", "Jane Doe")
    assert r2.author == "A One, B Two" and r2.outlet is None


def test_json_list_and_bad_records_are_reported_with_location(tmp_path):
    (tmp_path / "list.json").write_text(json.dumps([{"id": "j1", "title": "T", "body": "B"}, {"title": "no id"}]))
    (tmp_path / "bad.jsonl").write_text('{"id": "ok", "title": "T", "body": "B"}\n{not json}\n')
    items = list(read_articles([tmp_path]))
    good = [i.id for i in items if isinstance(i, SourceArticle)]
    bad = {i.path: i.reason for i in items if isinstance(i, ReadFailure)}
    assert sorted(good) == ["j1", "ok"]
    assert any(p.endswith("bad.jsonl:2") and "invalid JSON" in r for p, r in bad.items())
    assert any(p.endswith("list.json[1]") and "no 'id'" in r for p, r in bad.items())


def test_broken_files_are_failures_not_crashes(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 title\nbody".encode("latin-1"))
    (tmp_path / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 8)
    (tmp_path / "good.txt").write_text("Good\nbody", encoding="utf-8")
    report = ReadReport()
    (tmp_path / "notes.md").write_text("ignored")
    items = list(read_articles([tmp_path, tmp_path / "missing.txt", tmp_path / "notes.md"], report))
    reasons = {i.path.rsplit("/", 1)[-1]: i.reason for i in items if isinstance(i, ReadFailure)}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "latin1.txt" not in reasons  # legacy encodings are detected now (see tests/test_ingest.py)
    assert reasons["undecodable.txt"].startswith("undecodable text")
    assert reasons["missing.txt"] == "no such file or directory"
    assert "unsupported" in reasons["notes.md"]
    assert [i.id for i in items if isinstance(i, SourceArticle)] == ["good", "latin1"]
    assert [s.path.rsplit("/", 1)[-1] for s in report.skipped] == ["notes.md"]


def test_content_hash_changes_with_content():
    a = SourceArticle(id="x", title="T", body="B", source="s")
    b = SourceArticle(id="x", title="T", body="B!", source="s")
    c = SourceArticle(id="x", title="T", body="B", source="elsewhere")
    assert a.content_hash != b.content_hash
    assert a.content_hash == c.content_hash  # moving a file does not make it new


def test_a_large_jsonl_file_is_read_record_by_record(tmp_path):
    from newsfind.index.readers.types import ReadOptions

    path = write_jsonl(tmp_path / "big.jsonl", [{"id": f"r{i}", "title": "T", "body": "x" * 200} for i in range(50)]
                       + [{"id": "huge", "title": "T", "body": "y" * 5000}])
    items = list(read_articles([path], options=ReadOptions(max_bytes=1000)))
    assert len([i for i in items if isinstance(i, SourceArticle)]) == 50  # the file is far over 1,000 bytes
    [failure] = [i for i in items if isinstance(i, ReadFailure)]
    assert failure.path.endswith("big.jsonl:51") and "too large" in failure.reason
