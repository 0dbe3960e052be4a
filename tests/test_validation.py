"""The GX suite on real frames: the real sample, and one row per broken rule."""

from __future__ import annotations

import polars as pl

from tasks.adapters import read_archive
from tasks.validation import load_suite, run_suite, suite_rules, with_check_columns


def test_every_expectation_says_why_it_exists():
    for rule in suite_rules(load_suite()):
        assert rule.name and len(rule.why) > 30, rule


def test_the_real_sample_passes_the_suite(twcs_bytes):
    parsed = read_archive(twcs_bytes, "archives/twitter/dt=2017-12-03/twcs_sample.csv", "twitter")
    assert run_suite(with_check_columns(parsed), load_suite()).height == 0


def test_each_broken_rule_is_reported_with_row_and_raw_value():
    lines = [
        '{"mention_id": "1", "author_id": "a", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": "ok"}',
        '{"author_id": "a", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": "no id"}',
        '{"mention_id": "1", "author_id": "b", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": "dup"}',
        '{"mention_id": "4", "author_id": "a", "is_brand_author": "yes", "created_at": "2017-10-31T10:00:00Z", "text": "flag"}',
        '{"mention_id": "5", "author_id": "a", "is_brand_author": false, "created_at": "2017-10-31 10:00", "text": "zoneless"}',
        '{"mention_id": "6", "author_id": "a", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": ""}',
        '{"mention_id": "7", "author_id": "a", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": "me", "in_reply_to_id": "7"}',
        '{"mention_id": "8", "author_id": "a", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": "x", "sentiment": "meh"}',
        '{"mention_id": "9", "author_id": "a", "is_brand_author": false, "created_at": "2017-10-31T10:00:00Z", "text": "' + "y" * 10001 + '"}',
    ]
    parsed = read_archive("\n".join(lines).encode(), "archives/x/dt=2017-10-31/a.jsonl", "x")
    failures = run_suite(with_check_columns(parsed), load_suite())
    got = {(row, rule): value for row, rule, value in failures.iter_rows()}
    expected = {
        (1, "mention_id_present"): None,
        (2, "mention_id_unique_in_archive"): "1",
        (3, "is_brand_author_boolean"): "yes",
        (4, "created_at_parsed_with_zone"): "2017-10-31 10:00",
        (5, "text_length_within_limit"): "",
        (6, "not_reply_to_itself"): "7",
        (7, "sentiment_label_known"): "meh",
        (8, "text_length_within_limit"): "y" * 10001,
    }
    assert got == expected
    assert isinstance(failures, pl.DataFrame)
