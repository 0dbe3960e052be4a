"""Frames and JSON to and from stored bytes: one way to read them, one way to write a frame.

Parquet is written deterministically (same rows in, same bytes out), which the
byte-for-byte guarantees rest on; reads take the columns or schema a caller
needs so a reader never depends on what a writer happened to infer.
"""

from __future__ import annotations

import io
import json
from typing import Any

import polars as pl

from tasks.storage.backends import Storage


def to_parquet(frame: pl.DataFrame, metadata: dict[str, str] | None = None) -> bytes:
    """Deterministic bytes for a frame: same rows in, same file out."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=True, metadata=metadata)
    return buffer.getvalue()


def parquet_frame(data: bytes, *, columns: list[str] | None = None, schema: Any = None) -> pl.DataFrame:
    """A frame from Parquet bytes, cut to `columns` or read as `schema` when given."""
    return pl.read_parquet(io.BytesIO(data), columns=columns, schema=schema)


def read_frame(storage: Storage, key: str, *, columns: list[str] | None = None, schema: Any = None) -> pl.DataFrame:
    """The Parquet object at `key` as a frame."""
    return parquet_frame(storage.read(key), columns=columns, schema=schema)


def read_json(storage: Storage, key: str) -> Any:
    """The JSON object at `key`."""
    return json.loads(storage.read(key))
