"""How often could *any* check on a small labelled set find every brand within 10 points?

A brand's corrected SPS on a labelled set differs from the people's SPS even
when the correction is right on average: which of its 50 tweets the model
gets wrong is chance, and so are the error rates measured on a few hundred
labelled tweets. This module measures that chance by simulation, under the
kindest assumption (the model's error rates are the same for every brand):
each draw lets the model err afresh on the brands' own tweets (people's labels
kept as they are), measures the rates again on a labelled set as large as
ours, corrects, and compares. Seeded, so the figures repeat.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tests.research.correction import corrected_shares, corrected_sps

DRAWS = 4000
SEED = 20171031
WITHIN = 10.0


def _sps(shares: np.ndarray) -> np.ndarray:
    return 100 * (shares[..., 2] - shares[..., 0])


def _simulate(people: np.ndarray, rates: np.ndarray, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """(draws, brands, 3) the model's verdicts on each brand's tweets, and (draws, 3, 3) the rates as
    measured again on as many labelled tweets as `rates` holds."""
    rng = np.random.default_rng(SEED)
    truth_rates = rates / rates.sum(axis=1, keepdims=True)
    predicted = sum(  # the model's verdicts on each brand's tweets of true class c
        np.stack([rng.multinomial(int(n), truth_rates[c], size=draws) for n in people[:, c]], axis=1) for c in range(3)
    ).astype(float)
    measured = np.stack([rng.multinomial(int(rates[c].sum()), truth_rates[c], size=draws) for c in range(3)], axis=1)
    return predicted, measured.astype(float)


def simulated_errors(people: np.ndarray, rates: np.ndarray, *, scale: int = 1, draws: int = DRAWS) -> np.ndarray:
    """(draws, brands): corrected minus people's SPS when the model errs at `rates` on every brand.

    people: (brands, 3) counts of people's labels (detractor, neutral, promoter); rates: (3, 3)
    confusion counts taken as the truth and re-measured, each draw, on as many labelled tweets.
    `scale` multiplies every brand's authors (same shares)."""
    people = people * scale
    predicted, measured = _simulate(people, rates, draws)
    return _sps(corrected_shares(predicted, measured[:, None])) - _sps(people / people.sum(axis=1, keepdims=True))


def interval_coverage(people: np.ndarray, rates: np.ndarray, *, draws: int = 300) -> np.ndarray:
    """Per brand, how often the published 95 % interval (tests/research/correction.py) holds people's SPS."""
    predicted, measured = _simulate(people, rates, draws)
    human = _sps(people / people.sum(axis=1, keepdims=True))
    covered = np.zeros(people.shape[0])
    for draw in range(draws):
        for brand in range(people.shape[0]):
            _, low, high = corrected_sps(tuple(predicted[draw, brand].astype(int)), (0, 0, 0), measured[draw])
            covered[brand] += low <= human[brand] <= high
    return covered / draws


class Chance(NamedTuple):
    close: np.ndarray  # per brand, P(|error| ≤ within)
    every: float  # P(every brand within)
    order: float  # P(corrected SPS in people's order)
    largest: np.ndarray  # per draw, the largest |error| over the brands


def goal_chance(
    people: np.ndarray, rates: np.ndarray, *, scale: int = 1, draws: int = DRAWS, within: float = WITHIN
) -> Chance:
    """How often a set like `people` (see simulated_errors) meets the goal, from one simulation."""
    errors = simulated_errors(people, rates, scale=scale, draws=draws)
    human = _sps(people / people.sum(axis=1, keepdims=True))
    close = np.abs(errors) <= within
    same_order = (np.argsort(human + errors, axis=1) == np.argsort(human)).all(axis=1)
    return Chance(
        close.mean(axis=0), float(close.all(axis=1).mean()), float(same_order.mean()), np.abs(errors).max(axis=1)
    )


def symmetric_rates(accuracy: float, labelled: int) -> np.ndarray:
    """Confusion counts of a model right `accuracy` of the time on every class, errors split evenly."""
    rates = np.full((3, 3), (1 - accuracy) / 2)
    np.fill_diagonal(rates, accuracy)
    return rates * labelled / 3
