"""Which days no report may show, from the stored verdicts rather than one run's memory.

A day stays unpublished while any archive holding its rows (or, holding none,
dated in its partition) is rejected, or while a delivery that fed it failed
its batch check: whichever run looks at the day (a nightly whose late post
lands on it, a replay of another archive, a backfill) reads the same ingest
records and delivery verdicts, so each reaches the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tasks.ingest.batch_checks import DeliveryCheck
from tasks.model.records import IngestRecord
from tasks.store import layout
from tasks.store.backends import Storage


@dataclass(frozen=True)
class DayBlock:
    """One reason one day may not be published, with the Data Docs page that shows it ("" for none)."""

    day: date
    reason: str
    data_docs: str = ""


def rejected_blocks(record: IngestRecord) -> list[DayBlock]:
    """A rejected archive blocks every day it held rows for, else its collection day."""
    days = sorted(record.days) or [record.collected]
    return [DayBlock(date.fromisoformat(d), record.error or record.key, record.data_docs or "") for d in days]


def delivery_blocks(message: str, members: Iterable[IngestRecord]) -> list[DayBlock]:
    """A failed delivery (batch) check blocks every day its archives (`members`) fed."""
    members = list(members)
    days = sorted({d for r in members for d in r.days})
    docs = sorted({r.data_docs for r in members if r.data_docs})
    return [DayBlock(date.fromisoformat(d), message, doc) for d in days for doc in docs or [""]]


def _touches(record: IngestRecord, first: str, last: str) -> bool:
    return any(first <= d <= last for d in record.days) or (not record.days and first <= record.collected <= last)


def stored_blocks(storage: Storage, records: list[IngestRecord], start: date, end: date) -> list[DayBlock]:
    """What blocks the days in [start, end], from the ingest records and the stored delivery verdicts
    of the archives that touch them (a delivery is read only when one of its archives does)."""
    first, last = start.isoformat(), end.isoformat()
    touching = [r for r in records if _touches(r, first, last)]
    blocks = [b for r in touching if r.rejected for b in rejected_blocks(r)]
    for key in sorted({layout.delivery_record(r.platform, r.collected) for r in touching if r.platform}):
        check = DeliveryCheck.from_json(storage.read(key)) if storage.exists(key) else None
        if check is not None and check.failed:
            blocks += delivery_blocks(check.message(), (r for r in records if r.key in check.objects))
    return sorted({b for b in blocks if start <= b.day <= end}, key=lambda b: (b.day, b.reason, b.data_docs))


class DayBlocked(Exception):
    """A page asked to publish a day that a stored verdict blocks (a path the run's plan did not stop)."""

    def __init__(self, page: str, blocks: list[DayBlock]) -> None:
        days = sorted({b.day.isoformat() for b in blocks})
        super().__init__(f"{page} not published: holds blocked day(s) {', '.join(days)}: {blocks[0].reason}")
