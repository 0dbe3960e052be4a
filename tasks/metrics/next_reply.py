"""Next-reply time: how long a customer who writes again after the brand answered waits for the
brand's next reply in the thread.

A first response says how fast a brand picks a conversation up; the wait after
the customer's follow-up is where customers give up. A follow-up is a customer
post in a conversation (tasks/metrics/conversations.py; broadcasts left out)
written after the thread's brand had answered *that customer* in it: posts
before the brand's first answer wait for a *first* response and are counted
there, and a bystander's posts in a thread where the brand answered someone
else (customers talking among themselves or to other brands: on the twcs
sample one such thread held 100 posts after sainsburys' single answer) wait
for nobody: a follow-up replies to the brand's post or to the customer's own
(a post in several parts), not to another customer or another brand. Its wait ends
at the brand's next post in the thread at or after it, whatever post that one
replies to (a brand answering an earlier post of the thread has answered the
customer). One that never came within the horizon is censored (Kaplan–Meier,
tasks/metrics/survival.py), as first responses are.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from tasks.metrics.answered import answered_within
from tasks.metrics.survival import km_waits

#: The published next-reply counts (the rest are shares and times, null when there are none).
COUNTS = ["follow_ups_after_answer", "follow_ups_answered", "next_reply_sla_met"]


def follow_ups(posts: pl.LazyFrame, threads: pl.LazyFrame, answers: pl.LazyFrame) -> pl.LazyFrame:
    """One row per follow-up: platform, mention_id, brand, created_at, next_reply_s (null: no reply
    seen). `posts` carry their `_row`, `_parent` and thread `_root` rows; `threads` (`_root`, brand)
    are the conversations measured; `answers` (`_root`, `_row`, `_parent`, `_answered_at`) the
    thread brand's posts in them. Joined on row numbers, never on lower-cased handles (lower-casing
    every post's author took longer than the rest of it)."""
    answered = answers.sort("_answered_at")
    authors = posts.select(pl.col("_row").alias("_parent"), pl.col("author_id").alias("_to"))
    whom = answered.join(authors, on="_parent").select(  # whom each answer replies to
        "_root", pl.col("_to").alias("author_id"), pl.col("_answered_at").alias("_answered_before")
    )
    to_answer = answered.select(pl.col("_row").alias("_parent"), pl.lit(True).alias("_to_brand"))
    customer = (
        posts.filter(~pl.col("is_brand_author") & pl.col("author_id").is_not_null())
        .select("_root", "_parent", "platform", "mention_id", "author_id", "created_at")
        .join(threads, on="_root")
        .join(authors, on="_parent", how="left")
        .join(to_answer, on="_parent", how="left")
        # talking to the brand: a reply to its answer, or to the customer's own post (one in several parts)
        .filter(pl.col("_to_brand").fill_null(False) | (pl.col("_to") == pl.col("author_id")))
        .sort("created_at")
    )
    after_answer = customer.join_asof(
        whom.sort("_answered_before"),
        left_on="created_at",
        right_on="_answered_before",
        by=["_root", "author_id"],  # the brand answered this customer before
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,  # sorted by time above; polars cannot check it within `by` groups
    ).filter(pl.col("_answered_before").is_not_null())
    return after_answer.join_asof(
        answered.select("_root", "_answered_at"),
        left_on="created_at",
        right_on="_answered_at",
        by="_root",
        strategy="forward",
        check_sortedness=False,
    ).select(
        "platform",
        "mention_id",
        "brand",
        "created_at",
        ((pl.col("_answered_at") - pl.col("created_at")).dt.total_microseconds() / 1e6).alias("next_reply_s"),
    )


def next_reply_metrics(
    waits: pl.DataFrame, *, keys: list[str], horizon_s: float, sla_target: pl.Expr, watermark: datetime
) -> pl.DataFrame:
    """Per `keys`, over follow-ups (`follow_ups`, with their `keys`): how many, how many answered within
    the horizon, KM median and p90 next-reply time, and next replies within the brand's SLA target
    (`sla_target`, seconds) over all follow-ups (an unanswered one is a miss)."""
    answered = answered_within(horizon_s, "next_reply_s")
    counts = waits.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("follow_ups_after_answer"),
        answered.sum().cast(pl.Int64).alias("follow_ups_answered"),
        (answered & (pl.col("next_reply_s") <= sla_target)).sum().cast(pl.Int64).alias("next_reply_sla_met"),
    )
    km = km_waits(
        waits,
        keys=keys,
        wait="next_reply_s",
        horizon_s=horizon_s,
        watermark=watermark,
        quantiles={"km_next_reply_median_s": 0.5, "km_next_reply_p90_s": 0.9},
        within={},
    )
    return counts.join(km, on=keys, how="left").with_columns(
        (pl.col("next_reply_sla_met") / pl.col("follow_ups_after_answer")).alias("next_reply_sla_attainment")
    )
