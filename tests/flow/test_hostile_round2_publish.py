"""The hostile corpus of issue 29 (round 2), what gets published: each case reproduces one defect.

Every test here failed before its fix. Flows run in-process on a local store.
"""

from __future__ import annotations

import io
import json
from datetime import date

import polars as pl
import pytest

from flows.pipeline import PipelineFailed, backfill, nightly, replay_quarantine
from tasks.store import layout
from tasks.store.backends import open_storage

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _mention(mention_id: str, created: str, **extra) -> dict:
    return {
        "mention_id": mention_id,
        "author_id": f"c-{mention_id}",
        "is_brand_author": False,
        "created_at": created,
        "text": "@AcmeHelp where is my parcel",
        "brand": "AcmeHelp",
    } | extra


def _put(store, day: str, rows: list[dict], name: str) -> str:
    key = f"archives/twitter/dt={day}/{name}"
    store.write(key, "\n".join(json.dumps(r) for r in rows).encode())
    return key


def _inbound(store, folder: str) -> int:
    frame = pl.read_parquet(io.BytesIO(store.read(f"{folder}metrics.parquet")))
    return int(frame["inbound"].sum())


def _malformed(day: str, n: int) -> list[dict]:
    """`n` rows whose ids break mention_id_well_formed (a space): all n of n bad rejects the archive."""
    return [_mention(f"bad id {i}", f"{day}T09:{i:02d}:00Z") for i in range(n)]


def _no_failed_beside_a_manifest(store) -> None:
    """FAILED.json and manifest.json never sit in one day's folder."""
    folders: dict[str, set[str]] = {}
    for key in store.keys(layout.DAILY_REPORTS):
        folder, name = key.rsplit("/", 1)
        folders.setdefault(folder, set()).add(name)
    both = sorted(f for f, names in folders.items() if {"FAILED.json", "manifest.json"} <= names)
    assert both == []


# D2. A rejected day stays unpublished, whichever run looks at it.


def test_d2_late_post_does_not_publish_a_rejected_day(tmp_path):
    """The nightly for 10-30 rejects X (20 of 20 ids malformed); the nightly for 10-31 carries one
    late post created on 10-30: 10-30 stays unpublished (X still rejected), 10-31 publishes."""
    store = open_storage(str(tmp_path))
    x = _put(store, "2017-10-30", _malformed("2017-10-30", 20), "x.jsonl")
    with pytest.raises(PipelineFailed, match="2017-10-30"):
        nightly(date(2017, 10, 30), storage=store.url)
    assert store.exists(layout.failed_marker(date(2017, 10, 30)))

    late = [_mention("late-1", "2017-10-30T23:00:00Z")] + [
        _mention(f"d31-{i}", f"2017-10-31T10:{i:02d}:00Z") for i in range(3)
    ]
    _put(store, "2017-10-31", late, "y.jsonl")
    with pytest.raises(PipelineFailed) as failure:
        nightly(date(2017, 10, 31), storage=store.url)
    assert f"2017-10-30: {x}: 20 of 20 rows broke the suite" in str(failure.value)
    assert not store.exists(layout.report_folder(date(2017, 10, 30)) + layout.MANIFEST)
    marker = json.loads(store.read(layout.failed_marker(date(2017, 10, 30))))
    assert marker["reasons"][0].startswith(f"{x}: 20 of 20 rows")
    # 10-31 publishes with its 3 mentions; latest.json points at it, never at the blocked 10-30
    assert _inbound(store, layout.report_folder(date(2017, 10, 31))) == 3
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-10-31"
    _no_failed_beside_a_manifest(store)


def test_d2_replay_of_one_archive_does_not_publish_a_day_another_blocks(tmp_path):
    """A (all ids malformed) and B (one bad row of 3 over a 5 % threshold: rejected) both hold rows of
    11-02; B is fixed and replayed alone: 11-02 stays blocked by A, latest.json stays on 11-01, and the
    next backfill leaves no FAILED.json beside a manifest."""
    store = open_storage(str(tmp_path))
    _put(store, "2017-11-01", [_mention(f"d1-{i}", f"2017-11-01T10:{i:02d}:00Z") for i in range(3)], "good.jsonl")
    a = _put(store, "2017-11-02", _malformed("2017-11-02", 20), "a.jsonl")
    # 4 of 5 rows broken (text empty): P(4+ of 5 | 5 % bad) = 3.0e-5 < 0.001, so B is rejected too
    b_rows = [_mention(f"d2-{i}", f"2017-11-02T10:{i:02d}:00Z", text="" if i else "hi @AcmeHelp") for i in range(5)]
    b = _put(store, "2017-11-02", b_rows, "b.jsonl")
    with pytest.raises(PipelineFailed):
        backfill(date(2017, 11, 1), date(2017, 11, 2), storage=store.url)
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-11-01"

    _put(store, "2017-11-02", [_mention(f"d2-{i}", f"2017-11-02T10:{i:02d}:00Z") for i in range(5)], "b.jsonl")
    with pytest.raises(PipelineFailed) as failure:
        replay_quarantine(storage=store.url, source=b)
    assert f"2017-11-02: {a}: 20 of 20 rows" in str(failure.value)
    assert not store.exists(layout.report_folder(date(2017, 11, 2)) + layout.MANIFEST)
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-11-01"

    with pytest.raises(PipelineFailed, match=a):
        backfill(date(2017, 11, 1), date(2017, 11, 2), storage=store.url)
    assert store.exists(layout.failed_marker(date(2017, 11, 2)))
    _no_failed_beside_a_manifest(store)


