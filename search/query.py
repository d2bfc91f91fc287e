"""The query language: Whoosh syntax over title and body, AND by default, plus field prefixes.

    Syria speaker:Lavrov                  words AND a speaker
    speaker:Putin quote:agenda             words inside what was said (the snippet shows the quote)
    "military support" OR aid -Assad       phrases, OR, NOT (also `NOT x`)
    milit* Lavrv~                          wildcards, fuzzy terms
    person:"Sergey Lavrov" org:"State Department" place:Syria outlet:UPI author:Pechenkin tag:x title:warns
    date:2015  date:2015-09  date:2015-09-07  date:[2015-09-01 to 2015-09-30]  date:[2015-09 to]

Dates are never left to Whoosh's own date parsing (it widens or silently changes some ranges and
raises on bad dates): the parser sees `date` as plain text and this module turns each date
term or range into a `DateRange` built in code, or a `QueryError` that says what is wrong.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import datetime, timedelta

from newsfind.index.curation.tags import TagError, normalise_tag
from newsfind.index.schema import DEFAULT_SEARCH_FIELDS, FACETS, QUERY_FIELDS
from whoosh import query as wq
from whoosh.fields import ID, Schema
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, PlusMinusPlugin

HELP = __doc__.split("\n\n", 1)[1].split("\n\nDates", 1)[0]


class QueryError(ValueError):
    """A query that cannot be run, with a message that says what is wrong and where."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message if self.position is None else f"{self.message} (at character {self.position + 1})"


# Limits that keep every query fast (a fuzzed query language found each of these taking seconds to
# minutes, or crashing): Whoosh's tokenizer is quadratic in a word's length (100,000 characters:
# 100 s); fuzzy terms with many edits build huge automata (`Lavrov~9`: 3 s on 300 short articles);
# each `*` multiplies the backtracking of a wildcard's regex; ranges over words OR together every
# term in them; parentheses nested thousands deep exhaust Python's recursion.
MAX_QUERY_CHARS = 2000
MAX_NESTING = 20
MAX_FUZZY_EDITS = 2
MAX_STARS = 3  # `*` per word
MAX_BOOST = 1_000_000

_FIELD_PREFIX = re.compile(r"(?<![\w\\])([A-Za-z_][\w]*):(?=[^\s:]|$)")
_EMPTY_VALUE = re.compile(r'$|[\s)]|"\s*"')  # what follows `field:` that gives it no value
_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")
ALLOWED_FIELDS = frozenset(QUERY_FIELDS) | {facet_field for _, facet_field in FACETS.values()}


def _outside_phrases(text: str):
    """Yield (position, char) for characters not inside a double-quoted phrase."""
    inside = False
    for i, ch in enumerate(text):
        if ch == '"':
            inside = not inside
            continue
        if not inside:
            yield i, ch


def check_syntax(text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})")
    quotes = [i for i, ch in enumerate(text) if ch == '"']
    if len(quotes) % 2:
        raise QueryError("unclosed quote: a phrase needs a closing \"", quotes[-1])
    opened: list[int] = []
    brackets: list[int] = []
    for i, ch in _outside_phrases(text):
        if ch == "(":
            opened.append(i)
            if len(opened) > MAX_NESTING:
                raise QueryError(f"parentheses nested more than {MAX_NESTING} deep", i)
        elif ch == ")":
            if not opened:
                raise QueryError("unbalanced parenthesis: ')' without '('", i)
            opened.pop()
        elif ch in "[{":
            brackets.append(i)
        elif ch in "]}":
            if not brackets:
                raise QueryError(f"unbalanced range: '{ch}' without '[' or '{{'", i)
            brackets.pop()
    if opened:
        raise QueryError("unbalanced parenthesis: '(' is never closed", opened[-1])
    if brackets:
        raise QueryError("unclosed range: '[' needs a closing ']' as in date:[2015-09-01 to 2015-09-30]", brackets[-1])
    masked = "".join(ch if not inside else " " for ch, inside in _phrase_mask(text))
    for m in _FIELD_PREFIX.finditer(masked):
        name = m.group(1)
        if name not in ALLOWED_FIELDS:
            known = ", ".join(f"{f}:" for f in QUERY_FIELDS)
            raise QueryError(f"unknown field '{name}:'; known fields are {known}", m.start(1))
    for m in re.finditer(r"(?<![\w\\])([A-Za-z_]\w*):", masked):
        name = m.group(1)
        if name in ALLOWED_FIELDS and _EMPTY_VALUE.match(text, m.end()):
            raise QueryError(f"the field '{name}:' has no value; write it right after the colon, "
                             f"as in {name}:word or {name}:\"two words\"", m.start(1))
    for m in re.finditer(r"(?:(?<=\s)|(?<=^)|(?<=:))[*?]", masked):
        raise QueryError("a wildcard cannot start a word (it would scan the whole index); "
                         "put at least one letter before * or ?", m.start())
    for m in re.finditer(r"\S+", masked):
        if m.group().count("*") > MAX_STARS:
            raise QueryError(f"at most {MAX_STARS} * in one word", m.start())


def _phrase_mask(text: str):
    inside = False
    for ch in text:
        if ch == '"':
            inside = not inside
            yield ch, False
        else:
            yield ch, inside


