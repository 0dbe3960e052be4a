"""Small canonical frames for hand-computed tests."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from tasks.model.schema import MENTION_SCHEMA


def at(text: str) -> datetime:
    """'2017-10-31 10:00[:05]' → aware UTC datetime."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=UTC)


def post(mention_id, author, when, text="", *, brand_post=False, reply_to=None, brand=None, sentiment=None):
    return {
        "mention_id": mention_id,
        "platform": "twitter",
        "brand": author if brand_post else brand,
        "author_id": author,
        "is_brand_author": brand_post,
        "created_at": at(when),
        "text": text,
        "in_reply_to_id": reply_to,
        "conversation_id": None,
        "author_followers": None,
        "sentiment": sentiment,
        "source_file": "archives/twitter/dt=2017-11-05/test.jsonl",
    }


def frame(*posts: dict) -> pl.DataFrame:
    return pl.DataFrame(list(posts), schema=MENTION_SCHEMA)
