"""The spike rule's false-alarm rate and power as shipped, the numbers tasks/metrics/alerts.py states.

Quiet brand-days: past days and today drawn from one negative binomial (means 1, 10, 50, 300 a day,
day-to-day variation 25, 50, 100 %); power: today tripled, at 10 and 50 a day with 25 % variation.
Run: python -m tests.research.spike_rates (a few minutes on one core).
"""

from __future__ import annotations

import numpy as np

from tasks.ingest.evidence import high_count_p
from tasks.metrics.alerts import (
    SPIKE_FALSE_ALARM_RATE,
    SPIKE_MIN_COUNT,
    SPIKE_MIN_CV,
    SPIKE_SPREAD_CONFIDENCE,
)


def alarm_share(rng: np.random.Generator, nights: int, cv: float, mean: float, factor: int, days: int) -> float:
    """Share of `days` simulated brand-days whose today (times `factor`) alerts against `nights` past days."""
    size = 1 / cv**2
    draws = rng.negative_binomial(size, size / (size + mean), (days, nights + 1))
    hits = 0
    for row in draws:
        past, now = row[:nights].tolist(), int(row[nights]) * factor
        expected = sum(past) / nights
        p = high_count_p(now, expected, past, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
        hits += now >= SPIKE_MIN_COUNT and p < SPIKE_FALSE_ALARM_RATE
    return hits / days


def main() -> None:
    rng = np.random.default_rng(7)
    for nights in (3, 4, 7, 28):
        quiet = {
            cv: np.mean([alarm_share(rng, nights, cv, m, 1, 1500) for m in (1, 10, 50, 300)]) for cv in (0.25, 0.5, 1.0)
        }
        caught = {m: alarm_share(rng, nights, 0.25, m, 3, 1000) for m in (10, 50)}
        print(
            f"{nights} past days: quiet alerts "
            + ", ".join(f"{100 * r:.2f} % at {cv:.0%}" for cv, r in quiet.items())
            + "; tripling caught "
            + ", ".join(f"{100 * r:.1f} % at {m}/day" for m, r in caught.items()),
            flush=True,
        )


if __name__ == "__main__":
    main()
