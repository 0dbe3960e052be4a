"""The page's five headline numbers, on hand-made frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tasks.model.periods import period_of
from tasks.render.headline import Totals, headline, pooled_sps, previous_totals, totals_of
from tasks.sps.estimate import counted_sps


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


def sps_rows(brands, promoters, detractors, authors, labelled, readable) -> pl.DataFrame:
    """sps.parquet's counts with each row's own SPS and interval (shift 8 points), as daily_sps writes them."""
    rows = [
        counted_sps(p, d, n, n - lab, 8.0)
        for p, d, n, lab in zip(promoters, detractors, authors, labelled, strict=True)
    ]
    return pl.DataFrame(
        {
            "brand": brands,
            "promoters": promoters,
            "detractors": detractors,
            "authors": authors,
            "labelled_authors": labelled,
            "sps": [r[0] for r in rows],
            "sps_ci_low": [r[1] for r in rows],
            "sps_ci_high": [r[2] for r in rows],
            "readable": readable,
        }
    )


def test_sps_pools_readable_brands_counts_with_a_brands_own_interval():
    # A: 40 promoters, 20 detractors of 100 authors (50 by label), SPS 20; B: 60 and 120 of 300
    # (all by label), SPS −20; C unreadable. Summed: 100 and 140 of 400, 50 judged by the model:
    # SPS −10 (= ¼·20 + ¾·(−20)); sampling 100²·(0.25 + 0.35 − 0.1²)/400 = 14.75, shift (8 · 50/400)² = 1,
    # half-width 1.959964 · √15.75 = 7.7784.
    sps = sps_rows(["A", "B", "C"], [40, 60, 0], [20, 120, 5], [100, 300, 5], [50, 300, 0], [True, True, False])
    score, low, high, brands = pooled_sps(sps, 8.0)
    assert brands == 2 and score == pytest.approx(-10.0)
    assert (low, high) == (pytest.approx(-17.7784, abs=1e-4), pytest.approx(-2.2216, abs=1e-4))
    assert pooled_sps(sps.filter(pl.col("brand") == "C"), 8.0) == (None, None, None, 0)


def test_a_one_brand_day_reads_the_same_interval_on_the_tile_and_in_its_row():
    # 40 authors, all detractors, all judged by the model: sampling 100²·(0 + 1 − 1)/40 = 0, shift 8²,
    # so −100 … −100 + 1.959964 · 8 = −84.32 in the row and on the tile. (Re-deriving a standard error
    # from the row's clipped interval gave −100 … −92.16.)
    sps = sps_rows(["A"], [0], [40], [40], [0], [True])
    assert sps.select("sps", "sps_ci_low", "sps_ci_high").row(0) == pytest.approx((-100.0, -100.0, -84.3203), abs=1e-4)
    assert pooled_sps(sps, 8.0) == (*sps.select("sps", "sps_ci_low", "sps_ci_high").row(0), 1)


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
