"""Dateline's time-expression grammar: one list of rules, used both to find expressions in text and to
normalise a phrase to its TIMEX3 type and value (``normalise``), relative to an anchor date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.extract.timex_lex import (
    DAY,
    MONTH,
    MONTHS,
    NUM,
    PART,
    PARTS,
    SEASON,
    SEASONS,
    UNIT,
    VAGUE,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    add_months,
    duration,
    number,
    quarter_of,
    safe_date,
    unit_code,
    week_value,
)

PMOD = (r"(?:(?P<pmod>early|earlier|late|later|mid|the\s+(?:end|beginning|start|middle|rest|remainder)\s+of"
        r"|the\s+(?:early|late|mid))[\s-]+)?")
APPROX = (r"(?:(?:about|around|approximately|roughly|nearly|almost|some|more\s+than|less\s+than|at\s+least|"
          r"at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|just|only|fully|barely|well\s+over|"
          r"close\s+to|upwards\s+of|a\s+full)\s+)?")
PAST, PRESENT, FUTURE = "PAST_REF", "PRESENT_REF", "FUTURE_REF"


@dataclass(slots=True)
class Ctx:
    """What a value is resolved against: the anchor (publication) date, the clause's tense, discourse state."""
    anchor: dt.date | None
    tense: str | None = None          # "past" | "present" | "future" | None
    sentence: str = ""
    quarter: tuple[int, int] | None = None   # the quarter the text is talking about
    last_value: str = ""
    state: dict = field(default_factory=dict)


Result = tuple[str, str]


# ---------------------------------------------------------------------------------------------- helpers

def _rel_ref(c: Ctx, direction: int) -> str:
    return PAST if direction < 0 else FUTURE if direction > 0 else PRESENT


def _closest_year(c: Ctx, month: int, day: int | None) -> int:
    a = c.anchor
    y = a.year
    target = safe_date(y, month, day or 15) or dt.date(y, month, 1)
    if day is None:
        diff = (month - a.month)
        later, earlier = diff > 1, diff < 0
    else:
        later, earlier = (target - a).days > 60, target < a
    if c.tense == "past" and later:
        return y - 1
    if c.tense == "future" and earlier:
        return y + 1
    if c.tense in ("past", "future"):
        return y
    gap = (target - a).days
    if gap > 200:
        return y - 1
    if gap < -250 and c.tense != "past":
        return y + 1
    return y


def _year_value(y: int) -> str:
    return f"{y:04d}"


def _date_value(d: dt.date) -> str:
    return d.isoformat()


def _month_num(s: str) -> int:
    return MONTHS[s.lower().rstrip(".")]


def _year_num(s: str) -> int:
    return int(s)


def _day_num(s: str) -> int:
    return int(re.match(r"\d+", s).group())


# ---------------------------------------------------------------------------------------------- handlers

def h_iso(m, c):
    d = safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return ("DATE", _date_value(d)) if d else None


def h_slash(m, c):
    y = int(m["y"])
    if y < 100:
        y += 1900 if y > 30 else 2000
    d = safe_date(y, int(m["mo"]), int(m["d"]))
    return ("DATE", _date_value(d)) if d else None


def month_day(mon: int, day: int, year: str | None, c: Ctx) -> str | None:
    if year:
        d = safe_date(int(year), mon, day)
        return _date_value(d) if d else None
    if c.anchor is None:
        return f"XXXX-{mon:02d}-{day:02d}" if 1 <= day <= 31 else None
    d = safe_date(_closest_year(c, mon, day), mon, day)
    return _date_value(d) if d else None


def h_mdy(m, c):
    v = month_day(_month_num(m["mon"]), _day_num(m["day"]), m["year"], c)
    return ("DATE", v) if v else None


def h_my(m, c):
    return "DATE", f"{int(m['year']):04d}-{_month_num(m['mon']):02d}"


