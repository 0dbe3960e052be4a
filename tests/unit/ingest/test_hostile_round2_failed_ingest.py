"""Issue 29, D2 (the rest): an archive whose ingest failed outright leaves a stored verdict, so every
later run keeps its days blocked, not only the run that saw the failure."""

from __future__ import annotations

import json
from datetime import date

from tasks.ingest.policy import load_policy
from tasks.jobs.ingest_archive import INGEST_FAILED, ingest_objects
from tasks.store.backends import LocalStorage, StorageError, open_storage
from tasks.store.blocks import stored_blocks
from tasks.store.ledger import read_records

KEY = "archives/twitter/dt=2017-10-30/x.jsonl"
OTHER = "archives/twitter/dt=2017-10-30/y.jsonl"


class _Unreadable(LocalStorage):
    """Local storage whose read of one archive fails every time (a body that keeps dropping)."""

    def read(self, key: str) -> bytes:
        if key == KEY:
            raise StorageError(f"{key}: connection dropped")
        return super().read(key)


def _rows(ids: list[str], day: str) -> bytes:
    return "\n".join(
        json.dumps(
            {
                "mention_id": i,
                "author_id": "c1",
                "is_brand_author": False,
                "created_at": f"{day}T10:00:00Z",
                "text": "@AcmeHelp hi",
            }
        )
        for i in ids
    ).encode()


def _ingest(store, keys: list[str]):
    objects = [store.list(k)[0] for k in keys]
    return ingest_objects(store, objects, policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")


def test_d2_an_archive_that_cannot_be_read_blocks_its_days_for_every_later_run(tmp_path):
    """X was ingested once (2 rows on 10-29, 1 on 10-30), then its new version cannot be read: its
    stored record now says rejected (rule ingest_failed) with those 2 days, its parts are gone, and
    stored_blocks (what any later run asks) blocks 10-29 and 10-30; Y, judged beside it, is fine.
    Before, no record changed: the next run published X's old rows with no block."""
    store = open_storage(str(tmp_path))
    store.write(KEY, _rows(["1", "2"], "2017-10-29") + b"\n" + _rows(["3"], "2017-10-30"))
    _ingest(store, [KEY])
    store.write(KEY, _rows(["1", "2", "4"], "2017-10-29"))  # a new version: etag and size change
    store.write(OTHER, _rows(["5"], "2017-10-30"))
    failing = _Unreadable(tmp_path)
    outcome, other = _ingest(failing, [KEY, OTHER])
    assert isinstance(outcome, StorageError) and not other.rejected

    records = {r.key: r for r in read_records(store)}
    assert records[KEY].rejected and records[KEY].failed_rules == [INGEST_FAILED]
    assert records[KEY].days == {"2017-10-29": 2, "2017-10-30": 1}
    assert not store.keys("warehouse/mentions/dt=2017-10-29/")  # X's rows no longer count anywhere
    blocked = stored_blocks(store, list(records.values()), date(2017, 10, 29), date(2017, 10, 30))
    assert sorted({b.day for b in blocked}) == [date(2017, 10, 29), date(2017, 10, 30)]
    assert all("connection dropped" in b.reason for b in blocked)

    # a later run reads it: the record is replaced, nothing blocks (3 rows on 10-29)
    (fixed,) = _ingest(store, [KEY])
    assert not fixed.rejected and fixed.days == {"2017-10-29": 3}
    assert stored_blocks(store, read_records(store), date(2017, 10, 29), date(2017, 10, 30)) == []


def test_d2_an_archive_never_ingested_that_cannot_be_read_blocks_its_collection_day(tmp_path):
    """No previous record: the stored verdict has no days, so it blocks its collection day, 10-30."""
    store = open_storage(str(tmp_path))
    store.write(KEY, _rows(["1"], "2017-10-30"))
    (outcome,) = _ingest(_Unreadable(tmp_path), [KEY])
    assert isinstance(outcome, StorageError)
    blocked = stored_blocks(store, read_records(store), date(2017, 10, 30), date(2017, 10, 30))
    assert [b.day for b in blocked] == [date(2017, 10, 30)]
