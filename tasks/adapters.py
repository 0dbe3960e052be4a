"""Archive adapters: bytes of one archive object → canonical mention frame.

Every field is first read as text (ids overflow floats, and a schema-less
reader turns numeric-looking author ids into ints), then cast once in
`to_canonical`. Values that fail to cast become null and keep their raw text
in a `raw_*` column, so validation can quarantine the row and say what it saw.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib

import polars as pl

from tasks.schema import MENTION_SCHEMA, SOURCE_ROW

TWCS_COLUMNS = [
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
]
#: Fields an archive must carry; the rest of the canonical schema may be absent.
REQUIRED_FIELDS = ["mention_id", "author_id", "is_brand_author", "created_at", "text"]
TEXT_FIELDS = [c for c in MENTION_SCHEMA if c not in ("platform", "source_file")]
RAW_COLUMNS = ["raw_created_at", "raw_is_brand_author", "raw_author_followers"]

_TWITTER_CLASSIC = "%a %b %d %H:%M:%S %z %Y"
_ISO_8601 = "%Y-%m-%dT%H:%M:%S%.f%z"
_FORMATS = (".csv", ".jsonl", ".ndjson", ".parquet")


class ArchiveError(ValueError):
    """The object cannot be read at all; the message names the object and why."""


def archive_format(key: str) -> str | None:
    """The format an object's name announces, or None for objects to ignore."""
    name = key.lower().removesuffix(".gz")
    for suffix in _FORMATS:
        if name.endswith(suffix):
            return "ndjson" if suffix == ".ndjson" else suffix.lstrip(".")
    return None


def read_archive(data: bytes, key: str, platform: str) -> pl.DataFrame:
    """Parse one archive object into canonical columns plus lineage and raw values."""
    fmt = archive_format(key)
    if fmt is None:
        raise ArchiveError(f"{key}: not an archive format this pipeline reads ({', '.join(_FORMATS)})")
    if key.lower().endswith(".gz"):
        data = _gunzip(data, key)
    if not data.strip():
        raise ArchiveError(f"{key}: the object is empty")
    readers = {"csv": _read_csv, "jsonl": _read_ndjson, "ndjson": _read_ndjson, "parquet": _read_parquet}
    texts = readers[fmt](data, key)
    missing = [f for f in REQUIRED_FIELDS if f not in texts.columns]
    if missing:
        raise ArchiveError(f"{key}: missing required field(s) {', '.join(missing)}")
    return to_canonical(texts, platform=platform, source_file=key)


