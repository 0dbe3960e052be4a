"""What an example value may show of archive text (issue 18's hostile cases 5 and 8): a plain token, else its length."""

from __future__ import annotations

import polars as pl
import pytest


@pytest.mark.parametrize(
    ("value", "shown_as"),
    [
        ("12345abc", "12345abc"),
        ("posititve", "posititve"),
        ("1.5e+18", "1.5e+18"),
        ("bob@example.com", "«masked: 15 characters»"),
        ("+15551234567", "«masked: 12 characters»"),
        ("a b", "«masked: 3 characters»"),
        ("x" * 41, "«masked: 41 characters»"),
        (7, 7),
        (None, None),
    ],
)
def test_an_example_value_is_shown_only_when_it_is_a_plain_token(value, shown_as):
    from tasks.model.masking import example_value, shown

    assert shown(value) == shown_as
    if isinstance(value, str):
        assert pl.select(example_value(pl.lit(value))).item() == shown_as