def date_bounds(text: str) -> tuple[datetime, datetime]:
    """First and last moment of a year, month or day written as YYYY, YYYY-MM or YYYY-MM-DD."""
    m = _DATE.match(text.strip())
    if not m:
        raise QueryError(f"date:{text} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. date:2015-09-07)")
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    try:
        if day:
            start = datetime(year, month, day)
            end = start + timedelta(days=1)
        elif month:
            start = datetime(year, month, 1)
            end = start + timedelta(days=calendar.monthrange(year, month)[1])
        else:
            start = datetime(year, 1, 1)
            end = datetime(year + 1, 1, 1)
    except (ValueError, OverflowError) as exc:  # date:2015-02-30; date:9999-12-31 (its end is past year 9999)
        raise QueryError(f"date:{text} is not a valid date ({exc})") from None
    return start, end - timedelta(microseconds=1)


def _convert_dates(q: wq.Query) -> wq.Query:
    if getattr(q, "fieldname", None) != "date":
        return q
    if isinstance(q, wq.Term):
        start, end = date_bounds(str(q.text))
        return wq.DateRange("date", start, end, boost=q.boost)
    if isinstance(q, wq.FuzzyTerm) and q.prefixlength > len(q.text):  # Whoosh's automaton: IndexError
        raise QueryError(f"the fixed prefix of {q.text}~{q.maxdist}/{q.prefixlength} is longer than the word")
    if isinstance(q, wq.TermRange):
        start = date_bounds(str(q.start))[0] if q.start else None
        end = date_bounds(str(q.end))[1] if q.end else None
        if start and end and start > end:
            raise QueryError(f"date range [{q.start} to {q.end}] ends before it starts")
        return wq.DateRange("date", start, end, boost=q.boost)
    if isinstance(q, wq.Prefix | wq.Wildcard):
        start, end = date_bounds(str(q.text).rstrip("*-"))
        return wq.DateRange("date", start, end)
    raise QueryError("date: takes a date or a range, as date:2015-09 or date:[2015-09-01 to 2015-09-30]")


TAG_FIELDS = (FACETS["tag"][0], FACETS["tag"][1])


def _normalise_tags(q: wq.Query) -> wq.Query:
    """`tag:"lavrov  talks"` (or `facet_tag:...`) is the tag "Lavrov Talks": tags match by their key
    (index/curation/tags.py), which the search field `tag` holds."""
    if getattr(q, "fieldname", None) not in TAG_FIELDS or not isinstance(q, wq.Term | wq.Phrase):
        return q
    text = " ".join(q.words) if isinstance(q, wq.Phrase) else str(q.text)
    try:
        key = normalise_tag(text)[0]
    except TagError as exc:
        raise QueryError(f"tag:{text!r}: {exc}") from None
    return wq.Term(TAG_FIELDS[0], key, boost=q.boost)


def _check_limits(q: wq.Query) -> wq.Query:
    if not math.isfinite(q.boost) or abs(q.boost) > MAX_BOOST:  # an infinite score ranks nothing
        raise QueryError(f"a boost (^) is at most {MAX_BOOST:,}, not {q.boost:g}")
    if isinstance(q, wq.FuzzyTerm) and q.maxdist > MAX_FUZZY_EDITS:
        raise QueryError(f"a fuzzy term allows at most {MAX_FUZZY_EDITS} edits ({q.text}~{MAX_FUZZY_EDITS}), "
                         f"not {q.maxdist}")
    if isinstance(q, wq.FuzzyTerm) and q.prefixlength > len(q.text):  # Whoosh's automaton: IndexError
        raise QueryError(f"the fixed prefix of {q.text}~{q.maxdist}/{q.prefixlength} is longer than the word")
    if isinstance(q, wq.TermRange):
        raise QueryError("ranges [... to ...] work with date: only, as in date:[2015-09-01 to 2015-09-30]")
    return q


def build_parser(schema) -> MultifieldParser:
    # The parser sees `date` as plain text; `_convert_dates` turns it into DateRange queries.
    # A new schema holding the same field objects (a deep copy cost ~10 ms of a cold query).
    parse_schema = Schema(**{name: ID() if name == "date" else field for name, field in schema.items()})
    parser = MultifieldParser(list(DEFAULT_SEARCH_FIELDS), parse_schema)
    parser.add_plugin(FuzzyTermPlugin())
    # +word / -word only at the start of a word, so "2015-09" and "al-Assad" stay whole.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+(?=\S)", minusexpr=r"(?<![^\s(])-(?=\S)"))
    return parser


_PARSERS: dict[tuple[str, ...], MultifieldParser] = {}


def parse_query(text: str, schema) -> wq.Query:
    """A Whoosh query for the user's text; `QueryError` if it cannot be run."""
    text = (text or "").strip()
    if not text or text == "*":
        return wq.Every()
    check_syntax(text)
    key = tuple(schema.names())
    parser = _PARSERS.get(key)
    if parser is None:
        parser = _PARSERS[key] = build_parser(schema)
    try:
        q = parser.parse(text)
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(f"cannot parse query: {exc}") from None
    q = q.accept(_convert_dates).accept(_normalise_tags).accept(_check_limits)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return q
    return q.normalize()
