"""The three flows: which archives and days, in what order, on which task runner.

Orchestration only: the rules that decide what a run may publish live in
`flows.plan`, the work in `flows.tasks` (each a call into `tasks/`), and what
a run reports in `flows.summary`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import partial

from prefect import Task, flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.utilities.urls import url_for

from flows import progress
from flows.budget import batches, spans, within_budget
from flows.plan import (
    Blocked,
    archive_watermark,
    backfill_request,
    can_hold,
    in_collection_range,
    looked_at,
    nightly_request,
    no_data_for,
    page_name,
    plan_publish,
    stray_posts,
    to_replay,
    touched_days,
    without_page,
    yesterday,
)
from flows.summary import (
    NoData,
    PipelineFailed,
    Published,
    RunKind,
    RunSummary,
    run_title,
    summarise,
)
from flows.tasks import (
    PageResult,
    check_deliveries,
    clear_failed_days,
    count_mentions,
    forget,
    ingest_archives,
    ingest_records,
    list_archives,
    mark_failed_day,
    measure_range,
    mention_days,
    publish_pages,
    read_blocks,
    retrying,
    run_artifacts,
    send_alerts,
    send_digest,
    set_aside,
    stamp,
    stance_days,
    unmeasured,
    withdraw_pages,
    write_index,
)
from tasks.jobs.notify import AlertNotDelivered
from tasks.jobs.period_report import ReportOutcome
from tasks.jobs.settings import Settings
from tasks.model.cost import days_cost, ingest_cost, measure_cost
from tasks.model.fingerprint import rivals
from tasks.model.periods import Period, period_of
from tasks.model.records import IngestRecord, ObjectInfo, by_rule
from tasks.model.windows import affected_days, days_read, window_days, within_reach
from tasks.store import layout
from tasks.store.backends import StorageError, open_storage

__all__ = ["NoData", "PipelineFailed", "backfill", "nightly", "replay_quarantine"]

#: Archives judged by one run of each suite: GX's ~0.25 s a run is paid once for up to this many
#: (a year of daily archives: 23 runs, not 365), while batches still run side by side.
INGEST_BATCH = 16
#: Page batches per worker: a run's publishing is at most this many tasks a worker, however many pages
#: a backfill has (Prefect's cost per task then stays flat), and still enough for the progress bar to
#: move and for a slow batch not to leave the other workers idle long.
BATCHES_PER_WORKER = 4


def _listed(storage_url: str, settings: Settings) -> tuple[list[ObjectInfo], list[IngestRecord], str]:
    """The archive objects, the records of those not where an archive must be, and the listing's
    digest (what the run starts from, for its stamp)."""
    archives, digest = retrying(list_archives, settings)(storage_url)
    return archives, retrying(set_aside, settings)(storage_url, archives, settings), digest


def _ingest(
    storage_url: str, objects: list[ObjectInfo], settings: Settings, blocked: Blocked, force: bool = False
) -> list[IngestRecord]:
    """Ingest objects in batches side by side (each batch judged by one run of each suite), then
    judge each delivery; what fails goes to `blocked`."""
    logger = get_run_logger()
    ingest = retrying(ingest_archives, settings)
    budget = settings.memory_budget_bytes
    outcomes: dict[str, IngestRecord | str] = {}
    cost = _object_cost(settings)
    # a batch holds at most a quarter of the budget: four run side by side, as the thread pool's four workers
    groups = batches(objects, cost, budget // 4, INGEST_BATCH)
    submit = partial(_submit_ingest, ingest, storage_url, settings, force)
    for group, future in within_budget(submit, groups, lambda group: sum(map(cost, group)), budget):
        if future.state.is_completed():
            outcomes |= {obj.key: outcome for obj, outcome in zip(group, future.result(), strict=True)}
        else:
            outcomes |= dict.fromkeys((obj.key for obj in group), str(future.state.result(raise_on_failure=False)))
    records: list[IngestRecord] = []
    for obj in objects:  # judged in listing order, whichever finished first
        record = outcomes[obj.key]
        if isinstance(record, str):
            logger.error("ingest of %s failed: %s", obj.key, record)
            blocked.not_ingested(obj.key, record)
            continue
        records.append(record)
        if record.rejected:
            logger.error("archive rejected: %s", record.error)
            blocked.rejected(record)
        elif record.rows_quarantined or record.warned_by_rule:
            logger.warning(
                "%s: %d of %d rows quarantined%s%s",
                obj.key,
                record.rows_quarantined,
                record.rows_read,
                f", by rule: {by_rule(record.quarantined_by_rule)}" if record.quarantined_by_rule else "",
                f"; rows kept with a warning: {by_rule(record.warned_by_rule)}" if record.warned_by_rule else "",
            )
    deliveries = sorted({(r.platform, r.collected) for r in records if r.platform})
    for check in retrying(check_deliveries, settings)(storage_url, deliveries, settings) if deliveries else []:
        if check.broken:
            (logger.error if check.failed else logger.warning)(check.message())
        if check.failed:
            blocked.delivery_failed(check.message(), [r for r in records if r.key in check.objects])
    return records


def _object_cost(settings: Settings) -> Callable[[ObjectInfo], int]:
    """An archive object's estimated ingest peak, counting what a gzip object may inflate to."""
    max_inflated = int(settings.policy().parameters["max_decompressed_bytes"])
    return lambda obj: ingest_cost(obj.size, obj.key, max_inflated)


