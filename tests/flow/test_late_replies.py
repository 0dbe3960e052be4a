"""Late replies: nightly runs, night after night, end where one backfill over everything ends.

The synthetic stream (tests/synthetic.py) answers a third of each day's
mentions 26 h later, so those replies arrive in the next night's archive.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import polars as pl

from flows.pipeline import backfill, nightly
from tasks.store import layout
from tasks.store.backends import open_storage
from tests.synthetic import MONTH_DAYS as DAYS
from tests.synthetic import MONTH_FIRST as FIRST
from tests.synthetic import archive_days


def _published(store) -> dict[str, bytes]:
    """Every report file but the manifests (run ids, timestamps), latest.json (a pointer) and
    GX's Data Docs pages (one per archive, stamped with the time it was validated)."""
    return {
        k: store.read(k)
        for k in store.keys("reports/")
        if not k.endswith(("manifest.json", "latest.json")) and not k.startswith(layout.DATA_DOCS)
    }


def _day_measures(store) -> dict[str, bytes]:
    """Every stored day measure (tasks/store/measure_store.py), by key (day and input fingerprint)."""
    return {k: store.read(k) for k in store.keys(layout.DAY_MEASURES)}


def _metrics(store, day: date) -> dict:
    data = store.read(f"{layout.report_folder(day)}metrics.parquet")
    return pl.read_parquet(io.BytesIO(data)).row(0, named=True)


def test_nightly_night_by_night_equals_one_backfill_byte_for_byte(tmp_path, published_month):
    archives = archive_days(FIRST, DAYS, per_day=6)
    nights = open_storage(str(tmp_path / "nights"))
    for night in range(DAYS):
        day = FIRST + timedelta(days=night)
        for key in [k for k in archives if layout.partition_day(k) == day]:
            nights.write(key, archives[key])
        nightly(day=day, storage=nights.url)
        if night == 0:
            # 6 mentions at 00:00, 04:00, … 20:00; those at 00:00 and 12:00 are answered 26 h later.
            first = _metrics(nights, FIRST)
            assert (first["inbound"], first["responded"], first["pending"], first["status"]) == (6, 4, 2, "provisional")
        if night == 1:  # the late replies arrived: they count on the day of their mention
            first = _metrics(nights, FIRST)
            assert (first["responded"], first["pending"], first["status"]) == (6, 0, "provisional")
        if night == 4:  # watermark 01-06 00:00 ≥ end of 01-01 + 72 h: final
            assert _metrics(nights, FIRST)["status"] == "final"

    by_night, by_backfill = _published(nights), _published(published_month)
    assert sorted(by_night) == sorted(by_backfill)
    assert len([k for k in by_night if k.endswith("report.html")]) == DAYS + 5 + 1  # days, ISO weeks, January
    differing = sorted(k for k in by_night if by_night[k] != by_backfill[k])
    assert differing == []


def test_days_measured_in_one_run_or_cut_into_runs_publish_the_same_bytes(tmp_path, monkeypatch, published_month):
    """Issue 32: a backfill measures its days in runs, one per worker, each from one read of the
    warehouse (flows/pipeline.py, `_measure_days`). With 4 workers the month's 30 days are 3 runs of
    10 (cut before 01-11 and 01-21, whose windows reach back into the run before); with 1 they are
    one run: every stored day measure and every published file is the same, byte for byte."""
    monkeypatch.setenv("SPS_MAX_CONCURRENT_DAYS", "1")
    one_run = open_storage(str(tmp_path / "one-run"))
    for key, data in archive_days(FIRST, DAYS, per_day=6).items():
        one_run.write(key, data)
    backfill(FIRST, FIRST + timedelta(days=DAYS - 1), storage=one_run.url)

    measured, by_runs = _day_measures(one_run), _day_measures(published_month)
    assert len({layout.partition_day(k) for k in measured}) == DAYS
    assert sorted(measured) == sorted(by_runs)
    assert sorted(k for k in measured if measured[k] != by_runs[k]) == []
    published, published_by_runs = _published(one_run), _published(published_month)
    assert sorted(published) == sorted(published_by_runs)
    assert sorted(k for k in published if published[k] != published_by_runs[k]) == []
