"""The Prefect tasks: each a thin, typed wrapper that opens storage and calls one job in `tasks/`.

Tasks receive a storage URL, keys and the frozen Settings, never frames or
clients, so they serialise to a Dask worker and assume no shared disk. Every
task retries storage hiccups (never bad data) on the run's SPS_RETRY_DELAYS:
the flows get them through `retrying`, the one place retry options are built.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from functools import partial
from typing import ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

from prefect import Task, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.context import TaskRunContext
from prefect.exceptions import MissingContextError
from prefect.logging import get_logger
from prefect.runtime import task_run

from flows.summary import RunKind, RunSummary, publish_artifacts, report_link
from tasks.ingest import batch_checks
from tasks.ingest.adapters import archive_objects
from tasks.ingest.batch_checks import DeliveryCheck
from tasks.ingest.policy import load_policy
from tasks.jobs.digest import digest_email, digest_json, read_digest
from tasks.jobs.ingest_archive import forget_removed, ingest_fingerprint, ingest_objects, set_aside_misplaced
from tasks.jobs.notify import AlertNotDelivered, TransientAlertError, notify_block, post_alerts, post_json
from tasks.jobs.period_report import (
    ReportOutcome,
    clear_failed,
    day_mentions,
    mark_failed,
    measure_days,
    publish_period_report,
    unmeasured_days,
)
from tasks.jobs.settings import Settings
from tasks.metrics.alerts import AlertJson
from tasks.model.fingerprint import rivals
from tasks.model.periods import Period
from tasks.model.records import IngestRecord, ObjectInfo
from tasks.store import layout
from tasks.store.backends import StorageError, TransientStorageError, open_storage, require_root
from tasks.store.blocks import DayBlock, DayBlocked, stored_blocks
from tasks.store.index import publish_index
from tasks.store.ledger import read_records
from tasks.store.measure_store import DayMentions
from tasks.store.publish import withdraw_report
from tasks.store.run_stamp import listing_digest, stamp_run
from tasks.store.stance_store import store_stances
from tasks.store.warehouse import days_with_mentions


def _transient_only(task, task_run, state) -> bool:
    """Retry storage hiccups, never bad data: retrying a bad file cannot fix it."""
    try:
        state.result()
    except (TransientStorageError, TransientAlertError):
        return True
    except Exception:
        return False
    return False


P = ParamSpec("P")
R = TypeVar("R")


def retrying(task_fn: Task[P, R], settings: Settings) -> Task[P, R]:
    """`task_fn` retrying transient failures with the run's SPS_RETRY_DELAYS (its signature kept, so
    mypy checks every call a flow makes)."""
    delays = settings.retry_delays
    return task_fn.with_options(retries=len(delays), retry_delay_seconds=delays)


def _step(name: str, run_name: str | Callable[[], str] | None = None) -> Callable[[Callable[P, R]], Task[P, R]]:
    """@task with what every step shares: no result cache (inputs are keys, outputs live in storage),
    jittered retries of transient storage errors only."""
    return task(
        name=name,
        task_run_name=run_name,
        cache_policy=NONE,
        retry_jitter_factor=0.5,
        retry_condition_fn=_transient_only,
    )


def _logger():
    """The run's logger; a plain one when a task function is called directly (benchmarks)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger("sps")


@_step("list-archives")
def list_archives(storage_url: str) -> tuple[list[ObjectInfo], str]:
    """Every object under archives/ but markers (`_SUCCESS`, `.keep`): an unknown format is judged, not
    skipped, and what the backend refused (a link) is reported whatever its name; and the digest of the
    whole listing, markers and mappings included, for the run's stamp."""
    storage = open_storage(storage_url)
    require_root(storage, layout.ARCHIVES)
    listed = storage.list(layout.ARCHIVES)
    return archive_objects(listed), listing_digest(listed)