def _submit_ingest(ingest, storage_url: str, settings: Settings, force: bool, group: tuple[ObjectInfo, ...]):
    """One batch's task, started (the `group` comes last, for `partial`)."""
    return ingest.submit(storage_url, list(group), settings, force, str(flow_run.id or ""))


def _publish_days(
    storage_url: str,
    days: list[date],
    blocked: Blocked,
    watermark: datetime,
    settings: Settings,
    records: list[IngestRecord],
    force: bool = False,
) -> Published:
    """Measure and publish days concurrently (the task runner sets how many at once), then
    the weeks and months they fall in, as `plan_publish` allows. A day without a mention attributed
    to a brand has no page (`without_page`): its line in the summary says why. `records`: the ingest
    ledger after this run's ingest, read once and handed to every job."""
    run_id = str(flow_run.id or "local")
    if span := looked_at(days):  # what earlier runs rejected blocks these days too
        blocked.blocks(retrying(read_blocks, settings)(storage_url, records, *span))
    plan = plan_publish(days, blocked)
    for day, reasons in sorted(blocked.reasons.items()):
        retrying(mark_failed_day, settings)(storage_url, day, reasons, blocked.docs[day])
    cost = partial(measure_cost, records, horizon=settings.reply_horizon)
    _measure_days(storage_url, plan.dailies + plan.periods, watermark, settings, records)
    dailies = [p.start for p in plan.dailies]
    counts = retrying(count_mentions, settings)(storage_url, dailies, watermark, settings, records)
    if no_page := without_page(counts):  # their weeks and months go with them unless another day holds some
        plan = plan_publish([d for d in days if d.isoformat() not in no_page], blocked)
        retrying(withdraw_pages, settings)(storage_url, sorted(map(date.fromisoformat, no_page)))
    pages = Published(failed=dict(plan.refused), not_published=no_page)
    progress.started(len(plan.dailies) + len(blocked.reasons))
    for day in sorted(blocked.reasons):
        progress.day_done(day.isoformat(), "failed")
    publish = retrying(publish_pages, settings)
    submit = partial(_submit_pages, publish, storage_url, watermark, settings, records, run_id, force)
    budget, pieces = settings.memory_budget_bytes, settings.max_concurrent_days * BATCHES_PER_WORKER
    for period, result in _run_all(submit, plan.dailies, cost, budget, pages, pieces):
        if result is not None:
            pages.day(page_name(period), result)
        progress.day_done(page_name(period), result["outcome"] if result else "failed")
    for _, result in _run_all(submit, plan.periods, cost, budget, pages, pieces):
        if result is not None:
            pages.periods.append(result)
    return pages


