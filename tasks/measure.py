"""Everything one report (a day, a week, a month) needs, from a window of the warehouse.

A period's numbers depend on more than its own partitions: replies arrive up
to the horizon later, and attribution may follow a reply chain back a few
days. Weekly and monthly figures come from the same per-mention facts as the
daily ones, so their percentiles are exact, never averages of daily medians.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from tasks.attribution import attribute
from tasks.metrics import daily_metrics, mention_facts, report_status
from tasks.periods import Period
from tasks.registry import BrandRegistry
from tasks.sps import daily_sps
from tasks.urgent import urgent_unanswered

#: Days read before a report's first day, so reply chains starting there can be followed.
LOOKBACK_DAYS = 3


@dataclass(frozen=True)
class DayMeasure:
    period: Period
    metrics: pl.DataFrame
    platforms: pl.DataFrame  # the metrics per brand and platform
    sps: pl.DataFrame
    anomalies: pl.DataFrame
    inbound_total: int
    unattributed: int
    facts: pl.DataFrame  # the period's inbound mentions with their first response (for charts)
    trends: pl.DataFrame | None = None  # per brand and day over the last 28 days (tasks.day_store)
    urgent: pl.DataFrame | None = None  # urgent mentions still unanswered, text masked

    @property
    def day(self) -> date:
        return self.period.start


def window_for(period: Period, horizon_s: float) -> tuple[date, date]:
    """The created-day range a report reads: its days, a few before (reply chains for
    attribution), through the horizon after."""
    return period.start - timedelta(days=LOOKBACK_DAYS), period.end + timedelta(days=math.ceil(horizon_s / 86400) + 1)


def measure_period(
    window: pl.DataFrame,
    period: Period,
    *,
    registry: BrandRegistry,
    horizon_s: float,
    default_sla_s: int,
    watermark: datetime,
    brand_posts: pl.DataFrame | None = None,
) -> DayMeasure:
    """Metrics and SPS for one period (UTC days), from the mentions in its window.

    Over a week or a month every brand gets one row (`date` = the period's first
    day) and an author is counted once however often they wrote.
    """
    facts, anomalies = mention_facts(attribute(window, registry.handles, brand_posts))
    inside = facts.filter(pl.col("date").is_between(period.start, period.end))
    as_one = inside.with_columns(pl.lit(period.start).alias("date"))
    status = pl.lit(report_status(period.end, horizon_s, watermark)).alias("status")
    options = dict(horizon_s=horizon_s, sla_targets=registry.sla_targets, default_sla_s=default_sla_s,
                   watermark=watermark)
    metrics = daily_metrics(as_one, **options).with_columns(status)
    platforms = daily_metrics(as_one, **options, by=("platform",)).with_columns(status)
    shown = inside.select(
        "mention_id",
        "brand",
        "created_at",
        "text",
        "frt_s",
        (pl.col("frt_s") <= horizon_s).fill_null(False).alias("responded"),
    )
    return DayMeasure(
        period=period,
        metrics=metrics,
        platforms=platforms,
        sps=daily_sps(as_one),
        anomalies=anomalies.join(inside.select("mention_id"), on="mention_id", how="semi"),
        inbound_total=inside.height,
        unattributed=inside.filter(pl.col("brand").is_null()).height,
        facts=shown,
        urgent=urgent_unanswered(shown, watermark),
    )
