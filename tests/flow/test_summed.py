"""A published week or month counts the mentions of its days."""

from __future__ import annotations

import io

import polars as pl
import pytest

from tasks.model.periods import parse_period
from tasks.model.windows import summed_days
from tests.unit.metrics.test_summed import HORIZON


@pytest.mark.parametrize("folder", ["weekly/week=2017-W44", "monthly/month=2017-11"])
def test_a_published_week_or_month_counts_the_mentions_of_its_days(published_sample, folder):
    """Each inbound mention is on one (local) day: a period's inbound per brand is the sum of its
    daily reports' (the sample's week 2017-W44, 10-30 … 11-05, and its November)."""
    period = parse_period(folder.split("=")[1])
    days = [d for d in summed_days(period, HORIZON) if d <= period.end]

    def inbound(key: str) -> pl.DataFrame:
        return pl.read_parquet(io.BytesIO(published_sample.read(key))).select("brand", "inbound")

    daily = [
        inbound(f"reports/daily/dt={d}/metrics.parquet")
        for d in days
        if published_sample.exists(f"reports/daily/dt={d}/metrics.parquet")
    ]
    summed = pl.concat(daily).group_by("brand").agg(pl.col("inbound").sum()).sort("brand")
    published = inbound(f"reports/{folder}/metrics.parquet").sort("brand")
    assert published.height > 10 and published["inbound"].sum() > 500
    assert published.to_dicts() == summed.to_dicts()