def _gunzip(data: bytes, key: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveError(f"{key}: not a readable gzip stream ({exc})") from None


def _decode(data: bytes, key: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{key}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def _read_csv(data: bytes, key: str) -> pl.DataFrame:
    """The twcs layout, or a CSV already in canonical column names."""
    _decode(data, key)  # polars would replace bad bytes silently; refuse them instead
    header = data.split(b"\n", 1)[0].decode("utf-8").strip().lstrip("\ufeff")
    columns = [c.strip().strip('"') for c in header.split(",")]
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            schema={c: pl.String for c in columns},
            has_header=True,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        raise ArchiveError(f"{key}: unreadable CSV ({str(exc).splitlines()[0]})") from None
    frame = frame.with_row_index(SOURCE_ROW, offset=1)
    if "tweet_id" not in columns:
        return frame
    missing = [c for c in TWCS_COLUMNS if c not in columns]
    if missing:
        raise ArchiveError(f"{key}: missing required field(s) {', '.join(missing)} of the twcs layout")
    return _from_twcs(frame)


def _from_twcs(frame: pl.DataFrame) -> pl.DataFrame:
    """Customer Support on Twitter → canonical names; `inbound == False` is the brand."""
    inbound = pl.col("inbound").str.strip_chars().str.to_lowercase()
    reply_to = (
        pl.col("in_response_to_tweet_id")
        .str.split(",")
        .list.first()
        .str.strip_chars()
        .str.replace(r"\.0$", "")  # pandas-written exports turn ids into floats
    )
    return frame.select(
        SOURCE_ROW,
        pl.col("tweet_id").str.strip_chars().alias("mention_id"),
        pl.col("author_id").str.strip_chars(),
        pl.when(inbound == "true")
        .then(pl.lit("false"))
        .when(inbound == "false")
        .then(pl.lit("true"))
        .otherwise(pl.col("inbound"))
        .alias("is_brand_author"),
        "created_at",
        "text",
        pl.when(reply_to != "").then(reply_to).alias("in_reply_to_id"),
    )


def _read_ndjson(data: bytes, key: str) -> pl.DataFrame:
    """One JSON object per line; each field is taken as its literal JSON text."""
    lines = pl.Series("line", _decode(data, key).split("\n"), dtype=pl.String)
    frame = pl.DataFrame(lines).with_row_index(SOURCE_ROW, offset=1)
    frame = frame.filter(pl.col("line").str.strip_chars() != "")
    fields = {
        name: pl.col("line").str.json_path_match(f"$.{name}").alias(name) for name in TEXT_FIELDS
    }
    return frame.select(SOURCE_ROW, *fields.values())


def _read_parquet(data: bytes, key: str) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ArchiveError(f"{key}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    frame = frame.with_row_index(SOURCE_ROW, offset=1)
    kept = [c for c in TEXT_FIELDS if c in frame.columns]
    return frame.select(
        SOURCE_ROW,
        *[
            pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
            if isinstance(frame.schema[c], pl.Datetime) and frame.schema[c].time_zone
            else pl.col(c).cast(pl.String)
            for c in kept
        ],
    )


def parse_timestamp(col: pl.Expr) -> pl.Expr:
    """Twitter's classic format or ISO 8601 with an offset; anything zoneless is null."""
    iso = col.str.replace(r"^(\d{4}-\d\d-\d\d) ", "${1}T").str.replace(r"Z$", "+00:00")
    return pl.coalesce(
        iso.str.to_datetime(_ISO_8601, time_zone="UTC", time_unit="us", strict=False),
        col.str.to_datetime(_TWITTER_CLASSIC, time_zone="UTC", time_unit="us", strict=False),
    )


def to_canonical(texts: pl.DataFrame, platform: str, source_file: str) -> pl.DataFrame:
    """Cast the text fields to the canonical schema, keeping unparsable raw values."""
    for name in TEXT_FIELDS:
        if name not in texts.columns:
            texts = texts.with_columns(pl.lit(None, pl.String).alias(name))
    flag = pl.col("is_brand_author").str.strip_chars().str.to_lowercase()
    brand = pl.col("brand").str.strip_chars().str.strip_prefix("@")
    return texts.select(
        pl.col("mention_id").str.strip_chars(),
        pl.lit(platform, pl.String).alias("platform"),
        # A brand's own post belongs to its author (DESIGN.md, brand attribution).
        pl.when(flag == "true").then(pl.col("author_id")).otherwise(brand).alias("brand"),
        pl.col("author_id").str.strip_chars(),
        flag.replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean).alias(
            "is_brand_author"
        ),
        parse_timestamp(pl.col("created_at").str.strip_chars()).alias("created_at"),
        pl.col("text"),
        pl.col("in_reply_to_id").str.strip_chars(),
        pl.col("conversation_id").str.strip_chars(),
        pl.col("author_followers").str.strip_chars().cast(pl.Int64, strict=False),
        pl.col("sentiment").str.strip_chars().str.to_lowercase(),
        pl.lit(source_file, pl.String).alias("source_file"),
        pl.col(SOURCE_ROW).cast(pl.Int64),
        pl.col("created_at").alias("raw_created_at"),
        pl.col("is_brand_author").alias("raw_is_brand_author"),
        pl.col("author_followers").alias("raw_author_followers"),
    )


def platform_from_key(key: str) -> str:
    """`archives/<platform>/dt=…/file` → platform."""
    match = re.match(r"archives/([^/]+)/", key)
    if not match:
        raise ArchiveError(f"{key}: not under archives/<platform>/dt=YYYY-MM-DD/")
    return match.group(1)
