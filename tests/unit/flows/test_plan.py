"""The rules that decide what a run publishes, pinned on hand-made dates (no Prefect, no storage)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flows.plan import (
    Blocked,
    archive_watermark,
    in_collection_range,
    plan_publish,
    stray_posts,
    to_replay,
    touched_days,
    without_page,
)
from tasks.model.periods import period_of
from tasks.model.records import IngestRecord, ObjectInfo
from tasks.model.windows import affected_days, window_days, within_reach
from tasks.store.measure_store import DayMentions


def record(key: str, collected: str, **fields) -> IngestRecord:
    return IngestRecord(key=key, etag="e", size=1, fingerprint="f", collected=collected, **fields)


def obj(key: str) -> ObjectInfo:
    return ObjectInfo(key=key, size=1, etag="e")


def test_a_blocked_day_refuses_its_week_and_month_and_nothing_else():
    # 2017-10-31 is a Tuesday: ISO week 2017-W44 runs 10-30..11-05; 11-01 is in W44 and in November.
    blocked = Blocked()
    blocked.add([date(2017, 10, 31)], "bad archive", ["docs/a.html", ""])
    plan = plan_publish([date(2017, 10, 30), date(2017, 10, 31), date(2017, 11, 6)], blocked)
    assert [p.label for p in plan.dailies] == ["2017-10-30", "2017-11-06"]
    assert [(p.kind, p.label) for p in plan.periods] == [("weekly", "2017-W45"), ("monthly", "2017-11")]
    assert plan.refused == {
        "2017-10-31": "bad archive",
        "weekly/2017-W44": "holds day(s) not published: 2017-10-31",
        "monthly/2017-10": "holds day(s) not published: 2017-10-31",
    }
    assert blocked.docs == {date(2017, 10, 31): ["docs/a.html"]}  # empty pages are dropped


def test_a_blocked_day_outside_the_days_still_refuses_the_periods_it_falls_in():
    # 11-02 is in W44 (10-30..11-05) and November; 10-30's October holds no blocked day.
    blocked = Blocked()
    blocked.add([date(2017, 11, 2)], "late", [])
    plan = plan_publish([date(2017, 10, 30)], blocked)
    assert [(p.kind, p.label) for p in plan.periods] == [("monthly", "2017-10")]
    assert plan.refused == {
        "2017-11-02": "late",
        "weekly/2017-W44": "holds day(s) not published: 2017-11-02",
        "monthly/2017-11": "holds day(s) not published: 2017-11-02",
    }


def test_affected_days_span_the_horizon_back_and_the_lookback_and_trends_forward():
    # 72 h horizon → 3 days, plus the day before (a mention just before midnight): back 4 days.
    # Forward: LOOKBACK_DAYS (3) + TREND_DAYS (28) − 1 = 30 days after the touched day.
    days = affected_days({date(2017, 10, 10)}, timedelta(hours=72))
    assert {date(2017, 10, 6), date(2017, 11, 9)} <= days
    # and every day of the week and month holding 10-13 (3 days on) and of the 11 weeks and months
    # after (each sets it against it or charts it in its 12-week or 12-month trend): W41 (10-09 …
    # 10-15) … W52 (12-25 … 12-31), October 2017 … September 2018: 2017-10-01 … 2018-09-30, 365 days.
    assert (min(days), max(days), len(days)) == (date(2017, 10, 1), date(2018, 9, 30), 365)
    # a touched 10-30: 11-02 is in W44 and November; 11 months on is October 2018, through 2018-10-31:
    # 2017-10-26 (4 days back) … 2018-10-31 is 365 + 6 = 371 days
    late = affected_days({date(2017, 10, 30)}, timedelta(hours=72))
    assert (min(late), max(late), len(late)) == (date(2017, 10, 26), date(2018, 10, 31), 371)
    assert affected_days({date(2017, 10, 10)}, timedelta(hours=1)) == affected_days(
        {date(2017, 10, 10)}, timedelta(hours=24)
    )


def test_a_rejected_archive_blocks_the_days_it_held_else_its_collection_day():
    blocked = Blocked()
    blocked.rejected(record("archives/twitter/dt=2017-10-02/a.csv", "2017-10-02", rejected=True, error="bad"))
    blocked.rejected(
        record(
            "archives/twitter/dt=2017-10-03/b.csv",
            "2017-10-03",
            days={"2017-10-01": 5, "2017-10-03": 1},
            error="worse",
            data_docs="docs/b.html",
        )
    )
    assert blocked.reasons == {
        date(2017, 10, 2): ["bad"],
        date(2017, 10, 1): ["worse"],
        date(2017, 10, 3): ["worse"],
    }
    blocked.not_ingested("archives/twitter/dt=2017-10-05/c.csv", "connection reset")
    blocked.not_ingested("archives/twitter/dt=2017-02-30/d.csv", "unreadable")  # no real day: blocks nothing
    assert blocked.reasons[date(2017, 10, 5)] == ["archives/twitter/dt=2017-10-05/c.csv: connection reset"]
    assert len(blocked.reasons) == 4


def test_a_failed_delivery_blocks_every_day_its_archives_fed():
    blocked = Blocked()
    members = [record("a", "2017-10-03", days={"2017-10-02": 1}), record("b", "2017-10-03", days={"2017-10-03": 2})]
    blocked.delivery_failed("delivery collapsed", members)
    assert sorted(blocked.reasons) == [date(2017, 10, 2), date(2017, 10, 3)]


def test_watermark_range_replay_and_touched_days():
    objects = [
        obj("archives/twitter/dt=2017-10-01/a.csv"),
        obj("archives/twitter/dt=2017-10-04/b.csv"),
        obj("archives/dt=2017-10-09/c.csv"),  # no platform folder: misplaced
        obj("archives/x.csv"),
    ]
    assert archive_watermark(objects) == datetime(2017, 10, 5, tzinfo=UTC)
    assert [o.key for o in in_collection_range(objects, date(2017, 10, 2), date(2017, 10, 31))] == [
        "archives/twitter/dt=2017-10-04/b.csv"
    ]
    records = [
        record("a", "2017-10-01", rows_quarantined=2, days={"2017-09-30": 1}),
        record("b", "2017-10-02", rejected=True),
        record("c", "2017-10-02"),
    ]
    assert [r.key for r in to_replay(records, None, None)] == ["a", "b"]
    assert [r.key for r in to_replay(records, date(2017, 10, 2), None)] == ["b"]
    assert [r.key for r in to_replay(records, None, "a")] == ["a"]
    assert touched_days(records) == {date(2017, 9, 30)}


def test_a_days_window_runs_three_days_back_and_the_horizon_plus_a_day_forward():
    # 72 h → 3 days, plus the day a reply to the last minute may land on: 10-07 … 10-14
    day = period_of("daily", date(2017, 10, 10))
    assert window_days(day, timedelta(hours=72)) == [date(2017, 10, d) for d in range(7, 15)]
    assert window_days(day, timedelta(hours=1))[-1] == date(2017, 10, 12)  # 1 h still reaches the next day


def test_a_nightly_reaches_92_days_back_and_counts_older_posts_as_strays():
    # 2017-12-03 − 92 days = 2017-09-02: the first day a nightly for 2017-12-03 publishes.
    assert within_reach([date(2017, 9, 1), date(2017, 9, 2), date(2017, 12, 3)], date(2017, 12, 3)) == {
        date(2017, 9, 2),
        date(2017, 12, 3),
    }
    archives = [
        record("a", "2017-12-03", days={"2011-08-29": 1, "2017-09-01": 3, "2017-09-02": 5, "2017-12-03": 9}),
        record("b", "2017-12-03", days={"2017-09-01": 2}),
    ]
    strays = stray_posts(archives)
    assert list(strays) == ["2011-08-29", "2017-09-01"]
    # 2011-08-29 → 2017-12-03: 6 × 365 + 2 leap days (2012, 2016) + 96 days (08-29 → 12-03) = 2288
    assert strays["2011-08-29"].startswith(
        "1 post(s) stamped 2288 days before their archive's collection day 2017-12-03"
    )
    assert strays["2017-09-01"].startswith("5 post(s) stamped 93 days before")  # 3 + 2, two archives


def test_a_day_without_an_attributed_mention_has_no_page():
    counts = {
        date(2017, 10, 4): DayMentions(mentions=1, unattributed=1),
        date(2017, 10, 5): DayMentions(mentions=0, unattributed=0),
        date(2017, 10, 7): DayMentions(mentions=5, unattributed=4),
    }
    reasons = without_page(counts)
    assert list(reasons) == ["2017-10-04", "2017-10-05"]
    assert reasons["2017-10-04"] == (
        "1 customer mention(s), none attributed to a brand (counted as unattributed): no page"
    )
    assert reasons["2017-10-05"].startswith("no customer mention, only brand posts")