def h_month(m, c):
    mon = _month_num(m["mon"])
    rel = (m["rel"] or "").lower().split()
    if c.anchor is None:
        return "DATE", f"XXXX-{mon:02d}"
    y = c.anchor.year
    if (rel and rel[-1] in ("last", "past")) or rel[-2:] == ["this", "past"]:
        y = y if mon < c.anchor.month else y - 1
    elif rel and rel[-1] in ("next", "coming"):
        y = y if mon > c.anchor.month else y + 1
    elif rel == ["this"]:
        pass
    else:
        y = _closest_year(c, mon, None)
    return "DATE", f"{y:04d}-{mon:02d}"


def h_year(m, c):
    y = int(m["year"])
    return "DATE", _year_value(y)


def h_decade(m, c):
    d = m["dec"].lstrip("'")
    if len(d) == 2:
        d = ("19" if int(d[0]) > 2 or c.anchor is None or c.anchor.year < 2000 + int(d) else "20") + d
    return "DATE", d[:3]


def h_century(m, c):
    n = int(re.match(r"\d+", m["cen"]).group()) if m["cen"][0].isdigit() else {
        "twentieth": 20, "twenty-first": 21, "nineteenth": 19, "eighteenth": 18, "twenty first": 21}.get(m["cen"].lower())
    if not n:
        return None
    return "DATE", f"{n - 1:02d}"


def _quarter_year(c: Ctx, q: int) -> int:
    if c.anchor is None:
        return 0
    cur = quarter_of(c.anchor)
    if q <= cur or c.tense == "future":
        return c.anchor.year
    return c.anchor.year - 1 if c.tense == "past" else c.anchor.year


def _ref_quarter(c: Ctx) -> tuple[int, int] | None:
    if c.quarter:
        return c.quarter
    if c.anchor is None:
        return None
    q, y = quarter_of(c.anchor) - 1, c.anchor.year
    return (y - 1, 4) if q == 0 else (y, q)


def h_quarter(m, c):
    o = m["qo"].lower()
    yr = m["qy"] or m["qy2"] or m["qy3"]
    rel = (m["qrel"] or m["qrel2"] or "").lower()
    ago = bool(m["qya"])
    if o in ("current", "this"):
        if c.anchor is None:
            return "DATE", PRESENT
        y, q = c.anchor.year, quarter_of(c.anchor)
    elif o in ("latest", "recent") and not yr and not rel:
        rq = _ref_quarter(c)
        if rq is None:
            return "DATE", PAST
        y, q = rq
    elif o in ("past", "previous", "last") and not yr and not rel and not ago:
        if c.anchor is None:
            return "DATE", PAST
        y, q = c.anchor.year, quarter_of(c.anchor) - 1
        if q == 0:
            y, q = y - 1, 4
    elif o in ("next", "coming"):
        if c.anchor is None:
            return "DATE", FUTURE
        y, q = c.anchor.year, quarter_of(c.anchor) + 1
        if q == 5:
            y, q = y + 1, 1
    else:
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
             "final": 4, "last": 4}.get(o.replace("fiscal-", ""))
        if q is None:
            return None
        if yr:
            y = int(yr)
        elif c.anchor is None:
            return "DATE", f"XXXX-Q{q}"
        elif rel == "last":
            y = c.anchor.year - 1
        elif rel == "next":
            y = c.anchor.year + 1
        elif rel == "this":
            y = c.anchor.year
        else:
            y = _quarter_year(c, q)
    if ago and not yr:
        y -= 1
    return "DATE", f"{y:04d}-Q{q}"


def h_the_quarter(m, c):
    rq = _ref_quarter(c)
    if rq is None:
        return "DATE", PAST
    y, q = rq
    if m["qy"]:
        y = int(m["qy"])
    elif m["qya"]:
        y -= 1
    return "DATE", f"{y:04d}-Q{q}"


def h_spelled_year(m, c):
    words = m["yw"].lower().split()
    if words[0] == "two":
        rest = [w for w in words[2:] if w != "and"]
        y = 2000 + (int(number(" ".join(rest)) or 0) if rest else 0)
    else:
        head = number(words[0])
        tail = " ".join(words[1:])
        y = int(head) * 100 + (0 if tail == "hundred" else int(number(tail) or 0))
    season = re.match(r"(?:the\s+)?(winter|summer|spring|fall|autumn)\s+of", m.group(0), re.I)
    if season:
        return "DATE", f"{y:04d}-{SEASONS[season.group(1).lower()]}"
    return "DATE", _year_value(y)


