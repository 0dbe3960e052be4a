"""A window holds each (platform, mention_id) once, whichever archives delivered it (tasks/store/warehouse.py)."""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.store.backends import open_storage
from tasks.store.warehouse import load_window, write_parts
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
