"""Archive adapters: bytes of one archive object → canonical mention frame.

Every field is first read as text (ids overflow floats, and a schema-less
reader turns numeric-looking author ids into ints), then cast once in
`to_canonical`. Values that fail to cast become null and keep their raw text
in a `raw_*` column, so validation can quarantine the row and say what it saw.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass, field

import polars as pl

from tasks.ingest.mapping import IDS, ColumnMapping, shipped
from tasks.ingest.schema import MENTION_SCHEMA, SOURCE_ROW
from tasks.storage.codecs import parquet_frame

#: Fields an archive must carry; the rest of the canonical schema may be absent.
REQUIRED_FIELDS = ["mention_id", "author_id", "is_brand_author", "created_at", "text"]
TEXT_FIELDS = [c for c in MENTION_SCHEMA if c not in ("platform", "source_file")]

_TWITTER_CLASSIC = "%a %b %d %H:%M:%S %z %Y"
_ISO_8601 = "%Y-%m-%dT%H:%M:%S%.f%z"
_FORMATS = (".csv", ".jsonl", ".ndjson", ".parquet")


class ArchiveError(ValueError):
    """The object cannot be read at all: names the object, the file-level rule and why."""

    def __init__(self, key: str, rule: str, detail: str) -> None:
        super().__init__(f"{key}: {detail}")
        self.key, self.rule, self.detail = key, rule, detail


@dataclass(frozen=True)
class ReadLimits:
    """How far reading may go before an object is judged too big (policy.json's parameters)."""

    max_decompressed_bytes: int = 1 << 30
    max_line_bytes: int = 16 << 20

    @classmethod
    def of(cls, parameters: dict) -> ReadLimits:
        return cls(int(parameters["max_decompressed_bytes"]), int(parameters["max_line_bytes"]))


DEFAULT_LIMITS = ReadLimits()


@dataclass
class Inspection:
    """File-level facts for the file suite, and the parsed rows when there are any."""

    facts: dict[str, object] = field(default_factory=dict)
    frame: pl.DataFrame | None = None
    error: ArchiveError | None = None


#: Fact set by each reading step, in order; a step that fails stops the inspection.
FACT_OF_RULE = {
    "file_format_known": "format_known",
    "file_decompresses": "decompresses",
    "file_inflates_within_limit": "inflates_within_limit",
    "file_is_utf8": "utf8",
    "file_parses": "parses",
    "file_has_required_fields": "has_required_fields",
}


def unread_facts(size: int, **known: bool) -> dict[str, object]:
    """File facts before reading: only the size is known (and what the caller adds)."""
    facts: dict[str, object] = {"size_bytes": size}
    return facts | dict.fromkeys(FACT_OF_RULE.values()) | known


def inspect_archive(
    data: bytes, key: str, platform: str, limits: ReadLimits, mapping: ColumnMapping | None = None
) -> Inspection:
    """Read an object as far as it goes, recording each file-level fact on the way."""
    inspection = Inspection(facts=unread_facts(len(data)))
    try:
        inspection.frame = read_archive(data, key, platform, facts=inspection.facts, limits=limits, mapping=mapping)
    except ArchiveError as exc:
        inspection.error = exc
        if exc.rule in FACT_OF_RULE:
            inspection.facts[FACT_OF_RULE[exc.rule]] = False
    return inspection


def archive_format(key: str) -> str | None:
    """The format an object's name announces, or None for objects to ignore."""
    name = key.lower().removesuffix(".gz")
    for suffix in _FORMATS:
        if name.endswith(suffix):
            return "ndjson" if suffix == ".ndjson" else suffix.lstrip(".")
    return None


def read_archive(
    data: bytes,
    key: str,
    platform: str,
    facts: dict | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    mapping: ColumnMapping | None = None,
) -> pl.DataFrame:
    """Parse one archive object into canonical columns plus lineage and raw values.

    `mapping` renames another tool's columns (tasks/ingest/mapping.py); without one, a CSV
    with twcs's header is read through the shipped twcs mapping and anything else
    must already use the canonical names. Each reading step that succeeds sets its
    fact in `facts` (when given) to True.
    """
    facts = {} if facts is None else facts
    fmt = archive_format(key)
    if fmt is None:
        raise ArchiveError(
            key, "file_format_known", f"not an archive format this pipeline reads ({', '.join(_FORMATS)})"
        )
    facts["format_known"] = True
    if not data:
        raise ArchiveError(key, "file_not_empty", "the object is empty (0 bytes)")
    if key.lower().endswith(".gz"):
        data = _gunzip(data, key, limits.max_decompressed_bytes)
    facts["decompresses"] = True
    if len(data) > limits.max_decompressed_bytes:
        raise ArchiveError(
            key,
            "file_inflates_within_limit",
            f"holds more than max_decompressed_bytes ({limits.max_decompressed_bytes})",
        )
    facts["inflates_within_limit"] = True
    if fmt != "parquet":
        _check_utf8(data, key)
    facts["utf8"] = True
    if not data.strip():
        raise ArchiveError(key, "file_not_empty", "the object holds no records")
    names = mapping.export_columns if mapping else TEXT_FIELDS
    if fmt == "parquet":
        texts = _read_parquet(data, key, names)
    elif fmt == "csv":
        texts = _read_csv(data, key)
        if mapping is None and "tweet_id" in texts.columns:
            mapping = shipped("twcs")
    else:
        ids = (
            [mapping.columns[c] for c in (*IDS, "author_followers") if c in mapping.columns] if mapping else _ID_FIELDS
        )
        texts = _read_ndjson(data, key, limits.max_line_bytes, names, ids)
    facts["parses"] = True
    if mapping is not None:
        absent = [c for c in mapping.export_columns if c not in texts.columns]
        if absent and fmt in ("csv", "parquet"):  # a JSON line without a key is judged row by row
            raise ArchiveError(
                key,
                "file_has_required_fields",
                f"missing column(s) {', '.join(absent)} that mapping {mapping.name} reads",
            )
        texts = mapping.apply(texts.with_columns(pl.lit(None, pl.String).alias(c) for c in absent))
    missing = [f for f in REQUIRED_FIELDS if f not in texts.columns]
    if missing:
        raise ArchiveError(key, "file_has_required_fields", f"missing required field(s) {', '.join(missing)}")
    facts["has_required_fields"] = True
    return to_canonical(texts, platform=platform, source_file=key)


def _gunzip(data: bytes, key: str, limit: int) -> bytes:
    """Inflate at most `limit` + 1 bytes: enough to know a bomb is one, never more."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inflated = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveError(key, "file_decompresses", f"not a readable gzip stream ({exc})") from None
    if len(inflated) > limit:
        raise ArchiveError(
            key, "file_inflates_within_limit", f"inflates past max_decompressed_bytes ({limit}): a decompression bomb?"
        )
    return inflated


_UTF8_CHUNK = 1 << 24


def _check_utf8(data: bytes, key: str) -> None:
    """Validate in chunks: a whole-object `decode` would hold a second copy of the archive."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), _UTF8_CHUNK):
        try:
            decoder.decode(view[start : start + _UTF8_CHUNK], final=start + _UTF8_CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            raise ArchiveError(
                key, "file_is_utf8", f"not UTF-8 text (byte {start + exc.start}: {exc.reason})"
            ) from None


def _read_csv(data: bytes, key: str) -> pl.DataFrame:
    """Every column as text, under the export's own names, with record numbers and completeness."""
    header = data.split(b"\n", 1)[0].decode("utf-8").strip().lstrip("\ufeff")
    columns = [c.strip().strip('"') for c in header.split(",")]
    if len(set(columns)) != len(columns):
        raise ArchiveError(key, "file_parses", f"CSV header repeats a column name: {header[:200]!r}")
    try:
        frame = pl.read_csv(
            io.BytesIO(data), schema={c: pl.String for c in columns}, has_header=True, quote_char='"'
        ).with_row_index(SOURCE_ROW, offset=1)
        frame = frame.with_columns(pl.lit(True).alias("fields_complete"), pl.lit(None, pl.String).alias("raw_line"))
    except pl.exceptions.PolarsError:
        # Ragged rows make the fast reader give up on the whole file; read it row by
        # row instead so only the broken rows are quarantined.
        frame = _read_ragged_csv(data.decode("utf-8"), columns, key)
    # A blank line is no record (trailing newlines, spacing between blocks): not a row of nulls.
    blank = pl.all_horizontal(pl.col(c).str.strip_chars().fill_null("") == "" for c in columns)
    return frame.filter(~blank)


def _read_ragged_csv(text: str, columns: list[str], key: str) -> pl.DataFrame:
    """Row-by-row CSV reading: rows with the wrong number of fields are kept and flagged."""
    rows: list[list[str | None]] = []
    complete: list[bool] = []
    raw: list[str | None] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(reader)
        for fields in reader:
            ok = len(fields) == len(columns)
            complete.append(ok)
            raw.append(None if ok else ",".join(fields)[:2000])
            rows.append([(v if v != "" else None) for v in (fields + [None] * len(columns))[: len(columns)]])
    except csv.Error as exc:
        raise ArchiveError(key, "file_parses", f"unreadable CSV near record {len(rows) + 1} ({exc})") from None
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")
    return frame.with_row_index(SOURCE_ROW, offset=1).with_columns(
        pl.Series("fields_complete", complete, dtype=pl.Boolean), pl.Series("raw_line", raw, dtype=pl.String)
    )


def _read_ndjson(data: bytes, key: str, max_line_bytes: int, names, ids) -> pl.DataFrame:
    """One JSON object per line; each field is taken as its literal JSON text.

    A line over `max_line_bytes` is not parsed (it becomes a malformed record);
    a field holding an object or array is malformed too, not JSON text; a
    numeric id keeps its literal digits (JSON parsers turn ids past 2^64 into floats).
    """
    lines = pl.DataFrame(pl.Series("line", data.split(b"\n"), dtype=pl.Binary)).with_row_index(SOURCE_ROW, offset=1)
    too_long = pl.col("line").bin.size() > max_line_bytes
    frame = lines.select(
        SOURCE_ROW,
        too_long.alias("too_long"),
        pl.when(too_long).then(pl.lit(b"", pl.Binary)).otherwise(pl.col("line")).cast(pl.String).alias("line"),
        pl.when(too_long)
        .then(pl.format("a line of {} bytes, over max_line_bytes", pl.col("line").bin.size()))
        .alias("long"),
    ).filter(pl.col("too_long") | (pl.col("line").str.strip_chars() != ""))
    is_object = (
        pl.col("line").str.strip_chars().str.starts_with("{") & pl.col("line").str.json_path_match("$").is_not_null()
    )
    nested = pl.any_horizontal(pl.col("line").str.contains(rf'"{re.escape(name)}"\s*:\s*[\[{{]') for name in names)
    well_formed = is_object & ~nested
    fields = [
        (
            pl.coalesce(pl.col("line").str.extract(rf'"{re.escape(name)}"\s*:\s*(-?\d+)\s*[,}}]'), _json_field(name))
            if name in ids
            else _json_field(name)
        ).alias(name)
        for name in names
    ]
    return frame.select(
        SOURCE_ROW,
        well_formed.alias("fields_complete"),
        pl.coalesce("long", pl.when(~well_formed).then(pl.col("line").str.slice(0, 2000))).alias("raw_line"),
        *fields,
    )


_ID_FIELDS = ("mention_id", "author_id", "in_reply_to_id", "conversation_id", "author_followers")


def _json_field(name: str) -> pl.Expr:
    """A top-level field's literal JSON text; bracket notation takes any export's key (spaces, dots)."""
    return pl.col("line").str.json_path_match(f"$['{name}']" if not name.isidentifier() else f"$.{name}")


def _read_parquet(data: bytes, key: str, names) -> pl.DataFrame:
    try:
        frame = parquet_frame(data)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ArchiveError(key, "file_parses", f"not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    frame = frame.with_row_index(SOURCE_ROW, offset=1)
    kept = [c for c in names if c in frame.columns]
    nested = [f"{c} ({frame.schema[c]})" for c in kept if frame.schema[c].is_nested()]
    if nested:
        raise ArchiveError(
            key, "file_parses", f"column(s) of lists or structs where one value is expected: {', '.join(nested)}"
        )
    try:
        return frame.select(
            SOURCE_ROW,
            *[
                pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
                if isinstance(dtype := frame.schema[c], pl.Datetime) and dtype.time_zone
                else pl.col(c).cast(pl.String)
                for c in kept
            ],
        )
    except pl.exceptions.PolarsError as exc:
        raise ArchiveError(
            key, "file_parses", f"a column cannot be read as text ({str(exc).splitlines()[0]})"
        ) from None


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
    if "fields_complete" not in texts.columns:
        texts = texts.with_columns(pl.lit(True).alias("fields_complete"), pl.lit(None, pl.String).alias("raw_line"))
    if "raw_response_ids" not in texts.columns:  # only some exports list a post's answers (twcs)
        texts = texts.with_columns(pl.lit(None, pl.String).alias("raw_response_ids"))
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
        "fields_complete",
        "raw_line",
        "raw_response_ids",
    )


def platform_from_key(key: str) -> str:
    """`archives/<platform>/dt=…/file` → platform."""
    match = re.match(r"archives/([^/]+)/", key)
    if not match:
        raise ArchiveError(key, "file_format_known", "not under archives/<platform>/dt=YYYY-MM-DD/")
    return match.group(1)
