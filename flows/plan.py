"""What a run may publish: the rules the flows follow, as pure functions of dates and records.

Three questions decide a run, and the data answers them: which days new
archives can change, which days a rejected archive or delivery blocks, and
which weeks and months may publish. Kept free of Prefect and storage so tests
pin them on hand-made dates; the flows only carry the answers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tasks.metrics.definitions import watermark_after
from tasks.model.periods import Period, period_of, periods_touching
from tasks.model.records import IngestRecord, ObjectInfo
from tasks.model.windows import NIGHTLY_REACH_DAYS, within_reach
from tasks.store import layout
from tasks.store.blocks import DayBlock, delivery_blocks, rejected_blocks
from tasks.store.measure_store import DayMentions
from tasks.store.run_stamp import request_of


@dataclass
class Blocked:
    """Days not to publish this run, each with its reasons and Data Docs pages."""

    reasons: dict[date, list[str]] = field(default_factory=dict)
    docs: dict[date, list[str]] = field(default_factory=dict)

    def add(self, days: Iterable[date], reason: str, docs: Iterable[str]) -> None:
        for day in days:
            if reason not in self.reasons.setdefault(day, []):  # this run's verdict may also be stored
                self.reasons[day].append(reason)
            self.docs.setdefault(day, []).extend(d for d in docs if d and d not in self.docs[day])

    def blocks(self, blocks: Iterable[DayBlock]) -> None:
        for block in blocks:
            self.add([block.day], block.reason, [block.data_docs])

    def rejected(self, record: IngestRecord) -> None:
        self.blocks(rejected_blocks(record))

    def not_ingested(self, key: str, error: str) -> None:
        """An object that could not be read at all blocks the collection day its key names."""
        collected = layout.partition_day(key)
        self.add([collected] if collected else [], f"{key}: {error}", [])

    def delivery_failed(self, message: str, members: list[IngestRecord]) -> None:
        self.blocks(delivery_blocks(message, members))


def looked_at(days: Iterable[date]) -> tuple[date, date] | None:
    """The span a run publishing `days` speaks for: the days and every week and month they fall in
    (a period holding a blocked day must not publish, whether or not the run measures that day)."""
    days = sorted(set(days))
    if not days:
        return None
    periods = periods_touching(days, "weekly") + periods_touching(days, "monthly")
    spans = [(p.start, p.end) for p in periods]
    return min([days[0], *(s for s, _ in spans)]), max([days[-1], *(e for _, e in spans)])


def page_name(period: Period) -> str:
    """How a run names a page: the day for a daily report, else kind/label."""
    return period.label if period.kind == "daily" else f"{period.kind}/{period.label}"


@dataclass(frozen=True)
class PublishPlan:
    """The pages a run publishes, and those it refuses with their reasons."""

    dailies: list[Period]
    periods: list[Period]  # the weeks and months the days fall in
    refused: dict[str, str]


def plan_publish(days: Iterable[date], blocked: Blocked) -> PublishPlan:
    """Unblocked days publish; a week or month holding a blocked day does not publish at all."""
    days = sorted(set(days))
    refused = {d.isoformat(): "; ".join(reasons) for d, reasons in sorted(blocked.reasons.items())}
    periods = []
    for kind in ("weekly", "monthly"):
        for period in periods_touching(days + list(blocked.reasons), kind):
            bad = sorted(d.isoformat() for d in blocked.reasons if period.start <= d <= period.end)
            if bad:
                refused[page_name(period)] = f"holds day(s) not published: {', '.join(bad)}"
            else:
                periods.append(period)
    dailies = [period_of("daily", d) for d in days if d not in blocked.reasons]
    return PublishPlan(dailies, periods, refused)


def stray_posts(records: Iterable[IngestRecord]) -> dict[str, str]:
    """Each created day out of a nightly's reach of its archive's collection day, with how many posts
    it holds and why it has no page (lines of the run summary)."""
    found: dict[date, tuple[int, date]] = {}
    for record in records:
        collected = date.fromisoformat(record.collected)
        for created, posts in record.days.items():
            day = date.fromisoformat(created)
            if not within_reach([day], collected):
                found[day] = (found.get(day, (0, collected))[0] + posts, collected)
    return {
        day.isoformat(): (
            f"{posts} post(s) stamped {(collected - day).days} days before their archive's collection day "
            f"{collected}: a stray timestamp, kept and counted, not a page (a nightly publishes the days from "
            f"{NIGHTLY_REACH_DAYS} days before its collection day on; a backfill over the day can publish it)"
        )
        for day, (posts, collected) in sorted(found.items())
    }


def without_page(counts: Mapping[date, DayMentions]) -> dict[str, str]:
    """The days that publish no page, with why: no customer mention at all (only brand posts), or
    none attributed to a brand (a page would show empty charts and an empty table)."""
    reasons = {}
    for day, count in sorted(counts.items()):
        if count.attributed:
            continue
        reasons[day.isoformat()] = (
            "no customer mention, only brand posts (they count on the days of the mentions they answer): no page"
            if not count.mentions
            else f"{count.mentions} customer mention(s), none attributed to a brand (counted as unattributed): no page"
        )
    return reasons


def touched_days(records: Iterable[IngestRecord]) -> set[date]:
    """The created days the records' archives held rows for."""
    return {date.fromisoformat(d) for r in records for d in r.days}


