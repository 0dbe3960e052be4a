"""The backlog hour by hour, counted by hand (AcmeHelp, 2017-10-31 UTC; reply horizon 3 h).

m1 22:10 answered 22:20            open in hour 22 only
m2 23:30 answered 11-01 00:45      open in hour 23 and hour 00 of 11-01: both in 10-31's file
m3 23:50 never answered            closes at its horizon, 11-01 02:50 (expired in hour 02)
m4 23:40 answered 11-01 03:00      3 h 20 min: past the horizon, so it expires at 02:40, not at 03:00

hour         inbound answered expired open open_at_end gap
10-31 22:00     1       1        0     1       0        no  (1 posted, 1 answered)
10-31 23:00     3       0        0     3       3        yes (3 posted, none answered, 0 → 3): the peak
11-01 00:00     0       1        0     3       2        no
11-01 01:00     0       0        0     2       2        no
11-01 02:00     0       0        2     2       0        no
"""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.metrics.backlog import hourly_backlog
from tasks.metrics.period import MeasureRules, SummedDays, measure_from_days, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tests.frames import at, frame, post

ACME = "AcmeHelp"
HORIZON = 3 * 3600
WATERMARK = at("2017-11-10 00:00")
COLUMNS = ["hour", "inbound", "answered", "expired", "open", "open_at_end", "staffing_gap", "peak"]
HAND = [
    (at("2017-10-31 22:00"), 1, 1, 0, 1, 0, False, False),
    (at("2017-10-31 23:00"), 3, 0, 0, 3, 3, True, True),
    (at("2017-11-01 00:00"), 0, 1, 0, 3, 2, False, False),
    (at("2017-11-01 01:00"), 0, 0, 0, 2, 2, False, False),
    (at("2017-11-01 02:00"), 0, 0, 2, 2, 0, False, False),
]


def _posts() -> pl.DataFrame:
    return frame(
        post("1", "c1", "2017-10-31 22:10", "@AcmeHelp one"),
        post("11", ACME, "2017-10-31 22:20", "ok", brand_post=True, reply_to="1"),
        post("2", "c2", "2017-10-31 23:30", "@AcmeHelp two"),
        post("12", ACME, "2017-11-01 00:45", "ok", brand_post=True, reply_to="2"),
        post("3", "c3", "2017-10-31 23:50", "@AcmeHelp three"),
        post("4", "c4", "2017-10-31 23:40", "@AcmeHelp four"),
        post("14", ACME, "2017-11-01 03:00", "late", brand_post=True, reply_to="4"),
        post("5", "c5", "2017-11-01 00:10", "@AcmeHelp next day"),
        post("15", ACME, "2017-11-01 00:20", "ok", brand_post=True, reply_to="5"),
    )


def _backlog(day: date, watermark=WATERMARK) -> pl.DataFrame:
    rules = MeasureRules(BrandRegistry(), HORIZON, 3600, watermark)
    measure = measure_period(_posts(), period_of("daily", day), rules)
    assert measure.backlog is not None
    return measure.backlog


def test_a_days_backlog_runs_across_midnight_in_its_own_file():
    backlog = _backlog(date(2017, 10, 31))
    assert backlog["brand"].unique().to_list() == [ACME]
    assert backlog["date"].unique().to_list() == [date(2017, 10, 31)]
    assert backlog.select(COLUMNS).rows() == HAND


def test_the_next_days_file_counts_its_own_mentions_only_so_files_add_up():
    """11-01's file: m5 posted 00:10, answered 00:20; the mentions open at 11-01 00:00 are 3 + 1."""
    backlog = _backlog(date(2017, 11, 1))
    assert backlog.select(COLUMNS).rows() == [(at("2017-11-01 00:00"), 1, 1, 0, 1, 0, False, True)]
    both = pl.concat([_backlog(date(2017, 10, 31)), backlog])
    open_at_midnight = both.filter(pl.col("hour") == at("2017-11-01 00:00"))["open"].sum()
    assert open_at_midnight == 4


def test_hours_stop_at_the_newest_archive_and_what_is_open_then_stays_open():
    """Watching until 11-01 01:30: the hours end with 01:00; m3 and m4 have not expired yet."""
    backlog = _backlog(date(2017, 10, 31), watermark=at("2017-11-01 01:30"))
    assert backlog.select(COLUMNS).rows() == HAND[:4]


def test_only_attributed_mentions_with_their_brand_are_counted():
    """The function on bare facts: a mention without a brand is in no brand's backlog."""
    facts = pl.DataFrame(
        {
            "brand": [ACME, None],
            "created_at": [at("2017-10-31 10:05"), at("2017-10-31 10:10")],
            "first_response_at": [at("2017-10-31 11:30"), None],
            "frt_s": [4500.0, None],
        }
    )
    got = hourly_backlog(facts, keys=["brand"], horizon_s=HORIZON, watermark=WATERMARK)
    assert got.select("brand", *COLUMNS).rows() == [
        (ACME, at("2017-10-31 10:00"), 1, 0, 0, 1, 1, True, True),
        (ACME, at("2017-10-31 11:00"), 0, 1, 0, 1, 0, False, False),
    ]


def test_a_weeks_backlog_is_the_sum_of_its_days_files_hour_by_hour():
    """2017-W44 summed from its days' facts: at every hour its counts are 10-31's plus 11-01's
    (11-01 00:00: 3 + 1 open, 0 + 1 posted, 1 + 1 answered); it holds the week's first day as date."""
    rules = MeasureRules(BrandRegistry(), HORIZON, 3600, WATERMARK)
    days = [date(2017, 10, 31), date(2017, 11, 1)]
    held = []
    for day in days:
        source = measure_period(_posts(), period_of("daily", day), rules).source
        assert source is not None
        held.append((day, source.for_summing()))
    week = measure_from_days(SummedDays.held(held), period_of("weekly", days[0]), rules)
    assert week.backlog is not None and week.backlog["date"].unique().to_list() == [date(2017, 10, 30)]
    counts = ["inbound", "answered", "expired", "open", "open_at_end"]
    summed = pl.concat([_backlog(d) for d in days]).group_by("hour").agg(pl.col(counts).sum()).sort("hour")
    assert week.backlog.select("hour", *counts).equals(summed)
    assert summed.filter(pl.col("hour") == at("2017-11-01 00:00")).select(counts).row(0) == (1, 2, 0, 4, 2)
