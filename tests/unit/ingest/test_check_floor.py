"""The benchmark's validation floor is faithful: the row suite written as polars expressions
(tests/benchmarks/floors.py) finds exactly the (row, rule) pairs GX finds."""

from __future__ import annotations

from tasks.ingest.adapters import read_archive
from tasks.ingest.validation import run_suite, with_check_columns
from tests.benchmarks.floors import polars_failures
from tests.unit.ingest.test_validation import BROKEN_ROWS, COLLECTED, POLICY


def test_the_row_checks_as_polars_expressions_break_the_rows_gx_breaks():
    parsed = read_archive("\n".join(BROKEN_ROWS).encode(), f"archives/x/dt={COLLECTED}/a.jsonl", "x")
    checked = with_check_columns(parsed, COLLECTED, POLICY.parameters["max_age_days"])
    parameters = {"max_text_chars": POLICY.text_limit("x")}
    by_gx = run_suite(checked, "mentions", parameters).failures.select("_row", "rule")
    by_polars = sorted(polars_failures(checked, parameters).iter_rows())
    assert by_polars == sorted(by_gx.iter_rows())
    # test_validation's hand-made rows: 21 broken (row, rule) pairs, every row but the clean first one
    assert len(by_polars) == 21
    assert sorted({row for row, _ in by_polars}) == list(range(1, 15))
