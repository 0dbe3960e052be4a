"""The alert rules' promised false-alarm rate, simulated over thousands of quiet days (slow: a simulation)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from tasks.metrics.alerts import (
    Alert,
    detractor_spikes,
)

DAY = date(2017, 10, 31)


def quiet_days(rng: np.random.Generator, nights: int) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """8,000 quiet brands: per day authors ~ negative binomial (mean 2 to 300, variation 50 %) and a
    detractor share drawn around 20 % (variation 25 % and 50 %), the same for the past and today.
    Returns detractors and authors per brand, `nights` past days then today."""
    detractors, authors = {}, {}
    for cv in (0.25, 0.5):
        for mean in (2, 10, 50, 300):
            for i in range(1000):
                n = rng.negative_binomial(4, 4 / (4 + mean), nights + 1)
                concentration = (1 - 0.2) / (cv**2 * 0.2) - 1  # share 0.2 with sd cv · 0.2
                shares = rng.beta(0.2 * concentration, 0.8 * concentration, nights + 1)
                detractors[f"{cv}-{mean}-{i}"] = rng.binomial(n, shares).tolist()
                authors[f"{cv}-{mean}-{i}"] = n.tolist()
    return detractors, authors


def judged(detractors: dict[str, list[int]], authors: dict[str, list[int]], nights: int) -> list[Alert]:
    past = pl.DataFrame(
        [
            {"brand": b, "date": DAY - timedelta(days=nights - i), "detractors": d, "authors": authors[b][i]}
            for b, counts in detractors.items()
            for i, d in enumerate(counts[:nights])
        ]
    )
    now = pl.DataFrame(
        {
            "brand": list(detractors),
            "detractors": [c[-1] for c in detractors.values()],
            "authors": [a[-1] for a in authors.values()],
        }
    )
    return detractor_spikes(now, past, DAY)


def test_quiet_days_alert_at_most_at_the_promised_rate():
    """For 3, 7 and 28 past days, 8,000 simulated quiet brand-days each. The rule promises 0.1 %: 8
    expected alerts, and a rule keeping it exceeds 16 with probability 0.0036 (binomial upper tail)."""
    rng = np.random.default_rng(20171031)
    for nights in (3, 7, 28):
        assert len(judged(*quiet_days(rng, nights), nights)) <= 16, nights
