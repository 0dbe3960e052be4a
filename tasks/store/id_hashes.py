"""Which archives' id indexes may hold one of an archive's ids, without reading them all each time.

Every archive ingested looks for its mention ids in the index of every other archive on its
platform (`warehouse.index_mention_ids`). Read in full each time, a backfill of N daily archives
read N²/2 indexes (90 of them: 4,005 reads; a year's: 66,000), and every nightly one more than
the night before. A process keeps each index it has read as the hashes of its ids, under the
index's key and ETag (its content, listed with it): an index is read again only when it changed,
and only those whose hashes meet the archive's are read in full by the caller to confirm, so a
hash collision costs one read, never a wrong answer. Held per store (its URL): 12 bytes an id (5 M ids, 60 MB), for
the life of the process (an index removed since stays held until then: archives are rarely removed).
"""

from __future__ import annotations

import threading

import polars as pl

from tasks.model.parquet import parquet_frame
from tasks.model.records import ObjectInfo
from tasks.store.backends import Storage

_LOCK = threading.Lock()
#: (store URL, index key) -> (its ETag, its ids' hashes and the index's slot)
_HELD: dict[tuple[str, str], tuple[str, pl.DataFrame]] = {}
#: (store URL, index key) -> a number standing for it in the frames (4 bytes a row, not a key)
_SLOTS: dict[tuple[str, str], int] = {}


def id_hashes(ids: pl.Series) -> pl.Series:
    """The distinct hashes of `ids` (strings): polars' hash, stable within a process, which is
    as long as any of them is kept."""
    return ids.cast(pl.String).drop_nulls().hash().unique().alias("hash")


def _held(storage: Storage, index: ObjectInfo) -> pl.DataFrame:
    """hash, slot of the index's ids: held, or read now when it is new or changed."""
    where = (storage.url, index.key)
    with _LOCK:
        held = _HELD.get(where)
    if held is not None and held[0] == index.etag:
        return held[1]
    data, etag = storage.read_tagged(index.key)  # filed under what was read: it may have changed since listed
    hashes = id_hashes(parquet_frame(data, columns=["mention_id"])["mention_id"])
    with _LOCK:
        slot = _SLOTS.setdefault(where, len(_SLOTS))
        frame = hashes.to_frame().with_columns(pl.lit(slot, dtype=pl.UInt32).alias("slot"))
        _HELD[where] = (etag, frame)
    return frame


def indexes_meeting(storage: Storage, indexes: list[ObjectInfo], ids: pl.Series) -> list[str]:
    """The keys of those `indexes` holding an id whose hash is one of `ids`' hashes (in `indexes`'
    order): every index holding one of `ids`, and rarely one more. One join over all of them."""
    if not indexes:
        return []
    held = pl.concat([_held(storage, index) for index in indexes], rechunk=False)
    met = set(held.join(id_hashes(ids).to_frame(), on="hash", how="semi")["slot"].unique().to_list())
    with _LOCK:
        return [index.key for index in indexes if _SLOTS[storage.url, index.key] in met]
