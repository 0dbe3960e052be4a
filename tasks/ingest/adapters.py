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
import json
import re
import zlib
from dataclasses import dataclass, field

import polars as pl

from tasks.ingest.mapping import IDS, ColumnMapping, shipped
from tasks.model.parquet import parquet_frame
from tasks.model.records import ObjectInfo
from tasks.model.schema import MENTION_SCHEMA, SOURCE_ROW

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


def archive_objects(listed: list[ObjectInfo]) -> list[ObjectInfo]:
    """The listed objects a run judges: all but markers (`_SUCCESS`, `.keep`), so an unknown format
    is judged, not skipped, and what the backend refused (a link) is reported whatever its name."""
    return [o for o in listed if o.refused or not _marker(o.key)]


def _marker(key: str) -> bool:
    return key.rsplit("/", 1)[-1].startswith(("_", ".")) and archive_format(key) is None


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
        if data.startswith(codecs.BOM_UTF8):  # an editor's byte-order mark is no part of line 1
            data = data[len(codecs.BOM_UTF8) :]
    facts["utf8"] = True
    if not data.strip():
        raise ArchiveError(key, "file_not_empty", _NO_RECORDS)
    names = mapping.export_columns if mapping else TEXT_FIELDS
    ids = [mapping.columns[c] for c in IDS if c in mapping.columns] if mapping else list(IDS)
    if fmt == "parquet":
        texts = _read_parquet(data, key, names, ids)
    elif fmt == "csv":
        texts = _read_csv(data, key)
        if mapping is None and "tweet_id" in texts.columns:
            mapping = shipped("twcs")
    else:
        counts = [mapping.columns["author_followers"]] if mapping and "author_followers" in mapping.columns else []
        texts = _read_ndjson(data, limits.max_line_bytes, names, ids, counts if mapping else ["author_followers"])
    facts["parses"] = True
    if texts.height == 0:
        raise ArchiveError(key, "file_not_empty", _NO_RECORDS)
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
        # gzip's own message quotes the object's first bytes: name the kind of failure only
        raise ArchiveError(key, "file_decompresses", f"not a readable gzip stream ({type(exc).__name__})") from None
    if len(inflated) > limit:
        raise ArchiveError(
            key, "file_inflates_within_limit", f"inflates past max_decompressed_bytes ({limit}): a decompression bomb?"
        )
    return inflated


_UTF8_CHUNK = 1 << 24

#: One rule for "no rows arrived" (README): an export without a record is a failed export, never a quiet day.
_NO_RECORDS = "the object holds no records (only blank lines or a header): an export without rows is a failed one"


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
    """Every column as text, under the export's own names, with record numbers and completeness.

    Errors name the line and the rule, never what it holds: for a headerless export line 1 is a post."""
    line_1 = data.split(b"\n", 1)[0]
    if b"\r" in line_1.rstrip(b"\r"):
        raise ArchiveError(
            key, "file_parses", "line 1 ends in a bare carriage return (old Mac line ends): save it with LF or CRLF"
        )
    columns = [c.strip().strip('"') for c in line_1.decode("utf-8").strip().split(",")]
    if len(set(columns)) != len(columns):
        raise ArchiveError(
            key,
            "file_parses",
            f"line 1, the header, repeats a column name ({len(columns)} fields, {len(set(columns))} distinct):"
            " an export without a header?",
        )
    try:
        frame = pl.read_csv(
            io.BytesIO(data), schema={c: pl.String for c in columns}, has_header=True, quote_char='"'
        ).with_row_index(SOURCE_ROW, offset=1)
    except pl.exceptions.PolarsError:  # ragged rows make the fast reader give up on the whole file
        return _read_csv_by_record(data.decode("utf-8"), columns, key)
    if frame.select(pl.all_horizontal(pl.col(c).str.strip_chars().fill_null("") == "" for c in columns).any()).item():
        # The fast reader reads a blank line and a record of empty fields (`,,,`) alike: only the
        # first is no record, so the row-by-row reader tells them apart.
        return _read_csv_by_record(data.decode("utf-8"), columns, key)
    return frame.with_columns(pl.lit(True).alias("fields_complete"), pl.lit(None, pl.String).alias("raw_line"))


