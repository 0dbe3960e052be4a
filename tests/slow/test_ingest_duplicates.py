"""Issue 29, D3: one mention in two archives is counted once, by a stated rule, and reported.

The rule: the copy of the archive collected last (its dt= partition, then the later key) wins,
wherever the copies' created days fall (tasks/store/warehouse.py, `precedence`).
"""

from __future__ import annotations

import json
from datetime import date

from tasks.ingest.policy import load_policy
from tasks.jobs.ingest_archive import ingest_object
from tasks.model.fingerprint import rivals, window_records
from tasks.store.backends import open_storage
from tasks.store.ledger import read_records
from tasks.store.warehouse import copy_conflicts, load_window


def _row(mention_id: str, created: str, text: str = "@AcmeHelp where is my parcel") -> dict:
    return {"mention_id": mention_id, "author_id": "c1", "is_brand_author": False, "created_at": created, "text": text}


def _ingest(store, key: str, rows: list[dict]) -> None:
    store.write(key, "\n".join(json.dumps(r) for r in rows).encode())
    ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")


def _window(store, start: date, end: date):
    """What a report over [start, end] reads (tasks/jobs/period_report.py, ReportInputs.measure)."""
    records = read_records(store)
    return load_window(store, start, end, rivals=rivals(records, window_records(records, start, end)))


A = "archives/twitter/dt=2017-10-30/a.jsonl"
B = "archives/twitter/dt=2017-11-05/b.jsonl"


def test_d3_a_mention_in_two_archives_six_days_apart_counts_once_on_the_later_archives_day(tmp_path):
    """m5 is in A (collected 10-30, created 10-30) and in B (collected 11-05, created 11-05): B was
    collected last, so m5 counts on 11-05 only: 10-30 holds m1..m4 (4), 11-05 holds m5 and m6 (2)."""
    store = open_storage(str(tmp_path))
    _ingest(store, A, [_row(f"m{i}", f"2017-10-30T10:0{i}:00Z") for i in range(1, 6)])
    _ingest(store, B, [_row("m5", "2017-11-05T09:00:00Z"), _row("m6", "2017-11-05T09:05:00Z")])

    assert sorted(_window(store, date(2017, 10, 30), date(2017, 10, 30))["mention_id"]) == ["m1", "m2", "m3", "m4"]
    assert sorted(_window(store, date(2017, 11, 5), date(2017, 11, 5))["mention_id"]) == ["m5", "m6"]
    # the whole span holds 6 mentions, each once (4 + 2 = 6, not 7)
    assert _window(store, date(2017, 10, 30), date(2017, 11, 5)).height == 6
    # reported on either day: B's copy kept, A's dropped
    conflict = {"platform": "twitter", "mention_id": "m5", "kept": B, "dropped": A}
    records = read_records(store)
    for day in (date(2017, 10, 30), date(2017, 11, 5)):
        found = copy_conflicts(store, day, day, rivals(records, window_records(records, day, day)))
        assert found.to_dicts() == [conflict]


def test_d3_within_one_window_the_later_collected_copy_wins_not_the_first_name(tmp_path):
    """z.jsonl (collected 11-01) and a.jsonl (collected 11-02, a correction) both hold m1 created on
    11-01: the correction wins although "a" sorts first; on one collection day the later key wins."""
    store = open_storage(str(tmp_path))
    first = "archives/twitter/dt=2017-11-01/z.jsonl"
    correction = "archives/twitter/dt=2017-11-02/a.jsonl"
    _ingest(store, first, [_row("m1", "2017-11-01T10:00:00Z", "@AcmeHelp wrong text")])
    _ingest(store, correction, [_row("m1", "2017-11-01T10:00:00Z", "@AcmeHelp corrected")])
    window = _window(store, date(2017, 11, 1), date(2017, 11, 2))
    assert window.select("mention_id", "text", "source_file").rows() == [("m1", "@AcmeHelp corrected", correction)]

    later_name = "archives/twitter/dt=2017-11-02/b.jsonl"
    _ingest(store, later_name, [_row("m1", "2017-11-01T10:00:00Z", "@AcmeHelp b's copy")])
    window = _window(store, date(2017, 11, 1), date(2017, 11, 1))
    assert window.select("text", "source_file").rows() == [("@AcmeHelp b's copy", later_name)]
    assert copy_conflicts(store, date(2017, 11, 1), date(2017, 11, 1)).select("kept", "dropped").rows() == [
        (later_name, first),  # dropped copies in key order: dt=2017-11-01/z before dt=2017-11-02/a
        (later_name, correction),
    ]


