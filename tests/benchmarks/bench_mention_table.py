"""Benchmark (not a test): building mentions.parquet's rows for one busy day.

    python -m tests.benchmarks.bench_mention_table [--mentions 200000] [--authors 60000]

A synthetic day's facts (50 brands, every text carrying a phone number to mask); prints the
wall time of `mention_table` and of its two costly parts: the authors' SHA-256 pseudonyms (one
Python call per distinct brand-author) and the masking regexes.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import polars as pl

from tasks.metrics.mention_table import author_pseudonyms, mention_table
from tasks.model.masking import mask_pii


def _day(n: int, authors: int) -> pl.DataFrame:
    start = datetime(2017, 10, 31, tzinfo=UTC)
    return pl.DataFrame(
        {
            "mention_id": [str(i) for i in range(n)],
            "platform": ["twitter"] * n,
            "brand": [f"B{i % 50}" for i in range(n)],
            "author_id": [f"a{i % authors}" for i in range(n)],
            "created_at": [start + timedelta(seconds=i % 86400) for i in range(n)],
            "category": ["other"] * n,
            "severity": ["none"] * n,
            "stance": pl.Series([0] * n, dtype=pl.Int8),
            "stance_from_label": [False] * n,
            "responded": [i % 2 == 0 for i in range(n)],
            "frt_s": [60.0] * n,
            "first_response_id": ["r"] * n,
            "first_response_offline": [False] * n,
            "text": ["@B hello call me on +1 415 555 0100 please"] * n,
        }
    )


def _timed(label: str, run) -> None:
    start = time.perf_counter()
    run()
    print(f"{label}: {time.perf_counter() - start:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--authors", type=int, default=60_000)
    args = parser.parse_args()
    day = _day(args.mentions, args.authors)
    _timed(f"mention_table, {args.mentions:,} mentions", lambda: mention_table(day))
    _timed("  author pseudonyms", lambda: author_pseudonyms(day))
    _timed("  masking", lambda: day.select(mask_pii(pl.col("text"))))


if __name__ == "__main__":
    main()
