"""Row-level validation with Great Expectations, and the good/bad split it drives.

GX 1.x validates pandas, so only the columns the suite reads are converted.
Checks that need more than one row or column (duplicates, self-replies) are
derived as boolean columns in polars first; GX then judges them like any
other column, so GX's unexpected-row report is the single source of truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

ROW = "_row"


@dataclass(frozen=True)
class Rule:
    name: str
    value_column: str
    why: str


@cache
def load_suite(name: str = "mentions") -> dict:
    """The reviewed suite from expectations/<name>.json."""
    return json.loads(resources.files("expectations").joinpath(f"{name}.json").read_text())


def suite_rules(suite: dict) -> list[Rule]:
    return [
        Rule(e["meta"]["rule"], e["meta"]["value_column"], e["meta"]["why"]) for e in suite["expectations"]
    ]


def with_check_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the derived columns the suite judges, and a row position for GX to report."""
    return frame.with_row_index(ROW).with_columns(
        (~pl.col("mention_id").is_first_distinct() & pl.col("mention_id").is_not_null()).alias("dup_in_batch"),
        (pl.col("in_reply_to_id") == pl.col("mention_id")).fill_null(False).alias("replies_to_self"),
    )


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


def run_suite(frame: pl.DataFrame, suite: dict) -> pl.DataFrame:
    """Validate `frame` (which has check columns) and return one row per broken rule per row.

    Columns of the result: `_row`, `rule`, `value` (the offending raw value as text).
    """
    from great_expectations.core import ExpectationSuite

    rules = suite_rules(suite)
    needed = sorted({e["kwargs"]["column"] for e in suite["expectations"]} | {ROW})
    context = _gx_context()
    batch = (
        context.data_sources.add_pandas("archive")
        .add_dataframe_asset("mentions")
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame.select(needed).to_pandas()})
    )
    result = batch.validate(
        ExpectationSuite(name=suite["name"], expectations=suite["expectations"]),
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
    if not broken:
        return pl.DataFrame(schema={ROW: pl.UInt32, "rule": pl.String, "value": pl.String})
    failures = pl.concat(broken)
    value_of = {r.name: r.value_column for r in rules}
    values = frame.select(
        ROW, *[pl.col(c).cast(pl.String) for c in sorted(set(value_of.values()))]
    )
    return (
        failures.join(values, on=ROW, how="left")
        .select(
            ROW,
            "rule",
            pl.coalesce(
                [pl.when(pl.col("rule") == name).then(pl.col(column)) for name, column in value_of.items()]
            ).alias("value"),
        )
        .sort(ROW, "rule")
    )
