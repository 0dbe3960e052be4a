"""One report (a day, a week or a month), end to end: fingerprint, measure, validate, publish.

Runs under the day's lock from the fingerprint on, so whoever publishes last
has measured the warehouse as it was when it published, and two runs never
interleave writes to one report folder.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tasks import layout
from tasks.fingerprint import day_fingerprint, window_records
from tasks.ingest import IngestRecord, read_records
from tasks.locks import held
from tasks.measure import measure_period, window_for
from tasks.periods import Period
from tasks.metrics import report_status
from tasks.policy import load_policy
from tasks.publish import publish_report, read_manifest
from tasks.registry import load_registry
from tasks.report_files import day_files
from tasks.schema import SCHEMA_VERSION
from tasks.settings import Settings
from tasks.storage import Storage
from tasks.validation_report import day_validation
from tasks.version import code_version
from tasks.warehouse import load_brand_posts, load_window


def publish_period_report(
    storage: Storage, period: Period, watermark: datetime, config: Settings, *, run_id: str, force: bool = False
) -> dict:
    """Returns {day, period, outcome (published | unchanged | skipped), inbound, responded, unattributed, brands}."""
    horizon_s = config.reply_horizon_hours * 3600
    start, end = window_for(period, horizon_s)
    owner = f"{run_id}/{period.kind}/{period.label}"
    daily = period.kind == "daily"
    with held(storage, layout.report_lock(period), owner=owner, lease_s=config.lock_lease_seconds):
        records = window_records(storage, start, end)
        brand_index = [r for r in read_records(storage) if r.brand_posts]
        fingerprint = day_fingerprint(
            records, settings_fingerprint=config.fingerprint(), watermark=watermark, brand_index=brand_index
        )
        existing = read_manifest(storage, period.folder)
        head = {"day": period.start.isoformat(), "period": f"{period.kind}/{period.label}"}
        if not force and existing and existing.get("input_fingerprint") == fingerprint:
            if daily:
                storage.delete(layout.failed_marker(period.start))
            return head | {"outcome": "skipped", **existing["rows"]}
        measure = measure_period(
            load_window(storage, start, end),
            period,
            registry=load_registry(config.brands_file),
            horizon_s=horizon_s,
            default_sla_s=config.sla_target_seconds,
            watermark=watermark,
            brand_posts=load_brand_posts(storage),
        )
        status = report_status(period.end, horizon_s, watermark)
        validation = day_validation(
            storage, measure, records, _deliveries_of(storage, records), load_policy(config.policy_file)
        )
        rows = {
            "inbound": measure.inbound_total,
            "responded": int(measure.metrics["responded"].sum()),
            "unattributed": measure.unattributed,
            "brands": measure.metrics.height,
        }
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "run_id": run_id,
            "code_version": code_version(),
            "settings_fingerprint": config.fingerprint(),
            "input_fingerprint": fingerprint,
            "date": period.start.isoformat(),
            "period": {"kind": period.kind, "label": period.label, "start": period.start.isoformat(),
                       "end": period.end.isoformat()},
            "status": status,
            "watermark": watermark.isoformat(),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "inputs": [
                {
                    "key": r.key,
                    "etag": r.etag,
                    "size": r.size,
                    "rows_read": r.rows_read,
                    "rows_accepted": r.rows_accepted,
                    "rows_quarantined": r.rows_quarantined,
                }
                for r in records
            ],
            "rows": rows,
            "quarantine": [
                {"source": r.key, "rows": r.rows_quarantined, "by_rule": r.quarantined_by_rule}
                for r in records
                if r.rows_quarantined
            ],
        }
        outcome = publish_report(
            storage, period.folder, day_files(measure, status, validation), manifest,
            latest_day=period.start if daily else None,
        )
        if daily:
            storage.delete(layout.failed_marker(period.start))
    return head | {"outcome": outcome, **rows}


def _deliveries_of(storage: Storage, records: list[IngestRecord]) -> list[dict]:
    keys = sorted({layout.delivery_record(r.platform, r.collected) for r in records})
    return [json.loads(storage.read(k)) for k in keys if storage.exists(k)]


def mark_failed(storage: Storage, day: date, reasons: list[str], data_docs: list[str]) -> None:
    """Say beside the report why this day's newest inputs were not published."""
    body = {"date": day.isoformat(), "reasons": reasons, "data_docs": sorted(set(data_docs))}
    storage.write(layout.failed_marker(day), json.dumps(body, indent=2).encode())