def _read_csv_by_record(text: str, columns: list[str], key: str) -> pl.DataFrame:
    """Row-by-row CSV reading: rows with the wrong number of fields are kept and flagged; a blank
    line (trailing newlines, spacing between blocks) is no record but keeps its number."""
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    complete: list[bool] = []
    raw: list[str | None] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        next(reader)
        for number, fields in enumerate(reader, start=1):
            if len(fields) <= 1 and not "".join(fields).strip():
                continue
            ok = len(fields) == len(columns)
            numbers.append(number)
            complete.append(ok)
            raw.append(None if ok else ",".join(fields)[:2000])
            rows.append([(v if v != "" else None) for v in (fields + [None] * len(columns))[: len(columns)]])
    except csv.Error as exc:
        raise ArchiveError(key, "file_parses", f"unreadable CSV at line {reader.line_num} ({exc})") from None
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row").select(
        pl.Series(SOURCE_ROW, numbers, dtype=pl.UInt32),
        pl.all(),
        pl.Series("fields_complete", complete, dtype=pl.Boolean),
        pl.Series("raw_line", raw, dtype=pl.String),
    )


def _read_ndjson(data: bytes, max_line_bytes: int, names, ids, counts) -> pl.DataFrame:
    """One JSON object per line; each top-level field is taken as its literal JSON text.

    A line over `max_line_bytes` is not parsed (it becomes a malformed record); a field holding
    an object or array is malformed too, not JSON text. Only a top-level key is a field: one of
    the same name nested in another field is no part of it. An id (`ids`) must be a JSON string
    or integer: `true`, `1e5` or `3.0` is no id (a spreadsheet or a float did that), nor is a key
    given twice, and such a row is malformed. Integers keep their literal digits, counts
    (`counts`) too; a count that is no integer stays as written for its own rule.
    """
    if b"\n" not in data:  # old Mac line ends: JSON text holds no raw CR, so each one ends a line
        data = data.replace(b"\r", b"\n")
    lines = pl.DataFrame(pl.Series("line", data.split(b"\n"), dtype=pl.Binary)).with_row_index(SOURCE_ROW, offset=1)
    too_long = pl.col("line").bin.size() > max_line_bytes
    frame = lines.select(
        SOURCE_ROW,
        too_long.alias("too_long"),
        pl.when(too_long)
        .then(pl.lit(b"", pl.Binary))
        .otherwise(pl.col("line"))
        .cast(pl.String)
        .str.strip_prefix("\ufeff")  # each of several exports put end to end may start with a BOM
        .alias("line"),
        pl.when(too_long)
        .then(pl.format("a line of {} bytes, over max_line_bytes", pl.col("line").bin.size()))
        .alias("long"),
    ).filter(pl.col("too_long") | (pl.col("line").str.strip_chars() != ""))
    is_object = (
        pl.col("line").str.strip_chars().str.starts_with("{") & pl.col("line").str.json_path_match("$").is_not_null()
    )
    nested = pl.any_horizontal(pl.col("line").str.contains(rf'"{re.escape(name)}"\s*:\s*[\[{{]') for name in names)
    well_formed = is_object & ~nested
    texts = frame.select(
        SOURCE_ROW,
        "line",
        well_formed.alias("fields_complete"),
        pl.coalesce("long", pl.when(~well_formed).then(pl.col("line").str.slice(0, 2000))).alias("raw_line"),
        *[_json_field(name).alias(name) for name in names],
    )
    # The JSON path parser reads top-level fields but turns big integers into floats and says
    # `true` for both true and "true": the rare lines where that matters (a value that reads as a
    # boolean or a non-integer number, or a key written twice at any depth) are parsed exactly.
    literal = [*ids, *counts]
    typed_as_read = r"^(?:true|false|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$"
    suspect = pl.col("fields_complete") & pl.any_horizontal(
        *[pl.col("line").str.count_matches(rf'"{re.escape(name)}"\s*:') > 1 for name in literal],
        *[pl.col(name).str.contains(typed_as_read) & ~pl.col(name).str.contains(r"^-?\d+$") for name in literal],
    ).fill_null(False)
    exact = texts.filter(suspect)
    if exact.height:
        texts = texts.update(_parsed_exactly(exact, ids, counts), on=SOURCE_ROW, include_nulls=True)
    return texts.drop("line")