def h_ya_adj(m, c):
    if c.anchor is None:
        return "DATE", PAST
    quarterish = "quarter" in c.sentence.lower() or re.search(r"-Q\d$", c.last_value or "")
    rq = _ref_quarter(c)
    if quarterish and rq:
        return "DATE", f"{rq[0] - 1:04d}-Q{rq[1]}"
    return "DATE", _year_value(c.anchor.year - 1)


def h_the_year(m, c):
    if m["ended"] is not None:
        return "DURATION", "P1Y"
    if c.anchor is None:
        return "DATE", PRESENT
    return "DATE", _year_value(c.anchor.year)


def h_half(m, c):
    h = 1 if m["h"].lower() == "first" else 2
    if m["hy"]:
        y = int(m["hy"])
    elif c.anchor is None:
        return "DATE", f"XXXX-H{h}"
    else:
        y = c.anchor.year + {"last": -1, "next": 1}.get((m["hrel"] or "").lower(), 0)
    return "DATE", f"{y:04d}-H{h}"


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def h_season(m, c):
    s = SEASONS[m["season"].lower()]
    rel = " ".join((m["srel"] or "").lower().split())
    if m["sy"]:
        return "DATE", f"{int(m['sy']):04d}-{s}"
    if c.anchor is None:
        return "DATE", f"XXXX-{s}"
    a, y = c.anchor, c.anchor.year
    start = _SEASON_START[s]
    in_or_after = a.month >= start if s != "WI" else a.month == 12
    if rel in ("last", "past", "this past"):
        y = y if (in_or_after and a.month >= start + 3) or (s == "WI" and a.month >= 3 and a.month < 12) else y - 1
        if s == "WI":
            y = y - 1
    elif rel in ("next", "coming", "this coming"):
        y = y if a.month < start else y + 1
    elif rel == "this":
        pass
    elif c.tense == "past" and a.month < start:
        y -= 1
    return "DATE", f"{y:04d}-{s}"


