"""Validation with Great Expectations: file, row and batch suites, one runner.

GX 1.x validates pandas, so only the columns a suite reads are converted.
Checks that need more than one row or column (duplicates, self-replies, dates
against the collection day) are derived as boolean columns in polars first;
GX then judges them like any other column, so GX's unexpected-row report is
the single source of truth for what is quarantined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import polars as pl

from tasks.model.schema import MENTION_SCHEMA

if TYPE_CHECKING:  # GX's import takes seconds: only the type checker pays it here
    from great_expectations.core import ExpectationSuiteValidationResult

ROW = "_row"


@dataclass(frozen=True)
class Rule:
    name: str
    value_column: str
    why: str


@dataclass(frozen=True)
class SuiteRun:
    """GX's verdict: one row per broken rule per row, and the raw GX result."""

    failures: pl.DataFrame  # _row, rule, value
    result: ExpectationSuiteValidationResult  # for Data Docs


@cache
def load_suite(name: str = "mentions") -> dict:
    """The reviewed suite from expectations/<name>.json."""
    return json.loads(resources.files("expectations").joinpath(f"{name}.json").read_text())


def suite_rules(suite: dict) -> list[Rule]:
    return [Rule(e["meta"]["rule"], e["meta"]["value_column"], e["meta"]["why"]) for e in suite["expectations"]]


def with_check_columns(frame: pl.DataFrame, collected: date, max_age_days: int) -> pl.DataFrame:
    """Add the derived columns the row suite judges, and a row position for GX to report."""
    day_start = datetime.combine(collected, time(), tzinfo=UTC)
    latest = day_start + timedelta(days=2)  # end of the collection day, plus one day of tolerance
    oldest = day_start - timedelta(days=max_age_days)
    strings = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_row_index(ROW).with_columns(
        pl.col("text").str.len_chars().alias("text_chars"),
        (~pl.col("mention_id").is_first_distinct() & pl.col("mention_id").is_not_null()).alias("dup_in_batch"),
        _conflicting_fields().alias("conflicting_fields"),
        (pl.col("in_reply_to_id") == pl.col("mention_id")).fill_null(False).alias("replies_to_self"),
        (pl.col("created_at") >= latest).fill_null(False).alias("created_after_collection"),
        (pl.col("created_at") < oldest).fill_null(False).alias("created_too_old"),
        pl.any_horizontal([pl.col(c).str.contains("\x00", literal=True).fill_null(False) for c in strings]).alias(
            "has_nul"
        ),
        (pl.col("raw_author_followers").is_not_null() & pl.col("author_followers").is_null()).alias(
            "followers_unparsable"
        ),
        (
            pl.col("is_brand_author").fill_null(False)
            | pl.col("brand").is_not_null()
            | pl.col("in_reply_to_id").is_not_null()
            | pl.col("raw_response_ids").is_not_null()
            | pl.col("text").str.contains(r"@\w").fill_null(False)
        ).alias("attributable"),
    )


#: Fields two rows with one id are compared on (exact repeats were dropped before).
_COMPARED = [c for c in MENTION_SCHEMA if c not in ("mention_id", "source_file")]


def _conflicting_fields() -> pl.Expr:
    """For a later row with an id seen before: the fields in which it differs from the first (`author_id,text`)."""
    later = ~pl.col("mention_id").is_first_distinct() & pl.col("mention_id").is_not_null()
    differs = [pl.when(pl.col(c).ne_missing(pl.col(c).first().over("mention_id"))).then(pl.lit(c)) for c in _COMPARED]
    return pl.when(later).then(pl.concat_str(differs, separator=",", ignore_nulls=True))