def _twcs(mention_id: str, created: str) -> dict:
    """A row with a twcs id: numbered in sequence by the corpus, not by time."""
    return _row(mention_id, created)


def test_d3_archives_whose_id_ranges_interleave_but_share_no_id_are_no_rivals(tmp_path):
    """twcs ids are sequential, not time-ordered: A holds 1, 5, 9 and B holds 3, 7 (ranges 1..9 and
    3..7 overlap) yet no id is in both, so neither is the other's rival; before, the range test
    made them rivals and every window read the other's ids. C holds 5 (A has it): C and A only."""
    store = open_storage(str(tmp_path))
    a, b, c = A, "archives/twitter/dt=2017-10-31/b.jsonl", "archives/twitter/dt=2017-11-01/c.jsonl"
    _ingest(store, a, [_twcs(i, "2017-10-30T10:00:00Z") for i in ("1", "5", "9")])
    _ingest(store, b, [_twcs(i, "2017-10-31T10:00:00Z") for i in ("3", "7")])
    records = {r.key: r for r in read_records(store)}
    assert rivals(list(records.values()), [records[b]]) == []
    assert rivals(list(records.values()), [records[a]]) == []
    _ingest(store, c, [_twcs("5", "2017-11-01T10:00:00Z")])
    records = {r.key: r for r in read_records(store)}
    assert records[c].shared_with == [a]  # found by C's ingest: A's index holds "5"
    assert [r.key for r in rivals(list(records.values()), [records[a]])] == [c]  # named by C, found from A too
    assert [r.key for r in rivals(list(records.values()), [records[b]])] == []
    # the rule still holds: "5" counts on 11-01 (C collected last), A's 10-30 keeps 1 and 9
    assert sorted(_window(store, date(2017, 10, 30), date(2017, 10, 30))["mention_id"]) == ["1", "9"]


def test_d3_an_archive_ingested_before_the_id_index_gets_one_built_from_its_parts(tmp_path):
    """A record written by older code has an id range and no index: the next ingest builds A's index
    from A's parts (ids 1, 5, 9) and finds that C shares "5"."""
    store = open_storage(str(tmp_path))
    _ingest(store, A, [_twcs(i, "2017-10-30T10:00:00Z") for i in ("1", "5", "9")])
    (record_key,) = store.keys("warehouse/_sources/")
    old = json.loads(store.read(record_key))
    old.pop("shared_with")
    old["mention_ids"] = ["1", "9"]  # what the record held before the index
    store.write(record_key, json.dumps(old).encode())
    for index in store.keys("warehouse/_mention_ids/"):
        store.delete(index)
    assert [r.key for r in read_records(store)] == [A]  # the old record still reads
    c = "archives/twitter/dt=2017-11-01/c.jsonl"
    _ingest(store, c, [_twcs("5", "2017-11-01T10:00:00Z")])
    records = {r.key: r for r in read_records(store)}
    assert records[c].shared_with == [A]
    assert sorted(_window(store, date(2017, 10, 30), date(2017, 10, 30))["mention_id"]) == ["1", "9"]


def test_d3_removing_the_archive_that_won_republishes_the_day_of_the_copy_it_outranked(tmp_path):
    """B (collected 11-05) outranks A's copy of m5 (created 10-30). B's object is removed: forgetting
    it returns 11-05 (B's day) and 10-30, where A's copy of m5 counts again (5 mentions, not 4)."""
    from flows.tasks import forget

    store = open_storage(str(tmp_path))
    _ingest(store, A, [_row(f"m{i}", f"2017-10-30T10:0{i}:00Z") for i in range(1, 6)])
    _ingest(store, B, [_row("m5", "2017-11-05T09:00:00Z")])
    store.delete(B)
    days = forget.fn(str(tmp_path), [A], date(2017, 11, 5), date(2017, 11, 5))
    assert days == [date(2017, 10, 30), date(2017, 11, 5)]
    assert _window(store, date(2017, 10, 30), date(2017, 10, 30)).height == 5
