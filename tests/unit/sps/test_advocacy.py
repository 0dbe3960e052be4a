"""Explicit advocacy and recovery, counted by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tasks.sps.advocacy import RECOMMENDS, WARNS, advocacy, recovery, with_advocacy
from tests.frames import at

ACME = "AcmeHelp"


def test_advocates_and_critics_are_authors_weighted_by_reach():
    """a1 recommends twice-over (100 followers) → advocate; a2 "never again, switching to" (50) → critic;
    a3 recommends and warns (10) → critic, the warning wins; a4 asks a question → neither.
    Advocates 1 reaching 100; critics 2 reaching 60."""
    facts = pl.DataFrame(
        {
            "brand": [ACME] * 5,
            "date": [date(2017, 10, 31)] * 5,
            "author_id": ["a1", "a1", "a2", "a3", "a4"],
            "text": [
                "I highly recommend @AcmeHelp",
                "love it",
                "never again, switching to @Rival",
                "I recommend them but stay away from the app",
                "where is my parcel",
            ],
            "author_followers": [100, 100, 50, 10, None],
        }
    )
    row = advocacy(with_advocacy(facts), ["brand", "date"]).row(0, named=True)
    assert (row["advocates"], row["advocates_reach"], row["critics"], row["critics_reach"]) == (1, 100, 2, 60)


@pytest.mark.parametrize(
    ("text", "recommends", "warns"),
    [
        ("@SouthwestAir you guys are the best!", True, False),
        ("Would recommend @AmazonHelp to anyone", True, False),
        ("Do not recommend @Uber_Support. Stay away.", True, True),  # both fire; advocacy() lets the warning win
        ("cancelling my account with @sprintcare today", False, True),
        ("@AppleSupport what time does the store open?", False, False),
    ],
)
def test_explicit_wording(text, recommends, warns):
    got = pl.select(pl.lit(text).str.contains(RECOMMENDS).alias("r"), pl.lit(text).str.contains(WARNS).alias("w"))
    assert got.row(0) == (recommends, warns)


def test_recovery_counts_detractors_who_turn_after_the_answer():
    """x: −1 at 10:00, answered 10:30, writes again at 12:00 at 0 → recovered.
    y: −1 at 10:00, answered 11:00; +1 at 10:45 (before the answer) and −1 at 13:00 → not recovered.
    z: −1, never answered → not counted. v: −1 answered, but outside the period → not counted.
    2 answered detractors, 1 recovered → 0.5."""
    rows = [
        ("x", "2017-10-31 10:00", -1, "2017-10-31 10:30", True),
        ("x", "2017-10-31 12:00", 0, None, True),
        ("y", "2017-10-31 10:00", -1, "2017-10-31 11:00", True),
        ("y", "2017-10-31 10:45", 1, None, True),
        ("y", "2017-10-31 13:00", -1, None, True),
        ("z", "2017-10-31 10:00", -1, None, True),
        ("v", "2017-10-30 10:00", -1, "2017-10-30 10:05", False),
        ("v", "2017-10-31 09:00", 1, None, True),
    ]
    window = pl.DataFrame(
        {
            "brand": [ACME] * len(rows),
            "author_id": [r[0] for r in rows],
            "created_at": [at(r[1]) for r in rows],
            "stance": pl.Series([r[2] for r in rows], dtype=pl.Int8),
            "first_response_at": pl.Series([at(r[3]) if r[3] else None for r in rows], dtype=pl.Datetime("us", "UTC")),
            "inside": [r[4] for r in rows],
        }
    )
    row = recovery(window, pl.col("inside")).row(0, named=True)
    assert row == {"brand": ACME, "answered_detractors": 2, "recovered": 1, "recovery_rate": pytest.approx(0.5)}
