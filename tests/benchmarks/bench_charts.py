"""Benchmark (not a test): the CPU a report page's plots cost (three trend charts and the backlog).

    python -m tests.benchmarks.bench_charts --pages 90 [--against REV] [--repeat 3]

Synthetic pages shaped like a daily page of the sample: six brands over 28 days, about a third of
the points without a value (gaps), and each brand's open mentions hour by hour over two days.
`--against REV` draws the same pages with `tasks/render/charts.py` as it was at that git revision
(matplotlib's, before issue 32: it needs matplotlib installed), in the same process, alternating
with the current one, so the two are measured side by side. CPU seconds (`time.process_time`),
the median of `--repeat` rounds, after one page each to warm up (imports, font caches).
"""

from __future__ import annotations

import argparse
import statistics
import time
import types
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl

from tasks.render import charts
from tests.research.revisions import module_at

BRANDS = [f"Brand{b:02d}Help" for b in range(6)]
Page = tuple[pl.DataFrame, pl.DataFrame]


def pages(count: int, seed: int = 7) -> list[Page]:
    """Each page's trends (brand, date, response_rate, frt_median_s, sps) and backlog (brand, hour, open, peak)."""
    rng = np.random.default_rng(seed)
    out = []
    for p in range(count):
        first = date(2017, 10, 1) + timedelta(days=p)
        n = len(BRANDS) * 28
        trends = pl.DataFrame(
            {
                "brand": np.repeat(BRANDS, 28),
                "date": [first + timedelta(days=d) for d in range(28)] * len(BRANDS),
                "response_rate": np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0.4, 1.0, n)),
                "frt_median_s": np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(7.0, 1.2, n)),
                "sps": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(-90, 30, n)),
            }
        ).with_columns(pl.col("response_rate", "frt_median_s", "sps").fill_nan(None))  # no value: null
        start = datetime(2017, 10, 1, tzinfo=UTC) + timedelta(days=p)
        hours = 48
        opened = rng.poisson(3, (len(BRANDS), hours)).cumsum(axis=1) % 17
        backlog = pl.DataFrame(
            {
                "brand": np.repeat(BRANDS, hours),
                "hour": [start + timedelta(hours=h) for h in range(hours)] * len(BRANDS),
                "open": opened.ravel(),
                "peak": (np.arange(hours) == opened.argmax(axis=1)[:, None]).ravel(),
            }
        )
        out.append((trends, backlog))
    return out


def draw_page(module: types.ModuleType, page: Page) -> int:
    """A page's plots as the report draws them; their size in characters."""
    trends, backlog = page
    drawn = [module.trend_lines(trends, m, BRANDS, "daily") for m in module.TRENDS]
    drawn.append(module.backlog_lines(backlog, BRANDS))
    return sum(map(len, drawn))


def cpu(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", help="a git revision whose charts.py to time beside the current one")
    args = parser.parse_args()
    drawn = pages(args.pages)
    modules = {"current": charts}
    if args.against:
        modules = {args.against: module_at(args.against, "tasks/render/charts.py"), **modules}
    first = {name: cpu(lambda m=module: draw_page(m, drawn[0])) for name, module in modules.items()}
    rounds: dict[str, list[float]] = {name: [] for name in modules}
    for _ in range(args.repeat):
        for name, module in modules.items():  # alternating: the machine's load falls on both alike
            rounds[name].append(cpu(lambda m=module: [draw_page(m, page) for page in drawn]))
    print(f"{args.pages} pages x 4 plots (3 trends over 28 days, 1 backlog over 48 hours), 6 brands")
    for name in modules:
        total = statistics.median(rounds[name])
        print(
            f"{name:>12}: {total:7.3f} CPU-s in all, {1000 * total / args.pages:8.2f} ms a page "
            f"(first page, warming up: {first[name]:.3f} s; rounds {', '.join(f'{r:.3f}' for r in rounds[name])})"
        )
    if args.against:
        ratio = statistics.median(rounds[args.against]) / statistics.median(rounds["current"])
        print(f"current is {ratio:.0f}x less CPU than {args.against}")


if __name__ == "__main__":
    main()
