"""What text from the wild may be shown: personal data masked, anything unlike a plain token withheld.

Post text reaches reports only through `mask_pii` (e-mail addresses, card-like
numbers, phone numbers, in that order: a card number would otherwise read as a
phone number). A value quoted as a validation example (validation.json, Data
Docs) is shown only when it is a short plain token that no mask touches; any
other value (a shifted CSV row puts post text in the id column) is replaced by
its length, so neither personal data nor markup can travel through an example.
The row itself stays in quarantine, findable by its source_row.
"""

from __future__ import annotations

import re

import polars as pl

_MASKS = [
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", "[email]"),
    (r"\b(?:\d[ -]?){12,18}\d\b", "[card]"),
    (r"\+?\(?\d[\d ().-]{7,}\d", "[phone]"),
]
#: Letters, digits and a few separators, at most 40 of them: no spaces, quotes or angle brackets.
_PLAIN_TOKEN = r"^[\w.:+\-/#]{1,40}$"


def mask_pii(text: pl.Expr) -> pl.Expr:
    for pattern, token in _MASKS:
        text = text.str.replace_all(pattern, token)
    return text


def shown(value: object) -> object:
    """The value itself if it is a plain token no mask touches, else «masked: N characters»;
    numbers and booleans (GX's results) pass as they are."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    plain = re.match(_PLAIN_TOKEN, text) and all(re.search(p, text) is None for p, _ in _MASKS)
    return text if plain else f"«masked: {len(text)} characters»"


def example_value(value: pl.Expr) -> pl.Expr:
    """`shown` on a column of examples (a few per rule: the rule is written once, in Python)."""
    return value.map_elements(shown, return_dtype=pl.String, skip_nulls=True)
