"""Frames to and from Parquet bytes, written deterministically: same rows in, same bytes out.

The byte-for-byte guarantees rest on it; reads take the columns or schema a caller needs so a reader
never depends on what a writer happened to infer.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl


def to_parquet(frame: pl.DataFrame, metadata: dict[str, str] | None = None) -> bytes:
    """Deterministic bytes for a frame: same rows in, same file out."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=True, metadata=metadata)
    return buffer.getvalue()


def parquet_frame(data: bytes, *, columns: list[str] | None = None, schema: Any = None) -> pl.DataFrame:
    """A frame from Parquet bytes, cut to `columns` or read as `schema` when given."""
    return pl.read_parquet(io.BytesIO(data), columns=columns, schema=schema)
