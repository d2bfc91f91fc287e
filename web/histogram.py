"""The date histogram, drawn server-side: day counts in, bars with geometry and links out; the
template `_histogram.html` writes them as SVG (autoescaped, no script needed to see or use it).

Bars are days, months or years, whichever keeps the chart readable for the span of the dates:
up to 62 days by day, up to 36 months by month, else by year. Empty periods inside the span are
drawn as empty bars so the time axis is even."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsfind.search.query import QueryError, date_bounds

MAX_DAY_BARS = 62
MAX_MONTH_BARS = 36
WIDTH, HEIGHT, AXIS, TOP = 600, 110, 18, 14  # SVG user units: bars between TOP and HEIGHT - AXIS
MAX_BAR_WIDTH = 48  # a few bars stay bars (centred in their slots) instead of filling the chart


@dataclass
class Bar:
    key: str  # the date filter value: "2015", "2015-09" or "2015-09-07"
    label: str  # for people: "2015", "Sep 2015", "7 Sep 2015"
    count: int
    href: str
    selected: bool
    slot_x: float = 0.0  # the clickable slot
    slot_width: float = 0.0
    x: float = 0.0  # the bar inside it
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0

    @property
    def label_x(self) -> float:
        """Where a label centred under the bar stays inside the chart."""
        return min(max(self.x + self.width / 2, 40.0), WIDTH - 40.0)


@dataclass
class Histogram:
    unit: str  # "day" | "month" | "year"
    bars: list[Bar] = field(default_factory=list)
    total: int = 0  # dated articles drawn
    max_count: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    plot_height: int = HEIGHT - AXIS
    top: int = TOP

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def periods(days: dict[date, int]) -> tuple[str, list[tuple[str, str, int]]]:
    """(unit, [(key, label, count)]) covering the span of `days`, empty periods included."""
    first, last = min(days), max(days)
    if (last - first).days < MAX_DAY_BARS:
        n = (last - first).days + 1
        span = [first + timedelta(days=i) for i in range(n)]
        return "day", [(d.isoformat(), f"{d.day} {calendar.month_abbr[d.month]} {d.year}", days.get(d, 0))
                       for d in span]
    months = _months(first, last)
    if len(months) <= MAX_MONTH_BARS:
        counts: dict[tuple[int, int], int] = {}
        for d, c in days.items():
            counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + c
        return "month", [(f"{y:04d}-{m:02d}", f"{calendar.month_abbr[m]} {y}", counts.get((y, m), 0))
                         for y, m in months]
    years: dict[int, int] = {}
    for d, c in days.items():
        years[d.year] = years.get(d.year, 0) + c
    return "year", [(f"{y:04d}", str(y), years.get(y, 0)) for y in range(first.year, last.year + 1)]


def _bounds(value: str) -> tuple[date, date] | None:
    """The days a date filter value covers ("2015-09", "2015-09-01..2015-10"), None if not a date."""
    start_text, sep, end_text = value.partition("..")
    if not sep:
        end_text = start_text
    try:
        start = date_bounds(start_text)[0].date() if start_text.strip() else date.min
        end = date_bounds(end_text)[1].date() if end_text.strip() else date.max
    except QueryError:
        return None
    return start, end


def build(day_counts: list[dict], selected: list[str], href: Callable[[str], str]) -> Histogram | None:
    """A histogram of `day_counts` ([{value: "YYYY-MM-DD", count}]), bars inside a selected date
    filter marked; None when nothing is dated. `href(key)` is the link that filters by a bar."""
    days: dict[date, int] = {}
    for item in day_counts:
        try:
            days[date.fromisoformat(item["value"])] = int(item["count"])
        except (ValueError, KeyError, TypeError):
            continue
    if not days:
        return None
    unit, rows = periods(days)
    chosen = [b for b in (_bounds(v) for v in selected) if b]
    hist = Histogram(unit=unit, total=sum(days.values()), max_count=max(c for _, _, c in rows))
    step = WIDTH / len(rows)
    bar_width = min(step - min(2.0, step * 0.15), MAX_BAR_WIDTH)
    for i, (key, label, count) in enumerate(rows):
        start, end = _bounds(key) or (date.min, date.min)
        height = 0.0 if not count else max(2.0, count / hist.max_count * (hist.plot_height - hist.top))
        hist.bars.append(Bar(
            key=key, label=label, count=count, href=href(key),
            selected=any(s <= start and end <= e for s, e in chosen),
            slot_x=round(i * step, 2), slot_width=round(step, 2),
            x=round(i * step + (step - bar_width) / 2, 2), width=round(bar_width, 2),
            y=round(hist.plot_height - height, 2), height=round(height, 2),
        ))
    return hist
