"""Dateline's time-expression grammar: one list of rules (a pattern and the handler that reads its match),
used both to find expressions in text and to normalise a phrase to its TIMEX3 type and value
(``normalise``); the date arithmetic the handlers need is in calendar.py."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.extract.lexicon import Row, read_tsv
from app.extract.timex.calendar import (
    FUTURE,
    MONTHS,
    PAST,
    PRESENT,
    WEEKDAYS,
    Ctx,
    clock_time,
    closest_year,
    day_num,
    day_shift,
    duration,
    leading_int,
    month_day,
    month_num,
    nearby_quarter,
    quarter_year,
    ref_quarter,
    relative_ref,
    safe_date,
    season_year,
    shift,
    unit_value,
    week_value,
    weekday_date,
)

__all__ = ["RANK", "RULES", "Result", "Rule", "normalise", "number", "unit_code"]

DATA_DIR = Path(__file__).resolve().parent / "data"
Result = tuple[str, str]
Handler = Callable[[re.Match[str], Ctx], Result | None]


# ------------------------------------------------------------------------------------------ vocabulary

def _read_numbers(path: Path) -> list[tuple[str, float, str]]:
    """(word, value, kind) rows of the number-word lexicon, each checked on load."""
    def check(row: Row) -> None:
        if row["kind"] not in ("unit", "tens", "phrase", "value"):
            raise row.fail(f"unknown kind {row['kind']!r}")
        try:
            float(row["value"])
        except ValueError:
            raise row.fail(f"value {row['value']!r} is not a number") from None

    rows = read_tsv(path, ("word", "value", "kind"), required=("word", "value", "kind"), check=check)
    return [(r["word"].lower(), float(r["value"]), r["kind"]) for r in rows]


def _read_refs(path: Path) -> dict[str, str]:
    """Reference word -> PAST_REF | PRESENT_REF | FUTURE_REF."""
    def check(row: Row) -> None:
        if row["class"] not in (PAST, PRESENT, FUTURE):
            raise row.fail(f"class must be {PAST}, {PRESENT} or {FUTURE}, not {row['class']!r}")

    return {r["word"].lower(): r["class"] for r in read_tsv(path, ("word", "class"), required=("word", "class"),
                                                                check=check)}


_NUMBERS = _read_numbers(DATA_DIR / "number_words.tsv")
NUMBER_WORDS = {word: value for word, value, _kind in _NUMBERS}
VAGUE_WORDS = frozenset(r["word"].lower() for r in read_tsv(DATA_DIR / "vague_quantities.tsv", ("word",),
                                                             required=("word",)))
REFS = _read_refs(DATA_DIR / "time_refs.tsv")
UNITS = {
    "second": "S", "minute": "MIN", "hour": "H", "day": "D", "night": "D", "week": "W", "fortnight": "W2",
    "month": "M", "quarter": "Q", "year": "Y", "decade": "E", "century": "C", "centurie": "C",
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI", "overnight": "NI"}


# ------------------------------------------------------------------------------------------ fragments

def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


_MONTH_FULL = [calendar.month_name[i] for i in range(1, 13)]
_MONTH_ABBR = [calendar.month_abbr[i] for i in range(1, 13) if calendar.month_abbr[i] != "May"] + ["Sept"]
# Capitalised only: "may", "march" and "august" are ordinary words too.
MONTH = rf"(?-i:(?:{_alt(_MONTH_FULL)})\b|(?:{_alt(_MONTH_ABBR)})(?:\.|\b)|(?:JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\b)"
WEEKDAY = rf"(?-i:(?:{_alt(calendar.day_name[i] for i in range(7))})\b)"
YEAR = r"(?:1[0-9]{3}|20[0-9]{2})(?![\d,.]\d)"
DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
UNIT = r"(?:(?:trading|business|working|calendar)\s+)?(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ie))s?"
_TENS = (w for w, _v, kind in _NUMBERS if kind == "tens")
_DIGITS = (w for w, v, kind in _NUMBERS if kind == "unit" and 1 <= v <= 9)
_NUMWORD = rf"(?:(?:{_alt(_TENS)})[\s-](?:{_alt(_DIGITS)})|{_alt(w for w, _v, kind in _NUMBERS if kind != 'value')})"
NUM = rf"(?:\d+(?:\.\d+)?(?:\s+1/2)?|{_NUMWORD}(?:\s+and\s+a\s+half)?)"
VAGUE = rf"(?:{_alt(VAGUE_WORDS)})"
SEASON = r"(?:spring|summer|autumn|winter|fall)"
PART = r"(?:morning|afternoon|evening|night)"
PMOD = (r"(?:(?P<pmod>early|earlier|late|later|mid|the\s+(?:end|beginning|start|middle|rest|remainder)\s+of"
        r"|the\s+(?:early|late|mid))[\s-]+)?")
APPROX = (r"(?:(?:about|around|approximately|roughly|nearly|almost|some|more\s+than|less\s+than|at\s+least|"
          r"at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|just|only|fully|barely|well\s+over|"
          r"close\s+to|upwards\s+of|a\s+full)\s+)?")


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


# ---------------------------------------------------------------------------------------------- handlers

def h_iso(m: re.Match[str], c: Ctx) -> Result | None:
    d = safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return ("DATE", d.isoformat()) if d else None


def h_slash(m: re.Match[str], c: Ctx) -> Result | None:
    y = int(m["y"])
    if y < 100:
        y += 1900 if y > 30 else 2000
    d = safe_date(y, int(m["mo"]), int(m["d"]))
    return ("DATE", d.isoformat()) if d else None


def h_mdy(m: re.Match[str], c: Ctx) -> Result | None:
    v = month_day(month_num(m["mon"]), day_num(m["day"]), m["year"], c)
    return ("DATE", v) if v else None


def h_my(m: re.Match[str], c: Ctx) -> Result | None:
    return "DATE", f"{int(m['year']):04d}-{month_num(m['mon']):02d}"


def h_month(m: re.Match[str], c: Ctx) -> Result | None:
    mon = month_num(m["mon"])
    rel = (m["rel"] or "").lower().split()
    a = c.anchor
    if a is None:
        return "DATE", f"XXXX-{mon:02d}"
    y = a.year
    if (rel and rel[-1] in ("last", "past")) or rel[-2:] == ["this", "past"]:
        y = y if mon < a.month else y - 1
    elif rel and rel[-1] in ("next", "coming"):
        y = y if mon > a.month else y + 1
    elif rel == ["this"]:
        pass
    else:
        y = closest_year(a, c.tense, mon, None)
    return "DATE", f"{y:04d}-{mon:02d}"


def h_year(m: re.Match[str], c: Ctx) -> Result | None:
    return "DATE", f"{int(m['year']):04d}"


def h_decade(m: re.Match[str], c: Ctx) -> Result | None:
    d = m["dec"].lstrip("'")
    if len(d) == 2:
        d = ("19" if int(d[0]) > 2 or c.anchor is None or c.anchor.year < 2000 + int(d) else "20") + d
    return "DATE", d[:3]


_CENTURY_WORDS = {"twentieth": 20, "twenty-first": 21, "nineteenth": 19, "eighteenth": 18, "twenty first": 21}


def h_century(m: re.Match[str], c: Ctx) -> Result | None:
    n = leading_int(m["cen"]) if m["cen"][0].isdigit() else _CENTURY_WORDS.get(m["cen"].lower())
    if not n:
        return None
    return "DATE", f"{n - 1:02d}"


_QUARTER_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
                     "final": 4, "last": 4}


def _ordinal_quarter(o: str, yr: str | None, rel: str, c: Ctx) -> tuple[int, int] | str | None:
    """(year, quarter) of "the third quarter [of 1997|of last year]", or the value when there is no anchor."""
    q = _QUARTER_ORDINALS.get(o.replace("fiscal-", ""))
    if q is None:
        return None
    if yr:
        return int(yr), q
    if c.anchor is None:
        return f"XXXX-Q{q}"
    return quarter_year(c, q, rel), q


def h_quarter(m: re.Match[str], c: Ctx) -> Result | None:
    o = m["qo"].lower()
    yr = m["qy"] or m["qy2"] or m["qy3"]
    rel = (m["qrel"] or m["qrel2"] or "").lower()
    ago = bool(m["qya"])
    a = c.anchor
    found: tuple[int, int] | str | None
    if o in ("current", "this"):
        found = PRESENT if a is None else nearby_quarter(a, 0)
    elif o in ("latest", "recent") and not yr and not rel:
        found = ref_quarter(c) or PAST
    elif o in ("past", "previous", "last") and not yr and not rel and not ago:
        found = PAST if a is None else nearby_quarter(a, -1)
    elif o in ("next", "coming"):
        found = FUTURE if a is None else nearby_quarter(a, 1)
    else:
        found = _ordinal_quarter(o, yr, rel, c)
    if found is None or isinstance(found, str):
        return None if found is None else ("DATE", found)
    y, q = found
    if ago and not yr:
        y -= 1
    return "DATE", f"{y:04d}-Q{q}"


def h_the_quarter(m: re.Match[str], c: Ctx) -> Result | None:
    rq = ref_quarter(c)
    if rq is None:
        return "DATE", PAST
    y, q = rq
    if m["qy"]:
        y = int(m["qy"])
    elif m["qya"]:
        y -= 1
    return "DATE", f"{y:04d}-Q{q}"


def h_spelled_year(m: re.Match[str], c: Ctx) -> Result | None:
    words = m["yw"].lower().split()
    if words[0] == "two":
        rest = [w for w in words[2:] if w != "and"]
        y = 2000 + (int(number(" ".join(rest)) or 0) if rest else 0)
    else:
        head = number(words[0])
        if head is None:
            return None
        tail = " ".join(words[1:])
        y = int(head) * 100 + (0 if tail == "hundred" else int(number(tail) or 0))
    season = re.match(r"(?:the\s+)?(winter|summer|spring|fall|autumn)\s+of", m.group(0), re.I)
    if season:
        return "DATE", f"{y:04d}-{SEASONS[season.group(1).lower()]}"
    return "DATE", f"{y:04d}"


def h_ya_adj(m: re.Match[str], c: Ctx) -> Result | None:
    if c.anchor is None:
        return "DATE", PAST
    quarterish = c.talks_of_quarters()
    rq = ref_quarter(c)
    if quarterish and rq:
        return "DATE", f"{rq[0] - 1:04d}-Q{rq[1]}"
    return "DATE", f"{c.anchor.year - 1:04d}"


def h_the_year(m: re.Match[str], c: Ctx) -> Result | None:
    if m["ended"] is not None:
        return "DURATION", "P1Y"
    if c.anchor is None:
        return "DATE", PRESENT
    return "DATE", f"{c.anchor.year:04d}"


def h_half(m: re.Match[str], c: Ctx) -> Result | None:
    h = 1 if m["h"].lower() == "first" else 2
    if m["hy"]:
        y = int(m["hy"])
    elif c.anchor is None:
        return "DATE", f"XXXX-H{h}"
    else:
        y = c.anchor.year + {"last": -1, "next": 1}.get((m["hrel"] or "").lower(), 0)
    return "DATE", f"{y:04d}-H{h}"


def h_season(m: re.Match[str], c: Ctx) -> Result | None:
    s = SEASONS[m["season"].lower()]
    rel = " ".join((m["srel"] or "").lower().split())
    if m["sy"]:
        return "DATE", f"{int(m['sy']):04d}-{s}"
    if c.anchor is None:
        return "DATE", f"XXXX-{s}"
    return "DATE", f"{season_year(c.anchor, c.tense, s, rel):04d}-{s}"


_DIRECTIONS = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "this past": -1,
               "next": 1, "coming": 1, "following": 1, "this coming": 1, "latest": -1}


def _relative_unit(rel_words: str, unit: str, fiscal: str | None, c: Ctx) -> Result | None:
    """The value of "last week", "the current fiscal year", "this month" against the anchor."""
    rel = " ".join(rel_words.lower().split()).replace("the ", "")
    u = unit.lower()
    direction = _DIRECTIONS.get(rel, 0)
    if u == "year" and fiscal and rel == "latest":
        direction = -1
    if c.anchor is None:
        return "DATE", relative_ref(direction)
    v = unit_value(c.anchor, u, direction)
    return ("DATE", v) if v else None


def h_rel_unit(m: re.Match[str], c: Ctx) -> Result | None:
    return _relative_unit(m["rel"], m["u"], m["fiscal"], c)


def h_the_unit(m: re.Match[str], c: Ctx) -> Result | None:
    return _relative_unit("this", m["u"], None, c)


def h_weekend(m: re.Match[str], c: Ctx) -> Result | None:
    a = c.anchor
    if a is None:
        return "DATE", "XXXX-WXX-WE"
    if c.tense == "past" and a.weekday() < 5:
        a -= dt.timedelta(weeks=1)
    return "DATE", week_value(a) + "-WE"


def h_deictic(m: re.Match[str], c: Ctx) -> Result | None:
    w = m["w"].lower()
    part = m["part"].lower() if m["part"] else ("night" if w == "tonight" else None)
    days = day_shift(w)
    if c.anchor is None:
        return ("TIME" if part else "DATE"), relative_ref(days)
    d = c.anchor + dt.timedelta(days=days)
    if part:
        return "TIME", f"{d.isoformat()}T{PARTS[part]}"
    return "DATE", d.isoformat()


def h_part_of_day(m: re.Match[str], c: Ctx) -> Result | None:
    rel = m["rel"].lower()
    part = m["part"].lower()
    if rel == "last" and part != "night":
        return None
    days = -1 if rel == "last" else 0
    if c.anchor is None:
        return "TIME", relative_ref(days)
    return "TIME", f"{(c.anchor + dt.timedelta(days=days)).isoformat()}T{PARTS[part]}"


def h_weekday(m: re.Match[str], c: Ctx) -> Result | None:
    wd = WEEKDAYS[m["wd"].lower()]
    part = m["part"].lower() if m["part"] else None
    if m["mon"]:
        v = month_day(month_num(m["mon"]), day_num(m["day"]), m["year"], c)
        return ("DATE", v) if v else None
    if m["plural"] and part:
        return "SET", f"XXXX-WXX-{wd + 1}T{PARTS[part]}"
    rel = " ".join((m["rel"] or "").lower().split())
    if c.anchor is None:
        v = f"XXXX-WXX-{wd + 1}"
    else:
        v = weekday_date(c.anchor, c.tense, wd, rel).isoformat()
    if part:
        return "TIME", f"{v}T{PARTS[part]}"
    return "DATE", v


def h_time(m: re.Match[str], c: Ctx) -> Result | None:
    clock = clock_time(m["noon"], m["hh"], m["mm"], m["ap"])
    if clock is None:
        return None
    if m["dt"]:
        r = normalise(m["dt"], c.anchor, c.tense, c)
        if r is None or not re.match(r"\d{4}-\d\d-\d\d$|XXXX", r[1]):
            return None
        return "TIME", f"{r[1]}T{clock}"
    if c.anchor is None:
        return "TIME", f"XXXX-XX-XXT{clock}"
    return "TIME", f"{c.anchor.isoformat()}T{clock}"


def h_offset(m: re.Match[str], c: Ctx) -> Result | None:
    d = " ".join(m["dir"].lower().split())
    sign = 1 if d in ("later", "from now", "hence", "after") else -1
    amount = number(m["num"])
    u = unit_code(m["u"])
    if amount is None or c.anchor is None:
        return "DATE", relative_ref(sign)
    v = shift(c, c.anchor, amount, u, sign)
    return ("DATE", v) if v else None


def h_duration(m: re.Match[str], c: Ctx) -> Result | None:
    num = m["num"]
    u = m["u"].lower()
    lead = num.lower()
    if lead in ("a", "an") and (u.startswith("second") or u.startswith("quarter")):
        return None
    amount = number(num)
    if amount is None and not re.fullmatch(VAGUE, num, re.I):
        return None
    if amount is not None and amount >= 1000 and not u.startswith(("second", "minute", "hour", "day")):
        return None
    if m["half"] and amount is not None:
        amount += 0.5
    return "DURATION", duration(amount, unit_code(u))


def h_vague(m: re.Match[str], c: Ctx) -> Result | None:
    if not (m["vrel"] or m["vq"] or m["ahead"]):
        return None
    return "DURATION", duration(None, unit_code(m["u"]))


_SET_UNITS = {"D": "P1D", "W": "P1W", "M": "P1M", "Y": "P1Y", "Q": "P1Q", "H": "PT1H", "MIN": "PT1M", "E": "P1E"}
_SET_ADVERBS = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
                "yearly": "P1Y", "hourly": "PT1H", "quarterly": "P3M", "biannually": "P6M"}


def h_set(m: re.Match[str], c: Ctx) -> Result | None:
    w = m["what"]
    if w.lower() in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[w.lower()] + 1}"
    if w.lower().rstrip(".") in MONTHS and w[0].isupper():
        return "SET", f"XXXX-{month_num(w):02d}"
    if w.lower() in PARTS:
        return "SET", f"XXXX-XX-XXT{PARTS[w.lower()]}"
    return "SET", _SET_UNITS.get(unit_code(w), "P1D")


def h_set_adverb(m: re.Match[str], c: Ctx) -> Result | None:
    return "SET", _SET_ADVERBS[m["adv"].lower()]


def h_ref(m: re.Match[str], c: Ctx) -> Result | None:
    return "DATE", REFS[" ".join(m["ref"].lower().split())]


# ---------------------------------------------------------------------------------------------- rules

@dataclass(slots=True)
class Rule:
    """A pattern and its handler; ``finder`` finds it in running text, ``full`` matches a whole phrase."""

    name: str
    pattern: str
    handler: Handler
    find: bool = True           # used by the tagger (False: normaliser only)
    gate: re.Pattern[str] | None = None  # a cheap test: the rule cannot match a text without it
    finder: re.Pattern[str] = field(init=False)
    full: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.finder = re.compile(rf"(?<![\w$£€'./-])(?:{self.pattern})(?![\w]|-\w|'s\w)", re.I)
        self.full = re.compile(rf"(?:{self.pattern})", re.I)


_PLURAL_UNIT = r"(?:(?:trading|business|working)\s+)?(?:second|minute|hour|day|night|week|month|quarter|year|decade)s|centuries"
_REL = r"this\s+past|this\s+coming|this|last|next|past|coming|previous|following"
_DATEWORD = (rf"{WEEKDAY}|today|tomorrow|yesterday|tonight|{MONTH}\s+{DAY}(?:,?\s+{YEAR})?")

RULES: list[Rule] = [
    Rule("iso", r"(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)", h_iso),
    Rule("slash", r"(?P<mo>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d\d)", h_slash),
    Rule("time", rf"(?:(?:about|around|approximately|shortly\s+(?:before|after)|just\s+(?:before|after))\s+)?"
                 rf"(?:(?P<noon>noon|midnight)|(?P<hh>[01]?\d|2[0-4])(?:[:.](?P<mm>[0-5]\d))?\s*"
                 rf"(?P<ap>[ap]\.\s?m\.|[ap]m\b|(?-i:[AP]M)\b|o'clock))"
                 rf"(?:\s+(?-i:[ECMP][SD]T|GMT|UTC|local\s+time))?(?:,?\s+(?:on\s+)?(?P<dt>{_DATEWORD}))?", h_time),
    Rule("weekday", rf"{PMOD}(?:(?P<rel>{_REL})\s+)?(?P<wd>{WEEKDAY})(?:\s+(?P<part>{PART})(?P<plural>s)?)?"
                    rf"(?:,?\s+(?P<mon>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?)?", h_weekday),
    Rule("mdy", rf"{PMOD}(?P<mon>{MONTH})\s+(?P<day>{DAY})(?:\s?,?\s+(?P<year>{YEAR}))?(?![\d:])", h_mdy),
    Rule("dmy", rf"(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MONTH})(?:\s?,?\s+(?P<year>{YEAR}))?", h_mdy),
    Rule("my", rf"{PMOD}(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<year>{YEAR})", h_my),
    Rule("month", rf"{PMOD}(?:(?P<rel>{_REL})\s+)?(?P<mon>{MONTH})", h_month),
    Rule("quarter", rf"(?:the\s+)?(?:(?:(?P<qy>{YEAR})(?:'s)?|(?P<qrel>this|last|next)\s+year's|"
                    rf"(?P<qya>(?:comparable\s+|same\s+)?year-(?:earlier|ago)|year\s+(?:earlier|ago))|comparable|same)\s+)*"
                    rf"(?:(?:fiscal|calendar)[\s-]+)?(?P<qo>first|second|third|fourth|1st|2nd|3rd|4th|final|last|"
                    rf"current|this|latest|recent|previous|past|next|coming|fiscal-first|fiscal-second|fiscal-third|fiscal-fourth)"
                    rf"[\s-]+(?:(?:fiscal|calendar)\s+)?quarter(?!s)(?:\s+of\s+(?:(?P<qy2>{YEAR})|(?P<qrel2>this|last|next)\s+year"
                    rf"|fiscal\s+(?P<qy3>{YEAR})))?", h_quarter),
    Rule("the_quarter", rf"the\s+(?:(?P<qy>{YEAR})\s+|(?P<qya>(?:comparable\s+|same\s+)?year-(?:earlier|ago))\s+|latest\s+|comparable\s+)?(?:quarter|period)(?![\w-])", h_the_quarter),
    Rule("ya_adj", r"(?P<qya>year-(?:earlier|ago))", h_ya_adj),
    Rule("the_year", r"the\s+(?:(?P<ymod>full|fiscal|current|calendar|whole|entire)\s+)?year(?![\w-])(?:(?=\s+(?:ended|ending)\b)(?P<ended>))?", h_the_year),
    Rule("half", rf"(?:the\s+)?(?P<h>first|second|last|latter)\s+half\s+of\s+(?:(?P<hy>{YEAR})|(?P<hrel>this|last|next)\s+year|the\s+year)", h_half),
    Rule("season", rf"(?:(?:the\s+)?(?:early|late|mid)[\s-]+|(?P<srel>this\s+past|this\s+coming|this|last|next|past|coming)\s+|the\s+)?"
                   rf"(?P<season>{SEASON})(?:\s+(?:of\s+)?(?P<sy>{YEAR}))?", h_season),
    Rule("decade", r"(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?P<dec>1\d\d0|20\d0|'\d0)'?s", h_decade),
    Rule("century", r"(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?P<cen>\d{1,2}(?:st|nd|rd|th)|twentieth|twenty[\s-]first|nineteenth|eighteenth)[\s-]+century", h_century),
    Rule("year", rf"{PMOD}(?:(?:the\s+)?(?:fiscal|calendar|financial)(?:\s+year)?\s+|the\s+year\s+)?(?P<year>{YEAR})(?!\s*%|-\d)", h_year),
    Rule("spelled_year", r"(?:(?:the\s+)?(?:winter|summer|spring|fall|autumn)\s+of\s+)?(?:the\s+year\s+)?(?P<yw>(?:nineteen|eighteen|twenty)\s+(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred)|two\s+thousand(?:\s+and)?(?:\s+(?:one|two|three|four|five|six|seven|eight|nine|ten))?)", h_spelled_year),
    Rule("offset", rf"{APPROX}(?P<num>{NUM}|{VAGUE})\s+(?P<u>{UNIT})\s+(?P<dir>ago|earlier|later|from\s+now|hence)", h_offset),
    Rule("rel_unit", rf"{PMOD}(?P<rel>(?:the\s+)?(?:{_REL}|current|latest))\s+(?:(?P<fiscal>fiscal|calendar)\s+)?(?P<u>week|weekend|month|year|decade|century)(?![\w-])", h_rel_unit),
    Rule("the_unit", r"the\s+(?:end|beginning|start|middle|rest|remainder)\s+of\s+the\s+(?P<u>week|month|year|decade|century)(?![\w-])", h_the_unit),
    Rule("weekend", r"(?:the\s+)?weekend(?!s)", h_weekend),
    Rule("deictic", rf"{PMOD}(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight|yesterday|tomorrow)(?:\s+(?P<part>{PART}))?", h_deictic),
    Rule("part_of_day", rf"(?P<rel>this|last)\s+(?P<part>{PART})", h_part_of_day),
    Rule("duration", rf"{APPROX}(?:the\s+(?:(?:past|last|next|first|final|coming|previous|following|latest|preceding|remaining|initial|ensuing|same)\s+)?)?"
                     rf"(?P<num>{NUM}|{VAGUE})[\s-]+(?P<u>{UNIT})(?P<half>\s+and\s+a\s+half)?", h_duration),
    Rule("vague", rf"(?:the\s+)?(?:(?P<vrel>past|last|next|coming|recent|previous|following|first)\s+)?(?:(?P<vq>{VAGUE})\s+)?"
                  rf"(?P<u>{_PLURAL_UNIT})(?P<ahead>\s+(?:ahead|to\s+come))?", h_vague),
    Rule("set", rf"(?:every|each|per)\s+(?:other\s+|single\s+)?(?P<what>{WEEKDAY}|{MONTH}|second|minute|hour|day|night|week|month|quarter|year|decade|{PART})", h_set),
    Rule("set_times", rf"(?:once|twice|(?:{NUM})\s+times)\s+(?:a|an|per|every)\s+(?P<what>second|minute|hour|day|week|month|quarter|year|decade)", h_set),
    Rule("set_adverb", r"(?P<adv>yearly|hourly|biannually|daily|weekly|monthly|nightly)", h_set_adverb),
    Rule("set_adverb_extra", r"(?P<adv>annually|quarterly)", h_set_adverb, find=False),
    Rule("ref", r"(?P<ref>right\s+now|now|currently|current|presently|at\s+present|nowadays|these\s+days|"
                r"recently|recent|lately|formerly|the\s+past|soon|the\s+near\s+future|the\s+future|future)", h_ref),
    Rule("ref_extra", r"(?P<ref>former|previously|the\s+present|earlier|shortly|someday|one\s+day|in\s+the\s+past)", h_ref, find=False),
]

_UNIT_GATE = r"second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur"
_GATES = {
    "duration": _UNIT_GATE, "offset": r"ago|earlier|later|from now|hence", "vague": _UNIT_GATE, "quarter": "quarter",
    "the_quarter": r"quarter|period", "set_times": r"once|twice|times", "season": r"spring|summer|fall|autumn|winter",
    "weekend": "weekend", "weekday": r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
    "rel_unit": r"week|month|year|decade|century", "the_unit": r"the\s+(?:end|beginning|start|middle|rest|remainder)\s+of",
    "half": "half", "spelled_year": r"nineteen|eighteen|twenty|thousand", "century": "century", "decade": r"0'?s", "time": r"[ap]\.?\s?m\b|[AP]M|noon|midnight|o'clock",
    "set": r"every|each|per", "ya_adj": r"year-", "the_year": r"the\s", "deictic": r"today|tonight|yesterday|tomorrow",
    "part_of_day": r"morning|afternoon|evening|night",
}
for _rule in RULES:
    if _rule.name in _GATES:
        _rule.gate = re.compile(_GATES[_rule.name], re.I)
RANK = {rule.name: i for i, rule in enumerate(RULES)}  # earlier rules win ties between equally long matches


def normalise(text: str, anchor: dt.date | None, tense_hint: str | None = None, ctx: Ctx | None = None) -> Result | None:
    """(TIMEX3 type, value) of a time expression relative to ``anchor``; None if it is not one we know."""
    if not isinstance(text, str):
        return None
    t = " ".join(text.split())
    if not t or len(t) > 120:
        return None
    c = Ctx(anchor=anchor, tense=tense_hint)
    if ctx is not None:
        c = Ctx(anchor=anchor, tense=tense_hint, sentence=ctx.sentence, quarter=ctx.quarter, last_value=ctx.last_value)
    attempts = (t, _capitalise(t)) if (" " in t or any(ch.isdigit() for ch in t)) else (t,)
    for attempt in attempts:
        for rule in RULES:
            m = rule.full.fullmatch(attempt)
            if m:
                try:
                    r = rule.handler(m, c)
                except (ValueError, OverflowError, KeyError):
                    r = None
                if r is not None:
                    return r
        if attempt == _capitalise(t):
            break
    return None


_CAP = re.compile(r"\b(" + "|".join(sorted(set(MONTHS) | set(WEEKDAYS), key=len, reverse=True)) + r")\b", re.I)


def _capitalise(t: str) -> str:
    return _CAP.sub(lambda m: m.group(1).capitalize(), t)
