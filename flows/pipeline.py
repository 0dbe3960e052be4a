"""Prefect flows: which archives and days, in what order, with what retries.

No business logic lives here: every task calls a plain function in `tasks/`.
Tasks receive storage URLs, keys and plain settings, never frames or clients,
so they hash cheaply, serialise to a Dask worker, and assume no shared disk.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.exceptions import MissingContextError
from prefect.futures import as_completed
from prefect.logging import get_logger
from prefect.runtime import flow_run

from flows import progress
from tasks.storage import layout
from tasks.ingest.batch_checks import check_delivery
from tasks.reports.period_report import clear_failed, mark_failed, prepare_day, publish_period_report, unmeasured_days
from tasks.ingest.adapters import archive_format
from tasks.ingest.archive import (
    IngestRecord,
    forget_removed,
    ingest_fingerprint,
    ingest_object,
    read_records,
    set_aside_misplaced,
)
from tasks.reports.measure import LOOKBACK_DAYS
from tasks.metrics.definitions import watermark_after
from tasks.reports.measure_store import TREND_DAYS, trend_days
from tasks.reports.periods import Period, period_of, periods_touching
from tasks.ingest.policy import load_policy
from tasks.reports.index import publish_index
from tasks.settings import Settings
from tasks.storage.backends import ObjectInfo, StorageError, TransientStorageError, open_storage, require_root
from tasks.ingest.warehouse import days_with_mentions


class PipelineFailed(RuntimeError):
    """Some reports were not published; the message lists each day or period with its reason."""

    def __init__(self, failed: dict[str, str]) -> None:
        lines = [f"{where}: {reason}" for where, reason in sorted(failed.items())]
        super().__init__(f"{len(lines)} report(s) not published:\n" + "\n".join(lines))
        self.failed = dict(sorted(failed.items()))


class NoData(RuntimeError):
    """A nightly found no archive for its day: a broken feed until someone says the day was quiet."""


def _transient_only(task, task_run, state) -> bool:
    """Retry storage hiccups, never bad data: retrying a bad file cannot fix it."""
    try:
        state.result()
    except TransientStorageError:
        return True
    except Exception:
        return False
    return False


_DEFAULT_DELAYS = Settings.model_fields["retry_delays"].default  # a run replaces them with its own (_retrying)
_RETRYING = dict(
    cache_policy=NONE,
    retries=len(_DEFAULT_DELAYS),
    retry_delay_seconds=_DEFAULT_DELAYS,
    retry_jitter_factor=0.5,
    retry_condition_fn=_transient_only,
)


@task(name="ingest-archive", task_run_name="ingest {obj.key}", **_RETRYING)
def ingest_archive(storage_url: str, obj: ObjectInfo, settings: dict, force: bool = False) -> IngestRecord:
    config = Settings(**settings)
    return ingest_object(
        open_storage(storage_url),
        obj,
        policy=load_policy(config.policy_file),
        quarantine_threshold=config.quarantine_threshold,
        fingerprint=ingest_fingerprint(config.fingerprint()),
        force=force,
    )


@task(name="check-deliveries", **_RETRYING)
def check_deliveries(storage_url: str, deliveries: list[tuple[str, str]], settings: dict) -> list[dict]:
    """Run the batch suite on each (platform, collection day) and store its verdict."""
    storage = open_storage(storage_url)
    policy = load_policy(Settings(**settings).policy_file)
    records = read_records(storage)
    verdicts = []
    for platform, collected in deliveries:
        check = check_delivery(records, platform, date.fromisoformat(collected), policy)
        storage.write(layout.delivery_record(platform, collected), check.to_json())
        verdicts.append(json.loads(check.to_json()) | {"message": check.message()})
    return verdicts


@task(name="measure-and-publish", task_run_name="publish {period.kind} {period.label}", **_RETRYING)
def measure_and_publish(
    storage_url: str, period: Period, watermark: datetime, settings: dict, run_id: str, force: bool = False
) -> dict:
    """One report: skipped if its inputs are unchanged, else measured and published under its lock."""
    result = publish_period_report(
        open_storage(storage_url), period, watermark, Settings(**settings), run_id=run_id, force=force
    )
    _logger().info("%s: %s (%d inbound mentions)", result["period"], result["outcome"], result["inbound"])
    return result


def _logger():
    """The run's logger; a plain one when a task function is called directly (benchmarks)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger("sps")


