"""Text mis-decoded before it reached newsfind (UTF-8 read as Latin-1 or Windows-1252, once or twice, and stray
Windows-1252 punctuation) is repaired as it is read: the stored article, its quotes and its names are the real
text, and its provenance says so. Text that only looks alike ('SÃO PAULO', 'café', '£5') is left alone."""

import json

import pytest
from newsfind.index.readers.files import read_articles
from newsfind.index.readers.mojibake import repaired
from newsfind.index.readers.types import SourceArticle

from tests.conftest import Runner

# The same text mis-decoded: once ('Ã±'), twice ('Ã¢Â\x80Â\x9c' for '“') and thrice ('Ã¢â‚¬â„¢' for '’').
TITLE = "Mexico Ã¢â‚¬â„¢s president meets Trump"
BODY = ("Enrique PeÃ±a Nieto met Donald Trump in Mexico City on Wednesday.\n\n"
        "Ã¢Â\x80Â\x9cWe will not pay for the wall,Ã¢Â\x80Â\x9d PeÃ±a Nieto said after the meeting \x96 "
        "his office confirmed it.")


@pytest.mark.parametrize("broken, right", [
    ("PeÃ±a Nieto", "Peña Nieto"),
    ("todayÃ¢Â\x80Â\x99s vote", "today’s vote"),
    ("Ã¢â‚¬Ëœfake newsÃ¢â‚¬â„¢", "‘fake news’"),
    ("FranÃ§ois Hollande", "François Hollande"),
    ("2010 \x96 2016", "2010 – 2016"),
])
def test_mis_decoded_text_is_repaired(broken, right):
    assert repaired(broken) == right


@pytest.mark.parametrize("text", ["SÃO PAULO — Brazil's", "naïve café at 100 °C", "the £5 note", "plain ASCII"])
def test_text_that_only_looks_mis_decoded_stays(text):
    assert repaired(text) == text


def test_the_reader_repairs_the_article_and_says_so(tmp_path):
    path = tmp_path / "a.jsonl"
    clean = {"id": "b", "title": "São Paulo votes", "body": "Voters in São Paulo said no."}
    path.write_text(json.dumps({"id": "a", "title": TITLE, "body": BODY}) + "\n" + json.dumps(clean) + "\n",
                    encoding="utf-8")
    a, b = read_articles([path])
    assert a.title == "Mexico ’s president meets Trump"
    assert a.body.startswith("Enrique Peña Nieto met")
    assert "“We will not pay for the wall,” Peña Nieto said after the meeting – his office" in a.body
    assert a.provenance["text"] == "mis-decoded characters repaired (ftfy): title, body"
    assert a.content_hash != SourceArticle(id="a", title=TITLE, body=BODY, source=str(path)).content_hash
    assert b.title == "São Paulo votes" and "text" not in b.provenance


@pytest.mark.model
def test_the_index_holds_the_repaired_name_and_quote(tmp_path, fresh_index):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "title": TITLE, "body": BODY}) + "\n", encoding="utf-8")
    run = Runner(fresh_index)
    assert run("index", str(path), "-j", "1").exit_code == 0
    shown = run.json("show", "a")
    assert any(p.endswith("Peña Nieto") for p in shown["persons"]), shown["persons"]
    assert any(p.endswith("Peña Nieto") for p in shown["speakers"]), shown["speakers"]
    assert any(q["text"] == "We will not pay for the wall," for q in shown["quotes"]), shown["quotes"]
    assert run.json("query", "Peña")["total"] == 1
    assert not any("Ã" in p for p in shown["persons"])
