"""Fuzzing the query language: Hypothesis strategies over the grammar (terms, phrases, known and
unknown fields, ranges, valid and invalid dates, wildcards, fuzzy terms, boosts, boolean operators,
balanced and unbalanced parentheses, quotes and brackets) plus random text and bytes. Every query
parses or raises `QueryError` with a message, runs within `TIME_BOUND` seconds, and through the CLI
exits 0, or 2 with a message (never a traceback).

Default run: about 3,200 queries (800 from the grammar strategies and 2,000 seeded random ones parsed,
300 searched, 100 through the CLI); `-m long`: 105,000 (50,000 + 50,000 parsed, 5,000 searched).
Derandomized and seeded: the same queries every run."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsfind.index.schema import FACETS, QUERY_FIELDS
from newsfind.search.query import QueryError, parse_query
from newsfind.search.searcher import SearchRequest, search
from whoosh import query as wq

TIME_BOUND = 2.0  # CPU seconds for any one query on the seed index, facets and snippets included
PARSE_EXAMPLES, RANDOM_QUERIES, SEARCH_EXAMPLES, CLI_EXAMPLES = 400, 2000, 200, 60
LONG_PARSE_EXAMPLES, LONG_RANDOM_QUERIES, LONG_SEARCH_EXAMPLES = 50_000, 50_000, 5_000
COUNTS: dict[str, int] = {}

FIELDS = [*QUERY_FIELDS, *(facet_field for _, facet_field in FACETS.values()), "colour", "year", "_x", "a1", "TITLE"]
WORDS = ["Syria", "Lavrov", "talks", "Sergei", "military", "2015", "al-Assad", "U.S.", "État", "日本", "x", "AND",
         "OR", "NOT", "TO", "to", "aid", "a", "the", "\\", "'", "-", "+", "!", "&&", "||", "/", "é"]

text_chars = st.characters(exclude_categories=("Cs",))
word = st.one_of(st.sampled_from(WORDS), st.text(text_chars, min_size=1, max_size=12).filter(lambda w: not w.isspace()))
ODD_DATES = ["2015-09", "2015/9/7", "2015-13-01", "2015-02-30", "0000", "2015-9-31", "", "now", "2015-09-07T10:00",
             "-1", "9999-12-31", "0001-01-01"]
date = st.one_of(st.dates().map(str), st.integers(0, 99999).map(str), st.sampled_from(ODD_DATES))
number = st.one_of(st.integers(-5, 20).map(str), st.sampled_from(["1.5", "nan", "inf", "1e309", "", "99999999999999"]))
wildcard = st.tuples(word, st.lists(st.sampled_from(["*", "?"]), min_size=1, max_size=6), word).map(
    lambda t: t[0] + "".join(t[1]) + t[2])
phrase = st.tuples(st.lists(word, min_size=0, max_size=6), st.one_of(st.just(""), number.map(lambda n: "~" + n))).map(
    lambda t: '"' + " ".join(t[0]) + '"' + t[1])
fuzzy = st.tuples(word, number, st.one_of(st.just(""), number.map(lambda n: "/" + n))).map(
    lambda t: f"{t[0]}~{t[1]}{t[2]}")
value = st.one_of(word, phrase, wildcard, fuzzy)
fielded = st.tuples(st.sampled_from(FIELDS), value).map(lambda t: f"{t[0]}:{t[1]}")
brackets = st.tuples(st.sampled_from("[{"), st.sampled_from("]}"))
date_term = st.one_of(
    date.map(lambda d: f"date:{d}"), date.map(lambda d: f"date:{d}*"),
    st.tuples(brackets, date, date, st.sampled_from([" to ", " TO ", " ", " to"])).map(
        lambda t: f"date:{t[0][0]}{t[1]}{t[3]}{t[2]}{t[0][1]}"))
word_range = st.tuples(st.sampled_from(FIELDS), brackets, word, word).map(
    lambda t: f"{t[0]}:{t[1][0]}{t[2]} to {t[3]}{t[1][1]}")
atom = st.one_of(word, phrase, wildcard, fuzzy, fielded, date_term, word_range)
boosted = st.tuples(atom, st.one_of(st.just(""), number.map(lambda n: "^" + n))).map("".join)


def combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from([" AND ", " OR ", " ", " AND NOT ", " NOT "]), children).map("".join),
        children.map(lambda c: f"({c})"), children.map(lambda c: f"-{c}"), children.map(lambda c: f"+{c}"),
        children.map(lambda c: f"NOT {c}"),
        st.tuples(st.sampled_from(FIELDS), children).map(lambda t: f"{t[0]}:({t[1]})"))


grammar = st.recursive(boosted, combine, max_leaves=8)
stray = st.sampled_from(list("()[]{}\":^~*?-+!\\/") + [" AND", "OR ", "NOT", " TO ", "\x00", "\n", "\t", "\u200b"])
damaged = st.tuples(grammar, st.lists(st.tuples(st.integers(0, 200), stray), max_size=3)).map(
    lambda t: _insert(t[0], t[1]))
random_text = st.one_of(st.text(max_size=80), st.binary(max_size=80).map(lambda b: b.decode("utf-8", "replace")),
                        st.binary(max_size=80).map(lambda b: b.decode("latin-1")))
huge = st.sampled_from(["x" * 5000, "(" * 3000 + "x" + ")" * 3000, " ".join(["Syria"] * 600), "a*b*c*d*e*f*g",
                        "Lavrov~9", "title:[a to z]", '"' + "a " * 900 + '"', "x" + "~" * 500, "date:[0001 to 9999]"])
queries = st.one_of(grammar, grammar, damaged, random_text, huge)


def _insert(text: str, edits: list[tuple[int, str]]) -> str:
    for position, chars in edits:
        position = min(position, len(text))
        text = text[:position] + chars + text[position:]
    return text


TOKENS = [*WORDS, *(f + ":" for f in FIELDS), *ODD_DATES, "(", ")", "[", "]", "{", "}", '"', "*", "?", "~", "~2", "^",
          "^3", " to ", " AND ", " OR ", " NOT ", "-", "+", "\\", ":", " ", " ", " ", "\x00", "\n", "date:[", "date:"]


def random_queries(count: int, seed: int):
    """Fast seeded random queries: grammar tokens glued at random, and random bytes."""
    import random

    rng = random.Random(seed)
    for _ in range(count):
        if rng.random() < 0.3:
            yield rng.randbytes(rng.randint(0, 120)).decode(rng.choice(["utf-8", "latin-1"]), "replace")
        else:
            yield "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 25)))


def check_parse(text: str, schema) -> wq.Query | None:
    try:
        return parse_query(text, schema)
    except QueryError as exc:
        assert str(exc).strip(), repr(text)
        return None


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


def parse_property(seed_searcher, examples: int):
    @fuzz_settings(examples)
    @given(queries)
    def parses_or_says_why(text):
        COUNTS["parsed"] = COUNTS.get("parsed", 0) + 1
        check_parse(text, seed_searcher.schema)

    parses_or_says_why()


def search_property(seed_searcher, examples: int):
    @fuzz_settings(examples)
    @given(queries)
    def searches_in_time_or_says_why(text):
        COUNTS["searched"] = COUNTS.get("searched", 0) + 1
        started = time.thread_time()  # CPU time of this thread: the query's own work, whatever else the machine runs
        try:
            data = search(seed_searcher, SearchRequest(query=text))
        except QueryError as exc:
            assert str(exc).strip()
        else:
            assert data["total"] >= len(data["hits"])
        elapsed = time.thread_time() - started
        assert elapsed < TIME_BOUND, f"{text!r} took {elapsed:.1f}s"

    searches_in_time_or_says_why()


def random_property(seed_searcher, count: int, seed: int) -> None:
    for text in random_queries(count, seed):
        COUNTS["random"] = COUNTS.get("random", 0) + 1
        check_parse(text, seed_searcher.schema)


def test_fuzzed_queries_parse_or_raise_query_error(seed_searcher):
    parse_property(seed_searcher, PARSE_EXAMPLES)
    random_property(seed_searcher, RANDOM_QUERIES, seed=1)


def test_fuzzed_queries_search_within_the_time_bound(seed_searcher):
    search_property(seed_searcher, SEARCH_EXAMPLES)


def test_fuzzed_queries_exit_0_or_2_with_a_message(run_seed):
    @fuzz_settings(CLI_EXAMPLES)
    @given(queries.filter(lambda q: not q.startswith("-")))  # `-x` would be read as an option
    def exits_cleanly(text):
        COUNTS["cli"] = COUNTS.get("cli", 0) + 1
        result = run_seed("query", text, "--json")
        assert result.exit_code in (0, 2), (text, result.exit_code, result.output[-500:])
        if result.exit_code == 2:
            assert "bad query" in result.output and "Traceback" not in result.output

    exits_cleanly()


@pytest.mark.parametrize("text, message", [
    ("date:9999-12-31", "not a valid date"), ("x" * 5000, "too long"), ("(" * 30 + "x" + ")" * 30, "nested more than"),
    ("Lavrov~9", "at most 2 edits"), ("a~/2", "longer than the word"), ("Lavrov~1/9", "longer than the word"),
    ("a*b*c*d*e", "at most 3 *"), ("title:[a to z]", "work with date: only"), ("[a to b]", "work with date: only"),
])
def test_pathological_queries_are_refused_with_a_reason(seed_searcher, text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text, seed_searcher.schema)


@pytest.mark.long
def test_a_hundred_thousand_fuzzed_queries(seed_searcher):
    started = time.monotonic()
    parse_property(seed_searcher, LONG_PARSE_EXAMPLES)
    random_property(seed_searcher, LONG_RANDOM_QUERIES, seed=2)
    search_property(seed_searcher, LONG_SEARCH_EXAMPLES)
    assert sum(COUNTS.values()) >= 100_000
    print(f"\nquery fuzzing (long): {COUNTS} in {time.monotonic() - started:.0f}s")


def test_zz_report_fuzz_counts():
    """Printed with -s: how many queries the default run fuzzed."""
    print(f"\nquery fuzzing: {COUNTS}")
