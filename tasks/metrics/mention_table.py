"""mentions.parquet: every reading a day's report publishes, one row per attributed customer mention.

Aggregates can only be trusted if each reading behind them can be checked: the
category, severity, urgency, stance (and whether it came from the archive's label
or the model), the first response and whether it took the customer offline. So a
daily report publishes them per mention, with the text masked as the page masks it.

Authors are pseudonymous. No report publishes an author id (only counts), and
this table does not begin to: `author_id` here is a digest of the platform, the brand
and the archive's author id (`author_pseudonym`). It is stable across days and
runs, so an analyst can group an author's mentions and re-count SPS, but it is
scoped to the brand, so the tables of two brands cannot be joined into one
person's history. It is unkeyed (no secret to manage, bytes repeat): whoever
already knows someone's platform id can find that person's rows, as they could
find the public posts themselves; it hides authors from bulk joins, it does
not anonymise a public post.
"""

from __future__ import annotations

import hashlib

import polars as pl

from tasks.model.masking import mask_pii

#: Versioned so a change of the recipe is a change of the contract, never a silent re-keying.
AUTHOR_SCOPE = "sps-author-v1"
STANCE_SOURCES = ("archive_label", "model")


def _digest(key: dict) -> str:
    raw = "\x1f".join((AUTHOR_SCOPE, key["platform"] or "", key["brand"] or "", key["author_id"]))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def author_pseudonyms(mentions: pl.DataFrame) -> pl.DataFrame:
    """platform, brand, author_id → `pseudonym` (16 hex digits of SHA-256; polars' own hash is not
    stable across versions), each distinct author hashed once."""
    keys = mentions.select("platform", "brand", "author_id").filter(pl.col("author_id").is_not_null()).unique()
    return keys.with_columns(
        pl.struct("platform", "brand", "author_id").map_elements(_digest, return_dtype=pl.String).alias("pseudonym")
    )


def _optional(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A reading another stage may not have added yet: its column, else a typed null."""
    return pl.col(name).cast(pl.String) if name in frame.columns else pl.lit(None, dtype=pl.String)


def mention_table(inside: pl.DataFrame) -> pl.DataFrame:
    """The period's attributed inbound mentions (`period_facts`: stanced, categorised, `responded`)
    as mentions.parquet's columns, sorted by brand, time, platform and id (bytes repeat)."""
    attributed = inside.filter(pl.col("brand").is_not_null())
    answered = pl.col("responded")
    return (
        attributed.join(author_pseudonyms(attributed), on=["platform", "brand", "author_id"], how="left")
        .select(
            "mention_id",
            "platform",
            "brand",
            pl.col("pseudonym").alias("author_id"),
            "created_at",
            "category",
            _optional(attributed, "category_source").alias("category_source"),
            _optional(attributed, "theme").alias("theme"),
            "severity",
            (pl.col("severity") == "urgent").alias("urgent"),
            pl.col("stance").cast(pl.Int8),
            pl.when(pl.col("stance_from_label"))
            .then(pl.lit(STANCE_SOURCES[0]))
            .otherwise(pl.lit(STANCE_SOURCES[1]))
            .alias("stance_source"),
            answered.alias("answered"),
            pl.col("frt_s").alias("first_response_s"),
            "first_response_id",
            (answered & pl.col("first_response_offline")).alias("taken_offline"),
            pl.when(answered).then(_optional(attributed, "first_response_channel")).alias("channel"),
            mask_pii(pl.col("text")).alias("text"),
        )
        .sort("brand", "created_at", "platform", "mention_id")
    )