@task(name="measure-day", task_run_name="measure {day}", **_RETRYING)
def measure_day(storage_url: str, day: date, watermark: datetime, settings: dict) -> str:
    """Measure a day once for every page that shows it (its own and the trend charts of others)."""
    return prepare_day(open_storage(storage_url), day, watermark, Settings(**settings))


@task(name="write-index", **_RETRYING)
def write_index(storage_url: str) -> None:
    publish_index(open_storage(storage_url))


@task(name="mark-failed-day", task_run_name="mark {day} failed", **_RETRYING)
def mark_failed_day(storage_url: str, day: date, reasons: list[str], data_docs: list[str]) -> None:
    mark_failed(open_storage(storage_url), day, reasons, data_docs)


def archive_watermark(objects: list[ObjectInfo]) -> datetime:
    """End of the newest collection day: replies after it cannot have been seen yet."""
    return watermark_after([d for d in (layout.archive_day(o.key) for o in objects) if d is not None])


@task(name="list-archives", **_RETRYING)
def list_archives(storage_url: str) -> list[ObjectInfo]:
    """Every object under archives/ but markers (`_SUCCESS`, `.keep`): an unknown format is judged, not skipped."""
    storage = open_storage(storage_url)
    require_root(storage)
    return [
        o
        for o in storage.list(layout.ARCHIVES)
        if not (o.key.rsplit("/", 1)[-1].startswith(("_", ".")) and archive_format(o.key) is None)
    ]


@task(name="set-aside-misplaced", **_RETRYING)
def set_aside(storage_url: str, archives: list[ObjectInfo], settings: dict) -> list[IngestRecord]:
    """Objects outside archives/<platform>/dt=YYYY-MM-DD/: recorded, copied to quarantine, reported."""
    misplaced = [o for o in archives if layout.misplacement(o.key)]
    return set_aside_misplaced(open_storage(storage_url), misplaced, load_policy(Settings(**settings).policy_file))


def _listed(storage_url: str, settings: dict) -> tuple[list[ObjectInfo], list[IngestRecord]]:
    """The archive objects, and the records of those not where an archive must be."""
    archives = _retrying(list_archives, settings)(storage_url)
    return archives, _retrying(set_aside, settings)(storage_url, archives, settings)


@task(name="forget-removed", **_RETRYING)
def forget(storage_url: str, listed: list[str], start: date, end: date) -> list[date]:
    """Drop what archives collected in [start, end] that no longer exist left behind; returns the days they touched."""
    gone = forget_removed(open_storage(storage_url), set(listed), start, end)
    return sorted({date.fromisoformat(d) for r in gone for d in r.days} | {date.fromisoformat(r.collected) for r in gone})


@task(name="clear-failed-days", **_RETRYING)
def clear_failed_days(storage_url: str, days: list[date]) -> None:
    clear_failed(open_storage(storage_url), days)


class _Blocked:
    """Days not to publish this run, each with its reasons and Data Docs pages."""

    def __init__(self) -> None:
        self.reasons: dict[date, list[str]] = {}
        self.docs: dict[date, list[str]] = {}

    def add(self, days, reason: str, docs: list[str]) -> None:
        for day in days:
            self.reasons.setdefault(day, []).append(reason)
            self.docs.setdefault(day, []).extend(docs)


def _retrying(task_fn, settings: dict):
    """`task_fn` retrying transient failures with the run's SPS_RETRY_DELAYS (every task goes through here)."""
    delays = Settings(**settings).retry_delays
    return task_fn.with_options(retries=len(delays), retry_delay_seconds=delays)


