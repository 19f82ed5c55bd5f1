"""Dateline's time-expression tagger and TIMEX3 normaliser, publication-date inference, intervals."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.extract.timex import iter_values, normalise, timex_interval

FRI = dt.date(2021, 12, 17)  # a Friday, the seed article's publication date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("December 17", ("DATE", "2021-12-17")),
        ("December 15", ("DATE", "2021-12-15")),
        ("December 14, 2021", ("DATE", "2021-12-14")),
        ("July 24 , 2003", ("DATE", "2003-07-24")),  # tokenised text: a space before the comma
        ("Dec. 3", ("DATE", "2021-12-03")),
        ("3 December 2020", ("DATE", "2020-12-03")),
        ("earlier this week", ("DATE", "2021-W50")),
        ("next week", ("DATE", "2021-W51")),
        ("last week", ("DATE", "2021-W49")),
        ("1997", ("DATE", "1997")),
        ("two days", ("DURATION", "P2D")),
        ("three hours", ("DURATION", "PT3H")),
        ("2 1/2 years", ("DURATION", "P2Y6M")),
        ("nearly forty years", ("DURATION", "P40Y")),
        ("the next few months", ("DURATION", "PXM")),
        ("today", ("DATE", "2021-12-17")),
        ("yesterday", ("DATE", "2021-12-16")),
        ("tomorrow", ("DATE", "2021-12-18")),
        ("last year", ("DATE", "2020")),
        ("next year", ("DATE", "2022")),
        ("this month", ("DATE", "2021-12")),
        ("last month", ("DATE", "2021-11")),
        ("the 1990s", ("DATE", "199")),
        ("the late 1970s", ("DATE", "197")),
        ("the 20th century", ("DATE", "19")),
        ("the first quarter", ("DATE", "2021-Q1")),
        ("the first quarter of 2020", ("DATE", "2020-Q1")),
        ("third-quarter", ("DATE", "2021-Q3")),
        ("this summer", ("DATE", "2021-SU")),
        ("the first half of 1989", ("DATE", "1989-H1")),
        ("now", ("DATE", "PRESENT_REF")),
        ("currently", ("DATE", "PRESENT_REF")),
        ("recently", ("DATE", "PAST_REF")),
        ("former", ("DATE", "PAST_REF")),
        ("the future", ("DATE", "FUTURE_REF")),
        ("every week", ("SET", "P1W")),
        ("each July", ("SET", "XXXX-07")),
        ("annually", ("SET", "P1Y")),
        ("3 p.m.", ("TIME", "2021-12-17T15:00")),
        ("10:30 a.m. Thursday", ("TIME", "2021-12-16T10:30")),
        ("noon", ("TIME", "2021-12-17T12:00")),
        ("this morning", ("TIME", "2021-12-17TMO")),
        ("last night", ("TIME", "2021-12-16TNI")),
        ("two years ago", ("DATE", "2019")),
        ("five months ago", ("DATE", "2021-07")),
        ("10 days ago", ("DATE", "2021-12-07")),
        ("March 1998", ("DATE", "1998-03")),
        ("fiscal 1990", ("DATE", "1990")),
        ("mid-November", ("DATE", "2021-11")),
        ("the end of 1994", ("DATE", "1994")),
        ("Friday, Dec. 17", ("DATE", "2021-12-17")),
        ("2021-12-01", ("DATE", "2021-12-01")),
        ("nineteen ninety-six", ("DATE", "1996")),
        ("the winter of nineteen ninety-four", ("DATE", "1994-WI")),
        ("the year-ago quarter", ("DATE", "2020-Q3")),
    ],
)
def test_normalise_against_anchor(text, expected):
    assert normalise(text, FRI) == expected


def test_weekdays_follow_tense():
    # a bare weekday in news is the most recent one, unless the clause is in the future
    assert normalise("Monday", FRI) == ("DATE", "2021-12-13")
    assert normalise("Monday", FRI, "past") == ("DATE", "2021-12-13")
    assert normalise("Monday", FRI, "future") == ("DATE", "2021-12-20")
    assert normalise("Friday", FRI) == ("DATE", "2021-12-17")  # the publication day itself
    assert normalise("last Friday", FRI) == ("DATE", "2021-12-10")
    assert normalise("next Monday", FRI) == ("DATE", "2021-12-20")


def test_month_without_year_follows_tense():
    spring = dt.date(1998, 4, 18)
    assert normalise("December", spring, "past") == ("DATE", "1997-12")
    assert normalise("December", spring, "future") == ("DATE", "1998-12")
    assert normalise("February", spring, "future") == ("DATE", "1999-02")
    # early January article mentioning late December means the previous year
    assert normalise("December 28", dt.date(2022, 1, 3)) == ("DATE", "2021-12-28")


def test_no_anchor_gives_anchorless_values():
    assert normalise("December 17", None) == ("DATE", "XXXX-12-17")
    assert normalise("Monday", None) == ("DATE", "XXXX-WXX-1")
    assert normalise("yesterday", None) == ("DATE", "PAST_REF")
    assert normalise("next week", None) == ("DATE", "FUTURE_REF")
    assert normalise("December 14, 2021", None) == ("DATE", "2021-12-14")


def test_not_time_expressions():
    for text in ("the president", "Ukraine", "", "   ", "may", "3 people", "a quarter of the votes"):
        assert normalise(text, FRI) is None


def test_tagger_spans_follow_timeml():
    text = ("Officials met on Monday, and in the third quarter profits rose for the past two months; "
            "the talks resume at 3 p.m. Friday, about two years ago it was 1997.")
    got = {text[s:e]: (t, v) for s, e, t, v in iter_values(text, FRI)}
    assert got["Monday"] == ("DATE", "2021-12-13")          # leading preposition excluded
    assert got["the third quarter"] == ("DATE", "2021-Q3")  # determiner included
    assert got["the past two months"] == ("DURATION", "P2M")
    assert got["3 p.m. Friday"] == ("TIME", "2021-12-17T15:00")
    assert got["about two years ago"] == ("DATE", "2019")
    assert got["1997"] == ("DATE", "1997")


def test_tagger_skips_ages_money_and_modal_may():
    text = "The 52-year-old may pay $2000 and he is 6 years old; May 5 is a date."
    spans = [text[s:e] for s, e, _, _ in iter_values(text, FRI)]
    assert spans == ["May 5"]


@pytest.mark.parametrize(
    "value, first, last, precision",
    [
        ("2021-12-17", dt.date(2021, 12, 17), dt.date(2021, 12, 17), "day"),
        ("2021-12-17T15:00", dt.date(2021, 12, 17), dt.date(2021, 12, 17), "day"),
        ("2021-W51", dt.date(2021, 12, 20), dt.date(2021, 12, 26), "week"),
        ("2021-12", dt.date(2021, 12, 1), dt.date(2021, 12, 31), "month"),
        ("2021-02", dt.date(2021, 2, 1), dt.date(2021, 2, 28), "month"),
        ("2021-Q1", dt.date(2021, 1, 1), dt.date(2021, 3, 31), "quarter"),
        ("2021-SU", dt.date(2021, 6, 1), dt.date(2021, 8, 31), "season"),
        ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year"),
        ("199", dt.date(1990, 1, 1), dt.date(1999, 12, 31), "decade"),
        ("19", dt.date(1900, 1, 1), dt.date(1999, 12, 31), "century"),
    ],
)
def test_timex_interval(value, first, last, precision):
    assert timex_interval(value) == (first, last, precision)


@pytest.mark.parametrize("value", ["P2D", "PRESENT_REF", "FUTURE_REF", "XXXX-12-17", "2021-13", "2021-02-30", "", "abc"])
def test_timex_interval_rejects_non_dates(value):
    assert timex_interval(value) is None


_VALUE = re.compile(
    r"\d{2,4}(-(\d\d(-\d\d)?|W\d\d(-(\d|WE))?|Q\d|H\d|SP|SU|FA|WI))?(T(\d\d:\d\d|MO|AF|EV|NI))?"
    r"|XXXX(-[\dWX]+)*(-\d|-WE)?(T(\d\d:\d\d|MO|AF|EV|NI))?|XXXX-(SP|SU|FA|WI)"
    r"|P(\d+|X)[YMWDQEC]|P\d+Y\d+M|P\d+M\d+D|P\d*T?\d*[HMS]?\d*[HMS]?|PT(\d+|X)[HMS]|PT\d+M\d+S|P\d+[YMWD]\d+[YMWDH]"
    r"|PAST_REF|PRESENT_REF|FUTURE_REF"
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from([FRI, None, dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
       st.sampled_from([None, "past", "present", "future"]))
def test_normalise_never_crashes(text, anchor, tense):
    r = normalise(text, anchor, tense)
    assert r is None or (r[0] in ("DATE", "TIME", "DURATION", "SET") and _VALUE.fullmatch(r[1]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["on", "Monday", "December", "17", ",", "2021", "the", "next", "few", "months",
                                 "two", "days", "ago", "3", "p.m.", "last", "week", "quarter", "third", "x"]),
                max_size=12))
def test_tagger_offsets_always_slice_the_text(words):
    text = " ".join(words)
    for s, e, typ, value in iter_values(text, FRI):
        assert 0 <= s < e <= len(text) and text[s:e].strip() == text[s:e]
        assert typ in ("DATE", "TIME", "DURATION", "SET") and value


@pytest.mark.slow
def test_seed_published_is_inferred(seed_record):
    assert seed_record.published == "2021-12-17"
    assert seed_record.published_inferred is True


@pytest.mark.slow
def test_seed_timexes(seed_record, seed_text):
    got = {(t.text, t.value) for t in seed_record.timexes}
    for expected in [("December 17", "2021-12-17"), ("December 15", "2021-12-15"),
                     ("December 14, 2021", "2021-12-14"), ("earlier this week", "2021-W50"),
                     ("next week", "2021-W51"), ("1997", "1997")]:
        assert expected in got
    for t in seed_record.timexes:
        assert seed_text[t.start:t.end] == t.text
    starts = [t.start for t in seed_record.timexes]
    assert starts == sorted(starts)


@pytest.mark.slow
def test_given_date_is_kept_and_weekday_uses_tense(extractor):
    rec = extractor.extract("The minister will travel to Kyiv on Monday. She met the envoy on Monday.",
                            published=dt.date(2021, 12, 17))
    assert rec.published == "2021-12-17" and rec.published_inferred is False
    assert [t.value for t in rec.timexes] == ["2021-12-20", "2021-12-13"]


@pytest.mark.slow
def test_a_present_that_is_due_looks_ahead(extractor):
    # Wikinews 62929, published 2007-03-19: the deliveries are due in the coming October, not the last one
    rec = extractor.extract("Deliveries to Singapore Airlines, its launch customer, are not due until October - "
                            "two years late.", published=dt.date(2007, 3, 19))
    assert [t.value for t in rec.timexes] == ["2007-10", "P2Y"]


@pytest.mark.slow
def test_a_since_date_lies_behind_the_report(extractor):
    # Wikinews 71426 (CC BY 2.5), published 2007-06-09: the bid began the December before, not the next one
    rec = extractor.extract("Aer Lingus rival Ryanair has been attempting to take over Aer Lingus since December.",
                            published=dt.date(2007, 6, 9))
    assert [t.value for t in rec.timexes] == ["2006-12"]
