"""The readers issue 28's protocol judges, one small adapter each, on the shipped interfaces.

Each adapter takes the labelled rows (at least brand, industry, text) and returns one value per
row, in row order, so the protocol never depends on how a reader is built.
"""

from __future__ import annotations

import polars as pl

from tasks.metrics.categories import Taxonomy, default_taxonomy, with_categories, with_industries
from tasks.metrics.channels import reply_channel
from tasks.metrics.urgent import urgent_flags
from tasks.sps.stance_model import predict


def category(mentions: pl.DataFrame, *, inferred: bool = False) -> pl.Series:
    """Category per mention as a report publishes it (severity ignored, so stance 0 for all):
    each brand's industry list, the industry named by a registry (the label's `industry`), or,
    with `inferred`, the one `infer_industries` reads from the brand's own mentions."""
    facts = mentions.select("brand", "text", pl.lit(0, pl.Int8).alias("stance"))
    named = {} if inferred else dict(mentions.select("brand", "industry").unique().iter_rows())
    taxonomy = with_industries(Taxonomy(default_taxonomy()), named, facts)
    return with_categories(facts, taxonomy)["category"]  # keeps row order


def channel(replies: pl.DataFrame) -> pl.Series:
    """Channel per first reply: one of CHANNELS, or null when the reply keeps it public."""
    # read in a lazy query, as mention_facts does: polars' eager engine runs the regexes ~2.5x slower
    return replies.lazy().select(reply_channel(pl.col("text")).alias("channel")).collect()["channel"]


def stance(mentions: pl.DataFrame) -> pl.Series:
    """Stance per mention (−1, 0, +1): the shipped stance model with its complaint cues."""
    return predict(mentions["text"])


def detractor(mentions: pl.DataFrame, stances: pl.Series | None = None) -> pl.Series:
    """Complaint read as detractor: stance < 0 (pass `stances` to reuse one model run)."""
    return ((stance(mentions) if stances is None else stances) < 0).alias("detractor")


def urgent(mentions: pl.DataFrame) -> pl.Series:
    """Urgent per mention: safety, security or money at risk now."""
    return urgent_flags(mentions["text"])
