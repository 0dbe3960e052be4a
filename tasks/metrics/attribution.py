"""Brand attribution of customer mentions (DESIGN.md, "Brand attribution").

Order of evidence: the archive's own `brand`; the brand that answers the
mention first; the brand whose post it replies to; the first @handle it
addresses that is a known brand. Whatever none of these reach stays null
("unattributed") and is counted as such by the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from tasks.model.records import BrandPosts

HANDLE = r"@(\w+)"


def known_brands(handles: Iterable[str], registry: dict[str, str]) -> dict[str, str]:
    """Lower-cased handle or alias → canonical brand handle.

    `registry` maps lower-cased handles and aliases to handles; brands seen
    writing (`is_brand_author`) are known too. The registry wins a clash.
    """
    return {handle.lower(): handle for handle in sorted(set(handles))} | registry


def attribute(mentions: pl.DataFrame, registry: dict[str, str], brand_posts: BrandPosts | None = None) -> pl.DataFrame:
    """Fill `brand` for customer mentions from the evidence above; keeps every row.

    `brand_posts` brings brand posts beyond `mentions` (tasks/store/warehouse.py), so
    a reply to a brand post of weeks ago still finds its brand, and a brand seen
    posting in any archive is known by its handle.
    Ids are unique only within a platform: every match is on (platform, id).
    """
    post_id = ["platform", "mention_id"]
    own = mentions.filter(pl.col("is_brand_author")).select(*post_id, "author_id")
    index = (
        own
        if brand_posts is None
        else pl.concat([own, brand_posts.posts]).unique(post_id, keep="first", maintain_order=True)
    )
    seen = own["author_id"].drop_nulls().unique()
    brands = known_brands([*seen, *(brand_posts.handles if brand_posts else [])], registry)
    replies = mentions.filter(pl.col("is_brand_author") & pl.col("in_reply_to_id").is_not_null())
    answering = (
        replies.sort("created_at", "author_id")
        .group_by("platform", "in_reply_to_id", maintain_order=True)
        .agg(pl.col("author_id").first().alias("answering_brand"))
        .rename({"in_reply_to_id": "mention_id"})
    )
    parent = index.select(
        "platform", pl.col("mention_id").alias("in_reply_to_id"), pl.col("author_id").alias("parent_brand")
    )
    addressed = (
        mentions.select(*post_id, pl.col("text").str.extract_all(HANDLE).alias("handle"))
        .explode("handle")
        .with_columns(
            pl.col("handle")
            .str.strip_prefix("@")
            .str.to_lowercase()
            .replace_strict(brands, default=None, return_dtype=pl.String)
            .alias("addressed_brand")
        )
        .filter(pl.col("addressed_brand").is_not_null())
        .unique(post_id, keep="first", maintain_order=True)
        .select(*post_id, "addressed_brand")
    )
    customer_brand = pl.coalesce("brand", "answering_brand", "parent_brand", "addressed_brand")
    return (
        mentions.join(answering, on=post_id, how="left")
        .join(parent, on=["platform", "in_reply_to_id"], how="left")
        .join(addressed, on=post_id, how="left")
        .with_columns(
            pl.when(pl.col("is_brand_author")).then(pl.col("author_id")).otherwise(customer_brand).alias("brand")
        )
        .drop("answering_brand", "parent_brand", "addressed_brand")
    )