class _Integer(str):
    """An integer literal's digits, as written."""


class _Number(str):
    """A number that is no integer (`1e5`, `3.0`, `NaN`), as written."""


class _JsonObject(dict):
    """A JSON object that remembers the keys it was given more than once."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__(pairs)
        keys = [k for k, _ in pairs]
        self.repeated = {k for k in self if keys.count(k) > 1} if len(self) < len(keys) else set()


def _parsed_exactly(rows: pl.DataFrame, ids, counts) -> pl.DataFrame:
    """`rows`' id and count fields read by Python's exact parser, and whether their ids are typed as ids."""
    fields = [*ids, *counts]
    values: dict[str, list[str | None]] = {name: [] for name in fields}
    typed: list[bool] = []
    for line in rows["line"]:
        try:
            body = json.loads(
                line,
                parse_int=_Integer,
                parse_float=_Number,
                parse_constant=_Number,
                object_pairs_hook=_JsonObject,
            )
        except ValueError:
            body = _JsonObject([])
        ok = isinstance(body, _JsonObject)
        for name in fields:
            value = body.get(name) if ok else None
            values[name].append(None if value is None else json.dumps(value) if isinstance(value, bool) else str(value))
        typed.append(
            ok
            and not body.repeated & set(fields)
            and all(body.get(n) is None or (isinstance(body[n], str) and not isinstance(body[n], _Number)) for n in ids)
        )
    exact = pl.DataFrame(values | {"typed": typed}, schema={n: pl.String for n in fields} | {"typed": pl.Boolean})
    return exact.select(
        rows[SOURCE_ROW],
        *fields,
        pl.col("typed").alias("fields_complete"),
        pl.when(~pl.col("typed")).then(rows["line"].str.slice(0, 2000)).alias("raw_line"),
    )


def _json_field(name: str) -> pl.Expr:
    """A top-level field's literal JSON text; bracket notation takes any export's key (spaces, dots)."""
    return pl.col("line").str.json_path_match(f"$['{name}']" if not name.isidentifier() else f"$.{name}")


def _read_parquet(data: bytes, key: str, names, ids) -> pl.DataFrame:
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
    # An id is a string or an integer: a float cannot hold a 19-digit id exactly, and 30000.0 never matches 30000.
    untyped = [
        f"{c} ({frame.schema[c]})"
        for c in ids
        if c in kept and (frame.schema[c].is_float() or frame.schema[c] == pl.Boolean)
    ]
    if untyped:
        raise ArchiveError(
            key, "file_parses", f"id column(s) of floats or booleans, not strings or integers: {', '.join(untyped)}"
        )
    as_text = {
        c: pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
        if isinstance(dtype := frame.schema[c], pl.Datetime) and dtype.time_zone
        else pl.col(c).cast(pl.String)
        for c in kept
    }
    try:
        return frame.select(SOURCE_ROW, *as_text.values())
    except pl.exceptions.PolarsError:
        # polars' message quotes the values it could not cast: name the columns instead
        broken = [c for c, expr in as_text.items() if _fails(frame, expr)]
        raise ArchiveError(key, "file_parses", f"column(s) that cannot be read as text: {', '.join(broken)}") from None


def _fails(frame: pl.DataFrame, expr: pl.Expr) -> bool:
    try:
        frame.select(expr)
    except pl.exceptions.PolarsError:
        return True
    return False


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
