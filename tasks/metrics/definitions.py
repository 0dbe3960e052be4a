"""Customer-care metrics (DESIGN.md, "Metric definitions"), as polars expressions.

Two steps: `mention_facts` turns a window of attributed mentions into one row
per inbound mention with its first response; `daily_metrics` aggregates those
facts per brand and day. Keeping the facts separate lets weekly and monthly
figures be computed from the same rows, never from averages of averages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import polars.selectors as cs

from tasks.metrics.answered import answered_within
from tasks.metrics.care import CHANNEL_COUNTS, care_metrics
from tasks.metrics.channels import reply_channel
from tasks.metrics.survival import km_first_response

#: Response rate, its one definition (DESIGN.md, "Metric definitions"): customer mentions answered
#: within the reply horizon over customer mentions. Every table that shows it computes it here.
RESPONSE_RATE = (pl.col("responded") / pl.col("inbound")).alias("response_rate")

FACT_COLUMNS = [
    "mention_id",
    "platform",
    "brand",
    "author_id",
    "author_followers",
    "created_at",
    "date",
    "text",
    "sentiment",
    "first_response_at",
    "first_response_id",
    "frt_s",
    "first_response_text",
    "first_response_channel",
    "first_response_offline",
]


def mention_facts(
    mentions: pl.DataFrame, read_within: tuple[datetime, datetime] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Inbound mentions with their first response by their own brand.

    Returns (facts, anomalies). A response stamped before the mention it
    answers is a data error: it is left out of the facts and returned in
    `anomalies` (mention_id, response_id, rule) for the quarantine report.
    `read_within`: the instants whose mentions' first responses are read for their channel (a
    period's, of its window: the rest is read by the measures of the days it belongs to); all when None.
    """
    inbound = mentions.filter(~pl.col("is_brand_author"))
    responses = mentions.filter(pl.col("is_brand_author") & pl.col("in_reply_to_id").is_not_null()).select(
        "platform",
        pl.col("in_reply_to_id").alias("mention_id"),
        pl.col("mention_id").alias("response_id"),
        pl.col("author_id").str.to_lowercase().alias("responder"),
        pl.col("created_at").alias("response_at"),
        pl.col("text").alias("first_response_text"),
    )
    matched = (
        inbound.select("platform", "mention_id", "brand", "created_at")
        .join(responses, on=["platform", "mention_id"], how="inner")
        .filter(pl.col("responder") == pl.col("brand").str.to_lowercase())
    )
    anomalies = (
        matched.filter(pl.col("response_at") < pl.col("created_at"))
        .select("platform", "mention_id", "response_id", pl.lit("response_before_mention").alias("rule"))
        .sort("platform", "mention_id", "response_id")
    )
    first = (
        matched.filter(pl.col("response_at") >= pl.col("created_at"))
        .sort("response_at", "response_id")
        .group_by("platform", "mention_id")
        .agg(
            pl.col("response_at").first().alias("first_response_at"),
            pl.col("response_id").first().alias("first_response_id"),  # published per mention: auditable
            pl.col("first_response_text").first(),
        )
    )
    read = pl.col("first_response_text")
    if read_within is not None:
        read = pl.when(pl.col("created_at").is_between(*read_within)).then(read)
    facts = (
        inbound.join(first, on=["platform", "mention_id"], how="left")
        .lazy()  # the channel's regexes run ~2.5x faster in a lazy query than eagerly (tests/benchmarks)
        .with_columns(
            pl.col("created_at").dt.date().alias("date"),
            ((pl.col("first_response_at") - pl.col("created_at")).dt.total_microseconds() / 1e6).alias("frt_s"),
            reply_channel(read).cast(pl.String).alias("first_response_channel"),
        )
        .with_columns(pl.col("first_response_channel").is_not_null().alias("first_response_offline"))
        .select(*FACT_COLUMNS, cs.by_name("stance", "stance_from_label", require_all=False))  # when stored
        .sort("created_at", "platform", "mention_id")
        .collect()
    )
    return facts, anomalies


