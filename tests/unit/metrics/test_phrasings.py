"""The shared reading helpers: each distinct text read once, phrasings for lower-cased text."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.metrics.categories import Category, Taxonomy, default_taxonomy, with_categories
from tasks.metrics.phrasings import lower_any_of, per_distinct


def test_per_distinct_reads_each_text_once_and_keeps_row_order():
    """Five rows, three distinct texts (null read as ""): the reading is computed on 3 rows, given to 5."""
    texts = pl.Series("text", ["b", "a", None, "b", ""], dtype=pl.String)
    read_rows: list[int] = []

    def length(text: pl.Expr) -> pl.Expr:
        return text.map_batches(lambda s: read_rows.append(s.len()) or s.str.len_chars(), return_dtype=pl.UInt32)

    got = per_distinct(texts, length)
    assert got.to_list() == [1, 1, 0, 1, 0]
    assert got.name == "text"
    assert read_rows == [3]  # "b", "a", "" once each


def test_per_distinct_reads_texts_that_never_repeat_in_row_order():
    """No text repeats (null read as ""): each row read once, where it is."""
    texts = pl.Series("text", ["ccc", None, "a", "bb"], dtype=pl.String)
    got = per_distinct(texts, lambda text: text.str.len_chars())
    assert got.to_list() == [3, 0, 1, 2]
    assert got.name == "text"


def test_lower_any_of_refuses_an_upper_case_letter_but_not_an_escape():
    assert lower_any_of(r"\bno power\b", r"\W\d+") == r"(?:(?-u:\b)no power(?-u:\b)|\W\d+)"
    with pytest.raises(ValueError, match="'P'"):
        lower_any_of(r"\bPSN is down\b")


def test_a_registry_pattern_in_capitals_still_matches_lower_cased_text():
    """Text is lower-cased once; a pattern with an upper-case letter keeps (?i), so "PSN" finds "psn"."""
    facts = pl.DataFrame({"brand": ["A", "A"], "text": ["is psn down?", "PSN again"], "stance": [0, 0]})
    own = {"A": (Category("psn_outage", r"\bPSN\b"),)}
    got = with_categories(facts, Taxonomy(default_taxonomy(), brands=own))["category"].to_list()
    assert got == ["psn_outage", "psn_outage"]
