"""What a report day was computed from, as one hash: equal hash, equal report.

Inputs are the ingest records of every archive with rows in the day's window
(their ETag, size and ingest fingerprint), of every archive with brand posts
(reply chains are followed however old), the settings that change numbers,
the code and schema versions, and the watermark. A backfill skips a day whose
manifest carries the same hash, without reading a single mention.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

from tasks import layout
from tasks.ingest import IngestRecord
from tasks.schema import SCHEMA_VERSION
from tasks.storage import Storage
from tasks.version import code_version


def window_records(storage: Storage, start: date, end: date) -> list[IngestRecord]:
    """Records of the archives that have warehouse rows in [start, end]."""
    slugs: set[str] = set()
    day = start
    while day <= end:
        for key in storage.keys(layout.warehouse_day(day)):
            slugs.add(key.rsplit("/", 1)[-1].removesuffix(".parquet"))
        day += timedelta(days=1)
    return [IngestRecord.from_json(storage.read(layout.source_record(slug))) for slug in sorted(slugs)]


def day_fingerprint(
    records: list[IngestRecord], *, settings_fingerprint: str, watermark: datetime, brand_index: list[IngestRecord]
) -> str:
    """`brand_index`: every archive with brand posts, whose ids attribution may follow."""
    body = {
        "inputs": sorted((r.key, r.etag, r.size, r.fingerprint) for r in records),
        "brand_index": sorted((r.key, r.etag, r.fingerprint) for r in brand_index),
        "settings": settings_fingerprint,
        "code": code_version(),
        "schema": SCHEMA_VERSION,
        "watermark": watermark.isoformat(),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
