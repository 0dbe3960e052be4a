"""One report (a day, a week or a month), end to end: fingerprint, measure, validate, publish.

Runs under the day's lock from the fingerprint on, so whoever publishes last
has measured the warehouse as it was when it published, and two runs never
interleave writes to one report folder.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal, TypedDict

import polars as pl

from tasks.ingest.policy import load_policy
from tasks.jobs.settings import Settings
from tasks.metrics.alerts import (
    Alert,
    AlertJson,
    category_spikes,
    detractor_spikes,
    new_volumes,
    viral_complaints,
    volume_spikes,
)
from tasks.metrics.definitions import watermark_after
from tasks.metrics.period import (
    MeasureRules,
    MentionFacts,
    PeriodMeasure,
    SummedDays,
    measure_from_days,
    measure_period,
    period_status,
)
from tasks.metrics.registry import load_registry
from tasks.model.fingerprint import day_fingerprint, page_fingerprint, rivals, window_records
from tasks.model.periods import Period, period_of, previous
from tasks.model.records import IngestRecord
from tasks.model.windows import days_read, summed_days, trend_days, trend_periods, window_for
from tasks.render.files import day_files
from tasks.render.folder import docs_copy
from tasks.render.headline import headline
from tasks.render.manifest import build_manifest
from tasks.sps.compare import with_sps_change
from tasks.store import layout, measure_store
from tasks.store.backends import Storage
from tasks.store.blocks import DayBlocked, stored_blocks
from tasks.store.codecs import read_json
from tasks.store.ledger import read_records
from tasks.store.locks import held
from tasks.store.measure_store import DayMentions
from tasks.store.publish import publish_report, read_manifest, withdraw_report
from tasks.store.stance_store import with_stored_stances
from tasks.store.validation_summary import day_validation
from tasks.store.warehouse import HeldDays, load_brand_posts


class ReportOutcome(TypedDict):
    """One page's fate: published, unchanged (same bytes) or skipped (same inputs), and its counts."""

    day: str  # the period's first day
    period: str  # kind/label
    outcome: Literal["published", "unchanged", "skipped"]
    inbound: int
    responded: int
    unattributed: int
    brands: int
    alerts: list[AlertJson]  # raised by this publication (a skipped page raised its own when it was published)


def publish_period_report(
    storage: Storage,
    period: Period,
    watermark: datetime,
    config: Settings,
    *,
    run_id: str,
    force: bool = False,
    records: list[IngestRecord] | None = None,
) -> ReportOutcome:
    """What became of one page, with the counts a run's summary shows."""
    owner = f"{run_id}/{period.kind}/{period.label}"
    daily = period.kind == "daily"
    with held(storage, layout.report_lock(period), owner=owner, lease_s=config.lock_lease_seconds):
        inputs = ReportInputs(storage, config, watermark, records)
        if blocks := stored_blocks(storage, inputs.records, period.start, period.end):
            raise DayBlocked(f"{period.kind}/{period.label}", blocks)
        records, own = inputs.of(period)
        read = inputs.day_prints(days_read(period, inputs.horizon))
        fingerprint = page_fingerprint(own, read)
        existing = read_manifest(storage, period.folder)
        if not force and existing and existing.get("input_fingerprint") == fingerprint:
            if daily:
                storage.delete(layout.failed_marker(period.start))
            return _outcome(period, "skipped", existing["rows"], [])
        if daily:
            measure = measure_store.load(storage, period.start, own)
            if measure is None:
                measure = inputs.measure(period)
                measure_store.save(storage, own, measure)
        else:
            measure = inputs.summed(period, keep=True)
        before = None if daily else inputs.before(period)
        trend_prints = {d: read[d] for d in trend_days(period) if d in read}
        if daily:
            trends, category_trends = measure_store.trend_rows(
                storage, trend_prints, lambda d: inputs.measure(period_of("daily", d))
            )
        else:  # by week or by month, each summed from its days (category trends: a day's alerts only)
            stored = _StoredDays(inputs, trend_prints, keep=True)
            periods = trend_periods(period)
            trends = measure_store.summed_trend_rows(periods, trend_prints, stored.facts, inputs.rules, storage.url)
            category_trends = None
        measure = replace(
            measure,
            trends=trends,
            category_trends=category_trends,
            sps=with_sps_change(measure.sps, before.sps if before is not None else sps_before(trends, period)),
        )
        status = period_status(period, inputs.horizon_s, watermark, inputs.registry)
        head = headline(measure.metrics, measure.sps, measure.facts, measure.trends, period, before)
        alerts = _alerts(measure) if daily else []
        validation = day_validation(
            storage,
            measure,
            records,
            _deliveries_of(storage, records),
            load_policy(config.policy_file),
            rivals(inputs.records, records),
        )
        rows = {
            "inbound": measure.inbound_total,
            "responded": int(measure.metrics["responded"].sum()),
            "unattributed": measure.unattributed,
            "brands": measure.metrics.height,
        }
        manifest = build_manifest(
            period,
            records,
            rows,
            status=status,
            data_warnings=validation["data_warnings"],
            headline=head.as_json(),
            input_fingerprint=fingerprint,
            settings_fingerprint=inputs.settings_fingerprint,
            watermark=watermark,
            run_id=run_id,
            generated_at=datetime.now(UTC),
        )
        if daily:  # gone before the manifest comes: the two never sit side by side
            storage.delete(layout.failed_marker(period.start))
        outcome = publish_report(
            storage,
            period.folder,
            day_files(measure, status, validation, head, alerts, docs_pages(storage, validation)),
            manifest,
            latest_day=period.start if daily else None,
        )
    return _outcome(period, outcome, rows, [a.as_json() for a in alerts])


