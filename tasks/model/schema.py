"""The canonical mention schema (the warehouse contract in DESIGN.md)."""

from __future__ import annotations

import polars as pl

#: Bumped whenever a published file's columns or meaning change.
SCHEMA_VERSION = "2.5.0"

MENTION_SCHEMA: dict[str, pl.DataType] = {
    "mention_id": pl.String(),
    "platform": pl.String(),
    "brand": pl.String(),
    "author_id": pl.String(),
    "is_brand_author": pl.Boolean(),
    "created_at": pl.Datetime("us", "UTC"),
    "text": pl.String(),
    "in_reply_to_id": pl.String(),
    "conversation_id": pl.String(),
    "author_followers": pl.Int64(),
    "sentiment": pl.String(),
    "source_file": pl.String(),
}

#: Lineage kept beside the canonical columns until validation is done.
SOURCE_ROW = "source_row"
