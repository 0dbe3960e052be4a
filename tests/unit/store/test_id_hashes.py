"""An archive finds the archives sharing its mentions by their id indexes, reading again only an
index that changed, and in full only those whose id hashes meet its own (tasks/store/id_hashes.py)."""

from __future__ import annotations

import polars as pl

from tasks.store import id_hashes, layout
from tasks.store.backends import open_storage
from tasks.store.warehouse import index_mention_ids
from tests.counting_storage import CountingStorage

A, B, C, D = (f"archives/twitter/dt=2017-10-0{n}/{name}.csv" for n, name in enumerate("abcd", 1))


def _accepted(*ids: str) -> pl.DataFrame:
    return pl.DataFrame({"mention_id": list(ids)})


def _index_reads(store: CountingStorage) -> list[str]:
    """Which archives' indexes were read (a slug reads `twitter_dt_2017-10-01_a.csv-<digest>`)."""
    return sorted(k.rsplit("/", 1)[-1].split(".csv")[0][-1] for k in store.reads)


def test_an_archive_finds_exactly_the_archives_holding_its_ids(tmp_path):
    """a holds 1 2, b holds 3, c holds 2 5. d (2, 7) shares with a and c, not b; a d holding
    nothing of theirs (8) shares with none."""
    store = CountingStorage(str(tmp_path))
    assert index_mention_ids(store, A, "twitter", _accepted("1", "2")) == []
    assert index_mention_ids(store, B, "twitter", _accepted("3")) == []
    assert index_mention_ids(store, C, "twitter", _accepted("2", "5")) == [A]
    assert index_mention_ids(store, D, "twitter", _accepted("2", "7")) == [A, C]
    assert index_mention_ids(store, D, "twitter", _accepted("8")) == []


def test_an_unchanged_index_is_read_once_and_a_changed_one_again(tmp_path):
    """Three archives in a row (b reads a's index for its hashes, c only b's: a's is held), then
    a is re-ingested holding 9 (c's index is read, b's is held) and d looks for 9: a's index is
    read again (it changed) and then in full to confirm; b's and c's are not read again."""
    store = CountingStorage(str(tmp_path))
    index_mention_ids(store, A, "twitter", _accepted("1"))
    index_mention_ids(store, B, "twitter", _accepted("2"))
    index_mention_ids(store, C, "twitter", _accepted("3"))
    assert _index_reads(store) == ["a", "b"]
    store.reads.clear()
    assert index_mention_ids(store, A, "twitter", _accepted("9")) == []
    assert _index_reads(store) == ["c"]
    store.reads.clear()
    assert index_mention_ids(store, D, "twitter", _accepted("9")) == [A]
    assert _index_reads(store) == ["a", "a"]


def test_a_hash_meeting_by_chance_is_confirmed_before_it_is_named(tmp_path, monkeypatch):
    """When the hashes say every index may hold an id (a collision), only the indexes really
    holding it are named."""
    store = open_storage(str(tmp_path))
    index_mention_ids(store, A, "twitter", _accepted("1"))
    index_mention_ids(store, B, "twitter", _accepted("2"))
    monkeypatch.setattr("tasks.store.warehouse.indexes_meeting", lambda storage, indexes, ids: [i.key for i in indexes])
    assert index_mention_ids(store, C, "twitter", _accepted("2")) == [B]
    assert sorted(store.keys(layout.mention_ids("twitter"))) == [
        layout.mention_index("twitter", layout.source_slug(k)) for k in (A, B, C)
    ]


def test_hashes_are_filed_under_the_content_read_not_the_listing(tmp_path):
    """a's index listed holding 1, rewritten to hold 2 before it is read: the hashes read (of 2) are
    filed under the new content's ETag, so the next listing (which shows it) reads nothing, and a
    listing still naming the old content reads it again."""
    store = CountingStorage(str(tmp_path))
    index_mention_ids(store, A, "twitter", _accepted("1"))
    (listed,) = store.list(layout.mention_ids("twitter"))
    index_mention_ids(store, A, "twitter", _accepted("2"))  # rewritten after `listed` was taken
    store.reads.clear()
    assert id_hashes.indexes_meeting(store, [listed], pl.Series(["2"])) == [listed.key]
    (now,) = store.list(layout.mention_ids("twitter"))
    assert id_hashes.indexes_meeting(store, [now], pl.Series(["2"])) == [now.key]
    assert _index_reads(store) == ["a"]
    assert id_hashes.indexes_meeting(store, [listed], pl.Series(["1"])) == []
    assert _index_reads(store) == ["a", "a"]