def docs_pages(storage: Storage, validation: dict) -> dict[str, bytes]:
    """The Data Docs pages of a report's archives, by their names in its folder (`docs_copy`):
    copied beside the page, so its links to them work in storage and in a download alike."""
    keys = sorted({s["data_docs"] for s in validation["sources"] if s.get("data_docs")})
    return {docs_copy(k): storage.read(k) for k in keys if storage.exists(k)}


def sps_before(trends: pl.DataFrame | None, period: Period) -> pl.DataFrame | None:
    """The SPS counts a day's change is measured against: the day before's (its trend rows hold
    them); a week's or a month's are its period before's own (`ReportInputs.before`: its authors
    are not the sum of its days')."""
    if period.kind != "daily" or trends is None:
        return None
    return trends.filter(pl.col("date") == period.start - timedelta(days=1))


def _alerts(measure: PeriodMeasure) -> list[Alert]:
    """A day's alerts: the day's and each brand's volume, detractor and category shares against the
    trend rows, a new brand's volume against the known brands', and viral complaints."""
    complaints = measure.facts.filter(pl.col("brand").is_not_null() & (pl.col("stance") == -1))
    categories = measure.categories if measure.categories is not None else pl.DataFrame()
    return (
        volume_spikes(measure.metrics.select("brand", "inbound"), measure.trends, measure.day)
        + detractor_spikes(measure.sps, measure.trends, measure.day)
        + category_spikes(categories, measure.category_trends, measure.day)
        + new_volumes(measure.metrics.select("brand", "inbound"), measure.trends, measure.day)
        + viral_complaints(complaints.select("brand", "mention_id", "author_followers", "replies"))
    )


def _outcome(
    period: Period, outcome: Literal["published", "unchanged", "skipped"], rows: dict, alerts: list[AlertJson]
) -> ReportOutcome:
    return ReportOutcome(
        day=period.start.isoformat(),
        period=f"{period.kind}/{period.label}",
        outcome=outcome,
        inbound=rows["inbound"],
        responded=rows["responded"],
        unattributed=rows["unattributed"],
        brands=rows["brands"],
        alerts=alerts,
    )


