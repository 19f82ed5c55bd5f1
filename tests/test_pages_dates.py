"""Dates are written at the precision they are known."""

import datetime as dt

import pytest

from app.queries.common import date_label

D = dt.date


@pytest.mark.parametrize("first, last, precision, label", [
    (D(2021, 12, 17), D(2021, 12, 17), "day", "17 Dec 2021"),
    (D(2021, 12, 13), D(2021, 12, 19), "week", "13–19 Dec 2021"),
    (D(2021, 11, 29), D(2021, 12, 5), "week", "29 Nov – 5 Dec 2021"),
    (D(2021, 12, 27), D(2022, 1, 2), "week", "27 Dec 2021 – 2 Jan 2022"),
    (D(2021, 12, 1), D(2021, 12, 31), "month", "Dec 2021"),
    (D(2021, 10, 1), D(2021, 12, 31), "quarter", "Q4 2021"),
    (D(2021, 7, 1), D(2021, 12, 31), "half", "H2 2021"),
    (D(2021, 12, 1), D(2022, 2, 28), "season", "Winter 2021"),
    (D(2021, 1, 1), D(2021, 12, 31), "year", "2021"),
    (D(2020, 1, 1), D(2029, 12, 31), "decade", "2020s"),
    (None, None, None, "undated"),
])
def test_date_label(first, last, precision, label):
    assert date_label(first, last, precision) == label
