"""Urgent unanswered mentions and masking, on hand-made cases."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.masking import mask_pii
from tasks.metrics.urgent import urgent_unanswered
from tests.frames import at


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("write to jane.doe+care@example.co.uk now", "write to [email] now"),
        ("card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("call me on +44 20 7946 0958 please", "call me on [phone] please"),
        ("call (415) 555-0100", "call [phone]"),
        ("order 12345 is late", "order 12345 is late"),  # short numbers stay
    ],
)
def test_masking(text, masked):
    assert pl.select(mask_pii(pl.lit(text))).item() == masked


def test_only_unanswered_urgent_mentions_are_listed_oldest_first():
    facts = pl.DataFrame(
        {
            "mention_id": ["a", "b", "c", "d"],
            "brand": ["AcmeHelp", "AcmeHelp", None, "AcmeHelp"],
            "created_at": [
                at("2017-11-01 10:00"),
                at("2017-11-01 09:00"),
                at("2017-11-01 08:00"),
                at("2017-11-01 07:00"),
            ],
            "text": ["my account was hacked, mail me x@y.com", "app is down again", "fraud on my card!", "thanks"],
            "responded": [False, False, False, False],
        }
    ).vstack(
        pl.DataFrame(
            {
                "mention_id": ["e"],
                "brand": ["AcmeHelp"],
                "created_at": [at("2017-11-01 06:00")],
                "text": ["site is down"],
                "responded": [True],
            }
        )
    )
    got = urgent_unanswered(facts, at("2017-11-02 00:00"), horizon_s=15 * 3600)
    assert got.select("mention_id", "age_h", "text").rows() == [
        ("c", 15.0, "fraud on my card!"),  # waited 16 h: capped at the 15 h horizon
        ("b", 15.0, "app is down again"),
        ("a", 14.0, "my account was hacked, mail me [email]"),
    ]
