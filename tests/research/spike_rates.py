"""The spike rules' false-alarm rate and power as shipped, the numbers tasks/metrics/alerts.py states.

Count rule (the day's volume): past days and today drawn from one negative binomial (means 2, 10,
50, 300, 3,000 a day, day-to-day variation 25, 50, 100 %); power: today tripled at 10 and 50 a day.
Share rule (a brand's share of the day, detractors of authors, a category of a brand's mentions):
each day's total drawn as a negative binomial (50 % variation) and its share around 20 % (variation
25 % and 50 %), hits binomial; quiet brands (2 a day), busy ones (50, 300), and bursts (today 3,000
after days of 2 or of 50, the share drawn as on any day); power: the share doubled or tripled at 50
a day with 25 % variation.
Run: python -m tests.research.spike_rates (a few minutes on one core).
"""

from __future__ import annotations

import numpy as np

from tasks.ingest.evidence import high_count_p, high_share_p
from tasks.metrics.alerts import (
    SPIKE_FALSE_ALARM_RATE,
    SPIKE_MIN_COUNT,
    SPIKE_MIN_CV,
    SPIKE_SPREAD_CONFIDENCE,
)

DAYS = 1000  # simulated days per cell: 1 alert in 1,000 is the promise, so a cell's error is about ±0.1 %


def count_alarms(rng: np.random.Generator, nights: int, cv: float, mean: float, factor: int) -> float:
    """Share of simulated days whose today (times `factor`) alerts against `nights` past days."""
    size = 1 / cv**2
    draws = rng.negative_binomial(size, size / (size + mean), (DAYS, nights + 1))
    hits = 0
    for row in draws:
        past, now = row[:nights].tolist(), int(row[nights]) * factor
        p = high_count_p(now, sum(past) / nights, past, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
        hits += now >= SPIKE_MIN_COUNT and p < SPIKE_FALSE_ALARM_RATE
    return hits / DAYS


def share_alarms(
    rng: np.random.Generator, nights: int, cv: float, past_mean: float, today_mean: float, factor: float = 1.0
) -> float:
    """Share of simulated days whose hits today (share times `factor`) alert against `nights` past days."""
    concentration = (1 - 0.2) / (cv**2 * 0.2) - 1  # a share of 0.2 with sd cv · 0.2
    alerts = 0
    for _ in range(DAYS):
        totals = [*rng.negative_binomial(4, 4 / (4 + past_mean), nights).tolist(), 0]
        totals[-1] = int(rng.negative_binomial(4, 4 / (4 + today_mean)))
        shares = rng.beta(0.2 * concentration, 0.8 * concentration, nights + 1)
        shares[-1] = min(shares[-1] * factor, 1.0)
        hits = rng.binomial(totals, shares).tolist()
        history = list(zip(hits[:nights], totals[:nights], strict=True))
        now, total = hits[-1], totals[-1]
        p = high_share_p(now, total, history, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
        alerts += now >= SPIKE_MIN_COUNT and p < SPIKE_FALSE_ALARM_RATE
    return alerts / DAYS


def main() -> None:
    rng = np.random.default_rng(7)
    for nights in (3, 7, 28):
        quiet = {cv: [count_alarms(rng, nights, cv, m, 1) for m in (2, 10, 50, 300, 3000)] for cv in (0.25, 0.5, 1.0)}
        caught = {m: count_alarms(rng, nights, 0.25, m, 3) for m in (10, 50)}
        print(
            f"count, {nights} past days: quiet alerts (means 2/10/50/300/3000) "
            + "; ".join(
                f"at {cv:.0%} " + "/".join(f"{100 * r:.1f}" for r in rates) + " %" for cv, rates in quiet.items()
            )
            + "; tripling caught "
            + ", ".join(f"{100 * r:.0f} % at {m}/day" for m, r in caught.items()),
            flush=True,
        )
    cells = {"quiet 2/day": (2, 2), "50/day": (50, 50), "300/day": (300, 300), "burst 3000 after 2": (2, 3000)}
    cells |= {"burst 3000 after 50": (50, 3000)}
    for nights in (3, 7, 28):
        quiet = {
            name: [share_alarms(rng, nights, cv, past, now) for cv in (0.25, 0.5)]
            for name, (past, now) in cells.items()
        }
        caught = {f: share_alarms(rng, nights, 0.25, 50, 50, f) for f in (2, 3)}
        print(
            f"share, {nights} past days: quiet alerts at 25/50 % share variation "
            + "; ".join(f"{name} " + "/".join(f"{100 * r:.1f}" for r in rates) + " %" for name, rates in quiet.items())
            + "; share at 50/day doubled caught "
            + f"{100 * caught[2]:.0f} %, tripled {100 * caught[3]:.0f} %",
            flush=True,
        )


if __name__ == "__main__":
    main()
