"""Ingest one archive object: read → normalise → validate → split → warehouse.

Nothing is lost: every row read ends in the warehouse or in quarantine with
its rule, and the per-object record says so (rows_read = accepted +
quarantined). The raw archive is only ever read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import polars as pl

from tasks import layout
from tasks.adapters import ArchiveError, platform_from_key, read_archive
from tasks.storage import ObjectInfo, Storage
from tasks.validation import ROW, load_suite, run_suite, with_check_columns
from tasks.version import code_version
from tasks.warehouse import remove_parts, to_parquet, write_parts

BATCH_REJECTED = "batch_over_quarantine_threshold"


@dataclass
class IngestRecord:
    """What happened to one archive object; stored beside the warehouse as JSON."""

    key: str
    etag: str
    size: int
    fingerprint: str
    collected: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    quarantined_by_rule: dict[str, int] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)
    rejected: bool = False
    error: str | None = None
    skipped: bool = False

    def to_json(self) -> bytes:
        body = asdict(self)
        body.pop("skipped")
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> IngestRecord:
        return cls(**json.loads(data))


def ingest_fingerprint(settings_fingerprint: str) -> str:
    """Changes when the code, the suite or the settings could change the result."""
    suite = json.dumps(load_suite(), sort_keys=True)
    return hashlib.sha256(f"{code_version()}|{suite}|{settings_fingerprint}".encode()).hexdigest()[:16]


def ingest_object(
    storage: Storage, obj: ObjectInfo, *, quarantine_threshold: float, fingerprint: str
) -> IngestRecord:
    """Ingest `obj` unless the same bytes were already ingested by the same code and config."""
    slug = layout.source_slug(obj.key)
    collected = layout.partition_day(obj.key)
    if collected is None:
        raise ArchiveError(f"{obj.key}: not in a dt=YYYY-MM-DD partition")
    previous = _previous_record(storage, slug)
    if previous and (previous.etag, previous.size, previous.fingerprint) == (obj.etag, obj.size, fingerprint):
        previous.skipped = True
        return previous

    record = IngestRecord(obj.key, obj.etag, obj.size, fingerprint, collected.isoformat())
    raw = storage.read(obj.key)
    try:
        parsed = read_archive(raw, obj.key, platform_from_key(obj.key))
    except ArchiveError as exc:
        # Unreadable as a whole: keep a copy of the object itself in quarantine.
        storage.write(layout.quarantine_object(collected, slug, obj.key.rsplit("/", 1)[-1]), raw)
        record.rejected, record.error = True, str(exc)
        _replace(storage, slug, previous, record, accepted=None)
        return record

    checked = with_check_columns(parsed)
    failures = run_suite(checked, load_suite())
    bad_rows = failures.group_by(ROW).agg(
        pl.col("rule").sort().str.join("; ").alias("rule"), pl.col("value").sort_by("rule").first()
    )
    record.rows_read = parsed.height
    record.quarantined_by_rule = dict(sorted(failures.group_by("rule").len().iter_rows()))
    too_many = parsed.height > 0 and bad_rows.height / parsed.height > quarantine_threshold
    if too_many:
        record.rejected = True
        record.error = (
            f"{obj.key}: {bad_rows.height} of {parsed.height} rows broke the suite "
            f"(threshold {quarantine_threshold:.1%}); rules: "
            + ", ".join(f"{rule} ({n})" for rule, n in record.quarantined_by_rule.items())
        )
        bad_rows = checked.select(ROW).join(bad_rows, on=ROW, how="left").with_columns(
            pl.col("rule").fill_null(BATCH_REJECTED)
        )
    quarantined = checked.join(bad_rows, on=ROW, how="inner")
    accepted = checked.join(bad_rows, on=ROW, how="anti")
    if quarantined.height:
        storage.write(layout.quarantine_rows(collected, slug), to_parquet(_quarantine_frame(quarantined)))
    else:
        storage.delete(layout.quarantine_rows(collected, slug))
    record.rows_quarantined = quarantined.height
    record.rows_accepted = accepted.height
    # Days the archive speaks about, even when rejected: those days must not be published.
    record.days = _day_counts(accepted if not too_many else checked)
    _replace(storage, slug, previous, record, accepted=None if too_many else accepted)
    return record


def _day_counts(frame: pl.DataFrame) -> dict[str, int]:
    counts = (
        frame.filter(pl.col("created_at").is_not_null())
        .group_by(pl.col("created_at").dt.date().cast(pl.String).alias("day"))
        .len()
        .sort("day")
    )
    return dict(counts.iter_rows())


def _quarantine_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Rejected rows with their reason, every original value kept as text."""
    return rows.select(
        "source_file",
        "source_row",
        "rule",
        "value",
        *[pl.col(c).cast(pl.String) for c in rows.columns if c not in {"source_file", "source_row", "rule", "value", ROW}],
    ).sort("source_row")


def _previous_record(storage: Storage, slug: str) -> IngestRecord | None:
    key = layout.source_record(slug)
    return IngestRecord.from_json(storage.read(key)) if storage.exists(key) else None


def _replace(
    storage: Storage,
    slug: str,
    previous: IngestRecord | None,
    record: IngestRecord,
    accepted: pl.DataFrame | None,
) -> None:
    """Swap this source's warehouse parts for the new ones, then write its record."""
    written = write_parts(storage, slug, accepted) if accepted is not None and accepted.height else {}
    stale = [day for day in (previous.days if previous else {}) if day not in written]
    remove_parts(storage, slug, stale)
    storage.write(layout.source_record(slug), record.to_json())


def read_records(storage: Storage) -> list[IngestRecord]:
    """Every ingest record, for manifests and validation reports."""
    return [
        IngestRecord.from_json(storage.read(k)) for k in storage.keys(layout.SOURCES) if k.endswith(".json")
    ]

