"""Conversations: threads rebuilt from reply links, measured as the customer lived them.

A mention-level response rate asks "was this post answered?"; a customer
asks "did they ever get back to me?". A thread is every post reachable by
reply links from one root (ids are not in time order, so roots are found by
following links, never by comparing ids). A conversation starts at its first
customer post and belongs to the brand it is addressed to (the brand whose
post is the root, else the root's attributed brand).

A brand post that draws replies from many different customers is an
announcement, not a conversation: such threads (BROADCAST_MIN_REPLIERS or
more distinct customers replying to the root) are counted as broadcasts and
kept out of the conversation figures.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

BROADCAST_MIN_REPLIERS = 10
_MAX_DEPTH_DOUBLINGS = 32  # 2^32 hops: only a reply cycle (bad data) gets this far


def _root_rows(posts: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """Row for row: the row of each post's parent (itself when the parent is not in `posts`) and
    of its root, the oldest ancestor present (pointer doubling).

    Ids are only unique within a platform, so every hop stays on its own platform. Doubling
    gathers row numbers, not ids: the threads join once instead of once per doubling."""
    keyed = posts.lazy().select("platform", "mention_id", "in_reply_to_id").with_row_index("_row")
    rows = keyed.filter(pl.struct("platform", "mention_id").is_first_distinct()).select(
        "platform", pl.col("mention_id").alias("in_reply_to_id"), pl.col("_row").alias("_parent")
    )
    # lazily: eager, the join held ~5× what it returns (a month's threads: +77 MiB against +14 MiB)
    parent = (
        keyed.join(rows, on=["platform", "in_reply_to_id"], how="left", maintain_order="left")
        .select(pl.col("_parent").fill_null(pl.col("_row")))
        .collect()
        .to_series()
    )
    up = parent
    for _ in range(_MAX_DEPTH_DOUBLINGS):
        hop = up.gather(up)
        if (hop == up).all():
            break
        up = hop
    return parent, up


def thread_roots(posts: pl.DataFrame) -> pl.DataFrame:
    """(platform, mention_id) → root_id, row for row: the oldest ancestor present in `posts`."""
    root = _root_rows(posts)[1]
    return posts.select("platform", "mention_id", pl.col("mention_id").gather(root).alias("root_id"))


#: All a conversation is measured from.
THREAD_COLUMNS = ("platform", "mention_id", "in_reply_to_id", "author_id", "is_brand_author", "created_at", "brand")


def _rooted(attributed: pl.DataFrame, customer_posts_between: tuple[datetime, datetime] | None) -> pl.DataFrame:
    """THREAD_COLUMNS with each post's `_row`, its parent's and its root's (in their order), only
    of the threads with a customer post in the span. Threads are grouped by row number: a
    month's 0.6 M posts grouped by id strings held ~3× more."""
    posts = attributed.select(THREAD_COLUMNS)
    parent, root = _root_rows(posts)
    rooted = posts.with_columns(parent.alias("_parent"), root.alias("_root")).with_row_index("_row")
    if customer_posts_between is None:
        return rooted
    customer_in_span = ~pl.col("is_brand_author") & pl.col("created_at").is_between(*customer_posts_between)
    touching = rooted.lazy().filter(customer_in_span).select("_root").unique()
    return rooted.lazy().join(touching, on="_root", how="semi", maintain_order="left").collect()


def thread_posts(attributed: pl.DataFrame, customer_posts_between: tuple[datetime, datetime]) -> pl.DataFrame:
    """Every post (THREAD_COLUMNS) of the threads with a customer post in the span.

    Kept with a day's measure: the posts of several days, put together, rebuild
    the threads that run across them (a reply days later joins its thread)."""
    return _rooted(attributed, customer_posts_between).drop("_row", "_parent", "_root")


def conversations(
    attributed: pl.DataFrame, customer_posts_between: tuple[datetime, datetime] | None = None
) -> pl.DataFrame:
    """One row per thread: brand, platform, created_at (first customer post), answered, replies,
    follow_ups, last_word_s, broadcast. With `customer_posts_between`, only threads with a customer
    post in that span are measured (the caller's period, with room for time zones)."""
    posts = _rooted(attributed, customer_posts_between).lazy()
    customer = ~pl.col("is_brand_author")
    roots = posts.filter(pl.col("_row") == pl.col("_root")).select(
        "_root",
        pl.col("mention_id").alias("root_id"),
        pl.col("is_brand_author").alias("root_by_brand"),
        pl.col("brand").alias("thread_brand"),
    )
    repliers = (
        posts.filter(customer & (pl.col("_parent") == pl.col("_root")) & (pl.col("_row") != pl.col("_root")))
        .group_by("_root")
        .agg(pl.col("author_id").n_unique().alias("repliers"))
    )
    threads = posts.join(roots, on="_root").filter(pl.col("thread_brand").is_not_null())
    opened = pl.col("created_at").filter(customer).min()
    by_brand = pl.col("is_brand_author") & (
        pl.col("author_id").str.to_lowercase() == pl.col("thread_brand").str.to_lowercase()
    )
    answer_times = pl.col("created_at").filter(by_brand & (pl.col("created_at") >= opened))
    return (
        threads.group_by("_root")
        .agg(
            pl.col("platform").first(),
            pl.col("root_id").first(),
            pl.col("thread_brand").first().alias("brand"),
            opened.alias("created_at"),
            pl.col("root_by_brand").first(),
            answer_times.len().alias("replies"),
            (customer.sum() - 1).alias("follow_ups"),
            ((answer_times.max() - opened).dt.total_microseconds() / 1e6).alias("last_word_s"),
        )
        .filter(pl.col("created_at").is_not_null())  # brand posts nobody answered
        .join(repliers, on="_root", how="left")
        .with_columns(
            (pl.col("replies") > 0).alias("answered"),
            (pl.col("root_by_brand") & (pl.col("repliers").fill_null(0) >= BROADCAST_MIN_REPLIERS)).alias("broadcast"),
            pl.col("created_at").dt.date().alias("date"),
        )
        .drop("_root", "root_by_brand", "repliers")
        .sort("created_at", "platform", "root_id")
        .collect()
    )


def conversation_metrics(threads: pl.DataFrame, *, keys: list[str]) -> pl.DataFrame:
    """Per `keys`: conversations and how they went; broadcasts only counted."""
    kept = ~pl.col("broadcast")
    return threads.group_by(keys).agg(
        kept.sum().cast(pl.Int64).alias("conversations"),
        (kept & pl.col("answered")).sum().cast(pl.Int64).alias("conversations_answered"),
        pl.col("answered").filter(kept).mean().alias("conversation_response_rate"),
        pl.col("replies").filter(kept).mean().alias("replies_per_conversation"),
        pl.col("follow_ups").filter(kept).mean().alias("follow_ups_per_conversation"),
        pl.col("last_word_s").filter(kept & pl.col("answered")).median().alias("last_word_median_s"),
        pl.col("broadcast").sum().cast(pl.Int64).alias("broadcasts"),
    )
