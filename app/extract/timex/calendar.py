"""Calendar arithmetic on an anchor day (the publication date): which year a bare "December" means, the
Monday before or after, the quarter a year-ago comparison points at. Names come from the stdlib calendar."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "FUTURE", "MONTHS", "PAST", "PRESENT", "WEEKDAYS", "Ctx", "add_months", "clock_time", "closest_year",
    "day_num", "day_shift", "duration", "leading_int", "month_day", "month_num", "nearby_quarter",
    "quarter_of", "quarter_year", "ref_quarter", "relative_ref", "safe_date", "season_year", "shift",
    "unit_value", "week_value", "weekday_date",
]

PAST, PRESENT, FUTURE = "PAST_REF", "PRESENT_REF", "FUTURE_REF"

# Month and weekday names come from the stdlib calendar (C locale: English).
MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    MONTHS[calendar.month_name[_i].lower()] = _i
    MONTHS[calendar.month_abbr[_i].lower()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}  # Monday = 0
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_YEAR_STEPS = {"last": -1, "next": 1, "this": 0}
_DAY_SHIFTS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
               "the day after tomorrow": 2}
# an amount with a fraction of a unit is written in the next smaller unit: 2.5 years -> P2Y6M
_SUBUNITS = {"Y": (12, "M", ""), "M": (30, "D", ""), "W": (7, "D", ""), "D": (24, "H", "T"),
             "H": (60, "M", ""), "MIN": (60, "S", ""), "E": (10, "Y", ""), "C": (100, "Y", "")}


@dataclass(slots=True)
class Ctx:
    """What a value is resolved against: the anchor (publication) date, the clause's tense, discourse state."""

    anchor: dt.date | None
    tense: str | None = None          # "past" | "present" | "future" | None
    sentence: str = ""
    quarter: tuple[int, int] | None = None   # the quarter the text is talking about
    last_value: str = ""

    def talks_of_quarters(self) -> bool:
        """A "year ago" here compares quarters: the sentence or the previous value is about one."""
        return "quarter" in self.sentence.lower() or re.search(r"-Q\d$", self.last_value or "") is not None


