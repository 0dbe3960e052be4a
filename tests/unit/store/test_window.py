"""A window holds each (platform, mention_id) once, whichever archives delivered it (tasks/store/warehouse.py)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from polars.testing import assert_frame_equal

from tasks.model.records import IngestRecord
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.warehouse import HeldDays, load_window, write_parts
from tests.frames import frame, post

DAY = date(2017, 10, 31)


def _from(source: str, *posts: dict) -> pl.DataFrame:
    return frame(*posts).with_columns(pl.lit(source).alias("source_file"))


def _rows(window: pl.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(window.select("mention_id", "text", "source_file").rows())


def test_a_mention_two_archives_deliver_is_read_once_from_the_later_in_name_order(tmp_path):
    """Issue 29, D3: the archive collected last wins, then the later key (before: the first by name)."""
    store = open_storage(str(tmp_path))
    write_parts(
        store,
        "b",
        _from("b.csv", post("2", "c", "2017-10-31 10:00", "edited"), post("3", "d", "2017-10-31 11:00", "x")),
    )
    write_parts(
        store, "a", _from("a.csv", post("1", "e", "2017-10-31 09:00", "y"), post("2", "c", "2017-10-31 10:00", "first"))
    )
    assert _rows(load_window(store, DAY, DAY)) == [("1", "y", "a.csv"), ("2", "edited", "b.csv"), ("3", "x", "b.csv")]


def test_the_same_id_on_two_platforms_is_two_mentions(tmp_path):
    store = open_storage(str(tmp_path))
    write_parts(store, "a", _from("a.csv", post("7", "c", "2017-10-31 10:00", "tweet")))
    write_parts(
        store, "f", _from("f.csv", post("7", "c", "2017-10-31 10:00", "post")).with_columns(platform=pl.lit("facebook"))
    )
    assert _rows(load_window(store, DAY, DAY)) == [("7", "post", "f.csv"), ("7", "tweet", "a.csv")]


def test_windows_cut_from_days_read_once_are_the_windows_read_alone(tmp_path):
    """Issue 32: a run's days are measured from one read of the warehouse (HeldDays). Archive b,
    collected after a, moved mention 2 from 10-31 to 11-01: a window of 10-31 that names b as a
    rival leaves 2 out whether b's 11-01 part is held or not; a day let go is read again."""
    store = open_storage(str(tmp_path))
    a, b = "archives/twitter/dt=2017-11-01/a.csv", "archives/twitter/dt=2017-11-02/b.csv"
    write_parts(
        store,
        layout.source_slug(a),
        _from(a, post("1", "e", "2017-10-30 09:00", "y"), post("2", "c", "2017-10-31 10:00", "first")),
    )
    write_parts(
        store,
        layout.source_slug(b),
        _from(b, post("2", "c", "2017-11-01 10:00", "moved"), post("3", "d", "2017-10-31 11:00", "x")),
    )
    rival = [IngestRecord(b, "e", 1, "f", "2017-11-02", "twitter", days={"2017-10-31": 1, "2017-11-01": 1})]
    reads: list[str] = []
    read = store.read
    store.read = lambda key: reads.append(key) or read(key)  # type: ignore[method-assign]
    held = HeldDays(store)
    first, last = date(2017, 10, 30), date(2017, 11, 1)
    assert _rows(held.window(first, last)) == [("1", "y", a), ("2", "moved", b), ("3", "x", b)]
    assert len(reads) == 4  # a's parts of 10-30 and 10-31, b's of 10-31 and 11-01
    assert _rows(held.window(DAY, DAY, rival)) == [("3", "x", b)]  # b's 11-01 copy wins, read from what is held
    assert len(reads) == 4
    alone = open_storage(str(tmp_path))  # reads of its own, not counted
    for day in (first, DAY, last):
        assert_frame_equal(held.window(day, day, rival), load_window(alone, day, day, rivals=rival))
    held.forget_before(DAY)
    assert sorted(held.parts) == [DAY, last]
    assert _rows(held.window(first, first)) == [("1", "y", a)]  # read again
    assert len(reads) == 5
    assert _rows(held.window(DAY, DAY + timedelta(days=1), rival)) == [("2", "moved", b), ("3", "x", b)]