def _submit_pages(
    publish: Task[..., list[PageResult]],
    storage_url: str,
    watermark: datetime,
    settings: Settings,
    records: list[IngestRecord],
    run_id: str,
    force: bool,
    periods: list[Period],
) -> PrefectFuture[list[PageResult]]:
    """One batch of pages' task, started (the `periods` come last, for `partial`)."""
    return publish.submit(storage_url, periods, watermark, settings, records, run_id, force)


def _measure_days(
    storage_url: str,
    pages: list[Period],
    watermark: datetime,
    settings: Settings,
    records: list[IngestRecord],
) -> None:
    """Measure every day these pages show or are summed from, each once, before any page runs: in
    runs of days (one per worker), each reading the warehouse once for all its days' windows.

    A run of days that fails here leaves its remaining days to the pages that need them, so a
    failure costs time, not a report."""
    horizon = settings.reply_horizon
    shown = sorted({d for page in pages for d in days_read(page, horizon)})
    days = retrying(unmeasured, settings)(storage_url, records, shown, watermark, settings)
    if not days:
        return
    runs = spans(days, settings.max_concurrent_days, len(window_days(period_of("daily", days[0]), horizon)))
    # every day their windows read, each stanced once (tasks/store/stance_store.py), runs side by side
    windows = {d for day in days for d in window_days(period_of("daily", day), horizon)}
    read = sorted(_with_mentions(storage_url, windows, settings))
    stance = retrying(stance_days, settings)
    for future in [stance.submit(storage_url, part) for part in spans(read, len(runs), 1)]:
        future.wait()
    measure = retrying(measure_range, settings)
    submit = partial(measure.submit, storage_url, watermark=watermark, settings=settings, records=records)
    cost = partial(days_cost, records, horizon=horizon)
    for _ in within_budget(lambda run: submit(days=run), runs, cost, settings.memory_budget_bytes):
        pass  # the days' measures are in storage; a failed run's days are measured by the pages that need them


def _run_all(
    submit: Callable[[list[Period]], PrefectFuture[list[PageResult]]],
    periods: list[Period],
    cost: Callable[[Period], int],
    budget: int,
    pages: Published,
    pieces: int,
) -> Iterator[tuple[Period, ReportOutcome | None]]:
    """Run every page, in at most `pieces` batches (one task each, its pages one after another), side
    by side within the memory budget (a batch costs its largest page; a month's window is the largest
    thing a run holds: months side by side would make a long backfill's peak grow with how many
    months it spans); yield (period, outcome or None) as each batch finishes; failures go to `pages`."""
    batched = [tuple(run) for run in spans(periods, pieces, 1)]
    for batch, future in within_budget(lambda run: submit(list(run)), batched, lambda run: max(map(cost, run)), budget):
        if future.state.is_completed():
            results = future.result()
        else:  # the batch itself failed (storage down after its retries): so did each of its pages
            error = str(future.state.result(raise_on_failure=False))
            results = [PageResult(period, None, error) for period in batch]
        for result in results:
            if result.outcome is None:
                pages.failed[page_name(result.period)] = result.error or "failed"
                get_run_logger().error(
                    "%s failed: %s", page_name(result.period), pages.failed[page_name(result.period)]
                )
            yield result.period, result.outcome


