"""Everything one report day needs, computed from a window of the warehouse.

A day's numbers depend on more than its own partition: replies arrive up to
the horizon later, and attribution may follow a reply chain back a few days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from tasks.attribution import attribute
from tasks.metrics import daily_metrics, mention_facts
from tasks.registry import BrandRegistry
from tasks.sps import daily_sps

#: How far back a reply chain may reach for attribution ("the brand whose post it replies to").
LOOKBACK_DAYS = 3


@dataclass(frozen=True)
class DayMeasure:
    day: date
    metrics: pl.DataFrame
    sps: pl.DataFrame
    anomalies: pl.DataFrame
    inbound_total: int
    unattributed: int
    sources: list[str]
    facts: pl.DataFrame  # the day's inbound mentions with their first response (for charts)


def window_for(day: date, horizon_s: float) -> tuple[date, date]:
    """The created-day range whose mentions can affect `day`'s numbers."""
    return day - timedelta(days=LOOKBACK_DAYS), day + timedelta(days=math.ceil(horizon_s / 86400) + 1)


def measure_day(
    window: pl.DataFrame,
    day: date,
    *,
    registry: BrandRegistry,
    horizon_s: float,
    default_sla_s: int,
    watermark: datetime,
) -> DayMeasure:
    """Metrics and SPS for one UTC day, from the mentions in its window."""
    facts, anomalies = mention_facts(attribute(window, registry.handles))
    todays = facts.filter(pl.col("date") == day)
    anomalies = anomalies.join(todays.select("mention_id"), on="mention_id", how="semi")
    return DayMeasure(
        day=day,
        metrics=daily_metrics(
            todays,
            horizon_s=horizon_s,
            sla_targets=registry.sla_targets,
            default_sla_s=default_sla_s,
            watermark=watermark,
        ),
        sps=daily_sps(todays),
        anomalies=anomalies,
        inbound_total=todays.height,
        unattributed=todays.filter(pl.col("brand").is_null()).height,
        sources=sorted(window["source_file"].unique().to_list()),
        facts=todays.select(
            "brand", "created_at", "frt_s", (pl.col("frt_s") <= horizon_s).fill_null(False).alias("responded")
        ),
    )
