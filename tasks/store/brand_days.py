"""The run page's table of brand-days: the numbers a daily page shows, one row per brand and day.

Read back from the published files (metrics.parquet, sps.parquet), not from
what the run counted on its way, so the Prefect UI and the page can never
disagree: a mention no brand is attributed to is on neither (the page counts
it apart, as unattributed). Rates are percentages and times minutes, rounded
as metrics.csv rounds them (`columns.people_value`); SPS as the page shows it,
whole points, and none where too few authors make it noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from tasks.render.columns import METRICS, people_value
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.codecs import read_frame

_SHOWN = ("response_rate", "frt_median_s", "sla_attainment")
#: The table's columns, as the run page names them.
COLUMNS = {
    "date": "day",
    "brand": "brand",
    "inbound": "mentions",
    "responded": "answered",
    "response_rate_pct": "response rate %",
    "frt_median_min": "first response median (min)",
    "sla_attainment_pct": "SLA attainment %",
    "sps": "SPS",
    "authors": "SPS authors",
}


def brand_day_rows(metrics: pl.DataFrame, sps: pl.DataFrame) -> pl.DataFrame:
    """One published day's rows: the page's brand table as numbers, brands in name order."""
    columns = {c.name: c for c in METRICS}
    scores = sps.select(
        "brand",
        "authors",
        pl.when(pl.col("readable")).then(pl.col("sps").round(0)).alias("sps"),
    )
    return (
        metrics.select(
            pl.col("date").cast(pl.String),
            "brand",
            "inbound",
            "responded",
            *(people_value(columns[name]) for name in _SHOWN),
        )
        .join(scores, on="brand", how="left")
        .sort("brand")
        .select(list(COLUMNS))
        .rename(COLUMNS)
    )


def published_brand_days(storage: Storage, days: Iterable[date]) -> pl.DataFrame:
    """The rows of every day in `days` that has a published page, day by day."""
    frames = []
    for day in sorted(set(days)):
        folder = layout.report_folder(day)
        if storage.exists(folder + layout.MANIFEST):
            frames.append(
                brand_day_rows(
                    read_frame(storage, folder + "metrics.parquet"), read_frame(storage, folder + "sps.parquet")
                )
            )
    return pl.concat(frames) if frames else pl.DataFrame()