@_step("set-aside-misplaced")
def set_aside(storage_url: str, archives: list[ObjectInfo], settings: Settings) -> list[IngestRecord]:
    """Objects outside archives/<platform>/dt=YYYY-MM-DD/: recorded, copied to quarantine, reported."""
    misplaced = [o for o in archives if layout.misplaced(o)]
    return set_aside_misplaced(open_storage(storage_url), misplaced, load_policy(settings.policy_file))


@_step("read-ingest-records")
def ingest_records(storage_url: str) -> list[IngestRecord]:
    """What every ingest so far recorded, one record per archive object."""
    return read_records(open_storage(storage_url))


@_step("read-blocks")
def read_blocks(storage_url: str, records: list[IngestRecord], start: date, end: date) -> list[DayBlock]:
    """What earlier runs rejected that still blocks days in [start, end]."""
    return stored_blocks(open_storage(storage_url), records, start, end)


@_step("days-with-mentions")
def mention_days(storage_url: str, start: date, end: date) -> list[date]:
    """The days of [start, end] the warehouse holds mentions for."""
    return days_with_mentions(open_storage(storage_url), start, end)


@_step("unmeasured-days")
def unmeasured(
    storage_url: str, records: list[IngestRecord], days: list[date], watermark: datetime, settings: Settings
) -> list[date]:
    """The days with mentions whose measure is not stored for their current inputs."""
    return unmeasured_days(open_storage(storage_url), days, watermark, settings, records)


@_step("stamp-run")
def stamp(storage_url: str, request: str, settings: Settings, basis: str, days: list[str], periods: list[str]) -> None:
    """Record a run that ended clean (after its last write, the index): asking again answers at once."""
    stamp_run(open_storage(storage_url), request, settings.fingerprint(), basis, days, periods)


@_step("forget-removed")
def forget(storage_url: str, listed: list[str], start: date, end: date) -> list[date]:
    """Drop what archives collected in [start, end] that no longer exist left behind; returns the days
    they touched, and those of the archives sharing a mention with them: a copy a removed archive
    outranked counts again, on its own day."""
    storage = open_storage(storage_url)
    gone = forget_removed(storage, set(listed), start, end)
    losers = rivals(read_records(storage), gone) if gone else []
    return sorted(
        {date.fromisoformat(d) for r in gone + losers for d in r.days} | {date.fromisoformat(r.collected) for r in gone}
    )


def _ingest_run_name() -> str:
    objs = task_run.parameters["objs"]
    return f"ingest {objs[0].key}" + (f" and {len(objs) - 1} more" if len(objs) > 1 else "")


@_step("ingest-archives", _ingest_run_name)
def ingest_archives(
    storage_url: str, objs: list[ObjectInfo], settings: Settings, force: bool = False, run_id: str = ""
) -> list[IngestRecord | str]:
    """Ingest archives judged together (one suite run each, not one per archive); each outcome is
    the archive's record or why that archive alone could not be ingested.

    An archive storage failed to read for a moment has the batch tried again while retries are
    left (the archives this run already wrote are then found done, not read again); on the last
    attempt it fails alone, named as itself."""
    outcomes = ingest_objects(
        open_storage(storage_url),
        objs,
        policy=load_policy(settings.policy_file),
        quarantine_threshold=settings.quarantine_threshold,
        fingerprint=ingest_fingerprint(settings.fingerprint()),
        force=force,
        run_id=run_id,
    )
    transient = [o for o in outcomes if isinstance(o, TransientStorageError)]
    if transient and _retries_left():
        raise transient[0]
    return [o if isinstance(o, IngestRecord) else str(o) for o in outcomes]


def _retries_left() -> bool:
    """Whether Prefect runs this task again should it fail now (a direct call: never)."""
    context = TaskRunContext.get()
    return context is not None and context.task_run.run_count <= (context.task.retries or 0)