def _ingest(storage_url: str, objects: list[ObjectInfo], settings: dict, blocked: _Blocked, force: bool = False):
    """Ingest objects concurrently, then judge each delivery; returns the records."""
    logger = get_run_logger()
    ingest = _retrying(ingest_archive, settings)
    futures = [ingest.submit(storage_url, obj, settings, force) for obj in objects]
    records: list[IngestRecord] = []
    for obj, future in zip(objects, futures):
        future.wait()
        if future.state.is_completed():
            record = future.result()
            records.append(record)
            if record.rejected:
                logger.error("archive rejected: %s", record.error)
                touched = [date.fromisoformat(d) for d in record.days] or [date.fromisoformat(record.collected)]
                blocked.add(touched, record.error or record.key, [record.data_docs or ""])
            elif record.rows_quarantined or record.warned_by_rule:
                logger.warning(
                    "%s: %d of %d rows quarantined %s; warnings %s",
                    obj.key,
                    record.rows_quarantined,
                    record.rows_read,
                    record.quarantined_by_rule,
                    record.warned_by_rule,
                )
        else:
            error = str(future.state.result(raise_on_failure=False))
            logger.error("ingest of %s failed: %s", obj.key, error)
            collected = layout.partition_day(obj.key)
            blocked.add([collected] if collected else [], f"{obj.key}: {error}", [])
    deliveries = sorted({(r.platform, r.collected) for r in records if r.platform})
    for verdict in _retrying(check_deliveries, settings)(storage_url, deliveries, settings) if deliveries else []:
        if verdict["broken"]:
            (logger.error if verdict["failed"] else logger.warning)(verdict["message"])
        if verdict["failed"]:
            members = [r for r in records if r.key in verdict["objects"]]
            touched = {date.fromisoformat(d) for r in members for d in r.days}
            blocked.add(sorted(touched), verdict["message"], [r.data_docs or "" for r in members])
    return records


def _publish_days(
    storage_url: str, days: list[date], blocked: _Blocked, watermark: datetime, settings: dict, force: bool = False
) -> dict:
    """Measure and publish days concurrently (the task runner sets how many at once), then
    the weeks and months they fall in. A period holding a failed day is not published."""
    run_id = str(flow_run.id or "local")
    outcome: dict = {"published": [], "unchanged": [], "skipped": [], "failed": {}, "days": [], "periods": []}
    todo = [d for d in days if d not in blocked.reasons]
    progress.started(len(todo) + len(blocked.reasons))
    for day, reasons in sorted(blocked.reasons.items()):
        outcome["failed"][day.isoformat()] = "; ".join(reasons)
        _retrying(mark_failed_day, settings)(storage_url, day, reasons, [d for d in blocked.docs[day] if d])
        progress.day_done(day.isoformat(), "failed")
    periods = []
    for kind in ("weekly", "monthly"):
        for period in periods_touching(days + list(blocked.reasons), kind):
            bad = sorted(d.isoformat() for d in blocked.reasons if period.start <= d <= period.end)
            if bad:
                outcome["failed"][f"{kind}/{period.label}"] = f"holds day(s) not published: {', '.join(bad)}"
            else:
                periods.append(period)
    dailies = [period_of("daily", d) for d in todo]
    _measure_days(storage_url, dailies + periods, watermark, settings)
    publish = _retrying(measure_and_publish, settings)
    for day, result in _run_all(publish, storage_url, dailies, watermark, settings, run_id, force, outcome):
        label = result["outcome"] if result else "failed"
        if result:
            outcome[label].append(day)
            outcome["days"].append(result)
        progress.day_done(day, label)
    for _, result in _run_all(publish, storage_url, periods, watermark, settings, run_id, force, outcome):
        if result:
            outcome["periods"].append(result)
    for key in ("published", "unchanged", "skipped"):
        outcome[key].sort()
    outcome["days"].sort(key=lambda r: r["day"])
    outcome["periods"].sort(key=lambda r: r["period"])
    return outcome


def _measure_days(storage_url: str, pages: list[Period], watermark: datetime, settings: dict) -> None:
    """Measure every day these pages show, each once, before any page runs.

    A day that fails here is measured by the page that needs it, so a failure
    costs time, not a report."""
    shown = sorted({d for page in pages for d in trend_days(page)})
    days = unmeasured_days(open_storage(storage_url), shown, watermark, Settings(**settings))
    prepare = _retrying(measure_day, settings)
    for future in [prepare.submit(storage_url, d, watermark, settings) for d in days]:
        future.wait()


