"""A run's shared warehouse reader: the same windows as reading each alone, each day read and stanced once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
from polars.testing import assert_frame_equal

from tasks.ingest.schema import MENTION_SCHEMA
from tasks.ingest.warehouse import WindowReader, load_window, write_parts
from tasks.sps.score import with_customer_stance, with_stance
from tasks.storage.backends import open_storage


def mention(i: int, day: int, *, brand_post: bool = False, source: str = "a.csv", text: str | None = None) -> dict:
    return {
        "mention_id": str(i),
        "platform": "twitter",
        "brand": None,
        "author_id": "AcmeHelp" if brand_post else f"c{i}",
        "is_brand_author": brand_post,
        "created_at": datetime(2017, 10, day, 12, tzinfo=UTC),
        "text": text
        or ("@c thanks for writing" if brand_post else "@AcmeHelp love it" if i % 2 else "@AcmeHelp awful"),
        "in_reply_to_id": None,
        "conversation_id": None,
        "author_followers": None,
        "sentiment": "negative" if i == 3 else None,  # the archive's own label wins
        "source_file": source,
    }


class CountingStorage:
    """Counts object reads; everything else is the real local store."""

    def __init__(self, inner) -> None:
        self.inner, self.reads = inner, 0

    def read(self, key: str) -> bytes:
        self.reads += 1
        return self.inner.read(key)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_windows_equal_reading_each_alone_and_each_part_is_read_once(tmp_path):
    store = open_storage(str(tmp_path))
    rows = [mention(i, 1 + i % 10, brand_post=i % 4 == 0) for i in range(60)]
    rows.append(mention(7, 8, source="b.csv", text="@AcmeHelp same id from a second archive"))  # b.csv loses to a.csv
    frame = pl.DataFrame(rows, schema=MENTION_SCHEMA)
    write_parts(store, "a", frame.filter(pl.col("source_file") == "a.csv"))
    write_parts(store, "b", frame.filter(pl.col("source_file") == "b.csv"))
    counting = CountingStorage(store)
    reader = WindowReader(counting)
    starts = [date(2017, 10, 1) + timedelta(days=d) for d in range(6)]
    for start in starts:  # windows of 5 days, each starting a day later
        assert_frame_equal(
            reader.window(start, start + timedelta(days=4)), load_window(store, start, start + timedelta(days=4))
        )
    assert counting.reads == 11  # 10 days of a.csv and one of b.csv, not 6 windows × 5 days


def test_customer_mentions_are_stanced_as_with_stance_would_and_brand_posts_not(tmp_path):
    store = open_storage(str(tmp_path))
    write_parts(
        store, "a", pl.DataFrame([mention(i, 1, brand_post=i % 4 == 0) for i in range(12)], schema=MENTION_SCHEMA)
    )
    window = WindowReader(store, prepare=with_customer_stance).window(date(2017, 10, 1), date(2017, 10, 1))
    customers = window.filter(~pl.col("is_brand_author")).sort("mention_id")
    expected = with_stance(load_window(store, date(2017, 10, 1), date(2017, 10, 1)).filter(~pl.col("is_brand_author")))
    assert_frame_equal(customers, expected.sort("mention_id"))
    assert customers.filter(pl.col("mention_id") == "3")["stance"].item() == -1  # the label, not the model
    assert window.filter(pl.col("is_brand_author"))["stance"].null_count() == 3  # brand posts 0, 4, 8
