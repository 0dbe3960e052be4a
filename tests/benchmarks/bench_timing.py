"""Benchmark (not a test): what next-reply times and the hourly backlog add to a period's measure.

Synthetic threads: each mention answered with probability 0.8 after ~18 min; a third of the
answered customers write again (a follow-up), and 70 % of those get a second answer.
`python -m tests.benchmarks.bench_timing --mentions 500000`
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from tasks.metrics.attribution import attribute
from tasks.metrics.backlog import hourly_backlog
from tasks.metrics.conversations import conversations, conversations_and_follow_ups
from tasks.metrics.definitions import mention_facts
from tasks.model.schema import MENTION_SCHEMA

START = datetime(2017, 10, 2, tzinfo=UTC)


def _posts(mentions: int, brands: int, days: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    brand = np.array([f"Brand{b:03d}Help" for b in range(brands)])[rng.zipf(1.6, mentions) % brands]
    created = rng.integers(0, days * 86400, mentions)
    answered = rng.random(mentions) < 0.8
    again = answered & (rng.random(mentions) < 1 / 3)
    second = again & (rng.random(mentions) < 0.7)
    delay = lambda: np.exp(rng.normal(7.0, 1.6, mentions)).astype(np.int64)  # noqa: E731
    first_at = created + delay()
    again_at = first_at + delay()
    second_at = again_at + delay()
    ids = np.arange(mentions)

    def rows(kind: str, mask: np.ndarray, at: np.ndarray, by_brand: bool, parent: str | None) -> pl.DataFrame:
        n = int(mask.sum())
        return pl.DataFrame(
            {
                "mention_id": [f"{kind}{i}" for i in ids[mask]],
                "platform": "twitter",
                "brand": brand[mask] if by_brand else None,
                "author_id": brand[mask] if by_brand else [f"c{i}" for i in ids[mask]],
                "is_brand_author": [by_brand] * n,
                "created_at": [START + timedelta(seconds=int(s)) for s in at[mask]],
                "text": [f"@{b} help" for b in brand[mask]] if not by_brand else "on it",
                "in_reply_to_id": None if parent is None else [f"{parent}{i}" for i in ids[mask]],
            },
            schema_overrides={"brand": pl.String, "in_reply_to_id": pl.String},
        )

    parts = [
        rows("m", np.ones(mentions, bool), created, False, None),
        rows("r", answered, first_at, True, "m"),
        rows("f", again, again_at, False, "r"),
        rows("s", second, second_at, True, "f"),
    ]
    return pl.concat(parts, how="diagonal_relaxed").select(
        [pl.col(c).cast(t) if c in parts[0].columns else pl.lit(None, t).alias(c) for c, t in MENTION_SCHEMA.items()]
    )


def _timed(name: str, work) -> None:
    start = time.perf_counter()
    out = work()
    print(f"{name:<40}{time.perf_counter() - start:>8.2f} s   {out.height:>10,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=500_000)
    parser.add_argument("--brands", type=int, default=60)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    posts = attribute(_posts(args.mentions, args.brands, args.days), {})
    span = (START - timedelta(days=1), START + timedelta(days=args.days + 1))
    print(f"{posts.height:,} posts")
    _timed("conversations (before)", lambda: conversations(posts, span))
    _timed(
        "conversations + follow-ups (now)", lambda: pl.concat(conversations_and_follow_ups(posts, span), how="diagonal")
    )
    facts = mention_facts(posts)[0]
    watermark = START + timedelta(days=args.days + 4)
    _timed("hourly backlog", lambda: hourly_backlog(facts, keys=["brand"], horizon_s=72 * 3600, watermark=watermark))


if __name__ == "__main__":
    main()