def _run_all(publish, storage_url: str, periods: list[Period], watermark, settings, run_id, force, outcome):
    """Submit every period, yield (name, result or None) as each finishes; failures go to outcome."""
    futures = {publish.submit(storage_url, p, watermark, settings, run_id, force): p for p in periods}
    for future in as_completed(list(futures)):
        period = futures[future]
        name = period.label if period.kind == "daily" else f"{period.kind}/{period.label}"
        future.wait()  # as_completed can yield before the final state is recorded
        if future.state.is_completed():
            yield name, future.result()
        else:
            outcome["failed"][name] = str(future.state.result(raise_on_failure=False))
            get_run_logger().error("%s failed: %s", name, outcome["failed"][name])
            yield name, None


def _finish(
    storage_url: str, records: list[IngestRecord], outcome: dict, misplaced: list[IngestRecord], settings: dict
) -> dict:
    for record in misplaced:
        outcome["failed"][record.key] = (record.error or "").removeprefix(f"{record.key}: ")
    summary = {
        "archives": len(records),
        "ingested": sum(not r.skipped for r in records),
        "rows_read": sum(r.rows_read for r in records),
        "duplicates_dropped": sum(r.duplicates_dropped for r in records),
        "rows_quarantined": sum(r.rows_quarantined for r in records),
        **outcome,
    }
    get_run_logger().info(
        "published %d day(s), %d unchanged, %d skipped, %d failed",
        len(summary["published"]),
        len(summary["unchanged"]),
        len(summary["skipped"]),
        len(summary["failed"]),
    )
    _artifacts(storage_url, summary)
    try:
        _retrying(write_index, settings)(storage_url)
    except StorageError as exc:
        summary["failed"][layout.REPORTS_INDEX] = str(exc)
    if summary["failed"]:
        raise PipelineFailed(summary["failed"])
    return summary


def _artifacts(storage_url: str, summary: dict) -> None:
    """What an operator sees on the run's page: a per-day table, a summary, a link."""
    if summary["days"]:
        create_table_artifact(
            key="daily-metrics",
            table=[
                {k: r[k] for k in ("day", "outcome", "inbound", "responded", "unattributed", "brands")}
                for r in summary["days"]
            ],
            description="Days this run measured (skipped days show their published numbers).",
        )
    failed = "".join(f"\n- {day}: {reason}" for day, reason in sorted(summary["failed"].items()))
    create_markdown_artifact(
        key="run-summary",
        markdown=(
            f"# sps run\n\n| archives | ingested | rows read | quarantined | published | unchanged | skipped | failed |\n"
            f"|---|---|---|---|---|---|---|---|\n| {summary['archives']} | {summary['ingested']} | "
            f"{summary['rows_read']} | {summary['rows_quarantined']} | {len(summary['published'])} | "
            f"{len(summary['unchanged'])} | {len(summary['skipped'])} | {len(summary['failed'])} |\n"
            + (f"\n## Failed days{failed}\n" if failed else "")
        ),
    )
    published = summary["published"] + summary["unchanged"] + summary["skipped"]
    if published:
        base = storage_url if "://" in storage_url else f"file://{storage_url}"
        create_link_artifact(
            key="latest-report",
            link=f"{base}/{layout.report_folder(date.fromisoformat(max(published)))}report.html",
            link_text=f"report {max(published)}",
        )


@flow(name="backfill", log_prints=True)
def backfill(start: date, end: date, storage: str | None = None, force: bool = False) -> dict:
    """Ingest every archive collected in [start, end], then publish every day in it that has mentions."""
    settings = Settings.for_storage(storage)
    store = open_storage(settings.storage)
    config = settings.model_dump(mode="json")
    archives, misplaced = _listed(store.url, config)
    in_range = [o for o in archives if start <= (layout.archive_day(o.key) or date.min) <= end]
    get_run_logger().info("backfill %s..%s: %d archive object(s) in range", start, end, len(in_range))
    forgotten = set(_retrying(forget, config)(store.url, [o.key for o in archives], start, end))
    blocked = _Blocked()
    records = _ingest(store.url, in_range, config, blocked, force)
    days = set(days_with_mentions(store, start, end))
    if forgotten:  # days a removed archive fed, also outside the range, are measured again
        days |= forgotten & set(days_with_mentions(store, min(forgotten), max(forgotten)))
    days = sorted(days)
    outcome = _publish_days(store.url, days, blocked, archive_watermark(archives), config, force)
    _clear_unblocked(store.url, forgotten - set(days), blocked, config)
    return _finish(store.url, records, outcome, misplaced, config)


