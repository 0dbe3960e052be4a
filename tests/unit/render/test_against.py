"""A week or a month against the one before (issue 30, item 7): numbers by hand, a first week with
no week before ("–", never 0), a month, and the published sample's weeks and months read against
their period before's own published headline."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from tasks.metrics.period import PeriodMeasure
from tasks.model.periods import Period, period_of, previous
from tasks.render.environment import render
from tasks.render.headline import SpsChange, headline
from tasks.render.page import against_table

W44, W43 = period_of("weekly", date(2017, 10, 30)), period_of("weekly", date(2017, 10, 23))


def metrics(period: Period, inbound: list[int], responded: list[int], sla_met: list[int]) -> pl.DataFrame:
    brands = ["A", "B"][: len(inbound)]
    return pl.DataFrame(
        {"brand": brands, "date": [period.start] * len(brands)}
        | {"inbound": inbound, "responded": responded, "sla_met": sla_met},
        schema_overrides={"inbound": pl.Int64, "responded": pl.Int64, "sla_met": pl.Int64},
    )


def sps(rows: list[tuple[str, int, int, int, int, bool]]) -> pl.DataFrame:
    """brand, authors, promoters, detractors, labelled_authors, readable; sps counted as it is."""
    frame = pl.DataFrame(
        rows,
        schema={"brand": pl.String, "authors": pl.Int64, "promoters": pl.Int64}
        | {"detractors": pl.Int64, "labelled_authors": pl.Int64, "readable": pl.Boolean},
        orient="row",
    )
    score = 100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("authors")
    return frame.with_columns(score.alias("sps"), (score - 10).alias("sps_ci_low"), (score + 10).alias("sps_ci_high"))


def facts(frt_s: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"brand": ["A"] * len(frt_s), "responded": [True] * len(frt_s), "frt_s": frt_s})


def measure(period: Period, m: pl.DataFrame, s: pl.DataFrame, f: pl.DataFrame) -> PeriodMeasure:
    empty = pl.DataFrame()
    return PeriodMeasure(period, m, empty, empty, s, empty, int(m["inbound"].sum()), 0, f)


#: W44: A 30 mentions (24 answered, 15 in SLA), B 10 (6, 5): 40, 75.0 %, 50.0 %; answered after 60, 120,
#: 180 s: median 2.0 min. SPS: A 100 authors, 50 promoters, 10 detractors (+40); B 5 authors, not readable.
NOW = measure(
    W44,
    metrics(W44, [30, 10], [24, 6], [15, 5]),
    sps([("A", 100, 50, 10, 100, True), ("B", 5, 0, 5, 5, False)]),
    facts([60.0, 120.0, 180.0]),
)
#: W43: A 20 mentions, 10 answered, 8 in SLA: 50.0 %, 40.0 %; answered after 300, 600 s: median 7.5 min.
#: SPS: A 100 authors, 30 promoters, 30 detractors: +0.
BEFORE = measure(W43, metrics(W43, [20], [10], [8]), sps([("A", 100, 30, 30, 100, True)]), facts([300.0, 600.0]))


def head_of(now: PeriodMeasure, before: PeriodMeasure | None, shift_sd: float = 5.0):
    return headline(now.metrics, now.sps, now.facts, None, now.period, before, shift_sd)


def test_a_week_against_the_week_before_by_hand():
    """SPS +40 against +0. Variance of the difference: 100²·(0.5 + 0.1 − 0.4²)/100 = 44 now, and
    100²·(0.3 + 0.3 − 0²)/100 = 60 before; every author labelled, so the model's share is 0 on both
    sides and the shift term is 0 whatever its sd. Half-width 1.959964·√104 = 19.988: +20.0 … +60.0,
    zero outside: "higher"."""
    head = head_of(NOW, BEFORE)
    assert head.against is not None and head.against.period == W43
    change = head.against.sps_change
    assert change == SpsChange(
        pytest.approx(40.0), pytest.approx(20.0122, abs=1e-3), pytest.approx(59.9878, abs=1e-3), "higher"
    )
    assert head.against_json() == {
        "period": "2017-W43",
        "mentions": 20,
        "mentions_change": 20,
        "response_rate_pct": 50.0,
        "response_rate_change_pts": 25.0,
        "frt_median_min": 7.5,
        "frt_median_change_min": -5.5,
        "sla_attainment_pct": 40.0,
        "sla_attainment_change_pts": 10.0,
        "sps": 0.0,
        "sps_change": 40.0,
        "sps_change_ci_low": 20.0,
        "sps_change_ci_high": 60.0,
        "sps_change_verdict": "higher",
    }
    table = against_table(head, "weekly")
    assert table is not None and (table.unit, table.before) == ("week", "2017-W43")
    assert [(r.label, r.now, r.before, r.change, r.reading) for r in table.rows] == [
        ("Mentions", "40", "20", "+20", ""),
        ("Response rate", "75.0%", "50.0%", "+25.0 pts", ""),
        ("Median first response", "2.0 min", "7.5 min", "-5.5 min", ""),
        ("SLA attainment", "50.0%", "40.0%", "+10.0 pts", ""),
        ("SPS", "+40", "+0", "+40", "higher (+20 … +60)"),
    ]
    # the tiles read the same week before
    assert head.previous is not None and head.previous.mentions == 20


def test_a_first_week_has_no_week_before_shown_as_a_dash_never_zero():
    head = head_of(NOW, None)
    assert head.previous is None and head.against is not None and head.against.before is None
    body = head.against_json()
    assert body is not None and body.pop("period") == "2017-W43"
    assert set(body.values()) == {None}  # not 0: nothing was measured
    table = against_table(head, "weekly")
    assert table is not None
    assert [(r.before, r.change, r.reading) for r in table.rows] == [("–", "–", "")] * 5
    html = render("sections/against.html", against=table)
    assert "Against the previous week" in html and "<td>0</td>" not in html and "+0" not in html
    # a week before without a single mention is no week before either
    empty = measure(W43, metrics(W43, [], [], []), sps([]), facts([]))
    assert head_of(NOW, empty).against_json() == head.against_json()


def test_a_day_has_no_against_table():
    day = period_of("daily", date(2017, 10, 31))
    head = headline(NOW.metrics, NOW.sps, NOW.facts, None, day)
    assert head.against is None and head.against_json() is None and against_table(head, "daily") is None


def test_a_month_against_the_month_before_by_hand():
    """October 2017 against September. Now: A 40 authors, 12 promoters, 8 detractors, 20 labelled
    (+10); before: A 50 authors, 10 promoters, 10 detractors, 50 labelled (+0).
    Sampling: 100²·(0.3 + 0.2 − 0.1²)/40 = 122.5 and 100²·(0.2 + 0.2)/50 = 80; the model judged half
    of now's authors and none before's: (shift_sd · 0.5)² = (4 · 0.5)² = 4. √206.5 · 1.959964 = 28.165:
    +10 − 28.165 = −18.165 … +38.165 holds zero: "no clear difference"."""
    october, september = period_of("monthly", date(2017, 10, 1)), period_of("monthly", date(2017, 9, 1))
    assert previous(october) == september and previous(period_of("monthly", date(2017, 1, 9))).label == "2016-12"
    now = measure(october, metrics(october, [8], [4], [2]), sps([("A", 40, 12, 8, 20, True)]), facts([600.0]))
    before = measure(september, metrics(september, [5], [5], [5]), sps([("A", 50, 10, 10, 50, True)]), facts([60.0]))
    head = head_of(now, before, shift_sd=4.0)
    body = head.against_json()
    assert body is not None
    assert (body["period"], body["mentions"], body["mentions_change"]) == ("2017-09", 5, 3)
    assert (body["response_rate_pct"], body["response_rate_change_pts"]) == (100.0, -50.0)  # 5/5 → 4/8
    assert (body["sla_attainment_pct"], body["sla_attainment_change_pts"]) == (100.0, -75.0)  # 5/5 → 2/8
    assert (body["frt_median_min"], body["frt_median_change_min"]) == (1.0, 9.0)  # 60 s → 600 s
    assert (body["sps"], body["sps_change"]) == (0.0, 10.0)
    assert (body["sps_change_ci_low"], body["sps_change_ci_high"]) == (-18.2, 38.2)
    assert body["sps_change_verdict"] == "no clear difference"
    table = against_table(head, "monthly")
    assert table is not None and table.unit == "month"
    assert table.rows[-1].reading == "no clear difference (-18 … +38)"


def test_a_month_reads_the_days_of_the_month_before_so_they_are_in_its_fingerprint():
    """November's page: its trend days (its 12 months, 2016-12-01 … 2017-11-30), its summed days
    (11-01 … 12-04: 72 h → 3 days + 1 after its end) and October's (10-01 … 11-04, inside the trend):
    every day 2016-12-01 … 2017-12-04, 365 + 4 = 369 of them."""
    from tasks.model.windows import days_read

    days = days_read(period_of("monthly", date(2017, 11, 1)), timedelta(hours=72))
    assert (days[0], days[-1], len(days)) == (date(2016, 12, 1), date(2017, 12, 4), 369)
