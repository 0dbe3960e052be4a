"""The one rule for "answered": a first response by the mention's brand within the reply horizon.

Every figure that splits answered from unanswered (response rates, KM events,
care figures, the hour-of-week table, the report's charts) reads this rule, so
they can never disagree about a reply that came a second too late.
"""

from __future__ import annotations

import polars as pl


def answered_within(horizon_s: float, wait: str = "frt_s") -> pl.Expr:
    """True when the wait (`frt_s`, or a next reply's) is set and at most the horizon (72 h exactly still counts)."""
    return (pl.col(wait) <= horizon_s).fill_null(False)
