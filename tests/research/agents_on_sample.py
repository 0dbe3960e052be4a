"""Agents on the twcs sample as the daily reports read them: each day's replies labelled under the
conventions learnt on that day's window (3 days before it through 4 after), per brand the replies,
the share signed, the agents and the three busiest. Held-out brands are left out.

    python -m tests.research.agents_on_sample
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from tasks.metrics.agents import UNSIGNED, Signatures, reply_agents
from tests.metrics.test_agents import HELD_OUT, SAMPLE


def labelled() -> pl.DataFrame:
    ids = {c: pl.String for c in ("tweet_id", "author_id", "response_tweet_id", "in_response_to_tweet_id")}
    replies = (
        pl.read_csv(SAMPLE, schema_overrides=ids)
        .filter(~pl.col("inbound") & ~pl.col("author_id").is_in(HELD_OUT))
        .select(
            pl.lit("twitter").alias("platform"),
            pl.col("tweet_id").alias("mention_id"),
            pl.col("author_id").alias("brand"),
            "text",
            pl.col("created_at").str.to_datetime("%a %b %d %H:%M:%S %z %Y").dt.date().alias("day"),
        )
    )
    days = []
    for day in replies["day"].unique().sort():
        window = replies.filter(pl.col("day").is_between(day - timedelta(days=3), day + timedelta(days=4)))
        agents = reply_agents(window, Signatures())
        days.append(window.join(agents, on=["platform", "mention_id"]).filter(pl.col("day") == day))
    return pl.concat(days)


def main() -> None:
    found = labelled()
    signed = pl.col("agent") != UNSIGNED
    table = (
        found.group_by("brand")
        .agg(
            pl.len().alias("replies"),
            signed.mean().round(3).alias("signed"),
            pl.col("agent").filter(signed).n_unique().alias("agents"),
            pl.col("agent").filter(signed).value_counts(sort=True).head(3).struct.field("agent").alias("busiest"),
        )
        .sort("replies", "brand", descending=[True, False])
    )
    with pl.Config(tbl_rows=100, fmt_str_lengths=80, tbl_width_chars=160):
        print(table.filter(pl.col("replies") >= 8))
    print(f"{found.height} replies, {found.select(signed.mean()).item():.1%} signed")


if __name__ == "__main__":
    main()
