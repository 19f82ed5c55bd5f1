"""What a TIMEX3 value means on the calendar: ``timex_value("2021-W51")`` gives its first and last day,
so the store and consolidation compare dates as day spans whatever precision the text gave."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["SPAN_PRECISIONS", "TimexValue", "timex_interval", "timex_value"]

SPAN_PRECISIONS = ("day", "week", "month", "quarter", "half", "season", "year", "decade", "century")
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
_CALENDAR_VALUE = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<m>\d\d)(?:-(?P<d>\d\d)(?:T.*)?)?|W(?P<w>\d\d)(?:-(?P<wd>[1-7]|WE)(?:T.*)?)?"
    r"|Q(?P<q>[1-4])|H(?P<h>[12])|(?P<s>SP|SU|FA|WI)))?"
    r"|(?P<dec>\d{3})|(?P<cen>\d{2})"
)
_REFERENCE = re.compile(r"(?:PAST|PRESENT|FUTURE)_REF")


@dataclass(frozen=True, slots=True)
class TimexValue:
    """A TIMEX3 value with the days it covers; ``first``/``last`` are None when it names no calendar span."""

    value: str
    first: dt.date | None
    last: dt.date | None
    precision: str  # one of SPAN_PRECISIONS for a span; else "duration", "reference" or "unknown"

    @property
    def is_span(self) -> bool:
        return self.first is not None and self.last is not None


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _week_span(year: int, week: int, weekday: str | None) -> tuple[dt.date, dt.date, str]:
    monday = dt.date.fromisocalendar(year, week, 1)
    if weekday == "WE":
        return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6), "day"
    if weekday:
        d = monday + dt.timedelta(days=int(weekday) - 1)
        return d, d, "day"
    return monday, monday + dt.timedelta(days=6), "week"


def _span(m: re.Match[str]) -> tuple[dt.date, dt.date, str]:
    """The span a matched calendar value covers; ValueError for an impossible date (month 13, 30 February)."""
    if m["dec"]:
        y = int(m["dec"]) * 10
        return dt.date(max(y, 1), 1, 1), dt.date(y + 9, 12, 31), "decade"
    if m["cen"]:
        y = int(m["cen"]) * 100
        return dt.date(max(y, 1), 1, 1), dt.date(y + 99, 12, 31), "century"
    y = int(m["y"])
    if m["d"]:
        d = dt.date(y, int(m["m"]), int(m["d"]))
        return d, d, "day"
    if m["m"]:
        mo = int(m["m"])
        return dt.date(y, mo, 1), _month_end(y, mo), "month"
    if m["w"]:
        return _week_span(y, int(m["w"]), m["wd"])
    if m["q"]:
        q = int(m["q"])
        return dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "quarter"
    if m["h"]:
        h = int(m["h"])
        return dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h), "half"
    if m["s"]:
        first, last = _SEASON_MONTHS[m["s"]]
        end_year = y + 1 if last < first else y
        return dt.date(y, first, 1), _month_end(end_year, last), "season"
    return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"


def timex_value(value: object) -> TimexValue | None:
    """The calendar reading of a TIMEX3 value; None when it is not a string at all."""
    if not isinstance(value, str):
        return None
    m = _CALENDAR_VALUE.fullmatch(value.strip())
    if m:
        try:
            first, last, precision = _span(m)
        except ValueError:
            return TimexValue(value, None, None, "unknown")
        return TimexValue(value, first, last, precision)
    if value.startswith("P"):
        return TimexValue(value, None, None, "duration")
    if _REFERENCE.fullmatch(value):
        return TimexValue(value, None, None, "reference")
    return TimexValue(value, None, None, "unknown")


def timex_interval(value: object) -> tuple[dt.date, dt.date, str] | None:
    """First day, last day and precision of a TIMEX3 date value; None for durations, refs and X-values."""
    reading = timex_value(value)
    if reading is None or reading.first is None or reading.last is None:
        return None
    return reading.first, reading.last, reading.precision