class ReportInputs:
    """What a report (or `sps score`) reads, loaded once: ingest records and registry (the brand posts
    each window needs are read with it)."""

    def __init__(
        self,
        storage: Storage,
        config: Settings,
        watermark: datetime | None = None,
        records: list[IngestRecord] | None = None,
    ) -> None:
        """`watermark`: the run's (from the archive listing); by default the newest ingested collection
        day's end. `records`: the ingest ledger as the run read it once (read here when not given)."""
        self.storage, self.config = storage, config
        self.horizon = config.reply_horizon
        self.horizon_s = self.horizon.total_seconds()
        self.settings_fingerprint = config.fingerprint()  # hashes the registry and policy files: once, not per day
        self.records = read_records(storage) if records is None else records
        self.watermark = watermark or watermark_after([date.fromisoformat(r.collected) for r in self.records])
        self.registry = load_registry(config.brands_file)
        self.brand_index = [r for r in self.records if r.brand_posts and not r.rejected]
        self.rules = MeasureRules(self.registry, self.horizon_s, config.sla_target_seconds, self.watermark)
        self._day_prints: dict[date, str | None] = {}

    def day_fingerprint(self, day: date) -> str | None:
        """The fingerprint of one day's inputs, or None when no archive has mentions created that day.
        Kept once found: a page asks for each of the days it reads, charts and sums, often more
        than once, and each costs a pass over every record."""
        if day not in self._day_prints:
            with_mentions = any(day.isoformat() in r.days for r in self.records if not r.rejected)
            self._day_prints[day] = self.of(period_of("daily", day))[1] if with_mentions else None
        return self._day_prints[day]

    def day_prints(self, days: list[date]) -> dict[date, str]:
        """The fingerprints of those of `days` that have mentions."""
        return {d: f for d in days if (f := self.day_fingerprint(d))}

    def of(self, period: Period) -> tuple[list[IngestRecord], str]:
        """The records in a period's window and their fingerprint."""
        start, end = window_for(period, self.horizon)
        records = window_records(self.records, start, end)
        final = period_status(period, self.horizon_s, self.watermark, self.registry) == "final"
        fingerprint = day_fingerprint(
            records + rivals(self.records, records),  # another copy of a mention may win elsewhere
            settings_fingerprint=self.settings_fingerprint,
            watermark=None if final else self.watermark,
            brand_index=[r for r in self.brand_index if min(r.days, default="~") <= end.isoformat()],
        )
        return records, fingerprint

    def measure(self, period: Period, held: HeldDays | None = None) -> PeriodMeasure:
        """A period measured from its window of the warehouse, cut from `held` when given (a run's
        days measured one after another read each part once), else read for it alone."""
        start, end = window_for(period, self.horizon)
        others = rivals(self.records, window_records(self.records, start, end))
        if held is None:
            held = HeldDays(self.storage, with_stored_stances(self.storage))
        window = held.window(start, end, others)
        return measure_period(window, period, self.rules, load_brand_posts(self.storage, window, self.brand_index))

    def before(self, period: Period) -> PeriodMeasure | None:
        """The week or month before `period`, summed from its days' stored facts as its own page sums
        them (so a nightly and a backfill read the same); None when none of its days has mentions."""
        prior = previous(period)
        inside = [d for d in summed_days(prior, self.horizon) if d <= prior.end]
        return self.summed(prior, keep=True) if self.day_prints(inside) else None

    def summed(self, period: Period, *, keep: bool) -> PeriodMeasure:
        """A week, a month or any range summed from the facts of its `summed_days`; a day not
        stored is measured now, and stored when `keep`."""
        prints = self.day_prints(summed_days(period, self.horizon))
        if not any(period.start <= d <= period.end for d in prints):  # nothing to sum: the (empty) window says so
            return self.measure(period)
        return measure_from_days(_StoredDays(self, prints, keep).summed(), period, self.rules)


