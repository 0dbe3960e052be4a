"""SPS for any date range, straight from the warehouse: `sps score --start D1 --end D2`.

The same measure as a weekly or monthly report (each author counted once over
the whole range), for the ranges nobody scheduled: a campaign, a quarter.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl

from tasks.ingest import read_records
from tasks.measure import measure_period, window_for
from tasks.periods import Period
from tasks.registry import load_registry
from tasks.settings import Settings
from tasks.storage import Storage
from tasks.warehouse import load_brand_posts, load_window

SCORE_COLUMNS = [
    "brand", "authors", "sps", "sps_ci_low", "sps_ci_high", "readable", "sps_raw", "promoters", "detractors",
    "passives", "labelled_authors", "advocates", "advocates_reach", "critics", "critics_reach",
    "answered_detractors", "recovered", "recovery_rate",
]


def score_range(storage: Storage, start: date, end: date, config: Settings, brand: str | None = None) -> pl.DataFrame:
    """One row per brand with SPS, its interval, counts, advocacy and recovery over [start, end]."""
    if end < start:
        raise ValueError(f"--end {end} is before --start {start}")
    records = read_records(storage)
    newest = max((date.fromisoformat(r.collected) for r in records), default=end)
    watermark = datetime.combine(newest + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    period = Period("range", start, end)
    horizon_s = config.reply_horizon_hours * 3600
    measure = measure_period(
        load_window(storage, *window_for(period, horizon_s)),
        period,
        registry=load_registry(config.brands_file),
        horizon_s=horizon_s,
        default_sla_s=config.sla_target_seconds,
        watermark=watermark,
        brand_posts=load_brand_posts(storage),
    )
    table = measure.sps.select(SCORE_COLUMNS).sort("authors", "brand", descending=[True, False])
    return table.filter(pl.col("brand") == brand) if brand else table
