"""Adapters on the real twcs sample and on hand-written NDJSON / Parquet archives."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime

import polars as pl
import pytest

from tasks.ingest.adapters import ArchiveError, archive_format, platform_from_key, read_archive
from tasks.model.schema import MENTION_SCHEMA

KEY = "archives/twitter/dt=2017-12-03/twcs_sample.csv"


@pytest.fixture(scope="module")
def twcs(twcs_bytes) -> pl.DataFrame:
    return read_archive(twcs_bytes, KEY, "twitter")


def test_twcs_sample_reads_every_row_with_the_canonical_schema(twcs):
    assert twcs.height == 5000  # 5,310 physical lines: quoted newlines stay inside text
    for column, dtype in MENTION_SCHEMA.items():
        assert twcs.schema[column] == dtype, column
    assert twcs["mention_id"].null_count() == 0
    assert twcs["created_at"].null_count() == 0
    assert twcs["source_row"].to_list() == list(range(1, 5001))


def test_twcs_first_rows_match_the_file(twcs):
    first, second = twcs.row(0, named=True), twcs.row(1, named=True)
    # 1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand...,2,3
    assert first["mention_id"] == "1"
    assert first["is_brand_author"] is True and first["brand"] == "sprintcare"
    assert first["created_at"] == datetime(2017, 10, 31, 22, 10, 47, tzinfo=UTC)
    assert first["in_reply_to_id"] == "3"
    # 2,115712,True,...: a customer; brand unknown until attribution
    assert second["author_id"] == "115712" and second["is_brand_author"] is False
    assert second["brand"] is None


def test_twcs_keeps_carriage_returns_inside_quoted_text(twcs):
    row = twcs.filter(pl.col("mention_id") == "3399").row(0, named=True)
    assert row["text"] == "@AskPayPal \r\rI just love the start of email 😁 https://t.co/8u1Pf5rJoN"
    assert row["source_row"] == 2485


def test_twcs_counts_brand_and_customer_posts(twcs):
    assert twcs["is_brand_author"].sum() == 2222  # rows with inbound == False
    assert (~twcs["is_brand_author"]).sum() == 2778


def test_twcs_float_formatted_and_multi_id_reply_fields():
    data = (
        b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        b'10,AcmeHelp,False,Tue Oct 31 22:10:47 +0000 2017,hi,"11,12",9.0\n'
    )
    row = read_archive(data, "archives/twitter/dt=2017-10-31/x.csv", "twitter").row(0, named=True)
    assert row["in_reply_to_id"] == "9"


def _ndjson(*records: dict | str) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def test_ndjson_keeps_ids_beyond_2_to_the_53_exact_and_converts_offsets():
    data = _ndjson(
        '{"mention_id": 927000000000000001, "author_id": 42, "is_brand_author": false, '
        '"created_at": "2017-10-31T23:30:00-02:00", "text": "hi @AcmeHelp", "author_followers": 1200}',
        "",
        {
            "mention_id": "x2",
            "author_id": "AcmeHelp",
            "brand": "AcmeHelp",
            "is_brand_author": True,
            "created_at": "2017-11-01T02:00:00Z",
            "text": "hello",
            "in_reply_to_id": "927000000000000001",
            "sentiment": "Positive",
        },
    )
    frame = read_archive(data, "archives/facebook/dt=2017-11-01/a.jsonl", "facebook")
    first, second = frame.row(0, named=True), frame.row(1, named=True)
    assert first["mention_id"] == "927000000000000001"
    assert first["author_id"] == "42"
    assert first["created_at"] == datetime(2017, 11, 1, 1, 30, tzinfo=UTC)
    assert first["author_followers"] == 1200
    assert first["brand"] is None and first["platform"] == "facebook"
    assert (first["source_row"], second["source_row"]) == (1, 3)  # line numbers, blank line skipped
    assert second["brand"] == "AcmeHelp" and second["sentiment"] == "positive"
    assert second["in_reply_to_id"] == "927000000000000001"


def test_ndjson_gz_and_unparsable_values_keep_their_raw_text():
    data = _ndjson(
        {
            "mention_id": "1",
            "author_id": "a",
            "is_brand_author": "maybe",
            "created_at": "2017-10-31 10:00:00",
            "text": "t",
        },
        "this is not json",
    )
    frame = read_archive(gzip.compress(data), "archives/x/dt=2017-10-31/a.ndjson.gz", "x")
    first, broken = frame.row(0, named=True), frame.row(1, named=True)
    assert first["is_brand_author"] is None and first["raw_is_brand_author"] == "maybe"
    assert first["created_at"] is None and first["raw_created_at"] == "2017-10-31 10:00:00"  # no zone
    assert broken["mention_id"] is None and broken["source_row"] == 2


def test_parquet_with_integer_ids_and_zoned_timestamps():
    source = pl.DataFrame(
        {
            "mention_id": [2**60 + 1],
            "author_id": [7],
            "is_brand_author": [False],
            "created_at": [datetime(2017, 10, 31, 12, tzinfo=UTC)],
            "text": ["hello"],
        }
    )
    buffer = io.BytesIO()
    source.write_parquet(buffer)
    row = read_archive(buffer.getvalue(), "archives/x/dt=2017-10-31/p.parquet", "x").row(0, named=True)
    assert row["mention_id"] == str(2**60 + 1)
    assert row["author_id"] == "7"
    assert row["created_at"] == datetime(2017, 10, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("archives/x/dt=2017-10-31/a.csv", b"", "the object is empty"),
        ("archives/x/dt=2017-10-31/a.csv.gz", b"\x1f\x8b\x08\x00garbage", "not a readable gzip stream"),
        ("archives/x/dt=2017-10-31/a.csv", b"tweet_id,author_id\n\xff\xfe,1\n", "not UTF-8 text"),
        ("archives/x/dt=2017-10-31/a.parquet", b"PAR1 not really", "not a readable Parquet file"),
        (
            "archives/x/dt=2017-10-31/a.csv",
            b"tweet_id,author_id,text\n1,2,hi\n",
            r"missing column\(s\) created_at, in_response_to_tweet_id, inbound, response_tweet_id that mapping "
            r"tasks/ingest/mappings/twcs.toml reads",
        ),
        ("archives/x/dt=2017-10-31/a.csv", b"mention_id,text\n1,hi\n", "missing required field"),
        ("archives/x/dt=2017-10-31/a.txt", b"hello", "not an archive format"),
    ],
)
def test_unreadable_objects_raise_errors_naming_the_object(key, data, message):
    with pytest.raises(ArchiveError, match=message) as info:
        read_archive(data, key, "x")
    assert str(info.value).startswith(key)


def test_format_and_platform_come_from_the_key():
    assert archive_format("archives/t/dt=2017-10-31/A.JSONL.GZ") == "jsonl"
    assert archive_format("archives/t/dt=2017-10-31/a.ndjson") == "ndjson"
    assert archive_format("archives/t/dt=2017-10-31/_SUCCESS") is None
    assert platform_from_key("archives/facebook/dt=2017-10-31/a.csv") == "facebook"
    with pytest.raises(ArchiveError):
        platform_from_key("elsewhere/a.csv")
