"""search/highlight.py: the snippet highlighter analyses only candidate words but must mark exactly
what Whoosh's own highlighter marks."""
from whoosh import highlight as wh

from index.schema import build_schema
from search import highlight

TEXT = ("Health care costs rose. Caring for the sick is costly; the ability to pay matters, and able "
        "carers said so. Emailing officials, she e-mailed an email about careful health-care reform. ") * 3


def whoosh_marks(text: str, terms: set[str]) -> str:
    analyzer = build_schema()["body"].analyzer
    return wh.highlight(text, frozenset(terms), analyzer, wh.ContextFragmenter(maxchars=highlight.SNIPPET_CHARS,
                        surround=70), highlight.SentinelFormatter(), top=1)


def test_candidate_only_analysis_marks_what_whoosh_marks():
    analyzer = build_schema()["body"].analyzer
    for terms in [{"care", "health"}, {"abil", "abl"}, {"email", "offici"}, {"cost", "care", "reform"}, {"sick"}]:
        gates = tuple({t[:min(4, max(1, len(t) - 2))] for t in terms})
        for start in range(0, len(TEXT) - 50, 37):
            window = TEXT[start:start + 330]
            ours = highlight._highlight(window, frozenset(terms), analyzer, gates, {})
            assert ours == whoosh_marks(window, terms), (terms, start)
    assert "\ue000Caring\ue001" in highlight._highlight(TEXT, frozenset({"care"}), analyzer, ("ca",), {})