def daily_metrics(
    facts: pl.DataFrame,
    *,
    horizon_s: float,
    sla_targets: dict[str, int],
    default_sla_s: int,
    watermark: datetime,
    by: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Per brand and day (and `by`, e.g. platform): volume, response rate, first-response
    times (plain and Kaplan–Meier), SLA, care figures, status.

    `watermark` is the end of the newest archive collected: a mention whose
    horizon reaches past it may still be answered (pending), and a day whose
    last mention's horizon reaches past it is provisional.
    """
    keys = ["brand", "date", *by]
    horizon = timedelta(seconds=horizon_s)
    responded = answered_within(horizon_s)
    sla_target = brand_sla_target(sla_targets, default_sla_s)
    answered_frt = pl.col("frt_s").filter(responded)
    # facts from measure_period carry business time; bare facts (tests, SQL checks) count calendar time
    business = pl.col("frt_business_s") if "frt_business_s" in facts.columns else pl.col("frt_s")
    business_frt = business.filter(responded & business.is_not_null())
    # lazily here and in the joined measures: only the columns read are copied (a month's mentions are many)
    return (
        facts.lazy()
        .filter(pl.col("brand").is_not_null())
        .with_columns(responded.alias("responded"), sla_target.alias("sla_target_s"))
        .group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("inbound"),
            pl.col("responded").sum().cast(pl.Int64).alias("responded"),
            (~pl.col("responded") & (pl.col("created_at") + horizon > watermark)).sum().cast(pl.Int64).alias("pending"),
            answered_frt.median().alias("frt_median_s"),
            answered_frt.quantile(0.9, interpolation="linear").alias("frt_p90_s"),
            answered_frt.mean().alias("frt_mean_s"),
            business_frt.median().alias("frt_business_median_s"),
            business_frt.quantile(0.9, interpolation="linear").alias("frt_business_p90_s"),
            pl.col("sla_target_s").first(),
            (pl.col("responded") & (pl.col("frt_s") <= pl.col("sla_target_s"))).sum().cast(pl.Int64).alias("sla_met"),
        )
        .with_columns(
            RESPONSE_RATE,
            (pl.col("sla_met") / pl.col("inbound")).alias("sla_attainment"),
            pl.when(day_is_final(pl.col("date"), horizon, watermark))
            .then(pl.lit("final"))
            .otherwise(pl.lit("provisional"))
            .alias("status"),
        )
        .join(km_first_response(facts, keys=keys, horizon_s=horizon_s, watermark=watermark).lazy(), on=keys, how="left")
        .join(care_metrics(facts, keys=keys, horizon_s=horizon_s).lazy(), on=keys, how="left")
        .select(
            *keys,
            "inbound",
            "responded",
            "pending",
            "response_rate",
            "frt_median_s",
            "frt_p90_s",
            "frt_mean_s",
            "frt_business_median_s",
            "frt_business_p90_s",
            "sla_target_s",
            "sla_met",
            "sla_attainment",
            "km_frt_median_s",
            "km_frt_p90_s",
            "km_answered_1h",
            "km_answered_24h",
            "km_answered_horizon",
            "taken_offline",
            "taken_offline_rate",
            *CHANNEL_COUNTS,
            "praise_inbound",
            "praise_response_rate",
            "complaint_inbound",
            "complaint_response_rate",
            "status",
        )
        .sort("date", "brand", *by)
        .collect()
    )


def brand_sla_target(sla_targets: dict[str, int], default_sla_s: int) -> pl.Expr:
    """Each row's brand's response target in seconds: the registry's, else the default."""
    return pl.col("brand").replace_strict(sla_targets, default=default_sla_s, return_dtype=pl.Int64)


def hour_of_week(facts: pl.DataFrame, *, horizon_s: float) -> pl.DataFrame:
    """Per brand, weekday (1 = Monday) and hour (UTC): volume, answered, median first response."""
    responded = answered_within(horizon_s)
    return (
        facts.lazy()
        .filter(pl.col("brand").is_not_null())
        .group_by(
            "brand",
            pl.col("created_at").dt.weekday().cast(pl.Int8).alias("weekday"),
            pl.col("created_at").dt.hour().cast(pl.Int8).alias("hour"),
        )
        .agg(
            pl.len().cast(pl.Int64).alias("inbound"),
            responded.sum().cast(pl.Int64).alias("responded"),
            pl.col("frt_s").filter(responded).median().alias("frt_median_s"),
        )
        .with_columns(RESPONSE_RATE)
        .sort("brand", "weekday", "hour")
        .collect()
    )


def day_is_final(day: pl.Expr, horizon: timedelta, watermark: datetime) -> pl.Expr:
    """A day is final once the horizon of its last possible mention has passed."""
    day_end = day.cast(pl.Datetime("us", "UTC")) + timedelta(days=1)
    return day_end + horizon <= watermark


def watermark_after(collected: list[date]) -> datetime:
    """End of the newest collection day: replies after it cannot have been seen yet."""
    newest = max(collected, default=date(1970, 1, 1))
    return datetime.combine(newest + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def report_status(day: date, horizon_s: float, watermark: datetime) -> str:
    return (
        "final"
        if pl.select(day_is_final(pl.lit(day), timedelta(seconds=horizon_s), watermark)).item()
        else "provisional"
    )