def _finish(
    storage_url: str,
    records: list[IngestRecord],
    pages: Published,
    misplaced: list[IngestRecord],
    settings: Settings,
    started: float,
    request: tuple[str, str] | None = None,
    digest: bool = False,
) -> RunSummary:
    """Summary, artifacts and the index; a clean run also stamps `request` (what it was asked,
    the archives digest it started from) so asking again answers without running. `started`:
    the run's start on the monotonic clock, for the wall time its page shows; `digest`: send the
    newest day's digest (the nightly's), what could not be delivered a warning."""
    summary = summarise(records, pages, misplaced)
    get_run_logger().info(
        "published %d day(s), %d unchanged, %d skipped, %d failed",
        len(summary["published"]),
        len(summary["unchanged"]),
        len(summary["skipped"]),
        len(summary["failed"]),
    )
    try:
        summary["warnings"] += retrying(write_index, settings)(storage_url)
    except StorageError as exc:
        summary["failed"][layout.REPORTS_INDEX] = str(exc)
    if digest:
        summary["warnings"] += _send_digest(storage_url, summary, settings)
    for warning in summary["warnings"]:
        get_run_logger().warning("%s", warning)
    run = RunKind(flow_run.flow_name, flow_run.name, time.monotonic() - started)
    retrying(run_artifacts, settings)(storage_url, summary, run)
    if summary["failed"]:
        raise PipelineFailed(summary["failed"])
    if request is not None:
        days = summary["published"] + summary["unchanged"] + summary["skipped"]
        periods = [r["period"] for r in summary["periods"]]
        asked, basis = request
        try:
            retrying(stamp, settings)(storage_url, asked, settings, basis, days, periods)
        except StorageError as exc:  # only costs the next identical run its shortcut
            get_run_logger().warning("run not stamped: %s", exc)
    return summary


def _send_digest(storage_url: str, summary: RunSummary, settings: Settings) -> list[str]:
    """The newest day page's digest (the one the run summary links), when the settings name where."""
    days = summary["published"] + summary["unchanged"] + summary["skipped"]
    if not days or (settings.digest_smtp_url is None and settings.digest_webhook is None):
        return []
    return send_digest(storage_url, date.fromisoformat(max(days)), settings)


def _clear_unblocked(storage_url: str, days: set[date], blocked: Blocked, settings: Settings) -> None:
    """Days whose only archives were removed: nothing is wrong with them any more."""
    if cleared := sorted(d for d in days if d not in blocked.reasons):
        retrying(clear_failed_days, settings)(storage_url, cleared)


def _touched(ledger: list[IngestRecord], records: list[IngestRecord]) -> set[date]:
    """The days these archives hold rows for, and those of archives that may hold other copies of
    their mentions: which copy counts may have moved between them (tasks/store/warehouse.py)."""
    return touched_days(records + rivals(ledger, records))


def _with_mentions(storage_url: str, candidates: set[date], settings: Settings) -> set[date]:
    """The days from the first candidate to the last the warehouse holds mentions for."""
    if not candidates:
        return set()
    return set(retrying(mention_days, settings)(storage_url, min(candidates), max(candidates)))


def _run_name() -> str:
    """The run's name in Prefect's UI: what it was asked ("nightly 2017-12-03"), not a random one."""
    return run_title(flow_run.flow_name, flow_run.parameters)


def _started() -> float:
    """The run's start (monotonic clock); tells whoever watches in this process where its page is."""
    progress.run_page(url_for("flow-run", obj_id=flow_run.id))  # None when no UI is known
    return time.monotonic()


@flow(name="backfill", flow_run_name=_run_name, log_prints=True)
def backfill(start: date, end: date, storage: str | None = None, force: bool = False) -> RunSummary:
    """Ingest every archive that can hold mentions of [start, end] (collected in it, or a later
    export holding its days: flows/plan.py, can_hold), then publish every day in it that has a
    mention attributed to a brand."""
    started = _started()
    settings = Settings.for_storage(storage)
    url = open_storage(settings.storage).url
    archives, misplaced, basis = _listed(url, settings)
    in_range = can_hold(archives, retrying(ingest_records, settings)(url), start, end)
    get_run_logger().info("backfill %s..%s: %d archive object(s) can hold it", start, end, len(in_range))
    forgotten = set(retrying(forget, settings)(url, [o.key for o in archives], start, end))
    blocked = Blocked()
    records = _ingest(url, in_range, settings, blocked, force)
    ledger = retrying(ingest_records, settings)(url)
    days = _with_mentions(url, {start, end}, settings)
    days |= forgotten & _with_mentions(url, forgotten, settings)  # days a removed archive fed, also outside the range
    pages = _publish_days(url, sorted(days), blocked, archive_watermark(archives), settings, ledger, force)
    _clear_unblocked(url, forgotten - days, blocked, settings)
    return _finish(url, records, pages, misplaced, settings, started, (backfill_request(start, end), basis))


