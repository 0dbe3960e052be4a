"""Benchmark (not a test): a 30-day backfill at 1, 2 and 4 concurrent days.

    python -m tests.benchmarks.bench_backfill [--days 30] [--per-day 2000]

Each run starts from the same fresh archives (one NDJSON per collection day,
some replies a day late) on a local store. The same work is also done by
calling the jobs directly, one after another, with no Prefect
(tests/benchmarks/direct.py): the difference to the 1-day-at-a-time flow is
Prefect's per-day overhead.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta

from flows.cli.runtime import in_process
from flows.pipeline import backfill
from flows.runners import configured
from tasks.jobs.settings import Settings
from tasks.store.backends import open_storage
from tests.benchmarks.direct import direct_backfill
from tests.synthetic import archive_days

FIRST = date(2017, 10, 1)


def seeded(root: str, days: int, per_day: int) -> str:
    store = open_storage(root)
    for key, data in archive_days(FIRST, days, per_day).items():
        store.write(key, data)
    return store.url


def direct(url: str, last: date) -> float:
    """The same ingest and pages, called as plain functions, one after another."""
    start = time.perf_counter()
    direct_backfill(url, FIRST, last)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=2000)
    args = parser.parse_args()
    last = FIRST + timedelta(days=args.days - 1)
    results: list[tuple[str, float]] = []
    with in_process():
        with tempfile.TemporaryDirectory() as warm:  # start Prefect's temporary server once
            configured(backfill, Settings(storage=warm))(FIRST, FIRST, storage=seeded(warm, 1, 10))
        with tempfile.TemporaryDirectory() as root:
            results.append(("direct calls, no Prefect", direct(seeded(root, args.days, args.per_day), last)))
        runs = [(f"backfill, {c} day(s) at once", {"max_concurrent_days": c}) for c in (1, 2, 4)]
        runs.append(("backfill, Dask: 2 worker processes", {"task_runner": "dask", "dask_workers": 2}))
        for label, options in runs:
            with tempfile.TemporaryDirectory() as root:
                url = seeded(root, args.days, args.per_day)
                flow = configured(backfill, Settings(storage=url, **options))
                start = time.perf_counter()
                summary = flow(FIRST, last, storage=url)
                assert len(summary["published"]) == args.days, summary
                results.append((label, time.perf_counter() - start))
    rows = args.days * args.per_day * 2
    print(f"\n{args.days} days, ~{rows:,} rows ({args.per_day} mentions a day + replies)")
    for label, seconds in results:
        print(f"{label:<32}{seconds:>8.2f} s")
    base, one = results[0][1], results[1][1]
    print(f"Prefect overhead per day (1 at once vs direct): {(one - base) / args.days * 1000:.0f} ms")
    print(
        f"speed-up vs 1 day at once: 2 days {one / results[2][1]:.2f}x, 4 days {one / results[3][1]:.2f}x, "
        f"Dask 2 processes {one / results[4][1]:.2f}x"
    )


if __name__ == "__main__":
    main()