def _clear_unblocked(storage_url: str, days: set[date], blocked: _Blocked, settings: dict) -> None:
    """Days whose only archives were removed: nothing is wrong with them any more."""
    if cleared := sorted(d for d in days if d not in blocked.reasons):
        _retrying(clear_failed_days, settings)(storage_url, cleared)


def _affected_days(touched: set[date], horizon_hours: float) -> set[date]:
    """Days whose numbers new mentions on `touched` days can change (replies, attribution)."""
    horizon_days = math.ceil(horizon_hours / 24)
    return {t + timedelta(days=o) for t in touched for o in range(-horizon_days - 1, LOOKBACK_DAYS + TREND_DAYS)}


@flow(name="nightly", log_prints=True)
def nightly(day: date | None = None, storage: str | None = None, allow_empty: bool = False) -> dict:
    """Ingest one collection day's archives (yesterday, UTC, by default) and republish what changed.

    No archive for the day fails the run (NoData) unless `allow_empty` says a quiet day is expected."""
    settings = Settings.for_storage(storage)
    day = day or (datetime.now(UTC).date() - timedelta(days=1))
    store = open_storage(settings.storage)
    config = settings.model_dump(mode="json")
    archives, misplaced = _listed(store.url, config)
    todays = [o for o in archives if layout.archive_day(o.key) == day]
    get_run_logger().info("nightly %s: %d archive object(s)", day, len(todays))
    forgotten = set(_retrying(forget, config)(store.url, [o.key for o in archives], day, day))
    if not todays and not forgotten and not allow_empty:
        raise NoData(f"no data for {day}: no archive under archives/<platform>/dt={day}/")
    blocked = _Blocked()
    records = _ingest(store.url, todays, config, blocked)
    touched = {date.fromisoformat(d) for r in records for d in r.days} | {day} | forgotten
    candidates = _affected_days(touched, settings.reply_horizon_hours)
    existing = set(days_with_mentions(store, min(candidates), max(candidates)))
    outcome = _publish_days(store.url, sorted(candidates & existing), blocked, archive_watermark(archives), config)
    _clear_unblocked(store.url, forgotten - existing, blocked, config)
    return _finish(store.url, records, outcome, misplaced, config)


@flow(name="replay-quarantine", log_prints=True)
def replay_quarantine(storage: str | None = None, day: date | None = None, source: str | None = None) -> dict:
    """Re-ingest archives that had quarantined rows (or were rejected) after a fix, and republish their days."""
    settings = Settings.for_storage(storage)
    store = open_storage(settings.storage)
    chosen = [
        r
        for r in read_records(store)
        if (r.rows_quarantined or r.rejected)
        and (day is None or r.collected == day.isoformat())
        and (source is None or r.key == source)
    ]
    config = settings.model_dump(mode="json")
    archives, misplaced = _listed(store.url, config)
    listed = {o.key: o for o in archives}
    objects = [listed[r.key] for r in chosen if r.key in listed]
    get_run_logger().info("replaying %d archive(s) with quarantined data", len(objects))
    blocked = _Blocked()
    records = _ingest(store.url, objects, config, blocked, force=True)
    touched = {date.fromisoformat(d) for r in chosen + records for d in r.days}
    candidates = _affected_days(touched, settings.reply_horizon_hours) if touched else set()
    existing = set(days_with_mentions(store, min(candidates), max(candidates))) if candidates else set()
    outcome = _publish_days(
        store.url, sorted(candidates & existing), blocked, archive_watermark(archives), config, True
    )
    return _finish(store.url, records, outcome, misplaced, config)