@flow(name="nightly", flow_run_name=_run_name, log_prints=True)
def nightly(day: date | None = None, storage: str | None = None, allow_empty: bool = False) -> RunSummary:
    """Ingest one collection day's archives (yesterday, UTC, by default) and republish what changed:
    the days they hold posts for from NIGHTLY_REACH_DAYS before the day on (older ones are strays,
    counted in the summary), with their neighbours (`affected_days`), each with a mention attributed
    to a brand.

    No archive for the day fails the run (NoData) unless `allow_empty` says a quiet day is expected."""
    started = _started()
    settings = Settings.for_storage(storage)
    day = day or yesterday()
    url = open_storage(settings.storage).url
    archives, misplaced, basis = _listed(url, settings)
    todays = in_collection_range(archives, day, day)
    get_run_logger().info("nightly %s: %d archive object(s)", day, len(todays))
    forgotten = set(retrying(forget, settings)(url, [o.key for o in archives], day, day))
    if not todays and not forgotten and not allow_empty:
        # An expected outcome: the run fails with a message (the UI shows it), no traceback or ERROR
        # log; whoever called the flow still gets NoData.
        return Failed(message=no_data_for(day), data=NoData(no_data_for(day)))  # type: ignore[return-value]
    blocked = Blocked()
    records = _ingest(url, todays, settings, blocked)
    ledger = retrying(ingest_records, settings)(url)
    candidates = affected_days(_touched(ledger, records) | {day} | forgotten, settings.reply_horizon)
    existing = _with_mentions(url, candidates, settings)
    reached = within_reach(candidates & existing, day)
    pages = _publish_days(url, sorted(reached), blocked, archive_watermark(archives), settings, ledger)
    pages.strays = stray_posts(records)
    _clear_unblocked(url, forgotten - existing, blocked, settings)
    _send_new_alerts(pages, settings)
    return _finish(
        url, records, pages, misplaced, settings, started, (nightly_request(day, allow_empty), basis), digest=True
    )


def _send_new_alerts(pages: Published, settings: Settings) -> None:
    """The nightly tells whoever the settings name about alerts its pages raised (a backfill
    republishing history does not page anyone); an alert that could not be sent fails the run."""
    alerts = [a for r in pages.days if r["outcome"] == "published" for a in r["alerts"]]
    if not alerts or (settings.alert_webhook_url is None and not settings.alert_block):
        return
    get_run_logger().warning("%d alert(s): %s", len(alerts), "; ".join(f"{a['brand']} {a['kind']}" for a in alerts))
    try:
        retrying(send_alerts, settings)(alerts, settings)
    except AlertNotDelivered as exc:
        pages.failed["alerts"] = f"{len(alerts)} alert(s) not sent: {exc}"


@flow(name="replay-quarantine", flow_run_name=_run_name, log_prints=True)
def replay_quarantine(storage: str | None = None, day: date | None = None, source: str | None = None) -> RunSummary:
    """Re-ingest archives that had quarantined rows (or were rejected) after a fix, and republish their days."""
    started = _started()
    settings = Settings.for_storage(storage)
    url = open_storage(settings.storage).url
    chosen = to_replay(retrying(ingest_records, settings)(url), day, source)
    archives, misplaced, _ = _listed(url, settings)
    listed = {o.key: o for o in archives}
    objects = [listed[r.key] for r in chosen if r.key in listed]
    get_run_logger().info("replaying %d archive(s) with quarantined data", len(objects))
    blocked = Blocked()
    records = _ingest(url, objects, settings, blocked, force=True)
    ledger = retrying(ingest_records, settings)(url)
    candidates = affected_days(_touched(ledger, chosen + records), settings.reply_horizon)
    existing = _with_mentions(url, candidates, settings)
    watermark = archive_watermark(archives)
    pages = _publish_days(url, sorted(candidates & existing), blocked, watermark, settings, ledger, True)
    return _finish(url, records, pages, misplaced, settings, started)
