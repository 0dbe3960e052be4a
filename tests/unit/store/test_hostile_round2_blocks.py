"""Issue 29, D2 at the unit level: which days the stored verdicts block, whichever run asks."""

from __future__ import annotations

from datetime import date

from flows.plan import looked_at
from tasks.ingest.batch_checks import DeliveryCheck
from tasks.model.records import IngestRecord
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.blocks import DayBlock, stored_blocks


def _record(key: str, collected: str, **fields) -> IngestRecord:
    return IngestRecord(key=key, etag="e", size=1, fingerprint="f", collected=collected, platform="twitter", **fields)


def test_d2_stored_rejections_and_failed_deliveries_block_their_days(tmp_path):
    store = open_storage(str(tmp_path))
    x = _record("archives/twitter/dt=2017-10-30/x.jsonl", "2017-10-30", rejected=True, error="x: bad ids",
                days={"2017-10-30": 20}, data_docs="reports/data_docs/x.html")  # fmt: skip
    empty = _record("archives/twitter/dt=2017-10-28/e.jsonl", "2017-10-28", rejected=True, error="e: empty")
    fed = _record("archives/twitter/dt=2017-11-02/f.jsonl", "2017-11-02", days={"2017-11-01": 1, "2017-11-02": 9})
    clean = _record("archives/twitter/dt=2017-10-31/y.jsonl", "2017-10-31", days={"2017-10-30": 1})
    check = DeliveryCheck("twitter", "2017-11-02", [fed.key], {"collapse_p": 1e-9, "rows": 10, "expected_rows": 200.0},
                          {"row_count_not_collapsing": "fail"})  # fmt: skip
    store.write(layout.delivery_record("twitter", "2017-11-02"), check.to_json())
    records = [x, empty, fed, clean]

    # the rejected archive blocks the day it held rows for; the empty one its collection day;
    # the failed delivery both days its archive fed; the clean archive nothing
    assert stored_blocks(store, records, date(2017, 10, 1), date(2017, 11, 30)) == [
        DayBlock(date(2017, 10, 28), "e: empty"),
        DayBlock(date(2017, 10, 30), "x: bad ids", "reports/data_docs/x.html"),
        DayBlock(date(2017, 11, 1), check.message()),
        DayBlock(date(2017, 11, 2), check.message()),
    ]
    # asked about 10-31 alone, nothing blocks it
    assert stored_blocks(store, records, date(2017, 10, 31), date(2017, 10, 31)) == []
    # a passed verdict stored over the failed one lifts its block
    passed = DeliveryCheck("twitter", "2017-11-02", [fed.key], {"rows": 200})
    store.write(layout.delivery_record("twitter", "2017-11-02"), passed.to_json())
    assert [b.day for b in stored_blocks(store, records, date(2017, 11, 1), date(2017, 11, 2))] == []


def test_d2_a_run_speaks_for_the_weeks_and_months_its_days_fall_in():
    # 10-31 (Tue, W44: 10-30..11-05) and 11-01: October and November, weeks W44
    assert looked_at([date(2017, 11, 1), date(2017, 10, 31)]) == (date(2017, 10, 1), date(2017, 11, 30))
    assert looked_at([]) is None
