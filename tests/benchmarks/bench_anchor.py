"""Benchmark (not a test): the whole `sps backfill` beside a DuckDB anchor, on the same archive.

    python -m tests.benchmarks.bench_anchor --mentions 1000000 [--days 7] [--brands 60]

Writes one synthetic twcs-layout archive (tests/benchmarks/bench_pipeline.py's generator), then
runs, one after the other and each in its own process: (1) the anchor, a short DuckDB script that
does the core of the care metrics (inbound per brand and day, answered within 72 h, first-response
median / p90 / mean, SLA within 1 h, written to Parquet), and (2) `sps backfill` over the archive's
days on a fresh local store and Prefect home. Prints wall time, CPU time and peak resident memory
of each, and the backfill-to-anchor ratios. The anchor is a yardstick, not the product: it skips
validation, attribution, SPS and the reports.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import timedelta
from pathlib import Path

from tests.benchmarks.bench_pipeline import START, synthetic_twcs

ANCHOR = textwrap.dedent(
    """
    import sys, duckdb
    source, target = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.sql(f'''
    CREATE TABLE t AS SELECT tweet_id, author_id, inbound = 'True' AS inbound,
        strptime(created_at, '%a %b %d %H:%M:%S +0000 %Y') AS at, in_response_to_tweet_id AS parent
    FROM read_csv('{source}', all_varchar = true)''')
    con.sql(f'''
    COPY (
      WITH first AS (
        SELECT m.tweet_id, m.author_id AS brand_hint, min(r.at) AS replied, any_value(r.author_id) AS brand
        FROM t m JOIN t r ON r.parent = m.tweet_id AND NOT r.inbound AND m.inbound GROUP BY ALL),
      facts AS (
        SELECT m.tweet_id, coalesce(f.brand, 'unattributed') AS brand, CAST(m.at AS DATE) AS day,
               epoch(f.replied - m.at) AS frt_s
        FROM t m LEFT JOIN first f USING (tweet_id) WHERE m.inbound)
      SELECT brand, day, count(*) AS inbound,
             count(*) FILTER (WHERE frt_s <= 72 * 3600) AS responded,
             quantile_cont(frt_s, 0.5) FILTER (WHERE frt_s <= 72 * 3600) AS frt_median_s,
             quantile_cont(frt_s, 0.9) FILTER (WHERE frt_s <= 72 * 3600) AS frt_p90_s,
             avg(frt_s) FILTER (WHERE frt_s <= 72 * 3600) AS frt_mean_s,
             count(*) FILTER (WHERE frt_s <= 3600) / count(*) AS sla_attainment
      FROM facts GROUP BY ALL ORDER BY brand, day
    ) TO '{target}' (FORMAT parquet)''')
    """
)


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS GiB, exit code) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 2**20, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--brands", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        last = (START + timedelta(days=args.days + 20)).date()  # replies arrive up to 20 days later
        archive = root / "store" / "archives" / "twitter" / f"dt={last}" / "bench.csv"
        archive.parent.mkdir(parents=True)
        archive.write_bytes(synthetic_twcs(args.mentions, args.days, args.brands))
        size_mb = archive.stat().st_size / 1e6
        env = os.environ | {"PREFECT_HOME": str(root / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        script = root / "anchor.py"
        script.write_text(ANCHOR)
        anchor = measured([sys.executable, str(script), str(archive), str(root / "anchor.parquet")], env)
        backfill = measured(
            [
                sys.executable,
                "-c",
                "from flows.cli import app; app()",
                "backfill",
                "--start",
                START.date().isoformat(),
                "--end",
                last.isoformat(),
                "--storage",
                str(root / "store"),
            ],
            env,
        )
    print(f"{args.mentions:,} mentions over {args.days} days, {args.brands} brands: archive {size_mb:.0f} MB")
    print(f"{'':<22}{'wall s':>9}{'CPU s':>9}{'peak GiB':>10}{'exit':>6}")
    for name, (wall, cpu, rss, code) in (("DuckDB anchor", anchor), ("sps backfill", backfill)):
        print(f"{name:<22}{wall:>9.1f}{cpu:>9.1f}{rss:>10.2f}{code:>6}")
    print(f"backfill / anchor: wall {backfill[0] / anchor[0]:.1f}x, peak memory {backfill[2] / anchor[2]:.1f}x")


if __name__ == "__main__":
    main()
