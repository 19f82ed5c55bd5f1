"""Lexicon, regex fragments and calendar arithmetic shared by Dateline's time-expression grammar."""

from __future__ import annotations

import calendar
import datetime as dt
import re

# Month and weekday names come from the stdlib calendar (C locale: English).
MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    MONTHS[calendar.month_name[_i].lower()] = _i
    MONTHS[calendar.month_abbr[_i].lower()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}  # Monday = 0


def _alt(words) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


_MONTH_FULL = [calendar.month_name[i] for i in range(1, 13)]
_MONTH_ABBR = [calendar.month_abbr[i] for i in range(1, 13) if calendar.month_abbr[i] != "May"] + ["Sept"]
# Capitalised only: "may", "march" and "august" are ordinary words too.
MONTH = rf"(?-i:(?:{_alt(_MONTH_FULL)})\b|(?:{_alt(_MONTH_ABBR)})(?:\.|\b)|(?:JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\b)"
WEEKDAY = rf"(?-i:(?:{_alt(calendar.day_name[i] for i in range(7))})\b)"
YEAR = r"(?:1[0-9]{3}|20[0-9]{2})(?![\d,.]\d)"
DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"

UNITS = {
    "second": "S", "minute": "MIN", "hour": "H", "day": "D", "night": "D", "week": "W", "fortnight": "W2",
    "month": "M", "quarter": "Q", "year": "Y", "decade": "E", "century": "C", "centurie": "C",
}
UNIT = r"(?:(?:trading|business|working|calendar)\s+)?(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ie))s?"

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: i for i, w in enumerate(_ONES)}
NUMBER_WORDS.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
NUMBER_WORDS.update({"a": 1, "an": 1, "one": 1, "a dozen": 12, "dozen": 12, "a hundred": 100, "hundred": 100,
                     "a couple of": 2, "couple of": 2, "a couple": 2, "a half": 0.5, "half a": 0.5, "half an": 0.5})
VAGUE_WORDS = ("a few", "few", "several", "some", "many", "a number of", "numerous", "the few", "couple of")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "last": -1, "final": -1, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_NUMWORD = rf"(?:(?:{_alt(_TENS)})[\s-](?:{_alt(_ONES[1:10])})|{_alt(k for k in NUMBER_WORDS if k not in ('a couple',))})"
NUM = rf"(?:\d+(?:\.\d+)?(?:\s+1/2)?|{_NUMWORD}(?:\s+and\s+a\s+half)?)"
VAGUE = rf"(?:{_alt(VAGUE_WORDS)})"

SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON = r"(?:spring|summer|autumn|winter|fall)"
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI", "overnight": "NI"}
PART = r"(?:morning|afternoon|evening|night)"


def number(text: str) -> float | None:
    """Numeric value of a number phrase ("two", "twenty-five", "2 1/2", "a couple of"); None if vague."""
    t = re.sub(r"\s+", " ", text.lower().strip())
    half = 0.0
    if t.endswith(" and a half"):
        t, half = t[: -len(" and a half")], 0.5
    if t.endswith(" 1/2"):
        t, half = t[:-4], 0.5
    try:
        return float(t) + half
    except ValueError:
        pass
    if t in NUMBER_WORDS:
        return NUMBER_WORDS[t] + half
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]] + half
    return None


def unit_code(text: str) -> str:
    t = text.lower().split()[-1].rstrip("s")
    return UNITS.get(t, "D")


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
        sub = {"Y": (12, "M", ""), "M": (30, "D", ""), "W": (7, "D", ""), "D": (24, "H", "T"),
               "H": (60, "M", ""), "MIN": (60, "S", ""), "E": (10, "Y", ""), "C": (100, "Y", "")}.get(unit)
        if sub:
            first = f"{whole}{letter}" if whole else ""
            return f"{pre}{first}{sub[2]}{round(frac * sub[0])}{sub[1]}"
    return f"{pre}{whole}{letter}"


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


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None
