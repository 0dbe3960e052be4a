"""A backfill's stages called as plain functions, one after another, with no Prefect (benchmarks only).

The jobs the flow's tasks wrap (flows/tasks.py), in the flow's order and doing the same work: ingest (16
archives a batch, as flows/pipeline.py's INGEST_BATCH), the delivery checks (one GX run for all, as
flows/tasks.py runs them), the stances of every day a window reads, the days' measures (one read of the
warehouse, as the flow's runs of days), every daily, weekly and monthly page, the index. Nothing here imports
Prefect, so a whole process running it against `sps backfill` shows what orchestration costs. Each stage's
wall and CPU seconds are kept (`Stages`), so the benchmark can say where a backfill's own work goes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from flows.plan import Blocked, archive_watermark, plan_publish
from tasks.ingest.adapters import archive_objects
from tasks.ingest.batch_checks import check_deliveries
from tasks.jobs.ingest_archive import ingest_fingerprint, ingest_objects
from tasks.jobs.period_report import measure_days, publish_period_report
from tasks.jobs.settings import Settings
from tasks.model.periods import period_of
from tasks.model.records import IngestRecord
from tasks.model.windows import days_read, window_days
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.index import publish_index
from tasks.store.ledger import read_records
from tasks.store.stance_store import store_stances
from tasks.store.warehouse import days_with_mentions

BATCH = 16


@dataclass
class Stages:
    """Wall and CPU seconds of each stage of one direct backfill, in the order run."""

    seconds: dict[str, tuple[float, float]] = field(default_factory=dict)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = (time.perf_counter() - wall, time.process_time() - cpu)
            before = self.seconds.get(stage, (0.0, 0.0))
            self.seconds[stage] = (before[0] + spent[0], before[1] + spent[1])


def direct_backfill(url: str, start: date, end: date, stages: Stages | None = None) -> int:
    """Ingest every archive under `url` and publish [start, end]; returns how many pages were published."""
    stages = stages or Stages()
    settings = Settings(storage=url)
    storage = open_storage(url)
    policy = settings.policy()
    with stages.timed("ingest (parse, GX per archive, warehouse)"):
        objects = archive_objects(storage.list(layout.ARCHIVES))
        fingerprint = ingest_fingerprint(settings.fingerprint())
        records: list[IngestRecord] = []
        for offset in range(0, len(objects), BATCH):
            batch = objects[offset : offset + BATCH]
            outcomes = ingest_objects(
                storage,
                batch,
                policy=policy,
                quarantine_threshold=settings.quarantine_threshold,
                fingerprint=fingerprint,
            )
            records += [o for o in outcomes if isinstance(o, IngestRecord)]
    with stages.timed("delivery checks, planning"):
        deliveries = sorted({(r.platform, date.fromisoformat(r.collected)) for r in records if r.platform})
        for check in check_deliveries(read_records(storage), deliveries, policy):
            storage.write(layout.delivery_record(check.platform, check.collected), check.to_json())
        ledger = read_records(storage)
        watermark = archive_watermark(objects)
        plan = plan_publish(days_with_mentions(storage, start, end), Blocked())
        pages = plan.dailies + plan.periods
        read = {d for page in pages for d in days_read(page, settings.reply_horizon)}
        shown = sorted(read & set(days_with_mentions(storage, min(read), max(read))))
    with stages.timed("stances"):
        for day in sorted({w for d in shown for w in window_days(period_of("daily", d), settings.reply_horizon)}):
            store_stances(storage, day)
    with stages.timed("measure days"):
        measure_days(storage, shown, watermark, settings, ledger)
    for page in pages:
        with stages.timed(f"publish {page.kind} pages"):
            publish_period_report(storage, page, watermark, settings, run_id="direct", records=ledger)
    with stages.timed("index"):
        publish_index(storage)
    return len(pages)
