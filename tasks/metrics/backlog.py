"""The backlog over time: how many customer mentions stood open, hour by hour, and where the pile grew.

A response rate says how much was answered by the end; a care lead staffing
shifts asks *when* the pile grew. Rebuilt from timestamps alone: a mention is
open from its post until its brand's first response within the reply horizon
(tasks/metrics/answered.py), or until the horizon, where an unanswered one
stops being waited for. Hours are UTC and counted up to the newest archive
(the watermark): what is still open then stays open.

A report counts its own mentions (its cohort): a mention posted at 23:30 and
answered at 00:45 is open in hour 23 and hour 00 of the next day, both rows of
its own day's report; the next day's report counts the next day's mentions
only. So the reports add up: the open mentions at any hour are the sum of the
`open` of every report holding that hour.

A staffing gap is an hour where inbound ran ahead of answers and the pile grew:
more mentions posted than answered in it, and more open at its end than at its
start (an hour where only expiries shrank the pile is not a gap's cure).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from tasks.metrics.answered import answered_within


def hourly_backlog(facts: pl.DataFrame, *, keys: list[str], horizon_s: float, watermark: datetime) -> pl.DataFrame:
    """Per `keys` and UTC hour, from the first mention's hour to the last closing (or the watermark's
    hour): inbound, answered, expired, open (at any moment of the hour), open_at_end, staffing_gap,
    peak (the first hour with the most open). Over mentions with a brand, `created_at` and
    `first_response_at`/`frt_s`; sorted, so the same facts give the same bytes."""
    answered = answered_within(horizon_s)
    hour = pl.col("hour")
    events = (
        facts.lazy()
        .filter(pl.col("brand").is_not_null())
        .select(
            *keys,
            pl.col("created_at").dt.truncate("1h").alias("opened"),
            pl.when(answered)
            .then(pl.col("first_response_at"))
            .otherwise(pl.col("created_at") + timedelta(seconds=horizon_s))
            .dt.truncate("1h")
            .alias("closed"),
            answered.alias("answered"),
        )
    )
    last_seen = (watermark - timedelta(microseconds=1)).replace(minute=0, second=0, microsecond=0)
    hours = (
        events.group_by(keys)
        .agg(
            pl.datetime_ranges(
                pl.col("opened").min(), pl.min_horizontal(pl.col("closed").max(), pl.lit(last_seen)), "1h"
            ).alias("hour")
        )
        .explode("hour")
        .filter(hour.is_not_null())
    )

    def counted(at: str, name: str, which: pl.Expr) -> pl.LazyFrame:
        return events.filter(which).group_by(*keys, pl.col(at).alias("hour")).agg(pl.len().cast(pl.Int64).alias(name))

    counts = ["inbound", "answered", "expired"]
    table = (
        hours.join(counted("opened", "inbound", pl.lit(True)), on=[*keys, "hour"], how="left")
        .join(counted("closed", "answered", pl.col("answered")), on=[*keys, "hour"], how="left")
        .join(counted("closed", "expired", ~pl.col("answered")), on=[*keys, "hour"], how="left")
        .with_columns(pl.col(counts).fill_null(0))
        .sort(*keys, "hour")
        .with_columns(
            (pl.col("inbound") - pl.col("answered") - pl.col("expired")).cum_sum().over(keys).alias("open_at_end")
        )
        .with_columns((pl.col("open_at_end") + pl.col("answered") + pl.col("expired")).alias("open"))
        .with_columns(
            (
                (pl.col("inbound") > pl.col("answered")) & (pl.col("open_at_end") > pl.col("open") - pl.col("inbound"))
            ).alias("staffing_gap"),
            (pl.int_range(pl.len()).over(keys) == pl.col("open").arg_max().over(keys)).alias("peak"),
        )
    )
    return table.select(*keys, "hour", *counts, "open", "open_at_end", "staffing_gap", "peak").collect()
