"""`sps score`: any date range, from the warehouse, with the numbers the reports publish."""

from __future__ import annotations

from datetime import date

import pytest


def test_a_range_is_measured_but_has_no_report_folder():
    from tasks.model.periods import Period

    with pytest.raises(ValueError, match="a range of days \\(2017-10-30..2017-11-05\\) has no report folder"):
        _ = Period("range", date(2017, 10, 30), date(2017, 11, 5)).folder


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2017-10-31", "daily", date(2017, 10, 31), date(2017, 10, 31)),
        ("2017-W44", "weekly", date(2017, 10, 30), date(2017, 11, 5)),  # ISO week 44 of 2017: Monday 30 Oct
        ("2017-10", "monthly", date(2017, 10, 1), date(2017, 10, 31)),
        ("2016-02", "monthly", date(2016, 2, 1), date(2016, 2, 29)),
    ],
)
def test_a_report_is_named_by_day_week_or_month(text, kind, start, end):
    from tasks.model.periods import Period, parse_period

    assert parse_period(text) == Period(kind, start, end)


@pytest.mark.parametrize("text", ["2017-W54", "2017-13", "2017-02-30", "W44", "yesterday"])
def test_a_name_that_is_no_report_period_is_refused(text):
    from tasks.model.periods import parse_period

    with pytest.raises(ValueError, match="is not a day \\(2017-10-31\\), an ISO week \\(2017-W44\\) or a month"):
        parse_period(text)
