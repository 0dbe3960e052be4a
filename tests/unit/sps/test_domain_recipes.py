"""The recipe search's two pure parts, on hand-made cases: class balance and the nested choice."""

from __future__ import annotations

import polars as pl
import pytest

from tests.research.domain_protocol import Domain
from tests.research.domain_recipes import balanced, nested_choice

pytestmark = pytest.mark.unit


def test_balance_scales_each_class_toward_the_mean_class_weight():
    """Totals: detractor 4 (two rows of 2), promoter 1; mean total 2.5. α = 1: detractor rows ×2.5/4,
    the promoter row ×2.5. α = 0.5: ×√0.625 and ×√2.5."""
    frame = pl.DataFrame(
        {"text": ["a", "b", "c"], "label": ["detractor", "promoter", "detractor"], "weight": [2.0, 1.0, 2.0]}
    )
    assert balanced(frame, 1.0)["weight"].to_list() == pytest.approx([1.25, 2.5, 1.25])
    assert balanced(frame, 0.5)["weight"].to_list() == pytest.approx([2 * 0.625**0.5, 2.5**0.5, 2 * 0.625**0.5])
    assert balanced(frame, 0.0)["weight"].to_list() == [2.0, 1.0, 2.0]
    assert balanced(frame, 1.0)["text"].to_list() == ["a", "b", "c"]


def _domain(name: str, dataset: str, authors: int) -> Domain:
    return Domain(name, dataset, pl.Series([""] * authors), pl.Series([0] * authors, dtype=pl.Int8))


def test_the_nested_choice_never_looks_at_the_held_out_dataset():
    """Recipe "tuned" is best on x (error 1) but worst on y (30); "plain" errs 5 on both, "odd" 2 on y
    and 40 on x. Holding out x, the choice reads y alone: odd (2 < 5 < 30), which errs 40 on x. Holding
    out y, it reads x alone: tuned (1), which errs 30 on y. Seeing both, plain would win (5 < 30 < 40):
    the nested errors (40, 30) are what choosing this way delivers on an unseen dataset. The small
    domain z (10 authors) decides nothing but is judged like the rest."""
    found = [_domain("x", "one", 400), _domain("y", "two", 400), _domain("z", "two", 10)]
    errors = {
        "plain": {"x": 5.0, "y": -5.0, "z": 0.0},
        "tuned": {"x": 1.0, "y": 30.0, "z": 7.0},
        "odd": {"x": -40.0, "y": 2.0, "z": 3.0},
    }
    assert nested_choice(errors, found) == {"x": ("odd", -40.0), "y": ("tuned", 30.0), "z": ("tuned", 7.0)}
