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
    created_at, thread_root, first_response_at).

    Each answer looks up only the first moment after it when its author wrote in another thread
    (`_next_other_thread`), not every later mention of its author: pairing them all grows with the
    square of an author's mentions, and one busy author (a bot, a campaign) made a day's measure take
    seconds."""
    window = timedelta(seconds=REPEAT_WINDOW_S)
    first = mentions.filter(answered & pl.col("author_id").is_not_null() & pl.col("brand").is_not_null()).select(
        "brand", "author_id", "first_response_at", pl.col("thread_root").alias("_answered_root")
    )
    repeats = (
        _next_other_thread(first, mentions.filter(pl.col("thread_root").is_not_null()))
        .filter(pl.col("_next_other") <= pl.col("first_response_at") + window)
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


def _next_other_thread(first: pl.LazyFrame, later: pl.LazyFrame) -> pl.LazyFrame:
    """`first` with `_next_other`: the earliest `created_at` of a `later` mention of the same brand and
    author strictly after `first_response_at` in a thread other than `_answered_root` (null when none).

    The later mentions are grouped by moment (brand, author, created_at): a moment holds one thread, or
    several ("mixed", and then always another thread than any one answered). Consecutive moments of one
    thread form a run; from the first moment after an answer, the next other thread is that moment
    itself unless it is wholly the answered thread, and then the start of the run after it."""
    who = ["brand", "author_id"]
    author = pl.struct(who)
    moments = (
        later.join(first.select(who).unique(), on=who, how="semi")  # only authors answered: a day's are few
        .group_by([*who, "created_at"])
        .agg(pl.col("thread_root").n_unique().alias("_roots"), pl.col("thread_root").first().alias("_root"))
        .with_columns(pl.when(pl.col("_roots") == 1).then(pl.col("_root")).alias("_root"))
        .sort([*who, "created_at"])
        .with_columns(
            (
                pl.col("_root").is_null()
                | pl.col("_root").ne_missing(pl.col("_root").shift(1))
                | author.ne_missing(author.shift(1))
            )
            .cum_sum()
            .alias("_run")
        )
        # a run's last moment holds when the author's next run starts (shifted over all moments, not in a window);
        # then every moment of the run learns it
        .with_columns(
            pl.when(pl.col("_run").ne_missing(pl.col("_run").shift(-1)) & author.eq_missing(author.shift(-1)))
            .then(pl.col("created_at").shift(-1))
            .alias("_next_run")
        )
        .with_columns(pl.col("_next_run").max().over("_run"))
        .sort("created_at")
    )
    return (
        first.sort("first_response_at")
        .join_asof(
            moments.select(*who, "created_at", "_root", "_next_run"),
            left_on="first_response_at",
            right_on="created_at",
            by=who,
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,  # sorted by time above; polars cannot check it within `by` groups
        )
        .with_columns(
            pl.when(pl.col("_root").is_null() | pl.col("_root").ne_missing(pl.col("_answered_root")))
            .then(pl.col("created_at"))
            .otherwise(pl.col("_next_run"))
            .alias("_next_other")
        )
    )
