"""A clean run's stamp lets the same request answer at once, and only while nothing it reads has changed."""

from __future__ import annotations

import json

import pytest

from tasks.store.backends import open_storage
from tasks.store.run_stamp import STAMPS, archives_digest, request_of, stamp_run, up_to_date

ARCHIVE = "archives/twitter/dt=2017-10-31/a.csv"
REPORT = "reports/daily/dt=2017-10-31/report.html"
ASKED = request_of("backfill", start="2017-10-01", end="2017-10-31")


@pytest.fixture
def store(tmp_path):
    storage = open_storage(str(tmp_path))
    storage.write(ARCHIVE, b"tweet_id,text\n1,hi\n")
    basis = archives_digest(storage)
    storage.write(REPORT, b"<html>")
    storage.write("warehouse/_sources/a.json", b"{}")
    stamp_run(storage, ASKED, "settings-1", basis, ["2017-10-31"], ["weekly/2017-W44"])
    return storage


def test_the_same_request_with_nothing_changed_is_up_to_date(store):
    stamp = up_to_date(store, ASKED, "settings-1")
    assert stamp is not None
    assert (stamp.days, stamp.periods) == (["2017-10-31"], ["weekly/2017-W44"])


def test_the_request_is_named_by_its_parameters_in_a_fixed_order():
    assert request_of("nightly", day="2017-10-31", allow_empty=False) == "nightly allow_empty=False day=2017-10-31"


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.write("archives/twitter/dt=2017-11-01/b.csv", b"tweet_id\n2\n"),  # a new archive
        lambda s: s.write(ARCHIVE, b"tweet_id,text\n1,hello\n"),  # an archive replaced
        lambda s: s.write("archives/twitter/_mapping.toml", b"[columns]\n"),  # a mapping added
        lambda s: s.delete(REPORT),  # a report removed by hand
        lambda s: s.write(REPORT, b"<html>edited"),  # or edited
        lambda s: s.delete("warehouse/_sources/a.json"),  # an ingest record lost
        lambda s: s.write("quarantine/dt=2017-10-31/a.parquet", b"rows"),  # rows set aside by another run
    ],
)
def test_any_change_to_what_a_run_reads_or_leaves_means_running_again(store, change):
    change(store)
    assert up_to_date(store, ASKED, "settings-1") is None


def test_other_settings_or_another_request_are_not_up_to_date(store):
    assert up_to_date(store, ASKED, "settings-2") is None
    assert up_to_date(store, request_of("backfill", start="2017-10-01", end="2017-11-30"), "settings-1") is None


def test_an_archive_that_arrived_while_the_run_ran_is_not_skipped_next_time(tmp_path):
    storage = open_storage(str(tmp_path))
    basis = archives_digest(storage)  # the run starts: no archive yet
    storage.write(ARCHIVE, b"tweet_id\n1\n")  # arrives mid-run, after the run listed archives/
    stamp_run(storage, ASKED, "settings-1", basis, [], [])
    assert up_to_date(storage, ASKED, "settings-1") is None


def test_a_torn_or_foreign_stamp_means_running_again(store):
    [key] = store.keys(STAMPS)
    store.write(key, b'{"request": "backfill"')
    assert up_to_date(store, ASKED, "settings-1") is None
    store.write(key, json.dumps({"request": ASKED}).encode())
    assert up_to_date(store, ASKED, "settings-1") is None
