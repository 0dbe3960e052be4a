"""One regex for many phrasings, shared by the readers of care text (channels, urgency).

Word boundaries are ASCII (`(?-u:\\b)`): a Unicode `\\b` stops the regex engine's fast DFA on any
text with a non-ASCII character (an emoji, a curly quote: most tweets), which made the readers
several times slower with the same answers (tests/benchmarks, issue 28 item 9).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl


def any_of(*phrasings: str) -> str:
    """One case-insensitive pattern matching any of the phrasings, with ASCII word boundaries."""
    return ascii_boundaries(r"(?i)(?:" + "|".join(phrasings) + ")")


def lower_any_of(*phrasings: str) -> str:
    """One pattern matching any of the phrasings in text already lower-cased once (`str.to_lowercase`),
    with ASCII word boundaries: without `(?i)` the regex engine matches each letter as itself, not as
    a class of its cases (faster). A phrasing with an upper-case letter (not an escape like `\\W`)
    could never match lower-cased text, so it is refused."""
    pattern = "(?:" + "|".join(phrasings) + ")"
    upper = re.search(r"(?<!\\)[A-Z]", pattern.replace("\\\\", ""))
    if upper:
        raise ValueError(f"a phrasing for lower-cased text has an upper-case letter: {upper.group()!r}")
    return ascii_boundaries(pattern)


def per_distinct(texts: pl.Series, read: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """`read` (an expression of the text column) run once per distinct text, then given to every row
    in order: care archives repeat texts (campaign replies, copy-pasted complaints, one dialog's first
    turn per summary), and a regex costs per text read. A null text is read as "". When no text repeats, each
    row is read where it is (no join back). The read runs in a lazy query: a step shared by several branches
    of `read` (the cleaned text) is then computed once."""
    rows = texts.fill_null("").to_frame("text")
    if rows["text"].n_unique() == rows.height:  # no text repeats: each row read where it is, no join back
        return rows.lazy().select(read(pl.col("text")).alias("_read")).collect()["_read"].alias(texts.name)
    distinct = rows.lazy().unique().with_columns(read(pl.col("text")).alias("_read")).collect()
    return rows.join(distinct, on="text", how="left", maintain_order="left")["_read"].alias(texts.name)


def ascii_boundaries(pattern: str) -> str:
    """The pattern with every `\\b` read as an ASCII word boundary."""
    return pattern.replace(r"\b", r"(?-u:\b)")


def any_of_lowered(*phrasings: str) -> str:
    """One pattern for text lower-cased once beforehand: no case folding, and `\\w`, `\\W`, `\\d` read as
    ASCII classes. Case folding with a Unicode `\\w` grows a large alternation past what the regex engine's
    lazy DFA keeps in its cache, and it falls back to a far slower engine: one such pattern took 1.0 s of
    the channel reader's 1.3 s per 20,000 replies, 0.015 s written this way (issue 28 item 9)."""
    pattern = "(?:" + "|".join(phrasings) + ")"
    for unicode, ascii in ((r"\w", "[a-z0-9_]"), (r"\W", "[^a-z0-9_]"), (r"\d", "[0-9]")):
        pattern = pattern.replace(unicode, ascii)  # inside a class too: "[\w.+-]" nests as "[[a-z0-9_].+-]"
    return ascii_boundaries(pattern)
