"""Curly quotation marks glued to a word ('paranoia,”Clinton said', 'Ryan said,“Look') are read with a space
between, so the quote gets its speaker; the body is stored and shown as written, and every offset maps back
to it."""

from __future__ import annotations

import textwrap

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed, analysed_body, enrich_doc
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.nlp.quote_spacing import spaced
from newsfind.index.readers.types import SourceArticle

from tests.conftest import Runner


def test_a_space_goes_after_a_glued_closing_mark_and_before_a_glued_opening_one():
    text = "it was paranoia,”Clinton said. Ryan said,“Look here.” Then “this” and “that”."
    out, positions = spaced(text, None)
    assert out == "it was paranoia,” Clinton said. Ryan said, “Look here.” Then “this” and “that”."
    assert len(positions) == len(out)
    # every character of the result is the body's character at its offset; an added space stands at the one before
    assert all(out[i] == text[p] or out[i] == " " and p == positions[i - 1] for i, p in enumerate(positions))


def test_straight_marks_and_spaced_text_are_left_as_they_are():
    text = 'He said,"We will see." She said "no" and left. “Yes,” he said.'
    assert spaced(text, None) == (text, None)


def test_the_spacing_follows_an_unwrapped_body_offsets():
    body = "\n".join(textwrap.fill("Senator Robert Dole of Kansas, the Senate Republican leader, said the "
                                  "vote was near. “We have gone as far as we can go without hurting the family "
                                  "farmer and our ranchers,”Dole told reporters at the Capitol on Monday after "
                                  "the meeting with farm state senators ended.", 65).split("\n"))
    body = body + "\n" + body  # two paragraphs of wrapped lines
    text, positions = analysed_body(body)
    assert "” Dole" in text and "\n" in body and positions is not None and len(positions) == len(text)
    assert all(text[i] == body[p] or text[i] == " " for i, p in enumerate(positions))


GLUED = ("Hillary Clinton spoke in Iowa on Friday.\n\n“I think it’s been most surprising to me to see somebody "
         "traffic in a lot of the prejudice and paranoia,”Clinton said.\n\nPaul Ryan spoke on Tuesday. Ryan "
         "said,“Look, anti-Semitic images, they’ve got no place in a presidential campaign.”")


@pytest.mark.model
def test_a_glued_quote_gets_its_speaker_and_its_offsets_in_the_body():
    article = SourceArticle(id="g", title="Glued", body=GLUED, source="g")
    seen = analysed(article)
    e = enrich_doc(article, load_pipeline()(seen.text), seen.body_offset, CanonicalTable(), seen.text,
                   positions=seen.positions)
    said = {q["speaker"]: q for q in e.quotes}
    assert set(said) == {"Hillary Clinton", "Paul Ryan"}, e.quotes
    for q in e.quotes:
        assert GLUED[q["start"]:q["end"]] == q["text"]  # the stored body, as written
    assert e.speakers == ["Hillary Clinton", "Paul Ryan"]


@pytest.mark.model
def test_the_indexed_article_shows_the_quote_as_written(tmp_path, fresh_index):
    (tmp_path / "g.txt").write_text("Glued\n\n" + GLUED, encoding="utf-8")
    run = Runner(fresh_index)
    assert run("index", str(tmp_path / "g.txt"), "-j", "1").exit_code == 0
    shown = run.json("show", "g")
    assert "paranoia,”Clinton said" in shown["body"]
    assert {q["speaker"] for q in shown["quotes"]} == {"Hillary Clinton", "Paul Ryan"}, shown["quotes"]