def h_rel_unit(m, c):
    rel = " ".join(m["rel"].lower().split()).replace("the ", "")
    u = m["u"].lower()
    direction = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "this past": -1,
                 "next": 1, "coming": 1, "following": 1, "this coming": 1, "latest": -1}.get(rel, 0)
    if u == "year" and m["fiscal"] and rel == "latest":
        direction = -1
    if c.anchor is None:
        return "DATE", _rel_ref(c, direction)
    a = c.anchor
    if u == "week":
        return "DATE", week_value(a + dt.timedelta(weeks=direction))
    if u == "weekend":
        return "DATE", week_value(a + dt.timedelta(weeks=direction)) + "-WE"
    if u == "month":
        return "DATE", add_months(a, direction).strftime("%Y-%m")
    if u == "year":
        return "DATE", _year_value(a.year + direction)
    if u == "decade":
        return "DATE", str(a.year // 10 + direction)
    if u == "century":
        return "DATE", f"{a.year // 100 + direction:02d}"
    return None


def h_the_unit(m, c):
    return h_rel_unit(_Fake({"rel": "this", "u": m["u"], "fiscal": None}), c)


class _Fake(dict):
    def __getitem__(self, k):
        return self.get(k)


def h_weekend(m, c):
    if c.anchor is None:
        return "DATE", "XXXX-WXX-WE"
    a = c.anchor
    if c.tense == "past" and a.weekday() < 5:
        a -= dt.timedelta(weeks=1)
    return "DATE", week_value(a) + "-WE"


def _day_shift(word: str) -> int:
    w = " ".join(word.lower().split())
    return {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
            "the day after tomorrow": 2}[w]


def h_deictic(m, c):
    w = m["w"].lower()
    part = m["part"].lower() if m["part"] else ("night" if w == "tonight" else None)
    shift = _day_shift(w)
    if c.anchor is None:
        return ("TIME" if part else "DATE"), _rel_ref(c, shift)
    d = c.anchor + dt.timedelta(days=shift)
    if part:
        return "TIME", f"{d.isoformat()}T{PARTS[part]}"
    return "DATE", d.isoformat()


def h_part_of_day(m, c):
    rel = m["rel"].lower()
    part = m["part"].lower()
    if rel == "last" and part != "night":
        return None
    shift = -1 if rel == "last" else 0
    if c.anchor is None:
        return "TIME", _rel_ref(c, shift)
    return "TIME", f"{(c.anchor + dt.timedelta(days=shift)).isoformat()}T{PARTS[part]}"


def weekday_date(wd: int, rel: str, c: Ctx) -> dt.date:
    a = c.anchor
    back = (a.weekday() - wd) % 7
    fwd = (wd - a.weekday()) % 7
    if rel in ("last", "past", "this past"):
        return a - dt.timedelta(days=back or 7)
    if rel in ("next", "coming", "this coming"):
        return a + dt.timedelta(days=fwd or 7)
    if back == 0:
        return a
    if c.tense == "future" or (rel == "this" and c.tense != "past"):
        return a + dt.timedelta(days=fwd)
    return a - dt.timedelta(days=back)


def h_weekday(m, c):
    wd = WEEKDAYS[m["wd"].lower()]
    part = m["part"].lower() if m["part"] else None
    if m["mon"]:
        v = month_day(_month_num(m["mon"]), _day_num(m["day"]), m["year"], c)
        return ("DATE", v) if v else None
    if m["plural"] and part:
        return "SET", f"XXXX-WXX-{wd + 1}T{PARTS[part]}"
    rel = " ".join((m["rel"] or "").lower().split())
    if c.anchor is None:
        v = f"XXXX-WXX-{wd + 1}"
    else:
        v = weekday_date(wd, rel, c).isoformat()
    if part:
        return "TIME", f"{v}T{PARTS[part]}"
    return "DATE", v


def _clock(m) -> str | None:
    if m["noon"]:
        return "12:00" if m["noon"].lower() == "noon" else "24:00"
    h = int(m["hh"])
    mm = int(m["mm"] or 0)
    ap = (m["ap"] or "").lower().replace(".", "").replace(" ", "")
    if h > 24 or mm > 59:
        return None
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    return f"{h:02d}:{mm:02d}"


def h_time(m, c):
    clock = _clock(m)
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


def _shift(c: Ctx, amount: float, u: str, sign: int) -> str | None:
    a = c.anchor
    n = round(amount) * sign
    if u == "D":
        return (a + dt.timedelta(days=n)).isoformat()
    if u in ("W", "W2"):
        return week_value(a + dt.timedelta(weeks=n * (2 if u == "W2" else 1)))
    if u == "M":
        return add_months(a, n).strftime("%Y-%m")
    if u == "Q":
        d = add_months(a, 3 * n)
        return f"{d.year}-Q{quarter_of(d)}"
    if u == "Y":
        quarterish = "quarter" in c.sentence.lower() or re.search(r"-Q\d$", c.last_value or "")
        if n == -1 and quarterish:
            rq = _ref_quarter(c)
            if rq:
                return f"{rq[0] + n:04d}-Q{rq[1]}"
        return _year_value(a.year + n)
    if u == "E":
        return str(a.year // 10 + n)
    if u == "C":
        return f"{a.year // 100 + n:02d}"
    if u in ("H", "MIN", "S"):
        return a.isoformat()
    return None


def h_offset(m, c):
    d = " ".join(m["dir"].lower().split())
    sign = 1 if d in ("later", "from now", "hence", "after") else -1
    amount = number(m["num"])
    u = unit_code(m["u"])
    if amount is None or c.anchor is None:
        return "DATE", _rel_ref(c, sign)
    v = _shift(c, amount, u, sign)
    return ("DATE", v) if v else None


def h_duration(m, c):
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


def h_vague(m, c):
    if not (m["vrel"] or m["vq"] or m["ahead"]):
        return None
    return "DURATION", duration(None, unit_code(m["u"]))


_SET_UNITS = {"D": "P1D", "W": "P1W", "M": "P1M", "Y": "P1Y", "Q": "P1Q", "H": "PT1H", "MIN": "PT1M", "E": "P1E"}


def h_set(m, c):
    w = m["what"]
    if w.lower() in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[w.lower()] + 1}"
    if w.lower().rstrip(".") in MONTHS and w[0].isupper():
        return "SET", f"XXXX-{_month_num(w):02d}"
    if w.lower() in PARTS:
        return "SET", f"XXXX-XX-XXT{PARTS[w.lower()]}"
    return "SET", _SET_UNITS.get(unit_code(w), "P1D")


def h_set_adverb(m, c):
    w = m["adv"].lower()
    return "SET", {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
                   "yearly": "P1Y", "hourly": "PT1H", "quarterly": "P3M", "biannually": "P6M"}[w]


_REFS = {"now": PRESENT, "currently": PRESENT, "current": PRESENT, "presently": PRESENT, "at present": PRESENT,
         "nowadays": PRESENT, "these days": PRESENT, "right now": PRESENT, "the present": PRESENT,
         "recently": PAST, "recent": PAST, "lately": PAST, "previously": PAST, "formerly": PAST, "former": PAST,
         "the past": PAST, "in the past": PAST, "earlier": PAST,
         "soon": FUTURE, "the future": FUTURE, "future": FUTURE, "shortly": FUTURE, "the near future": FUTURE,
         "someday": FUTURE, "one day": FUTURE}


def h_ref(m, c):
    return "DATE", _REFS[" ".join(m["ref"].lower().split())]


# ---------------------------------------------------------------------------------------------- rules

@dataclass(slots=True)
class Rule:
    name: str
    pattern: str
    handler: Callable[[re.Match, Ctx], Result | None]
    find: bool = True           # used by the tagger (False: normaliser only)
    finder: re.Pattern | None = None
    full: re.Pattern | None = None
    gate: re.Pattern | None = None  # a cheap test: the rule cannot match a text without it


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
    Rule("mdy", rf"{PMOD}(?P<mon>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?(?![\d:])", h_mdy),
    Rule("dmy", rf"(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MONTH})(?:,?\s+(?P<year>{YEAR}))?", h_mdy),
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
for _r in RULES:
    if _r.name in _GATES:
        _r.gate = re.compile(_GATES[_r.name], re.I)
    _r.finder = re.compile(rf"(?<![\w$£€'./-])(?:{_r.pattern})(?![\w]|-\w|'s\w)", re.I)
    _r.full = re.compile(rf"(?:{_r.pattern})", re.I)


def normalise(text: str, anchor: dt.date | None, tense_hint: str | None = None, ctx: Ctx | None = None) -> Result | None:
    """(TIMEX3 type, value) of a time expression relative to ``anchor``; None if it is not one we know."""
    if not isinstance(text, str):
        return None
    t = " ".join(text.split())
    if not t or len(t) > 120:
        return None
    c = ctx if ctx is not None else Ctx(anchor=anchor, tense=tense_hint)
    if ctx is not None:
        c = Ctx(anchor=anchor, tense=tense_hint, sentence=ctx.sentence, quarter=ctx.quarter, last_value=ctx.last_value)
    attempts = (t, _capitalise(t)) if (" " in t or any(ch.isdigit() for ch in t)) else (t,)
    for attempt in attempts:
        for rule in RULES:
            m = rule.full.fullmatch(attempt)
            if m:
                try:
                    r = rule.handler(m, c)
                except (ValueError, OverflowError, KeyError, AttributeError):
                    r = None
                if r is not None:
                    return r
        if attempt == _capitalise(t):
            break
    return None


_CAP = re.compile(r"\b(" + "|".join(sorted(set(MONTHS) | set(WEEKDAYS), key=len, reverse=True)) + r")\b", re.I)


def _capitalise(t: str) -> str:
    return _CAP.sub(lambda m: m.group(1).capitalize(), t)
