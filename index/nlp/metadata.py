"""Outlet, date and author: taken from the record when given, otherwise inferred only where the
text states them, and left empty where it does not.

What counts as a statement (all in the article's header, never in running text):
* a dateline with an agency: "WASHINGTON, Sept. 18 (UPI) — ..." -> outlet "UPI", date 09-18 (no year);
* a "Source : 112 Ukraine" line -> outlet; an "Author : ..." / "By ..." line -> author;
* a line that is a full date: "17:54, 7 September 2015" -> 2015-09-07.
A mention such as "according to a New York Times report" is never the outlet, and a date
without a year keeps month and day (precision "month-day") rather than inventing a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from newsfind.index.nlp.names import clean_name

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
             r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")

# "WASHINGTON, Sept. 18 (UPI) —", "MOSCOW (Reuters) -", "LONDON, March 3, 2016 (AP) --"
DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z.'-]*(?:[ -][A-Z][A-Za-z.'-]*){0,3})"
    r"(?:,\s*[A-Z][A-Za-z.]+)?"  # optional state or country: "PORTLAND, Ore."
    r"(?:,?\s+" + _MONTH_RE + r"\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?)?"
    r"\s*\((?P<agency>[A-Z][A-Za-z&. ]{1,30}?)\)\s*(?:—|–|--|-|:)",
)
SOURCE_LINE = re.compile(r"^\s*(?:Source|Outlet|Publication|Publisher)\s*[:：]\s*(?P<value>\S.{0,80}?)\s*$",
                         re.IGNORECASE)
AUTHOR_LINE = re.compile(r"^\s*(?:(?:Author|Written by|Byline)\s*[:：]?|By)\s+(?P<value>\S.{0,80}?)\s*$",
                         re.IGNORECASE)
DATE_LINE_HINT = re.compile(r"\b" + _MONTH_RE + r"\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{4}\b",
                            re.IGNORECASE)
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")

HEADER_LINES = 12  # how far into the body a header line (source, author, date) may stand
LONG_LINE = 200  # the first line this long ends the header: the article text has begun


@dataclass
class ArticleDate:
    """What is known of a date. `text` is ISO 8601 for what is known ("2015-09-07", "2015-09",
    "--09-18" when the year is unknown); `when` is set only with day precision and a year."""

    text: str
    precision: str  # day | month | year | month-day
    when: datetime | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def month_key(self) -> str | None:
        return f"{self.year:04d}-{self.month:02d}" if self.year and self.month else None


@dataclass
class Metadata:
    outlet: str | None
    author: str | None
    date: ArticleDate | None
    sources: dict[str, str]  # field -> "record" | "inferred: <what was read>"


def header_lines(body: str) -> list[str]:
    lines = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        if len(line) > LONG_LINE or len(lines) >= HEADER_LINES:
            break
        lines.append(line.strip())
    return lines


def leading_paragraphs(body: str, count: int = 5) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()][:count]


def infer_metadata(title: str, body: str, outlet: str | None = None, date: str | None = None,
                   author: str | None = None) -> Metadata:
    sources: dict[str, str] = {}
    parsed_date: ArticleDate | None = None
    if outlet:
        sources["outlet"] = "record"
    if author:
        sources["author"] = "record"
    if date:
        parsed_date = parse_date(date)
        sources["date"] = "record" if parsed_date else f"record (unparseable: {date!r})"

    header = header_lines(body)
    for line in header:
        if not outlet and (m := SOURCE_LINE.match(line)):
            outlet = m.group("value").strip(" .")
            sources["outlet"] = f"inferred: {line!r}"
        elif not author and (m := AUTHOR_LINE.match(line)) and looks_like_person(m.group("value")):
            author = clean_name(m.group("value"))
            sources["author"] = f"inferred: {line!r}"
        elif not parsed_date and DATE_LINE_HINT.search(line) and len(line) <= 60 and YEAR.search(line):
            parsed_date = parse_date(line)
            if parsed_date:
                sources["date"] = f"inferred: {line!r}"

    for paragraph in leading_paragraphs(body):
        m = DATELINE.match(paragraph)
        if not m:
            continue
        if not outlet:
            outlet = m.group("agency").strip()
            sources["outlet"] = f"inferred: dateline {m.group(0).strip()!r}"
        if not parsed_date and m.group("month"):
            month = MONTHS[m.group("month")[:3].lower()]
            day = int(m.group("day"))
            year = int(m.group("year")) if m.group("year") else None
            parsed_date = make_date(year, month, day)
            if parsed_date:
                sources["date"] = f"inferred: dateline {m.group(0).strip()!r}"
        break
    return Metadata(outlet=outlet, author=author, date=parsed_date, sources=sources)


def looks_like_person(value: str) -> bool:
    name = clean_name(value)
    tokens = name.split()
    return 2 <= len(tokens) <= 4 and all(t[0].isupper() for t in tokens)



def split_authors(author: str | None) -> list[str]:
    """The people of an author string ("A, B and C", "A; B", "A & B"), each a value of the author facet:
    what the indexer stores and what a corrected author becomes."""
    if not author:
        return []
    return [a.strip() for a in re.split(r"\s*(?:,|;|\band\b|&)\s*", author) if a.strip()]

def make_date(year: int | None, month: int | None, day: int | None) -> ArticleDate | None:
    try:
        if year and month and day:
            when = datetime(year, month, day)
            return ArticleDate(when.strftime("%Y-%m-%d"), "day", when, year, month, day)
        if year and month:
            datetime(year, month, 1)
            return ArticleDate(f"{year:04d}-{month:02d}", "month", None, year, month)
        if year:
            return ArticleDate(f"{year:04d}", "year", None, year)
        if month and day:
            datetime(2000, month, day)  # validate (2000 is a leap year, so 02-29 passes)
            return ArticleDate(f"--{month:02d}-{day:02d}", "month-day", None, None, month, day)
    except ValueError:
        return None
    return None


_ISO_PARTIAL = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


def parse_date(text: str) -> ArticleDate | None:
    """A date from a record field or a header line; None if it cannot be read with a year."""
    text = text.strip()
    if m := _ISO_PARTIAL.match(text):
        return make_date(int(m["y"]), int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return make_date(when.year, when.month, when.day)
    except ValueError:
        pass
    if not YEAR.search(text):
        return None
    import dateparser  # imported here: only indexing ever needs it

    when = dateparser.parse(
        text, languages=["en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return make_date(when.year, when.month, when.day) if when else None