class _StoredDays:
    """Days' facts read from their stored measures as a sum reaches them; a day not stored is
    measured then, and stored when `keep` (else held, so its two passes measure it once)."""

    def __init__(self, inputs: ReportInputs, prints: dict[date, str], keep: bool) -> None:
        self.inputs, self.prints, self.keep = inputs, prints, keep
        self.held: dict[date, MentionFacts] = {}
        self.complete: set[date] = set()  # found stored by the posts' pass: the mentions' pass need not ask

    def summed(self) -> SummedDays:
        return SummedDays(sorted(self.prints), self.posts, self.facts)

    def posts(self, day: date) -> pl.DataFrame:
        if day not in self.held:
            stored = measure_store.load_posts(self.inputs.storage, day, self.prints[day])
            if stored is not None:
                self.complete.add(day)
                return stored
        return self._measured(day).thread_posts

    def facts(self, day: date) -> MentionFacts:
        if day not in self.held:
            complete = day in self.complete
            stored = measure_store.load_facts(self.inputs.storage, day, self.prints[day], complete=complete)
            if stored is not None:
                return stored
        return self._measured(day)

    def _measured(self, day: date) -> MentionFacts:
        if day in self.held:
            return self.held[day]
        measure = self.inputs.measure(period_of("daily", day))
        assert measure.source is not None  # measure_period always sets it
        facts = measure.source.for_summing()
        if self.keep:
            measure_store.save(self.inputs.storage, self.prints[day], measure)
        else:
            self.held[day] = facts
        return facts


def unmeasured_days(
    storage: Storage, days: list[date], watermark: datetime, config: Settings, records: list[IngestRecord] | None = None
) -> list[date]:
    """The days with mentions whose measure is not stored for their current inputs."""
    inputs = ReportInputs(storage, config, watermark, records)
    return [d for d in days if (f := inputs.day_fingerprint(d)) and not measure_store.is_saved(storage, d, f)]


def measure_days(
    storage: Storage, days: list[date], watermark: datetime, config: Settings, records: list[IngestRecord] | None = None
) -> list[date]:
    """Measure and store, in date order, those of `days` not stored for their current inputs, each
    from its own window (the same bytes as measured alone) cut from one read of the warehouse: a
    part is read once however many of the days' windows hold it. A run measures every day its pages
    show before the pages themselves, so pages running side by side find their days measured; a
    retry finds the days stored before it failed. Returns the days measured."""
    inputs = ReportInputs(storage, config, watermark, records)
    todo = {
        d: f for d in sorted(days) if (f := inputs.day_fingerprint(d)) and not measure_store.is_saved(storage, d, f)
    }
    held = HeldDays(storage, with_stored_stances(storage))
    for day, fingerprint in todo.items():
        period = period_of("daily", day)
        held.forget_before(window_for(period, inputs.horizon)[0])
        measure_store.save(storage, fingerprint, inputs.measure(period, held))
    return list(todo)


def day_mentions(
    storage: Storage, days: list[date], watermark: datetime, config: Settings, records: list[IngestRecord] | None = None
) -> dict[date, DayMentions]:
    """The customer mentions of each day with mentions, and how many no brand is attributed to, from
    its stored measure (measured and stored now when it is not): what decides whether it has a page."""
    inputs = ReportInputs(storage, config, watermark, records)
    found = {}
    for day in days:
        fingerprint = inputs.day_fingerprint(day)
        if fingerprint is None:
            continue
        count = measure_store.counts(storage, day, fingerprint)
        if count is None:
            measure = inputs.measure(period_of("daily", day))
            measure_store.save(storage, fingerprint, measure)
            count = DayMentions(measure.inbound_total, measure.unattributed)
        found[day] = count
    return found


def _deliveries_of(storage: Storage, records: list[IngestRecord]) -> list[dict]:
    keys = sorted({layout.delivery_record(r.platform, r.collected) for r in records})
    return [read_json(storage, k) for k in keys if storage.exists(k)]


def clear_failed(storage: Storage, days: list[date]) -> None:
    """Take back 'not published' for days nothing blocks any more (their bad archive was removed)."""
    for day in days:
        storage.delete(layout.failed_marker(day))


def mark_failed(storage: Storage, day: date, reasons: list[str], data_docs: list[str]) -> None:
    """Say in the day's folder why it is not published; a report published before its day was
    blocked is taken down first (FAILED.json and a manifest never sit side by side)."""
    withdraw_report(storage, day)
    body = {"date": day.isoformat(), "reasons": reasons, "data_docs": sorted(set(data_docs))}
    storage.write(layout.failed_marker(day), json.dumps(body, indent=2).encode())
