"""Metric definitions of DESIGN.md pinned on a hand-computed day.

AcmeHelp, 2017-10-31, horizon 72 h, SLA 1 h. Inbound mentions:
  m1 10:00  first answer 10:01 (60 s; a second answer at 11:00 is ignored)
  m2 11:00  answered 11:10                      (600 s)
  m3 12:00  answered 14:00                      (7,200 s: answered, misses the SLA)
  m4 13:00  answered 11-03 13:00, exactly 72 h  (259,200 s: counts)
  m4b 14:00 answered 11-03 14:00:01, 72 h + 1 s (does not count)
  m5 20:00  only a customer replied             (unanswered)
  m6 21:00  a brand reply stamped 20:59         (data error; unanswered)
  m7 10-30 23:59, answered: another day.
Answered FRTs: 60, 600, 7200, 259200 →
  median (600 + 7200) / 2 = 3900; mean 267060 / 4 = 66765;
  p90 linear: rank 0.9 × 3 = 2.7 → 7200 + 0.7 × (259200 − 7200) = 183600.
response rate 4/7; SLA attainment 2/7 (60 s and 600 s).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tasks.metrics.attribution import attribute
from tasks.metrics.definitions import daily_metrics, mention_facts
from tests.frames import at, frame, post

ACME = "AcmeHelp"
HORIZON = 72 * 3600


def acme_day():
    return frame(
        post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp hi"),
        post("r1", ACME, "2017-10-31 10:01", "hello", brand_post=True, reply_to="m1"),
        post("r1b", ACME, "2017-10-31 11:00", "again", brand_post=True, reply_to="m1"),
        post("m2", "c2", "2017-10-31 11:00", "@AcmeHelp hi"),
        post("r2", ACME, "2017-10-31 11:10", "hello", brand_post=True, reply_to="m2"),
        post("m3", "c3", "2017-10-31 12:00", "@AcmeHelp hi"),
        post("r3", ACME, "2017-10-31 14:00", "hello", brand_post=True, reply_to="m3"),
        post("m4", "c4", "2017-10-31 13:00", "@AcmeHelp hi"),
        post("r4", ACME, "2017-11-03 13:00", "hello", brand_post=True, reply_to="m4"),
        post("m4b", "c4", "2017-10-31 14:00", "@AcmeHelp hi"),
        post("r4b", ACME, "2017-11-03 14:00:01", "hello", brand_post=True, reply_to="m4b"),
        post("m5", "c5", "2017-10-31 20:00", "@AcmeHelp hi"),
        post("x5", "c9", "2017-10-31 20:05", "me too", reply_to="m5"),
        post("m6", "c6", "2017-10-31 21:00", "@AcmeHelp hi"),
        post("r6", ACME, "2017-10-31 20:59", "early?", brand_post=True, reply_to="m6"),
        post("m7", "c7", "2017-10-30 23:59", "@AcmeHelp hi"),
        post("r7", ACME, "2017-10-31 00:01", "hello", brand_post=True, reply_to="m7"),
    )


def metrics_for(watermark: str):
    facts, anomalies = mention_facts(attribute(acme_day(), {}))
    table = daily_metrics(facts, horizon_s=HORIZON, sla_targets={}, default_sla_s=3600, watermark=at(watermark))
    return table.filter(table["date"] == date(2017, 10, 31)).row(0, named=True), anomalies


def test_final_day_matches_the_hand_computation():
    row, _ = metrics_for("2017-11-05 00:00")
    assert row["brand"] == ACME
    assert row["inbound"] == 7
    assert row["responded"] == 4
    assert row["pending"] == 0
    assert row["response_rate"] == pytest.approx(4 / 7)
    assert row["frt_median_s"] == pytest.approx(3900)
    assert row["frt_p90_s"] == pytest.approx(183600)
    assert row["frt_mean_s"] == pytest.approx(66765)
    assert row["sla_met"] == 2
    assert row["sla_attainment"] == pytest.approx(2 / 7)
    assert row["status"] == "final"


def test_mentions_inside_the_horizon_are_pending_and_the_day_provisional():
    # Watermark 11-03 18:00: m5 (20:00) and m6 (21:00) could still be answered;
    # m4b's horizon ended at 11-03 14:00, so it is simply unanswered.
    row, _ = metrics_for("2017-11-03 18:00")
    assert row["pending"] == 2
    assert row["status"] == "provisional"


def test_day_turns_final_exactly_when_its_last_horizon_has_passed():
    assert metrics_for("2017-11-04 00:00")[0]["status"] == "final"
    assert metrics_for("2017-11-03 23:59")[0]["status"] == "provisional"


def test_a_response_before_its_mention_is_reported_not_counted():
    _, anomalies = metrics_for("2017-11-05 00:00")
    assert anomalies.to_dicts() == [
        {"platform": "twitter", "mention_id": "m6", "response_id": "r6", "rule": "response_before_mention"}
    ]


def test_per_brand_sla_target_applies():
    facts, _ = mention_facts(attribute(acme_day(), {}))
    table = daily_metrics(
        facts, horizon_s=HORIZON, sla_targets={ACME: 7200}, default_sla_s=3600, watermark=at("2017-11-05 00:00")
    )
    row = table.filter(table["date"] == date(2017, 10, 31)).row(0, named=True)
    assert (row["sla_target_s"], row["sla_met"]) == (7200, 3)  # m3's 7,200 s now meets it


def test_responses_by_another_account_do_not_count():
    facts, _ = mention_facts(
        attribute(
            frame(
                post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp hi", brand="AcmeHelp"),
                post("r1", "OtherCo", "2017-10-31 10:01", "not us", brand_post=True, reply_to="m1"),
            ),
            {},
        )
    )
    assert facts.row(0, named=True)["frt_s"] is None


def test_a_week_is_measured_from_mention_facts_not_averages_of_days():
    """AcmeHelp, ISO week 2017-W44 (Mon 10-30 .. Sun 11-05), horizon 72 h.

    Mon 10-30: m1 answered in 100 s, m2 in 300 s (daily median 200 s)
    Tue 10-31: m3 answered in 1000 s              (daily median 1000 s)
    Week: FRTs 100, 300, 1000 → median 300 s (the mean of daily medians would be 600 s),
    p90 linear: rank 1.8 → 300 + 0.8 × 700 = 860 s. Author c1 wrote on both days: counted once.
    """
    from tasks.metrics.period import MeasureRules, SummedDays, measure_from_days, measure_period
    from tasks.metrics.registry import BrandRegistry
    from tasks.model.periods import period_of
    from tasks.store.measure_store import day_row

    window = frame(
        post("m1", "c1", "2017-10-30 10:00", "@AcmeHelp thanks!", brand=ACME),
        post("r1", ACME, "2017-10-30 10:01:40", "hi", brand_post=True, reply_to="m1"),
        post("m2", "c2", "2017-10-30 11:00", "@AcmeHelp hello", brand=ACME),
        post("r2", ACME, "2017-10-30 11:05", "hi", brand_post=True, reply_to="m2"),
        post("m3", "c1", "2017-10-31 12:00", "@AcmeHelp love it", brand=ACME),
        post("r3", ACME, "2017-10-31 12:16:40", "hi", brand_post=True, reply_to="m3"),
    )
    week = period_of("weekly", date(2017, 11, 1))
    assert (week.label, week.start, week.end) == ("2017-W44", date(2017, 10, 30), date(2017, 11, 5))
    rules = MeasureRules(BrandRegistry(), HORIZON, 3600, at("2017-11-20 00:00"))
    m = measure_period(window, week, rules)
    row = m.metrics.row(0, named=True)
    assert (row["date"], row["inbound"], row["responded"]) == (date(2017, 10, 30), 3, 3)
    assert row["frt_median_s"] == pytest.approx(300)
    assert row["frt_p90_s"] == pytest.approx(860)
    assert row["status"] == "final"
    sps = m.sps.row(0, named=True)
    assert (sps["authors"], sps["promoters"], sps["mentions"]) == (2, 1, 3)  # c1 once (+2), c2 passive
    measures = [measure_period(window, period_of("daily", d), rules) for d in (date(2017, 10, 30), date(2017, 10, 31))]
    days = [day_row(m.metrics, m.sps) for m in measures]
    assert [(r["date"][0], r["frt_median_s"][0]) for r in days] == [
        (date(2017, 10, 30), pytest.approx(200)),
        (date(2017, 10, 31), pytest.approx(1000)),
    ]
    assert [d["sps"][0] for d in days] == [None, None]  # 2 and 1 authors: too few to chart an SPS
    assert [m.sps["sps_raw"][0] for m in measures] == [pytest.approx(50.0), pytest.approx(100.0)]  # c2 passive
    # summed from its days' stored facts (as a run publishes it), the week says the same
    summed = measure_from_days(
        SummedDays.held((m.day, m.source.for_summing()) for m in measures if m.source), week, rules
    )
    assert summed.metrics.select("inbound", "frt_median_s", "frt_p90_s").row(0) == (
        3,
        pytest.approx(300),
        pytest.approx(860),
    )
    assert summed.sps.select("authors", "promoters", "mentions").row(0) == (2, 1, 3)


def test_kaplan_meier_on_a_final_day_counts_the_unanswered_as_open():
    """All 3 unanswered (m4b, m5, m6) are censored at the horizon, 259,200 s.

    t=60: 7 at risk → S = 6/7; t=600: 6 → 5/7; t=7200: 5 → 4/7;
    t=259200: m4 answered, 4 at risk → S = 4/7 × 3/4 = 3/7.
    Median: first S ≤ 1/2 at 259,200 s (the plain median of answered ones says 3,900 s);
    p90 never reached → null. Answered within 1 h 2/7, 24 h 3/7, horizon 4/7 (= response rate).
    """
    row, _ = metrics_for("2017-11-05 00:00")
    assert row["km_frt_median_s"] == pytest.approx(259200)
    assert row["km_frt_p90_s"] is None
    assert row["km_answered_1h"] == pytest.approx(2 / 7)
    assert row["km_answered_24h"] == pytest.approx(3 / 7)
    assert row["km_answered_horizon"] == pytest.approx(4 / 7) == pytest.approx(row["response_rate"])


def test_kaplan_meier_censors_pending_mentions_at_the_watermark():
    """Watermark 11-03 18:00: m6 watched 69 h (248,400 s), m5 70 h (252,000 s), m4b the full horizon.

    S: 6/7, 5/7, 4/7 after the three quick answers; the two censorings leave 2 at risk
    at 259,200 s, where m4 is answered: S = 4/7 × 1/2 = 2/7. Within the horizon: 5/7,
    above the plain 4/7, because two of the unanswered could still be answered.
    """
    row, _ = metrics_for("2017-11-03 18:00")
    assert row["km_answered_horizon"] == pytest.approx(5 / 7)
    assert row["km_answered_24h"] == pytest.approx(3 / 7)
    assert row["km_frt_median_s"] == pytest.approx(259200)


def test_kaplan_meier_quantiles_when_everything_is_answered():
    """Ten mentions answered after 10, 20, …, 100 s: S = (10 − k)/10 after the k-th.

    KM median = 50 s (S = 0.5), KM p90 = 90 s (S = 0.1); the plain linear p90 is 91 s.
    """
    from tasks.metrics.survival import km_first_response

    facts = pl.DataFrame(
        {
            "brand": [ACME] * 10,
            "date": [date(2017, 10, 31)] * 10,
            "created_at": [at("2017-10-31 10:00")] * 10,
            "frt_s": [10.0 * k for k in range(1, 11)],
        }
    )
    km = km_first_response(facts, keys=["brand"], horizon_s=HORIZON, watermark=at("2017-11-05 00:00"))
    assert km.row(0, named=True) == {
        "brand": ACME,
        "km_frt_median_s": pytest.approx(50),
        "km_frt_p90_s": pytest.approx(90),
        "km_answered_1h": pytest.approx(1.0),
        "km_answered_24h": pytest.approx(1.0),
        "km_answered_horizon": pytest.approx(1.0),
    }


def test_hour_of_week_counts_each_mention_in_its_utc_hour():
    """Tue 10-31: m1 10:00 (60 s), m4 13:00 (exactly 72 h: answered), m4b 14:00 (72 h + 1 s: not);
    Mon 10-30 23:59: m7 answered at 00:01 (120 s)."""
    from tasks.metrics.definitions import hour_of_week

    facts, _ = mention_facts(attribute(acme_day(), {}))
    cells = {(r["weekday"], r["hour"]): r for r in hour_of_week(facts, horizon_s=HORIZON).to_dicts()}
    assert len(cells) == 8  # m1, m2, m3, m4, m4b, m5, m6 on Tuesday, m7 on Monday: each its own hour
    pick = ("inbound", "responded", "frt_median_s", "response_rate")
    assert tuple(cells[(2, 10)][k] for k in pick) == (1, 1, 60, 1.0)
    assert tuple(cells[(2, 13)][k] for k in pick) == (1, 1, 259200, 1.0)
    assert tuple(cells[(2, 14)][k] for k in pick) == (1, 0, None, 0.0)
    assert tuple(cells[(1, 23)][k] for k in pick) == (1, 1, 120, 1.0)


def test_trend_rows_chart_sps_only_where_it_is_readable():
    from tasks.store.measure_store import day_row

    metrics = pl.DataFrame(
        {"brand": ["A", "B"], "date": [date(2017, 10, 31)] * 2, "inbound": [40, 3], "status": ["final"] * 2}
    )
    sps = pl.DataFrame(
        {
            "brand": ["A", "B"],
            "date": [date(2017, 10, 31)] * 2,
            "sps": [-12.5, -100.0],
            "readable": [True, False],
            "detractors": [9, 2],
            "promoters": [4, 0],
            "authors": [40, 2],
            "labelled_authors": [0, 0],
        }
    )
    # the SPS only where readable; the detractors always (the spike alerts' baseline)
    assert day_row(metrics, sps).select("brand", "inbound", "sps", "detractors").rows() == [
        ("A", 40, -12.5, 9),
        ("B", 3, None, 2),
    ]
    # and the counts the next day's SPS change is measured against (tasks/sps/compare.py)
    assert day_row(metrics, sps).select("brand", "readable", "promoters", "authors", "labelled_authors").rows() == [
        ("A", True, 4, 40, 0),
        ("B", False, 0, 2, 0),
    ]


def test_platform_breakdown_splits_the_day_by_platform():
    """The hand day is all Twitter; move m1 (answered in 60 s, with its answers r1 and r1b: a reply
    answers on its own platform) and m5 (unanswered) to Facebook.
    Facebook: 2 inbound, 1 answered, median 60 s; Twitter: the other 5, 3 answered (600, 7200, 259200 s),
    median 7,200 s. Together they are the day's 7 and 4."""
    day = acme_day().with_columns(
        pl.when(pl.col("mention_id").is_in(["m1", "r1", "r1b", "m5"]))
        .then(pl.lit("facebook"))
        .otherwise(pl.col("platform"))
        .alias("platform")
    )
    facts, _ = mention_facts(attribute(day, {}))
    table = daily_metrics(
        facts, horizon_s=HORIZON, sla_targets={}, default_sla_s=3600, watermark=at("2017-11-05 00:00"), by=("platform",)
    )
    rows = {r["platform"]: r for r in table.filter(table["date"] == date(2017, 10, 31)).to_dicts()}
    assert (rows["facebook"]["inbound"], rows["facebook"]["responded"], rows["facebook"]["frt_median_s"]) == (2, 1, 60)
    assert (rows["twitter"]["inbound"], rows["twitter"]["responded"], rows["twitter"]["frt_median_s"]) == (5, 3, 7200)
