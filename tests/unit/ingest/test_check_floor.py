"""The benchmark's validation floor is faithful: the row suite written as polars expressions
(tests/benchmarks/floors.py) finds exactly the (row, rule) pairs GX finds."""

from __future__ import annotations

from tasks.ingest.adapters import read_archive
from tasks.ingest.validation import run_suite, with_check_columns
from tests.benchmarks.floors import polars_failures
from tests.unit.ingest.test_validation import COLLECTED, POLICY, line


def test_the_row_checks_as_polars_expressions_break_the_rows_gx_breaks():
    lines = [
        line(),
        line(mention_id=None),
        line(author_id="b"),  # same id as row 0
        line(mention_id="4", is_brand_author="yes"),
        line(mention_id="5", text=""),
        line(mention_id="6", in_reply_to_id="6"),
        line(mention_id="7", created_at="2007-10-01T00:00:00Z"),
        line(mention_id="id with spaces"),
        line(mention_id="9", author_id="3.0E+04"),
        "this is not json",
    ]
    parsed = read_archive("\n".join(lines).encode(), f"archives/x/dt={COLLECTED}/a.jsonl", "x")
    checked = with_check_columns(parsed, COLLECTED, POLICY.parameters["max_age_days"])
    parameters = {"max_text_chars": POLICY.text_limit("x")}
    by_gx = run_suite(checked, "mentions", parameters).failures.select("_row", "rule")
    by_polars = polars_failures(checked, parameters)
    assert sorted(by_polars.iter_rows()) == sorted(by_gx.iter_rows())
    assert sorted(by_polars.iter_rows()) == [
        (1, "mention_id_present"),
        (2, "mention_id_unique_in_archive"),
        (3, "is_brand_author_boolean"),
        (4, "brand_attributable"),
        (4, "text_length_within_limit"),
        (5, "not_reply_to_itself"),
        (6, "created_at_not_too_old"),
        (7, "mention_id_well_formed"),
        (8, "author_id_well_formed"),
        (9, "author_id_present"),
        (9, "brand_attributable"),
        (9, "created_at_parsed_with_zone"),
        (9, "is_brand_author_boolean"),
        (9, "mention_id_present"),
        (9, "record_well_formed"),
        (9, "text_present"),
    ]
