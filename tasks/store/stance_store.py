"""Each customer mention is stanced once per model, not once per report that reads it.

A day's mentions are read by its own report, by the ~8 daily windows around it,
by its week's and its month's: before this store each of those ran the stance
model over them again (on a 1M-mention archive, half of a weekly report's time).
Stances are kept beside the warehouse, one file per warehouse part and model:
`warehouse/_stances/<model>/dt=YYYY-MM-DD/<source>-<content hash>.parquet`, row
for row with the part. A part whose content changes (its archive re-ingested)
gets a new hash, so a stale stance is never read; a new model gets a new folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from functools import cache
from importlib import resources

import polars as pl

from tasks.model.parquet import parquet_frame, to_parquet
from tasks.model.schema import MENTION_SCHEMA
from tasks.sps.lexicon import CHEERS, COMPLAINT_CUES
from tasks.sps.score import with_stance
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.codecs import read_frame

STANCES = "warehouse/_stances/"
COLUMNS = ["stance", "stance_from_label"]


#: The model files a stance is read with: the stance weights, and the complaint model that turns
#: their neutral verdicts into detractors.
MODEL_FILES = ("stance.parquet", "complaint.parquet")


def version_of(weights: Iterable[bytes], cues: Iterable[str]) -> str:
    """A content hash of model files and phrase lists, each file hashed apart (no two sets collide)."""
    digest = hashlib.sha256()
    for part in weights:
        digest.update(hashlib.sha256(part).digest())
    digest.update("\n".join(cues).encode())
    return digest.hexdigest()[:12]


@cache
def model_version() -> str:
    """The shipped models' and complaint cues' content hash: a retrained stance or complaint model (or
    a changed reading of complaints) never reads an older model's stances."""
    models = resources.files("tasks.sps") / "models"
    return version_of([(models / name).read_bytes() for name in MODEL_FILES], [*COMPLAINT_CUES, CHEERS])


def stance_key(part_key: str, data: bytes) -> str:
    """warehouse/mentions/dt=D/<source>.parquet → warehouse/_stances/<model>/dt=D/<source>-<hash>.parquet"""
    stem = part_key.removeprefix(layout.WAREHOUSE).removesuffix(".parquet")
    return f"{STANCES}{model_version()}/{stem}-{hashlib.sha256(data).hexdigest()[:16]}.parquet"


def stanced(part: pl.DataFrame) -> pl.DataFrame:
    """`COLUMNS` for every row of a part, in its order: customer mentions stanced, brand posts null."""
    customer = (~pl.col("is_brand_author")).fill_null(False)
    indexed = part.with_row_index("_row")
    judged = with_stance(indexed.filter(customer)).select("_row", *COLUMNS)
    return indexed.select("_row").join(judged, on="_row", how="left").sort("_row").drop("_row")


def _stances(storage: Storage, part_key: str, data: bytes, part: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """The part's stances, and whether they had to be computed (then they are stored)."""
    key = stance_key(part_key, data)
    if storage.exists(key) and (stored := read_frame(storage, key)).height == part.height:
        return stored, False
    stances = stanced(part)
    storage.write(key, to_parquet(stances))
    stem = key.rsplit("-", 1)[0]
    for stale in storage.keys(f"{stem}-"):  # the same part's earlier contents
        if stale != key and re.fullmatch(rf"{re.escape(stem)}-[0-9a-f]{{16}}\.parquet", stale):
            storage.delete(stale)
    return stances, True


def with_stored_stances(storage: Storage):
    """A `load_window` part hook: the part with its stances, read if stored, else computed and stored."""

    def attach(part_key: str, data: bytes, part: pl.DataFrame) -> pl.DataFrame:
        return pl.concat([part, _stances(storage, part_key, data, part)[0]], how="horizontal")

    return attach


def store_stances(storage: Storage, day: date) -> int:
    """Stance every part of a day that has none stored yet; returns how many rows were stanced.

    A run does this for every day its reports read before it measures any, in runs of days side by side:
    reports measured side by side would otherwise stance the same new parts at the same time."""
    stanced_rows = 0
    for key in storage.keys(layout.warehouse_day(day)):
        if key.endswith(".parquet"):
            data = storage.read(key)
            part = parquet_frame(data, schema=MENTION_SCHEMA)
            stanced_rows += part.height if _stances(storage, key, data, part)[1] else 0
    return stanced_rows
