"""Peer percentiles on hand-made brands."""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.metrics.benchmarks import with_peer_percentiles

DAY = date(2017, 10, 31)


def test_percentiles_rank_qualifying_peers_ties_half_and_skip_small_brands():
    """A 50 mentions 90 %, B 40 at 80 %, C 30 at 80 %, D 5 at 100 % (too few: not placed, no one's peer).
    Response rate among A, B, C: A beats both → 100; B and C tie, beat nobody else → ½ / 2 = 25.
    Median first response (faster is better): A 60 s, B 120 s, C none (not placed) → A 100, B 0.
    SPS: only B and A readable (C null): A +10 > B −5 → A 100, B 0.
    Industries: A, B and D airlines, C telco. Among airlines with ≥ 20 mentions (A, B): A 100, B 0;
    C is alone in telco: no peers, no percentile."""
    metrics = pl.DataFrame(
        {
            "brand": ["A", "B", "C", "D"],
            "date": [DAY] * 4,
            "inbound": [50, 40, 30, 5],
            "response_rate": [0.9, 0.8, 0.8, 1.0],
            "frt_median_s": [60.0, 120.0, None, 10.0],
            "sla_attainment": [0.5, 0.7, 0.6, 1.0],
        }
    )
    sps = pl.DataFrame({"brand": ["A", "B", "C", "D"], "date": [DAY] * 4, "sps": [10.0, -5.0, None, None]})
    industries = {"A": "airline", "B": "airline", "C": "telco", "D": "airline"}
    out = with_peer_percentiles(metrics, sps, industries).sort("brand")
    assert out["peers"].to_list() == [3, 3, 3, 3]
    assert out["response_rate_pctile"].to_list() == [100.0, 25.0, 25.0, None]
    assert out["frt_median_pctile"].to_list() == [100.0, 0.0, None, None]
    assert out["sla_attainment_pctile"].to_list() == [0.0, 100.0, 50.0, None]
    assert out["sps_pctile"].to_list() == [100.0, 0.0, None, None]
    assert out["industry"].to_list() == ["airline", "airline", "telco", "airline"]
    assert out["industry_peers"].to_list() == [2, 2, 1, 2]
    assert out["industry_response_rate_pctile"].to_list() == [100.0, 0.0, None, None]
    assert "sps" not in out.columns  # read from the SPS table, not added to the metrics


def test_a_brand_without_an_industry_has_no_industry_rank():
    metrics = pl.DataFrame(
        {
            "brand": ["A", "B"],
            "date": [DAY] * 2,
            "inbound": [30, 30],
            "response_rate": [0.5, 0.6],
            "frt_median_s": [1.0, 2.0],
            "sla_attainment": [0.1, 0.2],
        }
    )
    sps = pl.DataFrame(
        {"brand": ["A", "B"], "date": [DAY] * 2, "sps": [None, None]}, schema_overrides={"sps": pl.Float64}
    )
    out = with_peer_percentiles(metrics, sps, {}).sort("brand")
    assert out["response_rate_pctile"].to_list() == [0.0, 100.0]
    assert out["industry_peers"].to_list() == [None, None]
    assert out["industry_response_rate_pctile"].to_list() == [None, None]


def test_no_percentile_when_no_brand_has_the_figure():
    """Nobody replied: A, B and C each answered 0 of their 30 mentions. All tie at 0, which would
    give each 50; no brand stands above another, so the response rate percentile is null. SLA
    attainment differs (0.1 < 0.2 < 0.3) and still ranks: 0, 50, 100."""
    metrics = pl.DataFrame(
        {
            "brand": ["A", "B", "C"],
            "date": [DAY] * 3,
            "inbound": [30, 30, 30],
            "response_rate": [0.0, 0.0, 0.0],
            "frt_median_s": [None, None, None],
            "sla_attainment": [0.1, 0.2, 0.3],
        },
        schema_overrides={"frt_median_s": pl.Float64},
    )
    sps = pl.DataFrame({"brand": ["A", "B", "C"], "date": [DAY] * 3, "sps": [1.0, 2.0, 3.0]})
    out = with_peer_percentiles(metrics, sps, {}).sort("brand")
    assert out["peers"].to_list() == [3, 3, 3]
    assert out["response_rate_pctile"].to_list() == [None, None, None]
    assert out["frt_median_pctile"].to_list() == [None, None, None]
    assert out["sla_attainment_pctile"].to_list() == [0.0, 50.0, 100.0]
