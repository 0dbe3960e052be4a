"""Kaplan–Meier waiting times: a wait that has not ended yet counts as still open.

Plain response times average the answered waits only, so a brand that
ignores its hardest cases looks fast. Here every wait counts: an answered one
is an event at its time; an unanswered one is censored when we stop watching
it, at the reply horizon or at the newest archive (the watermark), whichever
comes first. A median the curve never reaches (fewer than half answered) is
null: "not reached", not a number. First responses (`km_first_response`) and
next replies (tasks/metrics/next_reply.py) are read by the same curve.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from tasks.metrics.answered import answered_within

#: Shares answered within these times (seconds); the horizon is added per run.
WITHIN = {"km_answered_1h": 3600, "km_answered_24h": 86400}
_EPS = 1e-12  # survival products like 0.75 × 2/3 land a hair off 0.5


def km_waits(
    waits: pl.DataFrame,
    *,
    keys: list[str],
    wait: str,
    horizon_s: float,
    watermark: datetime,
    quantiles: dict[str, float],
    within: dict[str, float],
) -> pl.DataFrame:
    """Per `keys`, over rows with `created_at` and the seconds `wait` (null: no answer seen):
    KM quantiles (`quantiles`: name → 0.5 for the median) and shares answered within times
    (`within`: name → seconds). A wait longer than the horizon is unanswered, censored there."""
    responded = answered_within(horizon_s, wait)
    watched_s = (pl.lit(watermark) - pl.col("created_at")).dt.total_microseconds() / 1e6
    steps = (
        waits.lazy()
        .filter(pl.col("brand").is_not_null())
        .select(
            *keys,
            pl.when(responded).then(pl.col(wait)).otherwise(pl.min_horizontal(watched_s, horizon_s)).alias("t"),
            responded.alias("event"),
        )
        .group_by(*keys, "t")
        .agg(pl.col("event").sum().alias("events"), pl.len().alias("leaving"))
        .sort(*keys, "t")
        .with_columns(pl.col("leaving").cum_sum(reverse=True).over(keys).alias("at_risk"))
        .with_columns((1 - pl.col("events") / pl.col("at_risk")).cum_prod().over(keys).alias("survival"))
    )
    event_at = pl.col("t").filter(pl.col("events") > 0)
    survival = pl.col("survival").filter(pl.col("events") > 0)

    def share_by(seconds: float) -> pl.Expr:
        return (1 - pl.col("survival").filter(pl.col("t") <= seconds).last()).fill_null(0.0)

    return (
        steps.group_by(keys)
        .agg(
            *[event_at.filter(survival <= 1 - q + _EPS).min().alias(name) for name, q in quantiles.items()],
            *[share_by(s).alias(name) for name, s in within.items()],
        )
        .collect()
    )


def km_first_response(facts: pl.DataFrame, *, keys: list[str], horizon_s: float, watermark: datetime) -> pl.DataFrame:
    """Per `keys`: KM median and p90 time to first response, and shares answered within 1 h, 24 h, the horizon."""
    return km_waits(
        facts,
        keys=keys,
        wait="frt_s",
        horizon_s=horizon_s,
        watermark=watermark,
        quantiles={"km_frt_median_s": 0.5, "km_frt_p90_s": 0.9},
        within={**WITHIN, "km_answered_horizon": horizon_s},
    )
