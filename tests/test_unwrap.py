"""Hard-wrapped text (wire archives, old .txt files: ~65-character lines, indented paragraphs) is
analysed as the same text unwrapped, while the body is stored and shown as written."""

from __future__ import annotations

import textwrap

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed_text, enrich_doc, mask_boilerplate
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.nlp.unwrap import soft_breaks, unwrap, unwrapped
from newsfind.index.readers.files import read_articles
from newsfind.index.readers.types import SourceArticle

from tests.conftest import SEEDS, Runner

PARAGRAPHS = [
    "WASHINGTON, February 12 - U.S. Agriculture Secretary Richard Lyng said on Thursday that the "
    "administration would not seek new cuts in farm price supports this year, despite pressure from "
    "budget officials.",
    "\"We have gone as far as we can go without hurting the family farmer, and I will not recommend "
    "any further reductions to the Congress this session,\" Lyng told reporters after a meeting with "
    "farm state senators at the Capitol.",
    "Senator Robert Dole of Kansas, the Senate Republican leader, said the Reagan administration "
    "had listened to the concerns of grain producers in the Midwest.",
]
WRAPPED = "\n".join(textwrap.fill(p, 65, initial_indent="    ") for p in PARAGRAPHS)
UNWRAPPED = "\n\n".join(PARAGRAPHS)
PADDED = WRAPPED.replace("\n", "   \n")  # fixed-width records: lines padded with spaces


def enrich(body: str):
    article = SourceArticle(id="w", title="Lyng rules out new farm cuts", body=body, source="test")
    text, offset = analysed_text(article)
    return enrich_doc(article, load_pipeline()(text), offset, CanonicalTable())


def test_the_fixture_is_hard_wrapped_with_a_name_and_a_quote_across_lines():
    assert "Richard\nLyng" in WRAPPED and "family\nfarmer" in WRAPPED
    assert max(len(line) for line in WRAPPED.split("\n")) <= 65


def test_soft_breaks_become_spaces_one_for_one_and_paragraphs_stay():
    text = unwrap(WRAPPED)
    assert len(text) == len(WRAPPED)
    assert [" ".join(p.split()) for p in text.split("\n")] == PARAGRAPHS  # an indented line starts one
    blank_separated = "\n\n".join(textwrap.fill(p, 65) for p in PARAGRAPHS)
    assert unwrap(blank_separated).split("\n\n") == PARAGRAPHS


def test_spaces_ending_a_wrapped_line_go_with_its_break_and_offsets_map_back():
    text, positions = unwrapped(PADDED)
    assert text == unwrap(WRAPPED).replace("\n", "   \n")  # the spaces ending a paragraph stay
    assert "Secretary Richard Lyng said" in text and len(positions) == len(text)
    assert all(PADDED[at] == char for at, char in zip(positions, text, strict=True) if char != " ")
    assert unwrapped(WRAPPED)[1] is None  # one character for one: no mapping needed


@pytest.mark.parametrize("body", [
    UNWRAPPED,  # one paragraph per line
    "\n".join(PARAGRAPHS),
    "Apples\nPears\nPlums\nCherries and more cherries\nFigs",  # short lines of any length: a list
    "Dateline\n\nOne short line.\nAnother line that is a little longer than that.\nEnd.",
    "",
])
def test_ordinary_texts_are_untouched(body):
    assert soft_breaks(body) == [] and unwrap(body) == body


def test_the_seeds_are_not_hard_wrapped():
    for article in read_articles([SEEDS]):
        assert soft_breaks(article.body) == [], article.id
        assert analysed_text(article)[0] == f"{article.title}\n\n{mask_boilerplate(article.body)}"


@pytest.mark.model
@pytest.mark.parametrize("body", [WRAPPED, PADDED], ids=["wrapped", "padded"])
def test_a_wrapped_article_gives_the_entities_speakers_and_quotes_of_its_unwrapped_twin(body):
    wrapped, twin = enrich(body), enrich(UNWRAPPED)
    assert "Richard Lyng" in wrapped.persons and "Richard" not in wrapped.persons
    for name in ("persons", "orgs", "places", "speakers", "speaker_orgs"):
        assert getattr(wrapped, name) == getattr(twin, name), name

    def said(enrichment):
        return [(q["speaker"], " ".join(q["text"].split()), q["kind"], q["cue"]) for q in enrichment.quotes]
    assert said(wrapped) == said(twin)
    assert any(speaker == "Richard Lyng" and "family farmer" in text for speaker, text, *_ in said(wrapped))
    for q in wrapped.quotes:  # offsets point into the body as written
        assert " ".join(body[q["start"]:q["end"]].split()) == " ".join(q["text"].split())
    for m in wrapped.mentions:
        if m["field"] == "body":
            assert " ".join(body[m["start"]:m["end"]].split()) == m["text"]


@pytest.mark.model
def test_an_indexed_wrapped_file_is_shown_as_written_and_found_by_the_whole_name(tmp_path, fresh_index):
    (tmp_path / "wire.txt").write_text(f"Lyng rules out new farm cuts\n\n{PADDED}\n", encoding="utf-8")
    run = Runner(fresh_index)
    assert run("index", str(tmp_path)).exit_code == 0
    shown = run.json("show", "wire")
    assert shown["body"] == PADDED.rstrip()
    assert "Richard Lyng" in shown["persons"] and "Richard" not in shown["persons"]
    assert [h["id"] for h in run.json("query", 'speaker:"Richard Lyng"')["hits"]] == ["wire"]
    for q in shown["quotes"]:
        assert " ".join(shown["body"][q["start"]:q["end"]].split()) == " ".join(q["text"].split())


@pytest.mark.model
def test_enriching_examines_each_body_for_wrapping_once_with_the_same_offsets(monkeypatch):
    import newsfind.index.nlp.unwrap as unwrap_module
    from newsfind.index.nlp.enrich import enrich_many
    expected = [enrich(body) for body in (PADDED, UNWRAPPED)]  # offsets mapped back the long way
    calls = []
    real = unwrap_module.soft_breaks
    monkeypatch.setattr(unwrap_module, "soft_breaks", lambda body: calls.append(body) or real(body))
    articles = [SourceArticle(id=f"w{i}", title="Lyng rules out new farm cuts", body=body, source="test")
                for i, body in enumerate((PADDED, UNWRAPPED))]
    results = [result for _, result in enrich_many(articles, CanonicalTable())]
    assert calls == [PADDED, UNWRAPPED]  # once each, not again for the offsets
    assert [(r.mentions, r.quotes) for r in results] == [(e.mentions, e.quotes) for e in expected]
    assert any(m["text"] == "Richard Lyng" and PADDED[m["start"]:m["end"]] == "Richard   \nLyng"
               for m in results[0].mentions)
