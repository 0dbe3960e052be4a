"""Stored objects as frames and JSON: one way to read them (writing a frame is `tasks.model.parquet`)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from tasks.model.parquet import parquet_frame
from tasks.store.backends import Storage


def read_frame(storage: Storage, key: str, *, columns: list[str] | None = None, schema: Any = None) -> pl.DataFrame:
    """The Parquet object at `key` as a frame."""
    return parquet_frame(storage.read(key), columns=columns, schema=schema)


def read_json(storage: Storage, key: str) -> Any:
    """The JSON object at `key`."""
    return json.loads(storage.read(key))
