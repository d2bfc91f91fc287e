"""The source tagger measurement (bench/source_tagger.py): the gold tag of each token, from PolNeAR's spans."""

import sys
from pathlib import Path

import numpy as np
import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import source_tagger  # noqa: E402


def record(text: str, *attributions: tuple[str, str, str]) -> dict:
    quotes = []
    for source, cue, content in attributions:
        s, c, q = text.index(source), text.index(cue), text.index(content)
        quotes.append({"type": "Attribution", "speaker_span": [[s, s + len(source)]], "cue_span": [[c, c + len(cue)]],
                       "quote_span": [[q, q + len(content)]]})
    return {"text": text, "quotes": quotes}


def test_tokens_take_the_tag_of_their_span_and_a_source_inside_content_stays_a_source():
    text = "Title\n\nJohn Smith said Jane Roe told him taxes rise."
    d = record(text, ("John Smith", "said", "Jane Roe told him taxes rise"), ("Jane Roe", "told", "taxes rise"))
    doc = spacy.blank("en")(text)
    tags = [source_tagger.LABELS[k] for k in source_tagger.token_labels(d, doc, 7, None)]
    words = [t.text for t in doc]
    assert dict(zip(words[2:], tags[2:], strict=True)) == {
        "John": "SOURCE", "Smith": "SOURCE", "said": "CUE", "Jane": "SOURCE", "Roe": "SOURCE", "told": "CUE",
        "him": "CONTENT", "taxes": "CONTENT", "rise": "CONTENT", ".": "O"}
    assert tags[0] == "O"  # the title


def test_offsets_of_an_unwrapped_body_are_mapped_back_to_the_record():
    text = "T\n\nJohn Smith  \nsaid so."  # the parsed body joins the hard-wrapped line: "John Smith said so."
    d = record(text, ("John Smith", "said", "so"))
    positions = [*range(10), 12, *range(13, 21)]
    doc = spacy.blank("en")("T\n\nJohn Smith said so.")
    tags = [source_tagger.LABELS[k] for k in source_tagger.token_labels(d, doc, 3, positions)]
    assert tags[-5:] == ["SOURCE", "SOURCE", "CUE", "CONTENT", "O"]


def test_the_window_pads_with_zeros_past_the_ends():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    w = source_tagger.windowed(x, 1)
    assert w.shape == (3, 6)
    assert w[0].tolist() == [0, 0, 0, 1, 2, 3] and w[2].tolist() == [2, 3, 4, 5, 0, 0]
