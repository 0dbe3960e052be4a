"""A week's page charts 12 ISO weeks and a month's 12 months, each point counted from its days'
stored facts as its own page counts it: counts summed, rates from the counts, medians of the
mentions' own times (never daily medians combined), an author once a period."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import polars as pl
import pytest

from tasks.metrics.period import MeasureRules, MentionFacts, PeriodMeasure, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tasks.model.windows import trend_days, trend_periods, window_for
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.measure_store import summed_trend_rows, trend_rows
from tests.frames import at, frame, post

ACME = "AcmeHelp"
HORIZON = timedelta(hours=72)
RULES = MeasureRules(BrandRegistry(), HORIZON.total_seconds(), 3600, at("2017-12-20 00:00"))
W45 = period_of("weekly", date(2017, 11, 6))  # Mon 11-06 .. Sun 11-12


def test_a_week_charts_its_12_iso_weeks_and_a_month_its_12_months():
    weeks = trend_periods(W45)
    assert [p.label for p in (weeks[0], weeks[-1])] == ["2017-W34", "2017-W45"] and len(weeks) == 12
    assert trend_days(W45)[0] == date(2017, 8, 21) and trend_days(W45)[-1] == date(2017, 11, 12)  # 84 days
    assert len(trend_days(W45)) == 84
    months = trend_periods(period_of("monthly", date(2017, 11, 15)))
    assert [p.label for p in months] == [f"2016-{m}" for m in ("12",)] + [f"2017-{m:02d}" for m in range(1, 12)]
    assert len(trend_days(months[-1])) == 365  # 2016-12-01 .. 2017-11-30
    daily = trend_periods(period_of("daily", date(2017, 10, 31)))
    assert (daily[0].start, len(daily)) == (date(2017, 10, 4), 28)  # a day's page: 28 days, as before


def _posts() -> pl.DataFrame:
    """W43: Mon three mentions answered in 600, 900 and 1,200 s (c1 negative, c3, c4), Tue one in
    7,200 s (c2), Wed c1 again, positive, unanswered. W44: nothing. W45: Mon one answered in 1,800 s."""
    return frame(
        post("m1", "c1", "2017-10-23 10:00", "@AcmeHelp broken", brand=ACME, sentiment="negative"),
        post("r1", ACME, "2017-10-23 10:10", "sorry", brand_post=True, reply_to="m1"),
        post("m2", "c3", "2017-10-23 11:00", "@AcmeHelp hi", brand=ACME, sentiment="neutral"),
        post("r2", ACME, "2017-10-23 11:15", "hello", brand_post=True, reply_to="m2"),
        post("m3", "c4", "2017-10-23 12:00", "@AcmeHelp hi", brand=ACME, sentiment="neutral"),
        post("r3", ACME, "2017-10-23 12:20", "hello", brand_post=True, reply_to="m3"),
        post("m4", "c2", "2017-10-24 09:00", "@AcmeHelp hi", brand=ACME, sentiment="neutral"),
        post("r4", ACME, "2017-10-24 11:00", "hello", brand_post=True, reply_to="m4"),
        post("m5", "c1", "2017-10-25 12:00", "@AcmeHelp fixed, thanks", brand=ACME, sentiment="positive"),
        post("m6", "c5", "2017-11-06 08:00", "@AcmeHelp hi", brand=ACME, sentiment="neutral"),
        post("r6", ACME, "2017-11-06 08:30", "hello", brand_post=True, reply_to="m6"),
    )


def _facts(posts: pl.DataFrame, day: date) -> MentionFacts:
    """The day as a run stores it: measured from its own window, kept for summing."""
    start, end = window_for(period_of("daily", day), HORIZON)
    measure = measure_period(
        posts.filter(pl.col("created_at").dt.date().is_between(start, end)), period_of("daily", day), RULES
    )
    assert measure.source is not None
    return measure.source.for_summing()


def test_each_week_is_counted_from_its_mentions_and_a_week_without_any_is_a_gap():
    posts = _posts()
    days = [date(2017, 10, 23), date(2017, 10, 24), date(2017, 10, 25), date(2017, 11, 6)]
    stored = {d: _facts(posts, d) for d in days}
    rows = summed_trend_rows(trend_periods(W45), _prints(days), stored.__getitem__, RULES, scope="weeks")
    assert rows is not None
    picked = rows.select(
        "date", "inbound", "responded", "response_rate", "frt_median_s", "authors", "promoters", "detractors"
    ).rows()
    assert picked == [
        # W43: 5 mentions, 4 answered: 80 % (the days' rates 100, 100, 0 % average 66.7 %); the median of
        # 600, 900, 1,200, 7,200 s is 1,050 s (the days' medians 900 and 7,200 s would give 4,050 s);
        # c1 wrote twice (negative, then positive): one passive author, so 4 authors, 0 promoters, 0
        # detractors (the days counted apart: 5 authors, 1 promoter, 1 detractor)
        (date(2017, 10, 23), 5, 4, pytest.approx(0.8), pytest.approx(1050.0), 4, 0, 0),
        # W44 has no row: a gap. W45: one mention, answered in 1,800 s
        (date(2017, 11, 6), 1, 1, pytest.approx(1.0), pytest.approx(1800.0), 1, 0, 0),
    ]
    assert rows["sps"].null_count() == 2  # 4 and 1 authors: too few for a readable SPS


def test_a_month_is_one_point_from_all_its_days():
    posts = _posts()
    days = [date(2017, 10, 23), date(2017, 10, 24), date(2017, 10, 25), date(2017, 11, 6)]
    stored = {d: _facts(posts, d) for d in days}
    november = period_of("monthly", date(2017, 11, 6))
    rows = summed_trend_rows(trend_periods(november), _prints(days), stored.__getitem__, RULES, scope="month")
    assert rows is not None
    # October: W43's 5 mentions (80 %, median 1,050 s); November: 1 (100 %, 1,800 s); 2016-12 … 2017-09: gaps
    assert rows.select("date", "inbound", "response_rate", "frt_median_s").rows() == [
        (date(2017, 10, 1), 5, pytest.approx(0.8), pytest.approx(1050.0)),
        (date(2017, 11, 1), 1, pytest.approx(1.0), pytest.approx(1800.0)),
    ]


def test_no_day_with_mentions_no_rows():
    assert summed_trend_rows(trend_periods(W45), {}, lambda d: pytest.fail(f"{d} read"), RULES, scope="none") is None


def test_a_period_counted_once_is_not_counted_again_until_a_day_of_it_changes():
    """W43 and W45 counted; counted again from the same days' fingerprints, no day's facts are read
    and the rows are the same; when 2017-11-06's inputs change (a new fingerprint) only W45 is
    counted again, from that day alone."""
    posts = _posts()
    days = [date(2017, 10, 23), date(2017, 10, 24), date(2017, 10, 25), date(2017, 11, 6)]
    stored = {d: _facts(posts, d) for d in days}
    read: list[date] = []

    def facts(day: date) -> MentionFacts:
        read.append(day)
        return stored[day]

    first = summed_trend_rows(trend_periods(W45), _prints(days), facts, RULES, scope="again")
    assert read == days
    read.clear()
    again = summed_trend_rows(trend_periods(W45), _prints(days), facts, RULES, scope="again")
    assert read == [] and again is not None and first is not None and again.equals(first)
    changed = _prints(days) | {date(2017, 11, 6): "another"}
    assert summed_trend_rows(trend_periods(W45), changed, facts, RULES, scope="again") is not None
    assert read == [date(2017, 11, 6)]


def _prints(days: list[date]) -> dict[date, str]:
    """Each day's fingerprint as a run gives it (here: its date)."""
    return {d: d.isoformat() for d in days}