def month_num(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def leading_int(text: str) -> int:
    """The number a text starts with ("17th" -> 17)."""
    m = re.match(r"\d+", text)
    if m is None:
        raise ValueError(f"no leading number in {text!r}")
    return int(m.group())


def day_num(text: str) -> int:
    return leading_int(text)


def relative_ref(direction: int) -> str:
    return PAST if direction < 0 else FUTURE if direction > 0 else PRESENT


def day_shift(word: str) -> int:
    """Days from the anchor a deictic word means ("yesterday" -> -1)."""
    return _DAY_SHIFTS[" ".join(word.lower().split())]


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year = d.year + y
    day = min(d.day, calendar.monthrange(year, m + 1)[1]) if 1 <= year <= 9999 else d.day
    return dt.date(year, m + 1, day)


def week_value(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def duration(amount: float | None, unit: str) -> str:
    """ISO 8601 duration ("P2D", "PT3H", "PXM") for an amount of a unit code."""
    if unit == "W2":
        amount, unit = (None if amount is None else amount * 2), "W"
    if unit == "Q":
        if amount is None:
            return "PXQ"
        amount, unit = amount * 3, "M"
    timed = unit in ("H", "MIN", "S")
    letter = "M" if unit == "MIN" else unit
    pre = "PT" if timed else "P"
    if amount is None:
        return f"{pre}X{letter}"
    whole, frac = int(amount), amount - int(amount)
    if frac:
        sub = _SUBUNITS.get(unit)
        if sub:
            first = f"{whole}{letter}" if whole else ""
            return f"{pre}{first}{sub[2]}{round(frac * sub[0])}{sub[1]}"
    return f"{pre}{whole}{letter}"


def clock_time(noon: str | None, hour: str | None, minute: str | None, am_pm: str | None) -> str | None:
    """"15:30" for "3.30 p.m."; None for an impossible time."""
    if noon:
        return "12:00" if noon.lower() == "noon" else "24:00"
    h = int(hour or "")
    mm = int(minute or 0)
    ap = (am_pm or "").lower().replace(".", "").replace(" ", "")
    if h > 24 or mm > 59:
        return None
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    return f"{h:02d}:{mm:02d}"


def closest_year(anchor: dt.date, tense: str | None, month: int, day: int | None) -> int:
    """The year of a month (and day) given without one: the tense decides, else the nearest to the anchor."""
    y = anchor.year
    target = safe_date(y, month, day or 15) or dt.date(y, month, 1)
    if day is None:
        diff = (month - anchor.month)
        later, earlier = diff > 1, diff < 0
    else:
        later, earlier = (target - anchor).days > 60, target < anchor
    if tense == "past" and later:
        return y - 1
    if tense == "future" and earlier:
        return y + 1
    if tense in ("past", "future"):
        return y
    gap = (target - anchor).days
    if gap > 200:
        return y - 1
    if gap < -250 and tense != "past":
        return y + 1
    return y


def month_day(mon: int, day: int, year: str | None, c: Ctx) -> str | None:
    """The value of a month and day, in the year given or else the one the anchor and tense make likely."""
    if year:
        d = safe_date(int(year), mon, day)
        return d.isoformat() if d else None
    if c.anchor is None:
        return f"XXXX-{mon:02d}-{day:02d}" if 1 <= day <= 31 else None
    d = safe_date(closest_year(c.anchor, c.tense, mon, day), mon, day)
    return d.isoformat() if d else None


def quarter_year(c: Ctx, q: int, rel: str = "") -> int:
    """The year of "the third quarter" said without one: "last"/"next"/"this" year's, else this year's unless
    the quarter is still ahead in a past clause; 0 without an anchor."""
    if c.anchor is None:
        return 0
    if rel in _YEAR_STEPS:
        return c.anchor.year + _YEAR_STEPS[rel]
    cur = quarter_of(c.anchor)
    if q <= cur or c.tense == "future":
        return c.anchor.year
    return c.anchor.year - 1 if c.tense == "past" else c.anchor.year


def nearby_quarter(anchor: dt.date, step: int) -> tuple[int, int]:
    """(year, quarter) of the anchor's quarter moved by ``step`` (-1, 0 or 1) quarters."""
    y, q = anchor.year, quarter_of(anchor) + step
    if q == 0:
        return y - 1, 4
    if q == 5:
        return y + 1, 1
    return y, q


def ref_quarter(c: Ctx) -> tuple[int, int] | None:
    """The quarter "the quarter" means: the one the text is about, else the last one completed."""
    if c.quarter:
        return c.quarter
    if c.anchor is None:
        return None
    q, y = quarter_of(c.anchor) - 1, c.anchor.year
    return (y - 1, 4) if q == 0 else (y, q)


def season_year(anchor: dt.date, tense: str | None, season: str, rel: str) -> int:
    """The year of "last winter", "this summer" or a bare "spring" relative to the anchor."""
    a, y = anchor, anchor.year
    start = SEASON_START[season]
    in_or_after = a.month >= start if season != "WI" else a.month == 12
    if rel in ("last", "past", "this past"):
        y = y if (in_or_after and a.month >= start + 3) or (season == "WI" and a.month >= 3 and a.month < 12) else y - 1
        if season == "WI":
            y = y - 1
    elif rel in ("next", "coming", "this coming"):
        y = y if a.month < start else y + 1
    elif rel == "this":
        pass
    elif tense == "past" and a.month < start:
        y -= 1
    return y


def unit_value(anchor: dt.date, unit: str, direction: int) -> str | None:
    """The value of "this/last/next week|weekend|month|year|decade|century" relative to the anchor."""
    if unit == "week":
        return week_value(anchor + dt.timedelta(weeks=direction))
    if unit == "weekend":
        return week_value(anchor + dt.timedelta(weeks=direction)) + "-WE"
    if unit == "month":
        return add_months(anchor, direction).strftime("%Y-%m")
    if unit == "year":
        return f"{anchor.year + direction:04d}"
    if unit == "decade":
        return str(anchor.year // 10 + direction)
    if unit == "century":
        return f"{anchor.year // 100 + direction:02d}"
    return None


def weekday_date(anchor: dt.date, tense: str | None, wd: int, rel: str) -> dt.date:
    """The day a weekday name means: "last"/"next" say so, else the tense, else the most recent one."""
    back = (anchor.weekday() - wd) % 7
    fwd = (wd - anchor.weekday()) % 7
    if rel in ("last", "past", "this past"):
        return anchor - dt.timedelta(days=back or 7)
    if rel in ("next", "coming", "this coming"):
        return anchor + dt.timedelta(days=fwd or 7)
    if back == 0:
        return anchor
    if tense == "future" or (rel == "this" and tense != "past"):
        return anchor + dt.timedelta(days=fwd)
    return anchor - dt.timedelta(days=back)


def shift(c: Ctx, anchor: dt.date, amount: float, unit: str, sign: int) -> str | None:
    """The value ``amount`` units before (sign -1) or after (+1) the anchor: "two years ago" -> "2019"."""
    n = round(amount) * sign
    if unit == "D":
        return (anchor + dt.timedelta(days=n)).isoformat()
    if unit in ("W", "W2"):
        return week_value(anchor + dt.timedelta(weeks=n * (2 if unit == "W2" else 1)))
    if unit == "M":
        return add_months(anchor, n).strftime("%Y-%m")
    if unit == "Q":
        d = add_months(anchor, 3 * n)
        return f"{d.year}-Q{quarter_of(d)}"
    if unit == "Y":
        if n == -1 and c.talks_of_quarters():
            rq = ref_quarter(c)
            if rq:
                return f"{rq[0] + n:04d}-Q{rq[1]}"
        return f"{anchor.year + n:04d}"
    if unit == "E":
        return str(anchor.year // 10 + n)
    if unit == "C":
        return f"{anchor.year // 100 + n:02d}"
    if unit in ("H", "MIN", "S"):
        return anchor.isoformat()
    return None
