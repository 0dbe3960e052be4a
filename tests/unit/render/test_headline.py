"""The page's five headline numbers, on hand-made frames."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from tasks.model.periods import period_of
from tasks.render.headline import Totals, headline, pooled_sps, previous_totals, totals_of


def metrics(inbound, responded, sla_met, day=date(2017, 10, 31), brands=None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "brand": brands or [f"b{i}" for i in range(len(inbound))],
            "date": [day] * len(inbound),
            "inbound": inbound,
            "responded": responded,
            "sla_met": sla_met,
        }
    )


def test_rates_pool_counts_not_brand_rates():
    # 32 of 40 answered (not the mean of 50 % and 90 %); 20 of 40 within the SLA.
    totals = totals_of(metrics([10, 30], [5, 27], [2, 18]))
    assert totals == Totals(40, 32, 20)
    assert (totals.response_rate, totals.sla_attainment) == (0.8, 0.5)
    assert totals_of(metrics([], [], [])).response_rate is None


def test_sps_pools_readable_brands_by_authors_and_combines_their_intervals():
    sps = pl.DataFrame(
        {
            "brand": ["A", "B", "C"],
            "authors": [100, 300, 5],
            "sps": [20.0, -20.0, -100.0],
            "sps_ci_low": [10.0, -26.0, -100.0],
            "sps_ci_high": [30.0, -14.0, -100.0],
            "readable": [True, True, False],
        }
    )
    # weights 1/4 and 3/4: 5 − 15 = −10; half-widths 10 and 6 combine as √((¼·10)² + (¾·6)²) = √26.5.
    score, low, high, brands = pooled_sps(sps)
    assert brands == 2 and score == pytest.approx(-10.0)
    assert (low, high) == (pytest.approx(-10 - math.sqrt(26.5)), pytest.approx(-10 + math.sqrt(26.5)))
    assert pooled_sps(sps.filter(pl.col("brand") == "C")) == (None, None, None, 0)


def test_the_previous_day_comes_from_the_trend_rows_and_a_week_or_month_not():
    trends = pl.concat(
        [
            metrics([4, 6], [2, 3], [1, 1], date(2017, 10, 30)),
            metrics([100], [100], [100], date(2017, 10, 29)),
            metrics([7], [7], [0], date(2017, 10, 23)),
            metrics([1000], [0], [0], date(2017, 10, 22)),
        ]
    )
    assert previous_totals(trends, period_of("daily", date(2017, 10, 31))) == Totals(10, 5, 2)
    # A week's or a month's period before is summed from its days' facts (tests/unit/render/test_against.py).
    assert previous_totals(trends, period_of("weekly", date(2017, 10, 31))) is None
    assert previous_totals(trends, period_of("monthly", date(2017, 10, 31))) is None
    assert previous_totals(trends, period_of("daily", date(2017, 10, 25))) is None  # nothing on 10-24


def test_median_first_response_is_over_answered_attributed_mentions_linear():
    facts = pl.DataFrame(
        {
            "brand": ["A", "A", "B", "B", "A", None],
            "responded": [True, True, True, True, False, True],
            "frt_s": [60.0, 120.0, 300.0, 600.0, None, 5.0],
        }
    )
    sps = pl.DataFrame(
        schema={"brand": pl.String, "authors": pl.Int64, "sps": pl.Float64, "readable": pl.Boolean}
        | {"sps_ci_low": pl.Float64, "sps_ci_high": pl.Float64}
    )
    head = headline(metrics([3, 2], [2, 2], [1, 1]), sps, facts, None, period_of("daily", date(2017, 10, 31)))
    assert head.frt_median_s == 210.0  # (120 + 300) / 2
    assert head.as_json() == {
        "mentions": 5,
        "response_rate_pct": 80.0,
        "frt_median_min": 3.5,
        "sla_attainment_pct": 40.0,
        "sps": None,
        "sps_ci_low": None,
        "sps_ci_high": None,
        "sps_brands": 0,
    }


def test_changes_read_as_people_say_them():
    from tasks.render.page import change as _change

    assert _change(0.861, 0.912, "the day before", True) == "-5.1 pts vs the day before"  # rates: points
    assert _change(1550, 1000, "the day before", False) == "+55% vs the day before"  # counts: percent
    assert _change(1550, 57, "the day before", False) == "+1,493 vs the day before (57)"  # a handful: counts
    assert _change(5, None, "the day before", False) == ""  # nothing to compare with