def test_d2_a_day_blocked_after_it_was_published_is_taken_down_and_latest_moves_back(tmp_path):
    """11-01 and 11-02 publish (latest 11-02); a rejected archive then lands on 11-02: its report is
    taken down (FAILED.json alone), latest.json goes back to 11-01, and no page may publish it by any
    path; once the archive is removed, 11-02 publishes again and latest returns to it."""
    from datetime import UTC, datetime

    from tasks.jobs.period_report import publish_period_report
    from tasks.jobs.settings import Settings
    from tasks.model.periods import period_of
    from tasks.store.blocks import DayBlocked

    store = open_storage(str(tmp_path))
    for day in ("2017-11-01", "2017-11-02"):
        _put(store, day, [_mention(f"{day}-{i}", f"{day}T10:{i:02d}:00Z") for i in range(3)], "good.jsonl")
    backfill(date(2017, 11, 1), date(2017, 11, 2), storage=store.url)
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-11-02"

    x = _put(store, "2017-11-02", _malformed("2017-11-02", 20), "x.jsonl")
    with pytest.raises(PipelineFailed, match="2017-11-02"):
        nightly(date(2017, 11, 2), storage=store.url)
    assert not store.exists(layout.report_folder(date(2017, 11, 2)) + layout.MANIFEST)
    assert store.exists(layout.failed_marker(date(2017, 11, 2)))
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-11-01"
    _no_failed_beside_a_manifest(store)
    with pytest.raises(DayBlocked, match=x):  # the page itself refuses, whatever asked for it
        publish_period_report(
            store,
            period_of("daily", date(2017, 11, 2)),
            datetime(2017, 11, 3, tzinfo=UTC),
            Settings.for_storage(store.url),
            run_id="t",
        )

    store.delete(x)
    nightly(date(2017, 11, 2), storage=store.url)
    assert not store.exists(layout.failed_marker(date(2017, 11, 2)))
    assert _inbound(store, layout.report_folder(date(2017, 11, 2))) == 3
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-11-02"


# D3. One mention in two archives is counted once, on the day of the copy that wins.


def test_d3_a_month_of_eleven_mentions_shows_eleven_and_the_conflict_is_reported(tmp_path):
    """A (collected 11-01) holds 10 mentions created 11-01 (ids n0..n9); B (collected 11-07) holds n9
    again, created 11-07, and n10: 11 mentions. Before: 11-01 counted 10, 11-07 counted 2, the month
    12. Now B's copy (collected last) wins: 11-01 has 9, 11-07 has 2, the month 11, and both days'
    validation.json name the conflict."""
    store = open_storage(str(tmp_path))
    a = _put(store, "2017-11-01", [_mention(f"n{i}", f"2017-11-01T10:{i:02d}:00Z") for i in range(10)], "a.jsonl")
    b_rows = [_mention("n9", "2017-11-07T10:00:00Z"), _mention("n10", "2017-11-07T10:05:00Z")]
    b = _put(store, "2017-11-07", b_rows, "b.jsonl")
    backfill(date(2017, 11, 1), date(2017, 11, 7), storage=store.url)
    assert _inbound(store, layout.report_folder(date(2017, 11, 1))) == 9
    assert _inbound(store, layout.report_folder(date(2017, 11, 7))) == 2
    assert _inbound(store, "reports/monthly/month=2017-11/") == 11
    conflict = {"platform": "twitter", "mention_id": "n9", "kept": b, "dropped": a}
    for day in (date(2017, 11, 1), date(2017, 11, 7)):
        validation = json.loads(store.read(layout.report_folder(day) + "validation.json"))
        assert validation["duplicates_across_archives"] == [conflict]


def test_d3_a_later_archive_moves_a_mention_and_the_nightly_republishes_the_day_it_left(tmp_path):
    """The nightly for 11-01 publishes 10 mentions; the nightly for 11-07 brings n9 again (created
    11-07): 11-01 is six days back, outside what new rows on 11-07 alone would touch, yet it loses n9
    and must be republished with 9."""
    store = open_storage(str(tmp_path))
    _put(store, "2017-11-01", [_mention(f"n{i}", f"2017-11-01T10:{i:02d}:00Z") for i in range(10)], "a.jsonl")
    nightly(date(2017, 11, 1), storage=store.url)
    assert _inbound(store, layout.report_folder(date(2017, 11, 1))) == 10
    _put(store, "2017-11-07", [_mention("n9", "2017-11-07T10:00:00Z")], "b.jsonl")
    nightly(date(2017, 11, 7), storage=store.url)
    assert _inbound(store, layout.report_folder(date(2017, 11, 1))) == 9
    assert _inbound(store, layout.report_folder(date(2017, 11, 7))) == 1
