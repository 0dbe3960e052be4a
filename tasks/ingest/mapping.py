"""Bring your own export: a TOML column mapping turns another tool's columns into the canonical ones.

A CSV, JSON-lines or Parquet export from Sprout Social, Hootsuite, Zendesk,
Brandwatch or a home-made scraper needs no code: a mapping names which of its
columns holds each canonical field, how its timestamps are written, which
values mean what, and how a brand's own post is recognised. The mapping for a
platform's exports sits beside them as `archives/<platform>/_mapping.toml`
(`use = "twcs"` picks a shipped one from tasks/ingest/mappings/); its digest joins the
ingest fingerprint, so a changed mapping re-reads the archives.

Values are only renamed and normalised here, never judged: a value the mapping
cannot place stays as it was, so the row suite quarantines it by name.
"""

from __future__ import annotations

import hashlib
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import polars as pl

#: Canonical fields a mapping may fill, and the two it must.
MAPPABLE = (
    "mention_id",
    "author_id",
    "created_at",
    "text",
    "in_reply_to_id",
    "brand",
    "conversation_id",
    "author_followers",
    "sentiment",
)
MUST_MAP = ("mention_id", "created_at", "text")
IDS = ("mention_id", "author_id", "in_reply_to_id", "conversation_id")


class MappingError(ValueError):
    """A mapping file that cannot be used: names the file and the key."""


@dataclass(frozen=True)
class ColumnMapping:
    name: str
    digest: str
    columns: dict[str, str]  # canonical field → export column
    answers: str | None = None  # export column listing the ids that answer a post (twcs)
    time_format: str | None = None
    time_zone: str = "UTC"
    brand_column: str | None = None
    brand_values: tuple[str, ...] = ()
    customer_values: tuple[str, ...] = ()
    brand_authors: tuple[str, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def export_columns(self) -> list[str]:
        """Every export column the mapping reads: an export without one of them cannot be read."""
        named = [*self.columns.values(), self.answers, self.brand_column]
        return sorted({c for c in named if c})

    def apply(self, texts: pl.DataFrame) -> pl.DataFrame:
        """Export columns (text) → canonical text columns; lineage columns pass through."""
        lineage = [c for c in ("source_row", "fields_complete", "raw_line") if c in texts.columns]
        return texts.select(
            *lineage,
            *[self._field(name).alias(name) for name in MAPPABLE],
            self._brand_post().alias("is_brand_author"),
            (pl.col(self.answers) if self.answers else pl.lit(None, pl.String)).alias("raw_response_ids"),
        )

    def _field(self, name: str) -> pl.Expr:
        if name not in self.columns:
            return pl.lit(None, pl.String)
        value = pl.col(self.columns[name])
        if name in self.values:
            key = value.str.strip_chars().str.to_lowercase()
            table = self.values[name]
            placed = key.replace_strict(table, default=None, return_dtype=pl.String)
            value = pl.when(key.is_in(list(table))).then(pl.when(placed != "").then(placed)).otherwise(value)
        if name in IDS:
            # the first of a listed reply target; pandas-written exports turn ids into floats ("9.0")
            first = value.str.split(",").list.first() if name == "in_reply_to_id" else value
            value = first.str.strip_chars().str.replace(r"\.0$", "")
            value = pl.when(value != "").then(value)
        if name == "created_at" and self.time_format:
            value = self._timestamp(value)
        return value

    def _timestamp(self, value: pl.Expr) -> pl.Expr:
        """The export's own format → ISO 8601 with an offset; what does not parse stays as written.

        A local time that happens twice (the hour the clocks go back) or never (the hour they
        skip) names no instant: it stays as written, zoneless, so its row alone is quarantined
        by created_at_parsed_with_zone."""
        parsed = value.str.strip_chars().str.to_datetime(self.time_format, strict=False, time_unit="us")
        zoned = (
            parsed
            if "%z" in (self.time_format or "")
            else parsed.dt.replace_time_zone(self.time_zone, ambiguous="null", non_existent="null")
        )
        return pl.coalesce(zoned.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%.f+00:00"), value)

    def _brand_post(self) -> pl.Expr:
        if self.brand_column:
            key = pl.col(self.brand_column).str.strip_chars().str.to_lowercase()
            return (
                pl.when(key.is_in(list(self.brand_values)))
                .then(pl.lit("true"))
                .when(key.is_in(list(self.customer_values)))
                .then(pl.lit("false"))
                .otherwise(pl.col(self.brand_column))  # neither: kept, and judged by is_brand_author_boolean
            )
        if self.brand_authors and "author_id" in self.columns:
            handles = [h.lower() for h in self.brand_authors]
            return (
                pl.when(pl.col(self.columns["author_id"]).str.strip_chars().str.to_lowercase().is_in(handles))
                .then(pl.lit("true"))
                .otherwise(pl.lit("false"))
            )
        return pl.lit("false")  # an export of customers' posts only


def parse_mapping(text: str, name: str) -> ColumnMapping:
    """Read a mapping file; every mistake names the file and the key."""
    try:
        body = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{name}: not valid TOML ({exc})") from None
    if "use" in body:
        return shipped(str(body["use"]))
    columns = body.get("columns", {})
    unknown = sorted(set(columns) - set(MAPPABLE))
    if unknown:
        raise MappingError(f"{name}: [columns] {', '.join(unknown)}: not a canonical field ({', '.join(MAPPABLE)})")
    missing = [f for f in MUST_MAP if f not in columns]
    if missing:
        raise MappingError(f"{name}: [columns] must name the export's {', '.join(missing)}")
    brand = body.get("brand_post", {})
    values = {k: {str(a).lower(): str(b) for a, b in v.items()} for k, v in body.get("values", {}).items()}
    if set(values) - set(columns):
        raise MappingError(
            f"{name}: [values.{sorted(set(values) - set(columns))[0]}] maps a field [columns] does not name"
        )
    time = body.get("created_at", {})
    try:
        zoneinfo.ZoneInfo(str(time.get("time_zone", "UTC")))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{name}: [created_at] time_zone {time['time_zone']!r} is not an IANA time zone") from None
    return ColumnMapping(
        name=name,
        digest=hashlib.sha256(text.encode()).hexdigest()[:12],
        columns={k: str(v) for k, v in columns.items()},
        answers=body.get("answers", {}).get("column"),
        time_format=time.get("format"),
        time_zone=time.get("time_zone", "UTC"),
        brand_column=brand.get("column"),
        brand_values=tuple(str(v).lower() for v in brand.get("brand_values", [])),
        customer_values=tuple(str(v).lower() for v in brand.get("customer_values", [])),
        brand_authors=tuple(str(v) for v in brand.get("authors", [])),
        values=values,
    )


@cache
def shipped(name: str) -> ColumnMapping:
    """A mapping that ships with the pipeline (tasks/ingest/mappings/<name>.toml)."""
    try:
        text = resources.files("tasks.ingest.mappings").joinpath(f"{name}.toml").read_text()
    except FileNotFoundError:
        raise MappingError(f"no shipped mapping named {name!r}") from None
    return parse_mapping(text, f"tasks/ingest/mappings/{name}.toml")
