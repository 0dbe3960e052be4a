"""manifest.json: what a published page was computed from, and what its files hold.

A pure function of the page's facts, so the fingerprint a skip check compares,
the inputs a reader audits and the counts a run reports are built one way.
"""

from __future__ import annotations

from datetime import datetime

from tasks.model.periods import Period
from tasks.model.records import IngestRecord
from tasks.model.schema import SCHEMA_VERSION
from tasks.model.version import code_version


def build_manifest(
    period: Period,
    records: list[IngestRecord],
    rows: dict[str, int],
    *,
    status: str,
    data_warnings: list,
    headline: dict,
    input_fingerprint: str,
    settings_fingerprint: str,
    watermark: datetime,
    run_id: str,
    generated_at: datetime,
) -> dict:
    """The manifest body; the publisher adds each file's size and checksum."""
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "code_version": code_version(),
        "settings_fingerprint": settings_fingerprint,
        "input_fingerprint": input_fingerprint,
        "date": period.start.isoformat(),
        "period": {
            "kind": period.kind,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "status": status,
        "data_warnings": data_warnings,
        "watermark": watermark.isoformat(),
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "inputs": [
            {
                "key": r.key,
                "etag": r.etag,
                "size": r.size,
                "rows_read": r.rows_read,
                "rows_accepted": r.rows_accepted,
                "duplicates_dropped": r.duplicates_dropped,
                "rows_quarantined": r.rows_quarantined,
            }
            for r in records
        ],
        "rows": rows,
        "headline": headline,
        "quarantine": [
            {"source": r.key, "rows": r.rows_quarantined, "by_rule": r.quarantined_by_rule}
            for r in records
            if r.rows_quarantined
        ],
    }