@_step("check-deliveries")
def check_deliveries(storage_url: str, deliveries: list[tuple[str, str]], settings: Settings) -> list[DeliveryCheck]:
    """Run the batch suite once over every (platform, collection day) and store each verdict."""
    storage = open_storage(storage_url)
    asked = [(platform, date.fromisoformat(collected)) for platform, collected in deliveries]
    checks = batch_checks.check_deliveries(read_records(storage), asked, load_policy(settings.policy_file))
    for check in checks:
        storage.write(layout.delivery_record(check.platform, check.collected), check.to_json())
    return checks


def _days_named(verb: str) -> Callable[[], str]:
    """A task run over some days named by them: "measure 2017-10-01…2017-10-09"."""

    def name() -> str:
        days = task_run.parameters["days"]
        return f"{verb} {days[0]}" + (f"…{days[-1]}" if len(days) > 1 else "")

    return name


@_step("measure-days", _days_named("measure"))
def measure_range(
    storage_url: str, days: list[date], watermark: datetime, settings: Settings, records: list[IngestRecord]
) -> list[date]:
    """Measure a run of days once for every page that shows them (their own and the trend charts of
    others), one warehouse read for all of them; returns those measured (not stored already)."""
    return measure_days(open_storage(storage_url), days, watermark, settings, records)


@_step("count-mentions")
def count_mentions(
    storage_url: str, days: list[date], watermark: datetime, settings: Settings, records: list[IngestRecord]
) -> dict[date, DayMentions]:
    """Each day's customer mentions and how many no brand is attributed to (a day with none attributed has no page)."""
    return day_mentions(open_storage(storage_url), days, watermark, settings, records)


@_step("withdraw-pages")
def withdraw_pages(storage_url: str, days: list[date]) -> None:
    """Take down the pages earlier code published for days that have none now (nothing attributed)."""
    storage = open_storage(storage_url)
    for day in days:
        withdraw_report(storage, day)


@_step("stance-days", _days_named("stance"))
def stance_days(storage_url: str, days: list[date]) -> int:
    """Store the stances of some days' warehouse parts once, before reports read them side by side;
    returns how many rows were stanced."""
    storage = open_storage(storage_url)
    return sum(store_stances(storage, day) for day in days)


def _pages_named() -> str:
    """A batch of pages named by its first and last: "publish daily 2017-10-01…daily 2017-10-09"."""
    periods = task_run.parameters["periods"]
    first, last = (f"{p.kind} {p.label}" for p in (periods[0], periods[-1]))
    return f"publish {first}" + (f"…{last}" if len(periods) > 1 else "")


@dataclass(frozen=True)
class PageResult:
    """What became of one page of a batch: its outcome, or why it failed."""

    period: Period
    outcome: ReportOutcome | None
    error: str | None = None


@_step("publish-pages", _pages_named)
def publish_pages(
    storage_url: str,
    periods: list[Period],
    watermark: datetime,
    settings: Settings,
    records: list[IngestRecord],
    run_id: str,
    force: bool = False,
) -> list[PageResult]:
    """Some reports, one after another: each skipped if its inputs are unchanged, else measured and
    published under its lock. One task for many pages, so orchestration does not grow with a
    backfill's length; a page that fails does not stop the others (its error is its result). A storage
    hiccup retries only its page (a batch retried would report the pages it had published as skipped)."""
    storage = open_storage(storage_url)
    results = []
    for period in periods:
        try:
            publish = partial(publish_period_report, storage, period, watermark, settings, run_id=run_id)
            result = _retried(partial(publish, force=force, records=records), settings.retry_delays)
        except Exception as exc:  # a task of its own would have failed the same way, alone
            _logger().error("%s %s failed: %s", period.kind, period.label, exc, exc_info=not _expected(exc))
            results.append(PageResult(period, None, str(exc)))
            continue
        _logger().info(
            "%s: %s (%d mentions attributed to a brand, as the page counts them; %d unattributed)",
            result["period"],
            result["outcome"],
            result["inbound"] - result["unattributed"],
            result["unattributed"],
        )
        results.append(PageResult(period, result))
    return results