def archive_watermark(objects: Iterable[ObjectInfo]) -> datetime:
    """End of the newest collection day: replies after it cannot have been seen yet."""
    return watermark_after([d for d in (layout.archive_day(o) for o in objects) if d is not None])


def in_collection_range(objects: Iterable[ObjectInfo], start: date, end: date) -> list[ObjectInfo]:
    """The archives collected in [start, end]; misplaced objects have no collection day."""
    return [o for o in objects if (day := layout.archive_day(o)) is not None and start <= day <= end]


def can_hold(
    objects: Iterable[ObjectInfo], records: Iterable[IngestRecord], start: date, end: date
) -> list[ObjectInfo]:
    """The archives that can hold mentions made in [start, end]: those collected in it, and those
    collected later (an export of the past sits in a later partition) unless their ingest record
    shows they hold no day of the range. An archive not ingested as it is now (new or changed) may
    hold any earlier day; none holds a mention made after its collection day."""
    span = (start.isoformat(), end.isoformat())
    known = {(r.key, r.etag): r for r in records}

    def holds(obj: ObjectInfo, collected: date) -> bool:
        record = known.get((obj.key, obj.etag))
        return start <= collected <= end or (
            collected > end and (record is None or any(span[0] <= d <= span[1] for d in record.days))
        )

    return [o for o in objects if (day := layout.archive_day(o)) is not None and holds(o, day)]


def collection_days(objects: Iterable[ObjectInfo], shown: int = 5) -> str:
    """The collection days archives exist for, each with one archive named, in words (a backfill
    that finds nothing says which days to ask for)."""
    by_day: dict[date, list[str]] = {}
    for obj in objects:
        if (day := layout.archive_day(obj)) is not None:
            by_day.setdefault(day, []).append(obj.key)
    if not by_day:
        return "there is no archive under archives/<platform>/dt=YYYY-MM-DD/"
    days = sorted(by_day)
    named = [
        f"{d} ({by_day[d][0]}" + (f" and {len(by_day[d]) - 1} more" if len(by_day[d]) > 1 else "") + ")"
        for d in days[-shown:]
    ]
    more = f"{len(days) - shown} earlier day(s) and " if len(days) > shown else ""
    return f"archives exist for collection day(s) {more}{', '.join(named)}"


def no_data_for(day: date) -> str:
    """Why a nightly stops before it reads anything (NoData): the CLI says it before Prefect starts."""
    return f"no data for {day}: no archive under archives/<platform>/dt={day}/"


def to_replay(records: Iterable[IngestRecord], day: date | None, source: str | None) -> list[IngestRecord]:
    """Archives with quarantined rows or a rejection, narrowed to one collection day or one key."""
    return [
        r
        for r in records
        if (r.rows_quarantined or r.rejected)
        and (day is None or r.collected == day.isoformat())
        and (source is None or r.key == source)
    ]


def nightly_request(day: date, allow_empty: bool) -> str:
    """A nightly's run-stamp key: the flow stamps it, the CLI checks it before Prefect starts."""
    return request_of("nightly", day=day, allow_empty=allow_empty)


def backfill_request(start: date, end: date) -> str:
    """A backfill's run-stamp key (also `sps demo`'s)."""
    return request_of("backfill", start=start, end=end)


def yesterday() -> date:
    """A nightly's default collection day (UTC): the last whole day."""
    return datetime.now(UTC).date() - timedelta(days=1)
