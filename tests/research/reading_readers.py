"""The readers issue 28's protocol judges, one small adapter each, against TODAY's code.

Each adapter takes the labelled rows (at least brand, industry, text) and returns one value per
row, in row order, so the protocol never depends on how a reader is built. When the readers of
issue 28 merge, each adapter is re-pointed at its new interface (heldout.md), named in its
docstring as "Target"; the protocol and its tests stay as they are.
"""

from __future__ import annotations

import polars as pl

from tasks.metrics.care import OFFLINE
from tasks.metrics.categories import Taxonomy, default_taxonomy, with_categories
from tasks.metrics.urgent import URGENT
from tasks.sps.stance_model import predict

#: A channel reader may say a reply moved the customer without saying where (today's OFFLINE).
MOVED_UNKNOWN = "moved"


def category(mentions: pl.DataFrame) -> pl.Series:
    """Category per mention: today's one default taxonomy for every industry (severity ignored,
    so stance is not needed: 0 for all).

    Target: per industry, `with_categories(facts, taxonomy_for(industry))["category"]`, the
    industry from the registry (the label's `industry`); `infer_industries(mentions)` judged apart.
    """
    facts = mentions.select("brand", "text", pl.lit(0, pl.Int8).alias("stance"))
    return with_categories(facts, Taxonomy(default_taxonomy()))["category"]


def channel(replies: pl.DataFrame) -> pl.Series:
    """Channel per first reply: today's OFFLINE regex, any match → MOVED_UNKNOWN, else null.

    Target: `replies.select(reply_channel(pl.col("text")))` (one of CHANNELS or null).
    """
    return replies.select(
        pl.when(pl.col("text").fill_null("").str.contains(OFFLINE)).then(pl.lit(MOVED_UNKNOWN)).alias("channel")
    )["channel"]


def stance(mentions: pl.DataFrame) -> pl.Series:
    """Stance per mention (−1, 0, +1): the shipped stance model.

    Target: the same call, `predict(mentions["text"])`, once issue 28's weak labels retrain it.
    """
    return predict(mentions["text"])


def detractor(mentions: pl.DataFrame, stances: pl.Series | None = None) -> pl.Series:
    """Complaint read as detractor: stance < 0 (pass `stances` to reuse one model run).

    Target: unchanged (`stance(mentions) < 0`), the model retrained per issue 28 item 6.
    """
    return ((stance(mentions) if stances is None else stances) < 0).alias("detractor")


def urgent(mentions: pl.DataFrame) -> pl.Series:
    """Urgent per mention: today's URGENT regex.

    Target: `mentions.select(is_urgent(pl.col("text")))` (Boolean, never null).
    """
    return mentions.select(pl.col("text").fill_null("").str.contains(URGENT).alias("urgent"))["urgent"]
