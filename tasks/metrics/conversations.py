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

from tasks.metrics.next_reply import follow_ups

BROADCAST_MIN_REPLIERS = 10
_MAX_DEPTH_DOUBLINGS = 32  # 2^32 hops: only a reply cycle (bad data) gets this far


def _root_rows(posts: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """Row for row: the row of each post's parent (itself when the parent is not in `posts`) and
    of its root, the oldest ancestor present (pointer doubling).

    Ids are only unique within a platform, so every hop stays on its own platform. Doubling
    gathers row numbers, not ids: the threads join once instead of once per doubling."""
    up = parent = _parent_rows(posts)
    for _ in range(_MAX_DEPTH_DOUBLINGS):
        hop = up.gather(up)
        if (hop == up).all():
            break
        up = hop
    return parent, up


def _parent_rows(posts: pl.DataFrame) -> pl.Series:
    """Each post's parent row (its own when the parent is not in `posts`; the first, when an id
    is there twice). Joined on a hash of (platform, id), then checked id for id: a month's 3.1 M
    posts joined on the id strings held +300 MiB, on their hashes +150 MiB. Should two ids share
    a hash, the check fails and the strings are joined."""
    keyed = posts.lazy().select(
        _id_hash("mention_id").alias("_key"),
        _id_hash("in_reply_to_id").alias("_parent_key"),
        pl.col("in_reply_to_id").is_not_null().alias("_replies"),
    )
    rows = keyed.select(pl.col("_key").alias("_parent_key")).with_row_index("_parent")
    # lazily: eager, the join held ~5× what it returns (a month's threads: +77 MiB against +14 MiB)
    parent = _own_row_unless(
        keyed.with_row_index("_row").join(
            rows.filter(pl.col("_parent_key").is_first_distinct()), on="_parent_key", how="left", maintain_order="left"
        ),
        pl.col("_replies"),
    )
    linked = pl.col("platform").gather(parent).eq(pl.col("platform")) & pl.col("mention_id").gather(parent).eq(
        pl.col("in_reply_to_id")
    )
    if posts.select((linked | pl.int_range(pl.len(), dtype=pl.UInt32).eq(parent)).all(ignore_nulls=False)).item():
        return parent
    keyed_by_id = posts.lazy().select("platform", "mention_id", "in_reply_to_id").with_row_index("_row")
    by_id = keyed_by_id.filter(pl.struct("platform", "mention_id").is_first_distinct()).select(
        "platform", pl.col("mention_id").alias("in_reply_to_id"), pl.col("_row").alias("_parent")
    )
    joined = keyed_by_id.join(by_id, on=["platform", "in_reply_to_id"], how="left", maintain_order="left")
    return _own_row_unless(joined, pl.col("_parent").is_not_null())


def _id_hash(column: str) -> pl.Expr:
    """(platform, id) as one 64-bit number: equal pairs, equal numbers (rarely, unequal ones too)."""
    return pl.struct("platform", pl.col(column).alias("id")).hash()


def _own_row_unless(joined: pl.LazyFrame, found: pl.Expr) -> pl.Series:
    """The joined `_parent` row where `found`, else the post's own `_row`."""
    return joined.select(pl.when(found).then(pl.col("_parent")).fill_null(pl.col("_row"))).collect().to_series()


def thread_roots(posts: pl.DataFrame) -> pl.DataFrame:
    """(platform, mention_id) → root_id, row for row: the oldest ancestor present in `posts`."""
    root = _root_rows(posts)[1]
    return posts.select("platform", "mention_id", pl.col("mention_id").gather(root).alias("root_id"))


#: All a conversation is measured from.
THREAD_COLUMNS = ("platform", "mention_id", "in_reply_to_id", "author_id", "is_brand_author", "created_at", "brand")


def _rooted(attributed: pl.DataFrame) -> pl.DataFrame:
    """THREAD_COLUMNS with each post's `_row`, its parent's and its root's (in their order).
    Threads are grouped by row number: a month's 0.6 M posts grouped by id strings held ~3× more."""
    posts = attributed.select(THREAD_COLUMNS)
    parent, root = _root_rows(posts)
    return posts.with_columns(parent.alias("_parent"), root.alias("_root")).with_row_index("_row")


def _customer_in(span: tuple[datetime, datetime]) -> pl.Expr:
    return ~pl.col("is_brand_author") & pl.col("created_at").is_between(*span)


def thread_posts(attributed: pl.DataFrame, customer_posts_between: tuple[datetime, datetime]) -> pl.DataFrame:
    """Every post (THREAD_COLUMNS) of the threads with a customer post in the span.

    Kept with a day's measure: the posts of several days, put together, rebuild
    the threads that run across them (a reply days later joins its thread)."""
    rooted = _rooted(attributed).lazy()
    touching = rooted.filter(_customer_in(customer_posts_between)).select("_root").unique()
    return rooted.join(touching, on="_root", how="semi", maintain_order="left").select(THREAD_COLUMNS).collect()


def conversations(
    attributed: pl.DataFrame, customer_posts_between: tuple[datetime, datetime] | None = None
) -> pl.DataFrame:
    """One row per thread: brand, platform, created_at (first customer post), answered, replies,
    follow_ups, last_word_s, broadcast. With `customer_posts_between`, only threads with a customer
    post in that span are measured (the caller's period, with room for time zones).

    In no set order: `conversation_metrics` counts, averages whole numbers and takes medians, which
    no order changes, and sorting a month's 1.7 M threads held +190 MiB."""
    return _threads(_rooted(attributed).lazy(), customer_posts_between)[0].select(_CONVERSATION).collect()


def conversations_and_follow_ups(
    attributed: pl.DataFrame, customer_posts_between: tuple[datetime, datetime]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`conversations`, and the follow-ups of those that are not broadcasts (`next_reply.follow_ups`),
    from one rebuild of the threads."""
    posts = _rooted(attributed).lazy()
    threads, answers = _threads(posts, customer_posts_between)
    # collected once: handed to both queries as a plan, the threads would be built twice
    measured = threads.select("_root", *_CONVERSATION).collect()
    kept = measured.lazy().filter(~pl.col("broadcast")).select("_root", "brand")
    return measured.drop("_root"), follow_ups(posts, kept, answers).collect()


_CONVERSATION = [
    "platform",
    "root_id",
    "brand",
    "created_at",
    "replies",
    "follow_ups",
    "last_word_s",
    "answered",
    "broadcast",
    "date",
]


def _threads(
    posts: pl.LazyFrame, customer_posts_between: tuple[datetime, datetime] | None
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The conversations (with their `_root` row) and the thread brand's answers in them
    (`_root`, their `_row` and `_parent` rows, `_answered_at`: its posts after the thread opened).

    Each figure is a plain aggregate over the posts it reads (when the thread opened, then the
    brand's answers after that), joined on the thread's row: filters inside one group-by over
    every post held a month's 3.1 M posts ~2× longer and 2.3× more (+880 MiB against +380 MiB).
    Every thread is aggregated and those the span touches kept at the end: cutting the posts to
    them first held a copy of every post read."""
    customer = ~pl.col("is_brand_author")
    roots = posts.filter((pl.col("_row") == pl.col("_root")) & pl.col("brand").is_not_null()).select(
        "_root",
        "platform",
        pl.col("mention_id").alias("root_id"),
        "brand",
        pl.col("is_brand_author").alias("root_by_brand"),
    )
    repliers = (
        posts.filter(customer & (pl.col("_parent") == pl.col("_root")) & (pl.col("_row") != pl.col("_root")))
        .group_by("_root")
        .agg(pl.col("author_id").n_unique().alias("repliers"))
    )
    touched = pl.lit(True) if customer_posts_between is None else _customer_in(customer_posts_between).any()
    opened = (
        posts.filter(customer)
        .group_by("_root")
        .agg(pl.col("created_at").min(), pl.len().alias("customer_posts"), touched.alias("_touched"))
        .filter(pl.col("_touched"))
    )
    thread_brand = roots.select("_root", pl.col("brand").str.to_lowercase().alias("_brand"))
    answers = (  # the thread's brand writing in it after it opened
        posts.filter(pl.col("is_brand_author"))
        .select("_root", "_row", "_parent", "author_id", pl.col("created_at").alias("_answered_at"))
        .join(thread_brand, on="_root")
        .filter(pl.col("author_id").str.to_lowercase() == pl.col("_brand"))
        .join(opened.select("_root", "created_at"), on="_root")
        .filter(pl.col("_answered_at") >= pl.col("created_at"))
        .select("_root", "_row", "_parent", "_answered_at")
    )
    answered = answers.group_by("_root").agg(pl.len().alias("replies"), pl.col("_answered_at").max())
    threads = (
        opened.join(roots, on="_root")  # threads with a brand and a customer post (brand posts nobody answered are not)
        .join(answered, on="_root", how="left")
        .join(repliers, on="_root", how="left")
        .with_columns(
            pl.col("replies").fill_null(0),
            (pl.col("customer_posts") - 1).alias("follow_ups"),
            ((pl.col("_answered_at") - pl.col("created_at")).dt.total_microseconds() / 1e6).alias("last_word_s"),
            pl.col("_answered_at").is_not_null().alias("answered"),
            (pl.col("root_by_brand") & (pl.col("repliers").fill_null(0) >= BROADCAST_MIN_REPLIERS)).alias("broadcast"),
            pl.col("created_at").dt.date().alias("date"),
        )
    )
    return threads, answers


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
