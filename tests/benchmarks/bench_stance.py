"""Stance classification speed on one core: `POLARS_MAX_THREADS=1 python -m tests.benchmarks.bench_stance`.

Real customer tweets (the twcs sample's inbound ones), repeated to the size
asked for; the model and the old lexicon side by side in one run.
"""

from __future__ import annotations

import argparse
import os
import time

import polars as pl

from tasks.sps.lexicon import classify_stance
from tasks.sps.stance_model import predict, weights
from tests.research.stance_training import DATA, twcs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=200_000)
    args = parser.parse_args()
    inbound = twcs(DATA).filter(pl.col("inbound") == "True")["text"]
    texts = pl.concat([inbound] * (args.mentions // inbound.len() + 1))[: args.mentions]
    weights()  # load once, as a worker would
    print(
        f"{texts.len():,} mentions, POLARS_MAX_THREADS={os.environ.get('POLARS_MAX_THREADS', 'all')}, "
        f"polars threads {pl.thread_pool_size()}"
    )
    for name, run in [
        ("stance model", lambda: predict(texts)),
        ("lexicon", lambda: pl.DataFrame({"text": texts}).select(classify_stance())),
    ]:
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
        print(f"{name:<14}{seconds:>8.2f} s{texts.len() / seconds:>14,.0f} mentions/s")


if __name__ == "__main__":
    main()
