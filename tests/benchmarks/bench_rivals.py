"""Benchmark (not a test): what a nightly re-measures when ids do not follow time, rivals found by
overlapping id ranges (before) and by the id index (now), side by side.

    python -m tests.benchmarks.bench_rivals [--days 60]

60 daily archives of the twcs sample's rows (its ids are sequential, not time-ordered: row i goes
to day i mod 60, so every archive's id range spans nearly all ids and no id is in two archives),
then a nightly's archive for day 61 sharing one id with day 1. For each rule: the days the nightly
re-measures (its touched days and their rivals' days, widened by `affected_days`, that hold
mentions) and the wall time of measuring and publishing them, each on its own copy of the store.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import tempfile
import time
from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from unittest import mock

from flows.plan import archive_watermark, touched_days
from flows.tasks import ingest_archives, publish_pages
from tasks.jobs import period_report
from tasks.jobs.settings import Settings
from tasks.model import fingerprint
from tasks.model.periods import period_of
from tasks.model.records import IngestRecord
from tasks.model.windows import affected_days
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.codecs import read_frame
from tasks.store.ledger import read_records
from tasks.store.warehouse import days_with_mentions, id_range

FIRST = date(2017, 10, 1)


def _rows(days: int) -> dict[date, list[dict]]:
    """The sample's rows spread over `days` days by row number: ids in sequence, days in rotation."""
    by_day: dict[date, list[dict]] = {FIRST + timedelta(days=i): [] for i in range(days)}
    with (files("tasks.sample") / "twcs_sample.csv").open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            day = FIRST + timedelta(days=i % days)
            by_day[day].append(
                {
                    "mention_id": row["tweet_id"],
                    "author_id": row["author_id"],
                    "is_brand_author": row["inbound"] == "False",
                    "created_at": f"{day.isoformat()}T{(i // days) % 24:02d}:{i % 60:02d}:00Z",
                    "text": row["text"],
                    "in_reply_to_id": row["in_response_to_tweet_id"] or None,
                }
            )
    return by_day


def _archive(day: date) -> str:
    return f"archives/twitter/dt={day.isoformat()}/mentions.jsonl"


def _write(store, day: date, rows: list[dict]) -> None:
    store.write(_archive(day), "\n".join(json.dumps(r) for r in rows).encode())


def _by_range(records: list[IngestRecord], of: list[IngestRecord]) -> list[IngestRecord]:
    """The rule before the id index: any archive whose lowest..highest id overlaps one of `of`'s."""
    ranges = {r.key: _range(r) for r in records}
    own = {r.key for r in of}
    return [
        r
        for r in records
        if r.key not in own
        and ranges[r.key]
        and any(
            ranges[o.key] and ranges[o.key][0] <= ranges[r.key][1] and ranges[r.key][0] <= ranges[o.key][1] for o in of
        )
    ]


_RANGES: dict[str, tuple[str, str] | None] = {}


def _range(record: IngestRecord) -> tuple[str, str] | None:
    """An archive's id range in id order (length, then text), from its index (read once)."""
    if record.key not in _RANGES:
        ids = read_frame(_STORE[0], layout.mention_index(record.platform, layout.source_slug(record.key)))
        low_high = id_range(ids)
        _RANGES[record.key] = (
            tuple(f"{len(i):06d}{i}" for i in low_high) if low_high else None  # type: ignore[assignment]
        )
    return _RANGES[record.key]


_STORE: list = []


def _nightly(root: str, night: date, rule) -> tuple[int, float]:
    """The days the nightly for `night` re-measures under `rule`, and the seconds it takes."""
    settings = Settings(storage=root)
    store = open_storage(root)
    with mock.patch.object(period_report, "rivals", rule), mock.patch.object(fingerprint, "rivals", rule):
        start = time.perf_counter()
        (record,) = ingest_archives.fn(root, store.list(_archive(night)), settings)
        assert isinstance(record, IngestRecord)
        touched = touched_days([record, *rule(read_records(store), [record])]) | {night}
        candidates = affected_days(touched, settings.reply_horizon)
        days = [d for d in days_with_mentions(store, min(candidates), max(candidates)) if d in candidates]
        watermark = archive_watermark(store.list(layout.ARCHIVES))
        pages = [period_of("daily", day) for day in days]
        results = publish_pages.fn(root, pages, watermark, settings, read_records(store), "bench")
        if failed := [r.error for r in results if r.outcome is None]:
            raise SystemExit(f"pages failed: {failed}")
        return len(days), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeded = str(Path(tmp, "seeded"))
        store = open_storage(seeded)
        _STORE.append(store)
        rows = _rows(args.days)
        for day, day_rows in rows.items():
            _write(store, day, day_rows)
        settings = Settings(storage=seeded)
        for obj in store.list(layout.ARCHIVES):
            ingest_archives.fn(seeded, [obj], settings)
        night = FIRST + timedelta(days=args.days)
        shared = rows[FIRST][0] | {"created_at": f"{night.isoformat()}T08:00:00Z"}  # a re-delivery of day 1's first
        fresh = [
            r | {"mention_id": f"{10**9 + int(r['mention_id'])}", "created_at": f"{night.isoformat()}T09:00:00Z"}
            for r in rows[FIRST][1:]
        ]
        _write(store, night, [shared, *fresh])
        print(
            f"{args.days} archives, {sum(len(r) for r in rows.values())} rows; nightly {night}: {1 + len(fresh)} rows"
        )
        for name, rule in (("range (before)", _by_range), ("id index (now)", fingerprint.rivals)):
            root = str(Path(tmp, name.split()[0]))
            shutil.copytree(seeded, root)
            _STORE[0] = open_storage(root)
            _RANGES.clear()
            days, seconds = _nightly(root, night, rule)
            print(f"{name:16} {days:3d} day(s) re-measured, {seconds:6.1f} s  ({datetime.now():%H:%M:%S})")


if __name__ == "__main__":
    main()
