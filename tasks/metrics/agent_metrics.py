"""Per agent, what a care team's lead reads of each person: replies, conversations, first responses.

Replies are credited to the agent who signed them (`agents.py`); unsigned ones
stay on the UNSIGNED line. Replies and conversations handled are counted in
the conversations the period's customers opened (as the conversation figures
are: a reply belongs to the day its thread opened), first responses in the
period's inbound mentions (as the first-response figures are). An agent's SLA
attainment and share taken offline are over their own first responses: an
agent is not charged with the mentions nobody answered.
"""

from __future__ import annotations

import polars as pl

from tasks.metrics.agents import UNSIGNED
from tasks.metrics.answered import answered_within
from tasks.metrics.conversations import thread_roots

_KEYS = ["brand", "date", "agent"]


def agent_work(posts: pl.DataFrame, threads: pl.DataFrame) -> pl.DataFrame:
    """brand, date, agent, replies, conversations: the brand's replies in each of `threads` (the
    period's conversations: platform, root_id, brand, date, opened_at, broadcast; broadcasts left
    out) after it opened, from its `posts` (thread posts with each brand reply's `agent`)."""
    kept = threads.lazy().filter(~pl.col("broadcast")).select("platform", "root_id", "brand", "date", "opened_at")
    return (
        posts.lazy()
        .with_columns(thread_roots(posts)["root_id"])
        .filter(pl.col("is_brand_author"))
        .select("platform", "root_id", "author_id", "created_at", "agent")
        .join(kept, on=["platform", "root_id"])
        .filter(
            (pl.col("author_id").str.to_lowercase() == pl.col("brand").str.to_lowercase())
            & (pl.col("created_at") >= pl.col("opened_at"))
        )
        .group_by("brand", "date", pl.col("agent").fill_null(UNSIGNED))
        .agg(
            pl.len().cast(pl.Int64).alias("replies"),
            pl.struct("platform", "root_id").n_unique().cast(pl.Int64).alias("conversations"),
        )
        .collect()
    )


def agent_metrics(
    facts: pl.DataFrame,
    work: pl.DataFrame,
    names: pl.DataFrame,
    *,
    horizon_s: float,
    sla_targets: dict[str, int],
    default_sla_s: int,
) -> pl.DataFrame:
    """One row per brand, date and agent (UNSIGNED among them): `agent_work`'s counts, and over the
    first responses the agent wrote (`first_response_agent` of the mentions answered within the
    horizon) their count, median and p90 time (linear), SLA attainment and share taken offline.
    `names` (brand, agent, agent_name, agent_team) are the registry's."""
    target = pl.col("brand").replace_strict(sla_targets, default=default_sla_s, return_dtype=pl.Int64)
    first = (
        facts.lazy()
        .filter(pl.col("brand").is_not_null() & answered_within(horizon_s))
        .group_by("brand", "date", pl.col("first_response_agent").fill_null(UNSIGNED).alias("agent"))
        .agg(
            pl.len().cast(pl.Int64).alias("first_responses"),
            pl.col("frt_s").quantile(0.5, interpolation="linear").alias("frt_median_s"),
            pl.col("frt_s").quantile(0.9, interpolation="linear").alias("frt_p90_s"),
            (pl.col("frt_s") <= target).mean().alias("sla_attainment"),
            pl.col("first_response_offline").mean().alias("taken_offline_rate"),
        )
    )
    counts = ["replies", "conversations", "first_responses"]
    return (
        work.lazy()
        .join(first, on=_KEYS, how="full", coalesce=True)
        .join(names.lazy(), on=["brand", "agent"], how="left")
        .with_columns(pl.col(counts).fill_null(0))
        .select(
            *_KEYS,
            "agent_name",
            "agent_team",
            *counts,
            "frt_median_s",
            "frt_p90_s",
            "sla_attainment",
            "taken_offline_rate",
        )
        .sort(*_KEYS)
        .collect()
    )
