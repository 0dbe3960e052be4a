"""Benchmark (not a test): the whole `sps backfill` beside a DuckDB anchor and its stages' floors.

    python -m tests.benchmarks.bench_anchor --mentions 1000000 [--days 7] [--brands 60] [--runs 3]
        [--baseline /path/to/another/checkout] [--daily]

Writes one synthetic twcs-layout archive (tests/benchmarks/bench_pipeline.py's generator), then
runs, one after the other and each in its own process: (1) the anchor, a short DuckDB script that
does the core of the care metrics (inbound per brand and day, answered within 72 h, first-response
median / p90 / mean, SLA within 1 h, written to Parquet); (2) each stage's floor
(tests/benchmarks/floors.py: the polars parse, the row checks as polars expressions, the stance
model alone, one lazy pass of the anchor's metrics; each timed after its input is read, so the
floors add up without counting a read twice), with the project's own parse and GX's judging of the
same checks beside them; (3) `sps backfill` over the archive's days on a fresh local store, each
process with a fresh Prefect home whose database is created before it is timed (as a machine's
first run leaves it); (4) the same stages called as plain functions with no Prefect
(tests/benchmarks/direct.py) on another fresh store. Prints wall time, CPU time and peak resident
memory of each (medians over `--runs`, the commands interleaved), the backfill-to-anchor ratios,
backfill CPU over the sum of the floors, and Prefect's share of the backfill's CPU
((backfill − stages without Prefect) / backfill).
`--baseline` also runs the backfill of another checkout of this project (an older commit, say)
on a fresh copy of the same archive, interleaved with the others, and prints new / baseline.
`--daily` delivers the same rows as one archive per collection day (each post under the day it
was written), the layout a nightly feed builds, instead of one export holding the whole range.
The anchor is a yardstick, not the product: it skips validation, attribution, SPS and the reports.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from tests.benchmarks.bench_pipeline import START, TWITTER, synthetic_twcs

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


Figures = tuple[float, float, float, int]

FLOORS = {
    "floor: polars parse": "parse",
    "floor: checks, polars": "checks",
    "floor: stance model": "stance",
    "floor: one-pass metrics": "metrics",
}
AS_DONE = {"(parse as ingest does)": "ingest-parse", "(the checks by GX)": "gx-checks"}


def measured(command: list[str], env: dict[str, str]) -> tuple[Figures, dict[str, list[float]]]:
    """(wall s, CPU s, peak RSS GiB, exit code) of one child process; a child that prints a JSON line
    of its own "wall" and "cpu" (a floor, timing its work without its set-up) gives those instead, and one
    that prints "stages" (the direct backfill) gives each stage's [wall, CPU] beside its figures."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:  # a pipe nobody reads could fill
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        printed = out.read().decode(errors="replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    own = json.loads(printed[-1]) if printed and printed[-1].startswith("{") else {}
    wall, cpu = own.get("wall", wall), own.get("cpu", cpu)
    return (wall, cpu, usage.ru_maxrss / 2**20, os.waitstatus_to_exitcode(status)), own.get("stages", {})


def _store(root: Path, archives: list[Path]) -> Path:
    """A fresh store holding only the archives (hard links)."""
    store = Path(tempfile.mkdtemp(dir=root))
    for archive in archives:
        target = store / archive.relative_to(root / "archive")
        target.parent.mkdir(parents=True)
        os.link(archive, target)
    return store


def _backfill(root: Path, archives: list[Path], last: date, checkout: Path | None) -> list[str]:
    """A fresh store holding only the archives, and the command that backfills it (from `checkout`)."""
    code = "import sys; sys.path.insert(0, sys.argv.pop(1)); from flows.cli.app import app; app()"
    where = str(checkout or Path(__file__).parents[2])
    when = ["--start", START.date().isoformat(), "--end", last.isoformat(), "--storage", str(_store(root, archives))]
    return [sys.executable, "-c", code, where, "backfill", *when]


def _direct(root: Path, archives: list[Path], last: date) -> list[str]:
    """The same stages as plain calls, no Prefect, on a fresh store."""
    code = (
        "import sys, json; from datetime import date; from tests.benchmarks.direct import Stages, direct_backfill;"
        " stages = Stages();"
        " direct_backfill(sys.argv[1], date.fromisoformat(sys.argv[2]), date.fromisoformat(sys.argv[3]), stages);"
        " print(json.dumps({'stages': stages.seconds}))"
    )
    return [sys.executable, "-c", code, str(_store(root, archives)), START.date().isoformat(), last.isoformat()]


def _floor(stage: str, archives: list[Path], collected: date) -> list[str]:
    return [sys.executable, "-m", "tests.benchmarks.floors", stage, collected.isoformat(), *map(str, archives)]


def _fresh_prefect(root: Path) -> dict[str, str]:
    """Each process its own new Prefect home: one shared by the contenders of a run let every one but
    the first skip creating Prefect's database, a bias toward whichever ran later."""
    return os.environ | {"PREFECT_HOME": tempfile.mkdtemp(dir=root), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def _migrated_prefect(root: Path) -> dict[str, str]:
    """A fresh Prefect home whose database is created before the clock starts: a scheduled nightly or
    a backfill finds the database its machine's first run made. Creating one (~7.5 CPU-s of
    migrations) is paid once per machine, so a figure counting it billed every run for it."""
    env = _fresh_prefect(root)
    upgrade = [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"]
    subprocess.run(upgrade, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def _deliveries(folder: Path, csv: bytes, collected: date | None, days: int) -> list[Path]:
    """The archive as one export collected on `collected`, or (None) one file per day its posts were
    written, for the `days` the mentions span (replies written later are never delivered, as when a
    feed is backfilled up to today)."""
    if collected is not None:
        target = folder / f"dt={collected}" / "bench.csv"
        target.parent.mkdir(parents=True)
        target.write_bytes(csv)
        return [target]
    frame = pl.read_csv(csv, infer_schema=False)
    day = pl.col("created_at").str.to_datetime(TWITTER).dt.date().alias("day")
    frame = frame.with_columns(day).filter(pl.col("day") < START.date() + timedelta(days=days))
    written = []
    for (when,), rows in frame.partition_by("day", as_dict=True, maintain_order=True).items():
        target = folder / f"dt={when}" / "bench.csv"
        target.parent.mkdir(parents=True)
        rows.drop("day").write_csv(target)
        written.append(target)
    return sorted(written)


def _write_deliveries(folder: Path, shape: tuple[int, int, int], collected: date | None) -> list[Path]:
    mentions, days, brands = shape
    return _deliveries(folder, synthetic_twcs(mentions, days, brands), collected, days)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--brands", type=int, default=60)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--baseline", type=Path, help="another checkout whose backfill runs beside this one's")
    parser.add_argument("--daily", action="store_true", help="one archive per collection day, not one export")
    args = parser.parse_args()
    results: dict[str, list[Figures]] = {}
    stages: dict[str, list[list[float]]] = {}
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        export = (START + timedelta(days=args.days + 20)).date()  # replies arrive up to 20 days later
        last = (START + timedelta(days=args.days - 1)).date() if args.daily else export
        # written by a child process: a child's peak RSS (`ru_maxrss`) starts from its parent's at
        # fork, so a parent holding the archive would set every contender's peak to its own
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            archives = pool.submit(
                _write_deliveries,
                root / "archive" / "archives" / "twitter",
                (args.mentions, args.days, args.brands),
                None if args.daily else export,
            ).result()
        size_mb = sum(a.stat().st_size for a in archives) / 1e6
        script = root / "anchor.py"
        script.write_text(ANCHOR)
        contenders = {"sps backfill": None} | ({"baseline backfill": args.baseline} if args.baseline else {})
        source = str(root / "archive" / "archives" / "twitter" / "*" / "bench.csv")
        anchor = [sys.executable, str(script), source, str(root / "anchor.parquet")]
        commands = {
            name: lambda stage=stage: _floor(stage, archives, last) for name, stage in (FLOORS | AS_DONE).items()
        }
        for _ in range(args.runs):
            results.setdefault("DuckDB anchor", []).append(measured(anchor, _fresh_prefect(root))[0])
            for name, floor in commands.items():
                results.setdefault(name, []).append(measured(floor(), _fresh_prefect(root))[0])
            for name, checkout in contenders.items():
                command = _backfill(root, archives, last, checkout)
                results.setdefault(name, []).append(measured(command, _migrated_prefect(root))[0])
            figures, spent = measured(_direct(root, archives, last), _fresh_prefect(root))
            results.setdefault("stages without Prefect", []).append(figures)
            for stage, seconds in spent.items():
                stages.setdefault(stage, []).append(seconds)
    medians = {name: tuple(statistics.median(r[i] for r in runs) for i in range(4)) for name, runs in results.items()}
    print(
        f"{args.mentions:,} mentions over {args.days} days, {args.brands} brands: {len(archives)} archive(s),"
        f" {size_mb:.0f} MB"
    )
    print(f"medians of {args.runs} run(s), interleaved; a floor's wall and CPU time its work, not its set-up")
    _report(medians)
    print("stages without Prefect, each (its own work; the rest of that process is imports and set-up):")
    for stage, runs in stages.items():
        wall, cpu = (statistics.median(r[i] for r in runs) for i in range(2))
        print(f"  {stage:<42}{wall:>9.2f}{cpu:>9.2f}")


def _report(medians: dict[str, tuple[float, ...]]) -> None:
    floors = [medians[name] for name in FLOORS]
    rows = dict(medians) | {"sum of floors": (sum(f[0] for f in floors), sum(f[1] for f in floors), 0.0, 0.0)}
    print(f"{'':<28}{'wall s':>9}{'CPU s':>9}{'peak GiB':>10}{'exit':>6}")
    first = ["DuckDB anchor", *FLOORS, "sum of floors", *AS_DONE]
    for name in first + [n for n in medians if n not in first]:
        wall, cpu, rss, code = rows[name]
        tail = f"{rss:>10.2f}{code:>6.0f}" if name != "sum of floors" else ""
        print(f"{name:<28}{wall:>9.2f}{cpu:>9.2f}{tail}")
    anchor_m, ours, direct = medians["DuckDB anchor"], medians["sps backfill"], medians["stages without Prefect"]
    print(f"backfill / anchor: wall {ours[0] / anchor_m[0]:.1f}x, peak memory {ours[2] / anchor_m[2]:.1f}x")
    print(f"backfill CPU / sum of floors: {ours[1] / rows['sum of floors'][1]:.1f}x")
    print(f"Prefect's share of the backfill's CPU: {(ours[1] - direct[1]) / ours[1]:.0%}")
    if "baseline backfill" in medians:
        base = medians["baseline backfill"]
        print(
            f"backfill / baseline: wall {ours[0] / base[0]:.2f}x, CPU {ours[1] / base[1]:.2f}x,"
            f" memory {ours[2] / base[2]:.2f}x"
        )


if __name__ == "__main__":
    main()
