"""Prefect flows: which archives and days, in what order, with what retries.

No business logic lives here: every task calls a plain function in `tasks/`.
Tasks receive storage URLs and keys, never frames or clients, so they hash
cheaply, serialise to a Dask worker, and assume no shared local disk.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from tasks import layout
from tasks.adapters import archive_format
from tasks.ingest import IngestRecord, ingest_fingerprint, ingest_object
from tasks.measure import LOOKBACK_DAYS, measure_day, window_for
from tasks.metrics import report_status
from tasks.publish import publish_report
from tasks.registry import load_registry
from tasks.report_files import day_files, validation_summary
from tasks.schema import SCHEMA_VERSION
from tasks.settings import Settings
from tasks.storage import ObjectInfo, TransientStorageError, open_storage
from tasks.version import code_version
from tasks.warehouse import days_with_mentions, load_window


class PipelineFailed(RuntimeError):
    """Some days were not published; the message lists each with its reason."""


def _transient_only(task, task_run, state) -> bool:
    """Retry storage hiccups, never bad data: retrying a bad file cannot fix it."""
    try:
        state.result()
    except TransientStorageError:
        return True
    except Exception:
        return False
    return False


_RETRYING = dict(
    cache_policy=NONE,
    retries=3,
    retry_delay_seconds=[2, 8, 30],
    retry_jitter_factor=0.5,
    retry_condition_fn=_transient_only,
)


@task(name="ingest-archive", task_run_name="ingest {obj.key}", **_RETRYING)
def ingest_archive(storage_url: str, obj: ObjectInfo, settings: dict) -> IngestRecord:
    config = Settings(**settings)
    return ingest_object(
        open_storage(storage_url),
        obj,
        quarantine_threshold=config.quarantine_threshold,
        fingerprint=ingest_fingerprint(config.fingerprint()),
    )


@task(name="measure-and-publish", task_run_name="publish {day}", **_RETRYING)
def measure_and_publish(storage_url: str, day: date, watermark: datetime, settings: dict, run_id: str) -> str:
    config = Settings(**settings)
    storage = open_storage(storage_url)
    registry = load_registry(config.brands_file)
    horizon_s = config.reply_horizon_hours * 3600
    measure = measure_day(
        load_window(storage, *window_for(day, horizon_s)),
        day,
        registry=registry,
        horizon_s=horizon_s,
        default_sla_s=config.sla_target_seconds,
        watermark=watermark,
    )
    records = [_record_of(storage, key) for key in measure.sources]
    status = report_status(day, horizon_s, watermark)
    validation = validation_summary(measure, [asdict(r) for r in records])
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "code_version": code_version(),
        "settings_fingerprint": config.fingerprint(),
        "date": day.isoformat(),
        "status": status,
        "watermark": watermark.isoformat(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": [{"key": r.key, "etag": r.etag, "size": r.size} for r in records],
        "rows": {
            "inbound": measure.inbound_total,
            "unattributed": measure.unattributed,
            "brands": measure.metrics.height,
        },
        "quarantine": [
            {"source": r.key, "rows": r.rows_quarantined, "by_rule": r.quarantined_by_rule}
            for r in records
            if r.rows_quarantined
        ],
    }
    return publish_report(storage, day, day_files(measure, status, validation), manifest)


def _record_of(storage, key: str) -> IngestRecord:
    return IngestRecord.from_json(storage.read(layout.source_record(layout.source_slug(key))))


@flow(name="publish-day", flow_run_name="publish-day {day}")
def publish_day(storage_url: str, day: date, watermark: datetime, settings: dict, run_id: str) -> str:
    """The per-day unit both nightly and backfill run: measure, then publish."""
    outcome = measure_and_publish(storage_url, day, watermark, settings, run_id)
    get_run_logger().info("day %s: %s", day, outcome)
    return outcome


def archive_watermark(objects: list[ObjectInfo]) -> datetime:
    """End of the newest collection day: replies after it cannot have been seen yet."""
    days = [d for d in (layout.partition_day(o.key) for o in objects) if d is not None]
    newest = max(days, default=date(1970, 1, 1))
    return datetime.combine(newest + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def _archives(storage) -> list[ObjectInfo]:
    return [o for o in storage.list(layout.ARCHIVES) if archive_format(o.key)]


def _ingest(storage_url: str, objects: list[ObjectInfo], settings: dict) -> tuple[list[IngestRecord], dict[str, str]]:
    """Ingest objects concurrently; returns records and {key: error} for crashed ingests."""
    logger = get_run_logger()
    futures = [ingest_archive.submit(storage_url, obj, settings) for obj in objects]
    records, crashed = [], {}
    for obj, future in zip(objects, futures):
        state = future.wait() or future.state
        if state.is_completed():
            record = future.result()
            records.append(record)
            if record.rejected:
                logger.error("archive rejected: %s", record.error)
            elif record.rows_quarantined:
                logger.warning(
                    "%s: %d of %d rows quarantined %s",
                    obj.key,
                    record.rows_quarantined,
                    record.rows_read,
                    record.quarantined_by_rule,
                )
        else:
            crashed[obj.key] = str(state.result(raise_on_failure=False))
            logger.error("ingest of %s failed: %s", obj.key, crashed[obj.key])
    return records, crashed


def _blocked_days(records: list[IngestRecord], crashed: dict[str, str]) -> dict[date, str]:
    """Days that must not be published this run, with the reason to report."""
    blocked: dict[date, list[str]] = {}
    for record in records:
        if record.rejected:
            touched = record.days or {record.collected: 0}
            for day in touched:
                blocked.setdefault(date.fromisoformat(day), []).append(record.error or record.key)
    for key, error in crashed.items():
        collected = layout.partition_day(key)
        if collected:
            blocked.setdefault(collected, []).append(f"{key}: {error}")
    return {day: "; ".join(reasons) for day, reasons in blocked.items()}


def _publish_days(
    storage_url: str, days: list[date], blocked: dict[date, str], watermark: datetime, settings: dict
) -> dict:
    run_id = str(flow_run.id or "local")
    outcome: dict = {"published": [], "unchanged": [], "failed": {}}
    for day, reason in sorted(blocked.items()):
        outcome["failed"][day.isoformat()] = reason
    for day in days:
        if day in blocked:
            continue
        state = publish_day(storage_url, day, watermark, settings, run_id, return_state=True)
        if state.is_completed():
            outcome[state.result()].append(day.isoformat())
        else:
            outcome["failed"][day.isoformat()] = str(state.result(raise_on_failure=False))
    return outcome


def _finish(summary: dict) -> dict:
    logger = get_run_logger()
    logger.info(
        "published %d day(s), %d unchanged, %d failed",
        len(summary["published"]),
        len(summary["unchanged"]),
        len(summary["failed"]),
    )
    if summary["failed"]:
        lines = [f"{day}: {reason}" for day, reason in sorted(summary["failed"].items())]
        raise PipelineFailed(f"{len(lines)} day(s) not published:\n" + "\n".join(lines))
    return summary


def _summary(records: list[IngestRecord], outcome: dict) -> dict:
    return {
        "archives": len(records),
        "ingested": sum(not r.skipped for r in records),
        "rows_read": sum(r.rows_read for r in records),
        "rows_quarantined": sum(r.rows_quarantined for r in records),
        **outcome,
    }


@flow(name="backfill", log_prints=True)
def backfill(start: date, end: date, storage: str | None = None) -> dict:
    """Ingest every archive collected in [start, end], then publish every day in it that has mentions."""
    settings = Settings(**({"storage": storage} if storage else {}))
    store = open_storage(settings.storage)
    archives = _archives(store)
    in_range = [o for o in archives if start <= (layout.partition_day(o.key) or date.min) <= end]
    get_run_logger().info("backfill %s..%s: %d archive object(s) in range", start, end, len(in_range))
    config = settings.model_dump(mode="json")
    records, crashed = _ingest(store.url, in_range, config)
    outcome = _publish_days(
        store.url,
        days_with_mentions(store, start, end),
        _blocked_days(records, crashed),
        archive_watermark(archives),
        config,
    )
    return _finish(_summary(records, outcome))


@flow(name="nightly", log_prints=True)
def nightly(day: date | None = None, storage: str | None = None) -> dict:
    """Ingest one collection day's archives (yesterday, UTC, by default) and republish what changed."""
    settings = Settings(**({"storage": storage} if storage else {}))
    day = day or (datetime.now(UTC).date() - timedelta(days=1))
    store = open_storage(settings.storage)
    archives = _archives(store)
    todays = [o for o in archives if layout.partition_day(o.key) == day]
    get_run_logger().info("nightly %s: %d archive object(s)", day, len(todays))
    config = settings.model_dump(mode="json")
    records, crashed = _ingest(store.url, todays, config)
    horizon_days = math.ceil(settings.reply_horizon_hours / 24)
    touched = {date.fromisoformat(d) for r in records for d in r.days} | {day}
    candidates = {
        t + timedelta(days=offset) for t in touched for offset in range(-horizon_days - 1, LOOKBACK_DAYS + 1)
    }
    existing = set(days_with_mentions(store, min(candidates), max(candidates)))
    outcome = _publish_days(
        store.url,
        sorted(candidates & existing),
        _blocked_days(records, crashed),
        archive_watermark(archives),
        config,
    )
    return _finish(_summary(records, outcome))