def test_a_days_trend_row_is_read_once_a_process_for_its_fingerprint(tmp_path):
    """Two days not stored: the first page measures and stores them (2 measures; 10-23 answered 3 of
    3, 10-24 1 of 1); a second page charting them, with the stored measures gone, measures nothing:
    the process remembers their rows. A new fingerprint for 10-24 (its inputs changed) is measured."""
    storage = open_storage(str(tmp_path))
    posts = _posts()
    measured: list[date] = []

    def measure_day(day: date) -> PeriodMeasure:
        measured.append(day)
        start, end = window_for(period_of("daily", day), HORIZON)
        window = posts.filter(pl.col("created_at").dt.date().is_between(start, end))
        return measure_period(window, period_of("daily", day), RULES)

    prints = _prints([date(2017, 10, 23), date(2017, 10, 24)])
    rows, _ = trend_rows(storage, prints, measure_day)
    assert rows is not None and rows.select("date", "inbound", "responded").rows() == [
        (date(2017, 10, 23), 3, 3),
        (date(2017, 10, 24), 1, 1),
    ]
    assert measured == [date(2017, 10, 23), date(2017, 10, 24)]
    shutil.rmtree(tmp_path / layout.DAY_MEASURES)  # the stored measures gone: only the process's rows remain
    again, _ = trend_rows(storage, prints, lambda day: pytest.fail(f"{day} measured again"))
    assert again is not None and again.equals(rows)
    measured.clear()
    trend_rows(storage, prints | {date(2017, 10, 24): "another"}, measure_day)
    assert measured == [date(2017, 10, 24)]
