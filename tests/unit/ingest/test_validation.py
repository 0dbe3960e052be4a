"""The GX suites on real frames: the real sample, and one row per broken rule."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from tasks.ingest.adapters import read_archive
from tasks.ingest.policy import Severity, load_policy
from tasks.ingest.validation import ROW, load_suite, run_suite, suite_rules, with_check_columns

POLICY = load_policy()
COLLECTED = date(2017, 11, 1)


def check(lines: list[str], platform: str = "x") -> dict[tuple[int, str], str | None]:
    parsed = read_archive("\n".join(lines).encode(), f"archives/{platform}/dt={COLLECTED}/a.jsonl", platform)
    checked = with_check_columns(parsed, COLLECTED, POLICY.parameters["max_age_days"])
    run = run_suite(checked, "mentions", {"max_text_chars": POLICY.text_limit(platform)})
    return {(row, rule): value for row, rule, value in run.failures.iter_rows()}


def line(**fields) -> str:
    base = {
        "mention_id": "1",
        "author_id": "a",
        "is_brand_author": False,
        "created_at": "2017-10-31T10:00:00Z",
        "text": "@AcmeHelp hi",
    }
    return json.dumps(base | fields)


@pytest.mark.parametrize("suite", ["file", "mentions", "batch"])
def test_every_expectation_says_why_and_has_a_severity(suite):
    for rule in suite_rules(load_suite(suite)):
        assert len(rule.why) > 30, rule
        assert rule.name in POLICY.severities, rule.name


def test_the_real_sample_passes_the_row_suite(twcs_bytes):
    parsed = read_archive(twcs_bytes, "archives/twitter/dt=2017-12-03/twcs_sample.csv", "twitter")
    checked = with_check_columns(parsed, date(2017, 12, 3), POLICY.parameters["max_age_days"])
    run = run_suite(checked, "mentions", {"max_text_chars": POLICY.text_limit("twitter")})
    assert run.failures.height == 0
    assert run.result.success


#: One row breaking each rule (row 0 is clean), for GX and for the polars floor of the benchmark.
BROKEN_ROWS = [
    line(),
    line(mention_id=None),
    line(author_id="b"),  # same id as row 0
    line(mention_id="4", is_brand_author="yes"),
    line(mention_id="5", created_at="2017-10-31 10:00"),
    line(mention_id="6", text=""),
    line(mention_id="7", in_reply_to_id="7"),
    line(mention_id="8", sentiment="meh"),
    line(mention_id="9", created_at="2017-11-03T00:00:00Z"),  # collection day + 2: future
    line(mention_id="10", created_at="2007-10-01T00:00:00Z"),  # > 3650 days before
    line(mention_id="11", author_followers="many"),
    line(mention_id="12", text="@AcmeHelp a\x00b"),
    line(mention_id="id with spaces"),
    "this is not json",
    line(mention_id="15", text="lunch?"),  # no brand, no reply, no handle
]


def test_each_broken_rule_is_reported_with_row_and_raw_value():
    got = check(BROKEN_ROWS)
    assert got == {
        (1, "mention_id_present"): None,
        (2, "mention_id_unique_in_archive"): "author_id",  # the fields in which it differs from row 0
        (3, "is_brand_author_boolean"): "yes",
        (4, "created_at_parsed_with_zone"): "2017-10-31 10:00",
        (5, "text_length_within_limit"): "",
        (5, "brand_attributable"): "6",  # an empty post addresses nobody either
        (6, "not_reply_to_itself"): "7",
        (7, "sentiment_label_known"): "meh",
        (8, "created_at_not_after_collection"): "2017-11-03T00:00:00Z",
        (9, "created_at_not_too_old"): "2007-10-01T00:00:00Z",
        (10, "author_followers_integer"): "many",
        (11, "no_nul_bytes"): "12",
        (12, "mention_id_well_formed"): "id with spaces",
        (13, "record_well_formed"): "this is not json",
        (13, "mention_id_present"): None,
        (13, "author_id_present"): None,
        (13, "is_brand_author_boolean"): None,
        (13, "created_at_parsed_with_zone"): None,
        (13, "text_present"): None,
        (13, "brand_attributable"): None,
        (14, "brand_attributable"): "15",
    }


def test_the_last_second_of_tolerance_is_accepted():
    # Collected 11-01: posts up to 11-02 23:59:59 pass (one day of tolerance).
    assert check([line(created_at="2017-11-02T23:59:59Z")]) == {}


def test_text_limit_is_per_platform():
    long = "@AcmeHelp " + "y" * 1111  # 1,121 characters
    assert check([line(text=long)], platform="twitter") == {(0, "text_length_within_limit"): long}
    assert check([line(text=long)], platform="forum") == {}


def test_file_suite_judges_facts_and_skips_the_unknown():
    facts = pl.DataFrame(
        [
            {
                "format_known": True,
                "size_bytes": 10,
                "decompresses": True,
                "inflates_within_limit": True,
                "utf8": False,
                "parses": None,
                "has_required_fields": None,
            }
        ]
    ).with_row_index(ROW)
    run = run_suite(facts, "file", POLICY.parameters)
    assert run.failures.select("rule", "value").rows() == [("file_is_utf8", "false")]


def test_policy_severities():
    assert POLICY.severity("file_parses") is Severity.FAIL
    assert POLICY.severity("text_present") is Severity.QUARANTINE
    assert POLICY.severity("brand_attributable") is Severity.WARN
    assert POLICY.severity("row_count_not_collapsing") is Severity.FAIL
