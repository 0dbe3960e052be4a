"""Speed of the category readers and themes on one core: `taskset -c 0 python -m
tests.benchmarks.bench_categories [--data ../shared/data] [--mentions 200000]`.

The sample's customer posts repeated to `--mentions` rows over 16 brands: 8 given one industry
each, 8 the general set (every brand's list runs on its own mentions), then the industry
inference over the same rows and the themes of the mentions left "other"."""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime
from pathlib import Path

import polars as pl

from tasks.metrics.categories import INDUSTRIES, Taxonomy, default_taxonomy, infer_industries, with_categories
from tasks.metrics.themes import find_themes
from tests.research.stance_training import DATA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--mentions", type=int, default=200_000)
    args = parser.parse_args()
    posts = pl.read_csv(args.data / "twcs_sample.csv", infer_schema=False).filter(pl.col("inbound") == "True")
    n = args.mentions
    texts = pl.concat([posts["text"]] * (n // posts.height + 1)).head(n)
    facts = pl.DataFrame(
        {
            "brand": [f"b{i % 16}" for i in range(n)],
            "text": texts,
            "stance": pl.Series([-1] * n, dtype=pl.Int8),
            "mention_id": [str(i) for i in range(n)],
            "date": [date(2017, 10, 31)] * n,
            "created_at": [datetime(2017, 10, 31)] * n,
        }
    )
    industries = {f"b{i}": INDUSTRIES[i % 8] for i in range(8)}
    for name, taxonomy in (
        ("general set only", Taxonomy(default_taxonomy())),
        ("8 industries + general", Taxonomy(default_taxonomy(), industries=industries)),
    ):
        start = time.perf_counter()
        categorised = with_categories(facts, taxonomy)
        print(f"categories, {name}: {n / (time.perf_counter() - start):,.0f} mentions/s")
    start = time.perf_counter()
    infer_industries(facts)
    print(f"industry inference: {n / (time.perf_counter() - start):,.0f} mentions/s")
    start = time.perf_counter()
    themes = find_themes(categorised)
    print(f"themes: {n / (time.perf_counter() - start):,.0f} mentions/s ({themes.height} themes)")


if __name__ == "__main__":
    main()
