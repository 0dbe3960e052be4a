"""Repeat contact: answered customers who come back to the brand about something, within a week.

A customer answered in a thread who writes to the same brand again within
REPEAT_WINDOW_S after that answer, in another thread, most likely still has the
problem (a proxy for "not solved at first contact"). Writing on in the answered
thread is the conversation going on, not a repeat.

Threads are known only as far as the posts read reach: a post whose chain back
is cut (its oldest ancestor read replies to a post not read) has no `thread_root`
and is never counted as a repeat, for it may well be the same thread.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from tasks.metrics.conversations import thread_roots

#: How long after the answer a new contact counts as a repeat (7 days; exactly 7 days still counts).
REPEAT_WINDOW_S = 7 * 86400


def with_thread_root(facts: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """`facts` with `thread_root`: the id of the post that starts each mention's thread among `posts`
    (the attributed window), null when the chain back is cut."""
    roots = thread_roots(posts).with_columns(posts["in_reply_to_id"].alias("_own_parent"))
    starts = roots.filter(pl.col("_own_parent").is_null()).select("platform", pl.col("mention_id").alias("root_id"))
    started = roots.join(starts.with_columns(pl.col("root_id").alias("thread_root")), on=["platform", "root_id"])
    return facts.join(
        started.select("platform", "mention_id", "thread_root").unique(["platform", "mention_id"]),
        on=["platform", "mention_id"],
        how="left",
        maintain_order="left",
    )


def repeat_contacts(mentions: pl.LazyFrame, answered: pl.Expr) -> pl.DataFrame:
    """Per brand: answered_authors (distinct authors of the mentions where `answered`) and
    repeat_authors (of those, who wrote again within REPEAT_WINDOW_S after a first response, in a
    thread that is not the answered one). `mentions` hold the later mentions too (brand, author_id,
    created_at, thread_root, first_response_at)."""
    window = timedelta(seconds=REPEAT_WINDOW_S)
    first = mentions.filter(answered & pl.col("author_id").is_not_null() & pl.col("brand").is_not_null()).select(
        "brand", "author_id", "first_response_at", pl.col("thread_root").alias("_answered_root")
    )
    later = mentions.filter(pl.col("thread_root").is_not_null()).select(
        "brand", "author_id", "created_at", "thread_root"
    )
    repeats = (
        first.join(later, on=["brand", "author_id"])
        .filter(
            (pl.col("created_at") > pl.col("first_response_at"))
            & (pl.col("created_at") <= pl.col("first_response_at") + window)
            & pl.col("thread_root").ne_missing(pl.col("_answered_root"))
        )
        .group_by("brand")
        .agg(pl.col("author_id").n_unique().cast(pl.Int64).alias("repeat_authors"))
    )
    return (
        first.group_by("brand")
        .agg(pl.col("author_id").n_unique().cast(pl.Int64).alias("answered_authors"))
        .join(repeats, on="brand", how="left")
        .with_columns(pl.col("repeat_authors").fill_null(0))
        .with_columns((pl.col("repeat_authors") / pl.col("answered_authors")).alias("repeat_contact_rate"))
        .collect()
    )
