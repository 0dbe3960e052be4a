"""Speed of all readings together on one core (issue 28 item 9; a benchmark, not a test).

    python -m tests.benchmarks.bench_reading --mentions 200000 [--distinct]

Real texts of the twcs sample repeated to the size asked for: customers' tweets (with the first post of their
thread, for the category reader) for the mention readers (category, urgent, stance — detractor is the same
model run, stance < 0), brands' tweets
for the channel reader (one first reply per mention). The readers are the protocol's adapters
(tests/research/reading_readers.py), so re-pointing them re-measures the new code. Re-runs itself
with POLARS_MAX_THREADS=1 when polars may use more than one thread. Prints wall and CPU time:
on a shared machine the wall time also counts other processes' turns; the CPU time is this one's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import polars as pl

from tests.research import reading_readers as readers
from tests.research.reading_labels_draw_replies import DATA


def _repeated(texts: pl.Series, size: int, distinct: bool = False) -> pl.Series:
    """The texts repeated to `size`; with `distinct`, each copy tagged (" #r<n>", a hashtag no reader
    reads) so no text repeats and readers that score each distinct text once get no free ride."""
    repeated = pl.concat([texts] * (size // texts.len() + 1))[:size]
    return (repeated + " #r" + pl.int_range(size, eager=True).cast(pl.String)) if distinct else repeated


def main() -> None:
    if pl.thread_pool_size() != 1:
        os.execve(
            sys.executable,
            [sys.executable, "-m", "tests.benchmarks.bench_reading", *sys.argv[1:]],
            os.environ | {"POLARS_MAX_THREADS": "1"},
        )
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--distinct", action="store_true", help="no text repeats (real days repeat few)")
    args = parser.parse_args()
    sample = pl.read_csv(DATA / "twcs_sample.csv", infer_schema=False)
    inbound = sample.filter(pl.col("inbound") == "True")
    # each tweet's thread as the sample holds it: a later turn whose words name no category reads its first post
    threads = readers.thread_texts(
        inbound.select(pl.lit("twcs").alias("source"), pl.col("tweet_id").alias("source_id"))
    )
    mentions = pl.DataFrame(
        {
            "brand": _repeated(inbound["author_id"], args.mentions),  # a customer id: no brand's own list applies
            "text": _repeated(inbound["text"], args.mentions, args.distinct),
            "thread_text": _repeated(threads, args.mentions),
        }
    )
    brand_posts = sample.filter(pl.col("inbound") == "False")["text"]
    replies = pl.DataFrame({"text": _repeated(brand_posts, args.mentions, args.distinct)})
    readers.stance(mentions.head(10))  # load the weights once, as a worker would
    kind = "all distinct" if args.distinct else "the sample's texts repeated"
    print(f"{args.mentions:,} mentions (+ as many first replies; {kind}), polars threads {pl.thread_pool_size()}")
    print(f"{'reader':<18}{'wall':>9}{'cpu':>9}{'mentions/s wall':>17}{'mentions/s cpu':>16}")
    wall_total = cpu_total = 0.0
    for name, run in [
        ("category", lambda: readers.category(mentions, inferred=True)),  # no registry: inferred
        ("channel", lambda: readers.channel(replies)),
        ("urgent", lambda: readers.urgent(mentions)),
        ("stance+detractor", lambda: readers.detractor(mentions, readers.stance(mentions))),
    ]:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall_total, cpu_total = wall_total + wall, cpu_total + cpu
        _line(name, wall, cpu, args.mentions)
    _line("all together", wall_total, cpu_total, args.mentions)


def _line(name: str, wall: float, cpu: float, mentions: int) -> None:
    print(f"{name:<18}{wall:>8.2f}s{cpu:>8.2f}s{mentions / wall:>17,.0f}{mentions / cpu:>16,.0f}")


if __name__ == "__main__":
    main()