def _gx_context():
    """A fresh in-memory context per validation: GX contexts are not thread-safe."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _for_gx(frame: pl.DataFrame):  # -> pandas.DataFrame (pandas is imported by GX, not here)
    """The frame as GX reads it, integers as pandas' nullable Int64: plain pandas turns an integer
    column holding a null into floats, so an archive judged beside others with missing values
    would show -5.0 where alone it shows -5 (issue 29, D16: nothing published depends on batching)."""
    import pandas as pd
    import pyarrow as pa

    return frame.to_pandas(types_mapper=lambda t: pd.Int64Dtype() if pa.types.is_integer(t) else None)


def run_suite(frame: pl.DataFrame, suite_name: str, parameters: dict | None = None) -> SuiteRun:
    """Validate `frame` (which has a `_row` column) against expectations/<suite_name>.json."""
    from great_expectations.core import ExpectationSuite

    suite = load_suite(suite_name)
    rules = suite_rules(suite)
    needed = sorted({e["kwargs"]["column"] for e in suite["expectations"]} | {ROW})
    batch = (
        _gx_context()
        .data_sources.add_pandas("archive")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": _for_gx(frame.select(needed))})
    )
    result = batch.validate(
        ExpectationSuite(name=suite["name"], expectations=_resolve(suite["expectations"], parameters or {})),
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": [ROW],
            "return_unexpected_index_query": False,
        },
    )
    by_name = {r.name: r for r in rules}
    broken: list[pl.DataFrame] = []
    for outcome in result.results:
        rule = by_name[outcome.expectation_config.meta["rule"]]
        if outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"expectation {rule.name} could not run: {outcome.exception_info.get('exception_message')}"
            )
        if outcome.success:
            continue
        rows = [int(item[ROW]) for item in outcome.result.get("unexpected_index_list") or []]
        broken.append(pl.DataFrame({ROW: rows, "rule": rule.name}, schema={ROW: pl.UInt32, "rule": pl.String}))
    return SuiteRun(_with_values(frame, broken, rules), result)


def split_run(run: SuiteRun, sizes: list[int]) -> list[SuiteRun]:
    """A run over several archives' rows put end to end (`sizes` rows each, `_row` numbering them
    all) as one run per archive: its broken rows, numbered as its own, and its share of GX's result.

    GX's cost is mostly per run, not per row (building the suites' metric graph, ~0.25 s
    an archive of 18k rows or 18), so archives ingested together are judged by one run. Every
    expectation is a column map without `mostly`: an archive's verdict is exactly that of its rows."""
    if len(sizes) == 1:  # judged alone: GX's result as it is
        return [run]
    from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult

    parts, start = [], 0
    for size in sizes:
        stop = start + size
        mine = run.failures.filter(pl.col(ROW).is_between(start, stop - 1)).with_columns(pl.col(ROW) - start)
        outcomes = []
        for outcome in run.result.results:
            config = outcome.expectation_config
            if config is None or config.kwargs.get("mostly") is not None:
                raise ValueError(f"{config and config.type}: only whole column maps can be judged per archive")
            share = _slice(outcome.result or {}, start, stop)
            outcomes.append(
                ExpectationValidationResult(
                    success=share["unexpected_count"] == 0 if "unexpected_count" in share else outcome.success,
                    expectation_config=config,
                    result=share,
                    exception_info=outcome.exception_info,
                )
            )
        met = sum(bool(o.success) for o in outcomes)
        statistics = {
            "evaluated_expectations": len(outcomes),
            "successful_expectations": met,
            "unsuccessful_expectations": len(outcomes) - met,
            "success_percent": 100.0 * met / len(outcomes) if outcomes else None,
        }
        verdict = ExpectationSuiteValidationResult(
            success=met == len(outcomes),
            results=outcomes,
            suite_name=run.result.suite_name,
            statistics=statistics,
            meta=dict(run.result.meta or {}) | {"archives_validated_together": len(sizes)},
        )
        parts.append(SuiteRun(mine, verdict))
        start = stop
    return parts


#: How many unexpected values GX's result quotes as examples.
_PARTIAL = 20


def _slice(result: dict, start: int, stop: int) -> dict:
    """One archive's rows [start, stop) of a column map expectation's COMPLETE result, renumbered."""
    if "unexpected_index_list" not in result:
        return dict(result)
    rows = [
        {**item, ROW: int(item[ROW]) - start}
        for item in result["unexpected_index_list"]
        if start <= int(item[ROW]) < stop
    ]
    # each index item quotes its row's value (GX's unexpected_list need not run parallel to it)
    values = [next((v for k, v in item.items() if k != ROW), None) for item in rows]
    counts: dict = {}
    for value in values[:_PARTIAL]:
        counts[value] = counts.get(value, 0) + 1
    return {
        "element_count": stop - start,
        "unexpected_count": len(rows),
        "partial_unexpected_list": values[:_PARTIAL],
        "partial_unexpected_counts": [{"value": v, "count": n} for v, n in counts.items()],
        "partial_unexpected_index_list": rows[:_PARTIAL],
        "unexpected_list": values,
        "unexpected_index_list": rows,
        "unexpected_index_column_names": result.get("unexpected_index_column_names", [ROW]),
    }


def _resolve(value, parameters: dict):
    """Substitute `{"$PARAMETER": name}` ourselves: GX's parser is not thread-safe."""
    if isinstance(value, dict):
        if set(value) == {"$PARAMETER"}:
            return parameters[value["$PARAMETER"]]
        return {k: _resolve(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, parameters) for v in value]
    return value


def _with_values(frame: pl.DataFrame, broken: list[pl.DataFrame], rules: list[Rule]) -> pl.DataFrame:
    """Attach the offending raw value (as text) of each broken rule."""
    if not broken:
        return pl.DataFrame(schema={ROW: pl.UInt32, "rule": pl.String, "value": pl.String})
    value_of = {r.name: r.value_column for r in rules}
    values = frame.select(
        pl.col(ROW).cast(pl.UInt32), *[pl.col(c).cast(pl.String) for c in sorted(set(value_of.values()))]
    )
    return (
        pl.concat(broken)
        .join(values, on=ROW, how="left")
        .select(
            ROW,
            "rule",
            pl.coalesce(
                [pl.when(pl.col("rule") == name).then(pl.col(column)) for name, column in value_of.items()]
            ).alias("value"),
        )
        .sort(ROW, "rule")
    )
