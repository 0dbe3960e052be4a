"""What a report day was computed from, as one hash: equal hash, equal report.

Inputs are the ingest records of every archive with rows in the day's window
(their ETag, size and ingest fingerprint), of every archive with brand posts
(reply chains are followed however old), the settings that change numbers,
the code and schema versions, and the watermark while the period is still
provisional. A backfill skips a day whose manifest carries the same hash,
without reading a single mention; a final day's hash no longer moves with
each night's new archives.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from tasks.model.records import IngestRecord
from tasks.model.schema import SCHEMA_VERSION
from tasks.model.version import code_version


def window_records(records: list[IngestRecord], start: date, end: date) -> list[IngestRecord]:
    """Records of the archives that have warehouse rows in [start, end] (a rejected
    archive has none: its parts are removed when it is rejected)."""
    first, last = start.isoformat(), end.isoformat()
    chosen = [r for r in records if not r.rejected and any(first <= d <= last for d in r.days)]
    return sorted(chosen, key=lambda r: r.key)


def rivals(records: list[IngestRecord], of: list[IngestRecord]) -> list[IngestRecord]:
    """Archives other than `of` that hold another copy of one of their mentions: named in their
    `shared_with`, or naming one of them in its own (whichever was ingested later found the
    other's ids). Which copy counts is decided on read (tasks/store/warehouse.py, `precedence`);
    these are the archives whose change can move a mention into or out of `of`'s days."""
    own = {r.key for r in of}
    named = {k for r in of for k in r.shared_with}
    return sorted(
        (r for r in records if r.key not in own and not r.rejected and (r.key in named or own & set(r.shared_with))),
        key=lambda r: r.key,
    )


def day_fingerprint(
    records: list[IngestRecord],
    *,
    settings_fingerprint: str,
    watermark: datetime | None,
    brand_index: list[IngestRecord],
) -> str:
    """`brand_index`: the archives whose brand posts attribution may follow (any with posts
    created before the window ends). `watermark`: None once the period is final — then
    no later archive can change a number, and the hash stays put night after night."""
    body = {
        "inputs": sorted((r.key, r.etag, r.size, r.fingerprint) for r in records),
        "brand_index": sorted((r.key, r.etag, r.fingerprint) for r in brand_index),
        "settings": settings_fingerprint,
        "code": code_version(),
        "schema": SCHEMA_VERSION,
        "watermark": watermark.isoformat() if watermark else "final",
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def page_fingerprint(own: str, trend_rows: dict[date, str]) -> str:
    """A report page: its own inputs and those of each trend day it charts."""
    body = {"own": own, "trends": {d.isoformat(): f for d, f in sorted(trend_rows.items())}}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
