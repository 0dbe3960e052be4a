"""SPS for any date range, straight from the warehouse: `sps score --start D1 --end D2`.

The same measure as a weekly or monthly report (summed from the days' stored
facts, each author counted once over the whole range), for the ranges nobody
scheduled: a campaign, a quarter. A day not stored is measured, not stored:
scoring only reads.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.jobs.period_report import ReportInputs
from tasks.jobs.settings import Settings
from tasks.model.periods import Period
from tasks.store.backends import Storage

SCORE_COLUMNS = [
    "brand",
    "authors",
    "sps",
    "sps_ci_low",
    "sps_ci_high",
    "readable",
    "sps_raw",
    "promoters",
    "detractors",
    "passives",
    "labelled_authors",
    "advocates",
    "advocates_reach",
    "critics",
    "critics_reach",
    "answered_detractors",
    "recovered",
    "recovery_rate",
]


def score_range(storage: Storage, start: date, end: date, config: Settings, brand: str | None = None) -> pl.DataFrame:
    """One row per brand with SPS, its interval, counts, advocacy and recovery over [start, end]."""
    if end < start:
        raise ValueError(f"--end {end} is before --start {start}")
    measure = ReportInputs(storage, config).summed(Period("range", start, end), keep=False)
    table = measure.sps.select(SCORE_COLUMNS).sort("authors", "brand", descending=[True, False])
    return table.filter(pl.col("brand") == brand) if brand else table
