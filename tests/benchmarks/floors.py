"""The floor of each stage a backfill does, for bench_anchor: the least that stage's work can cost.

    python -m tests.benchmarks.floors STAGE COLLECTED ARCHIVE [ARCHIVE ...]

Reads its input first, untimed, then times only the stage's work and prints one JSON line:
{"wall": s, "cpu": s, "rows": n}. Run as a child process each, so peak memory is the stage's own.
Stages (floors first, then the project's own way where it is informative):
- parse: the archives' CSV parsed by polars (every column, dates as datetimes)
- checks: the row suite's checks as polars expressions on the canonical frame (derived columns included)
- stance: the stance model alone over the customer mentions' texts
- metrics: one lazy polars pass over the range: inbound, answered within 72 h, first-response
  median / p90 / mean and SLA within 1 h per brand and day (the anchor's figures), to Parquet
- ingest-parse: the archives read as ingest reads them (tasks/ingest/adapters.read_archive)
- gx-checks: the same checks judged by GX (tasks/ingest/validation.run_suite), one run on one frame
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from tasks.ingest.adapters import read_archive
from tasks.ingest.policy import load_policy
from tasks.ingest.validation import ROW, load_suite, run_suite, with_check_columns
from tests.benchmarks.bench_pipeline import TWITTER

HORIZON_S = 72 * 3600
SLA_S = 3600


def broken(expectation: dict, parameters: dict) -> pl.Expr:
    """Whether a row breaks one of the suite's column map expectations, as GX judges it (nulls are
    judged only by not_be_null)."""
    kwargs, kind = expectation["kwargs"], expectation["type"]
    column = pl.col(kwargs["column"])
    if kind == "expect_column_values_to_not_be_null":
        return column.is_null()
    present = column.is_not_null()
    if kind == "expect_column_values_to_match_regex":
        return present & ~column.cast(pl.String).str.contains(kwargs["regex"])
    if kind == "expect_column_values_to_not_match_regex":
        return present & column.cast(pl.String).str.contains(kwargs["regex"])
    if kind == "expect_column_values_to_be_in_set":
        return present & ~column.is_in(kwargs["value_set"])
    if kind == "expect_column_values_to_be_between":
        low, high = (_param(kwargs.get(k), parameters) for k in ("min_value", "max_value"))
        outside = pl.lit(False)
        outside = outside | (column < low) if low is not None else outside
        outside = outside | (column > high) if high is not None else outside
        return present & outside
    raise ValueError(f"{kind}: no polars form")


def _param(value, parameters: dict):
    return parameters[value["$PARAMETER"]] if isinstance(value, dict) else value


def polars_failures(frame: pl.DataFrame, parameters: dict) -> pl.DataFrame:
    """(_row, rule) of every broken rule of the row suite, as `run_suite(...).failures` lists them."""
    rules = [(e["meta"]["rule"], broken(e, parameters)) for e in load_suite("mentions")["expectations"]]
    flags = frame.select(pl.col(ROW).cast(pl.UInt32), *[flag.alias(name) for name, flag in rules])
    return (
        flags.unpivot(index=ROW, variable_name="rule", value_name="broken")
        .filter(pl.col("broken"))
        .select(ROW, "rule")
        .sort(ROW, "rule")
    )


def one_pass_metrics(raw: pl.LazyFrame) -> pl.LazyFrame:
    """The DuckDB anchor's per brand-day figures in one lazy polars pass."""
    posts = raw.select(
        "tweet_id",
        "author_id",
        (pl.col("inbound") == "True").alias("inbound"),
        pl.col("created_at").str.to_datetime(TWITTER, time_zone="UTC").alias("at"),
        pl.col("in_response_to_tweet_id").alias("parent"),
    )
    first = (
        posts.filter(~pl.col("inbound"))
        .group_by("parent")
        .agg(pl.col("at").min().alias("replied"), pl.col("author_id").first().alias("brand"))
    )
    frt = (pl.col("replied") - pl.col("at")).dt.total_seconds()
    answered = frt <= HORIZON_S
    return (
        posts.filter(pl.col("inbound"))
        .join(first, left_on="tweet_id", right_on="parent", how="left")
        .group_by(pl.col("brand").fill_null("unattributed"), pl.col("at").dt.date().alias("day"))
        .agg(
            pl.len().alias("inbound"),
            answered.sum().alias("responded"),
            frt.filter(answered).median().alias("frt_median_s"),
            frt.filter(answered).quantile(0.9, "linear").alias("frt_p90_s"),
            frt.filter(answered).mean().alias("frt_mean_s"),
            ((frt <= SLA_S).sum() / pl.len()).alias("sla_attainment"),
        )
        .sort("brand", "day")
    )


def _canonical(paths: list[Path]) -> pl.DataFrame:
    return pl.concat([read_archive(p.read_bytes(), str(p), "twitter") for p in paths], how="vertical_relaxed")


def stage(name: str, collected: date, paths: list[Path]) -> tuple[Callable[[], object], int]:
    """The stage's timed work, its input read beforehand, and how many rows it covers."""
    policy = load_policy()
    max_age = int(policy.parameters["max_age_days"])
    parameters = {"max_text_chars": policy.text_limit("twitter")}
    if name == "parse":
        return lambda: pl.scan_csv(paths, infer_schema=False).with_columns(
            pl.col("created_at").str.to_datetime(TWITTER, time_zone="UTC")
        ).collect(), 0
    if name == "ingest-parse":
        return lambda: _canonical(paths), 0
    if name == "metrics":
        raw = pl.read_csv(paths, infer_schema=False)
        return lambda: one_pass_metrics(raw.lazy()).collect().write_parquet(io.BytesIO()), raw.height
    frame = _canonical(paths)
    if name == "checks":
        return lambda: polars_failures(with_check_columns(frame, collected, max_age), parameters), frame.height
    if name == "gx-checks":
        import great_expectations  # noqa: F401  (its import is a fixed cost of the run, not of judging)

        return lambda: run_suite(with_check_columns(frame, collected, max_age), "mentions", parameters), frame.height
    if name == "stance":
        from tasks.sps.stance_model import predict, weights

        texts = frame.filter(~pl.col("is_brand_author"))["text"]
        weights()
        return lambda: predict(texts), texts.len()
    raise ValueError(f"unknown stage {name}")


def main() -> None:
    name, collected, *paths = sys.argv[1:]
    work, rows = stage(name, date.fromisoformat(collected), [Path(p) for p in paths])
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "rows": rows}))


if __name__ == "__main__":
    main()