def _retried(call: Callable[[], R], delays: list[float]) -> R:
    """`call`, tried again after each of `delays` while it fails with a storage hiccup (the retries a
    task of its own had from Prefect)."""
    for delay in delays:
        try:
            return call()
        except TransientStorageError as exc:
            _logger().warning("storage hiccup, retrying in %g s: %s", delay, exc)
            time.sleep(delay)
    return call()


def _expected(exc: Exception) -> bool:
    """A failure the data or the store explains (a blocked day, a store error): no traceback needed."""
    return isinstance(exc, DayBlocked | StorageError)


@_step("mark-failed-day", "mark {day} failed")
def mark_failed_day(storage_url: str, day: date, reasons: list[str], data_docs: list[str]) -> None:
    mark_failed(open_storage(storage_url), day, reasons, data_docs)


@_step("clear-failed-days")
def clear_failed_days(storage_url: str, days: list[date]) -> None:
    clear_failed(open_storage(storage_url), days)


@_step("send-alerts")
def send_alerts(alerts: list[AlertJson], settings: Settings) -> None:
    """New alerts to the webhook and/or the Prefect notification block the settings name."""
    if settings.alert_webhook_url is not None:
        post_alerts(settings.alert_webhook_url.get_secret_value(), alerts)
    if settings.alert_block:
        notify_block(settings.alert_block, alerts)


@_step("send-digest")
def send_digest(storage_url: str, day: date, settings: Settings) -> list[str]:
    """The day's digest by e-mail and/or to a webhook, as the settings name; returns what could not
    be delivered, each in one sentence that names no address or password (a digest not sent is a
    warning: the pages are published all the same). Not retried: a second try could mail it twice."""
    try:
        storage = open_storage(storage_url)
        digest = read_digest(storage, day, report_link(storage, day))
    except StorageError as exc:
        return [f"digest of {day} not built: {exc}"]
    failures = []
    if settings.digest_smtp_url is not None:
        to = [a.strip() for a in (settings.digest_to or "").split(",") if a.strip()]
        try:
            _mail(settings.digest_smtp_url.get_secret_value(), digest_email(digest, settings.digest_from, to))
        except AlertNotDelivered as exc:
            failures.append(f"digest of {day} not mailed: {exc}")
    if settings.digest_webhook is not None:
        try:
            post_json(settings.digest_webhook.get_secret_value(), digest_json(digest), "digest webhook")
        except AlertNotDelivered as exc:
            failures.append(f"digest of {day} not posted: {exc}")
    return failures


def _mail(url: str, message: EmailMessage, timeout_s: float = 10.0) -> None:
    """Through smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://; an error names
    its kind only (the URL holds a password)."""
    if not message["To"]:
        raise AlertNotDelivered("SPS_DIGEST_TO names no recipient")
    try:
        parts = urlsplit(url)
        secure = parts.scheme == "smtps"
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise AlertNotDelivered("SPS_DIGEST_SMTP_URL is not smtp://host[:port] or smtps://host[:port]")
        server = smtplib.SMTP_SSL if secure else smtplib.SMTP
        with server(parts.hostname, parts.port or (465 if secure else 25), timeout=timeout_s) as smtp:
            if not secure:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        raise AlertNotDelivered(f"the SMTP server did not take it ({type(exc).__name__})") from None


@_step("publish-artifacts")
def run_artifacts(storage_url: str, summary: RunSummary, run: RunKind) -> None:
    """The run page's artifacts: the brand-days its pages show, its summary, where the newest page is."""
    publish_artifacts(storage_url, summary, run)


@_step("write-index")
def write_index(storage_url: str) -> list[str]:
    """reports/index.html; returns the reports it left out, each named with why."""
    return publish_index(open_storage(storage_url))
