"""The days a TIMEX3 date value covers: ``timex_interval("2021-W51")`` -> (first day, last day, precision)."""

from __future__ import annotations

import datetime as dt
import re

_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
_RE = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<m>\d\d)(?:-(?P<d>\d\d)(?:T.*)?)?|W(?P<w>\d\d)(?:-(?P<wd>[1-7]|WE)(?:T.*)?)?"
    r"|Q(?P<q>[1-4])|H(?P<h>[12])|(?P<s>SP|SU|FA|WI)))?"
    r"|(?P<dec>\d{3})|(?P<cen>\d{2})"
)


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def timex_interval(value: str) -> tuple[dt.date, dt.date, str] | None:
    """First day, last day and precision of a TIMEX3 date value; None for durations, refs and X-values."""
    if not isinstance(value, str):
        return None
    m = _RE.fullmatch(value.strip())
    if not m:
        return None
    try:
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
            monday = dt.date.fromisocalendar(y, int(m["w"]), 1)
            if m["wd"] == "WE":
                return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6), "day"
            if m["wd"]:
                d = monday + dt.timedelta(days=int(m["wd"]) - 1)
                return d, d, "day"
            return monday, monday + dt.timedelta(days=6), "week"
        if m["q"]:
            q = int(m["q"])
            return dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "quarter"
        if m["h"]:
            h = int(m["h"])
            return dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h), "half"
        if m["s"]:
            first, last = _SEASONS[m["s"]]
            end_year = y + 1 if last < first else y
            return dt.date(y, first, 1), _month_end(end_year, last), "season"
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    except ValueError:
        return None
