"""search/highlight.py: the snippet highlighter analyses only candidate words but must mark exactly
what Whoosh's own highlighter marks."""
from newsfind.index.schema import build_schema
from newsfind.search import highlight
from whoosh import highlight as wh

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


def test_fragments_match_whoosh_on_random_texts():
    """The fragment search jumps over unmatched runs; on texts with dense and sparse matches, very
    long words, dotted words, runs of punctuation and case-changing letters it must still pick and
    mark exactly Whoosh's fragment."""
    import random

    analyzer = build_schema()["body"].analyzer
    words = ["care", "caring", "Careful", "health", "the", "a", "costs", "of", "U.S.", "e-mail", "email",
             "officials", "ΟΔΟΣ", "İstanbul", "x" * 250, "care" * 70, "policy...", "reform;", "—", "pay"]
    rng = random.Random(7)
    for trial in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 160)))
        terms = rng.choice([{"care"}, {"care", "health"}, {"email", "offici"}, {"cost", "reform"}, {"οδοσ"},
                            {"istanbul", "care"}])
        gates = tuple({t[:min(4, max(1, len(t) - 2))] for t in terms})
        assert highlight._highlight(text, frozenset(terms), analyzer, gates, {}) == whoosh_marks(text, terms), \
            (trial, terms, text)


def test_fast_tokenizer_pattern_finds_whooshs_tokens():
    analyzer = build_schema()["body"].analyzer
    text = TEXT + " U.S. a.b.c... x*y *z 3.14 naïve İstanbul ΟΔΟΣ __init__ e-mail"
    assert highlight._tokenizer_pattern(analyzer) is not analyzer.items[0].expression
    assert ([m.span() for m in highlight._tokenizer_pattern(analyzer).finditer(text)]
            == [m.span() for m in analyzer.items[0].expression.finditer(text)])


def test_word_starts_are_what_the_case_insensitive_expression_finds():
    """The body scan finds with str.find what `\\b(?:p1|p2…)` with IGNORECASE finds: word starts only,
    the longest prefix first, no overlaps; texts whose lowercasing moves characters included."""
    import random
    import re

    words = ["Care", "caring", "scare", "health", "HEALTHY", "u.s.", "U.S.", "_care", "care_", "*star", "a*star",
             "ΟΔΟΣ", "οδοσ", "İstanbul", "3care", "ca", "carecare", "—care", "e-mail", "email", "\u212aelvin",
             "ıstanbul", "ſtar", "Σ"]
    prefix_sets = [["care"], ["heal", "care"], ["u.s", "u"], ["*sta", "star"], ["οδοσ"], ["ca", "care"],
                   ["istanbul"], ["emai", "mail"], ["kelv"]]
    rng = random.Random(3)
    for trial in range(500):
        text = rng.choice([" ", "", "\n"]).join(rng.choice(words) for _ in range(rng.randint(0, 40)))
        prefixes = sorted(rng.choice(prefix_sets), key=len, reverse=True)
        expression = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in prefixes) + r")", re.IGNORECASE)
        assert list(highlight._word_starts(text, prefixes)) == [m.span() for m in expression.finditer(text)], \
            (trial, prefixes, text)
