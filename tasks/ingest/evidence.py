"""The statistics behind the contract's verdicts: reject on evidence, not on one sample's habits.

A share of bad rows rejects an archive only when a one-sided binomial test says
the archive's true bad share is above the limit: the chance that an archive
whose bad share is exactly at the limit gets rejected is at most
`false_alarm_rate` (policy.json), whatever its size. So one bad row in 3 is
quarantined, not a reason to drop the other 2, while 5 of 10 still rejects.

A delivery's row count is judged against what the platform's history predicts
(same weekday over trailing weeks) under a negative binomial: Poisson counting
noise plus day-to-day variation of at least `volume_min_cv`. Small expected
counts need strong evidence by construction; below `volume_min_expected` the
count is not judged.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scipy.stats import rv_discrete


def _stats() -> ModuleType:
    """scipy.stats on first use: every command that plans a run imports this module (through the
    stored day blocks), few judge a delivery, and scipy.stats alone takes ~1 CPU-second to import."""
    from scipy import stats

    return stats


def share_above_limit(bad: int, rows: int, limit: float, false_alarm_rate: float) -> bool:
    """Evidence at `false_alarm_rate` that the true share of bad rows exceeds `limit`."""
    if rows == 0 or bad == 0 or limit >= 1.0:
        return False
    return float(_stats().binom.sf(bad - 1, rows, limit)) < false_alarm_rate  # P(X >= bad | share = limit)


def low_count_p(observed: int, expected: float, history: list[int], min_cv: float) -> float:
    """P(a count this low or lower) under a negative binomial with mean `expected`."""
    if expected <= 0:
        return 1.0
    family, shape = _count_model(expected, history, min_cv)
    return float(family.cdf(observed, *shape))


def high_count_p(
    observed: int, expected: float, history: list[int], min_cv: float, spread_confidence: float | None = None
) -> float:
    """P(a count this high or higher) under the same model: the spike test. With `spread_confidence`
    the history's variance is its upper confidence bound at that level, not its estimate."""
    if observed <= 0:
        return 1.0
    family, shape = _count_model(max(expected, 0.5), history, min_cv, spread_confidence)  # a quiet brand has some rate
    return float(family.sf(observed - 1, *shape))


def high_share_p(
    observed: int,
    total: int,
    history: list[tuple[int, int]],
    min_cv: float,
    spread_confidence: float,
) -> float:
    """P(`observed` or more of `total`) when today's share is drawn like the past days' (`history`:
    (hits, total) per day): a beta-binomial around the pooled past share. Its variance is the past
    share's uncertainty (hits + ½ over seen + 1: a category absent from 4 mentions is not known to be
    rare) plus day-to-day variation of at least `min_cv`, or what the days show beyond counting
    noise at its upper bound (as `_count_model`). A count judged as a share of its day's total is
    not a spike because the day was busy, and a near-empty history cannot make one."""
    days = [(k, n) for k, n in history if n > 0]
    if observed <= 0 or not days:
        return 1.0
    seen = sum(n for _, n in days)
    share = (sum(k for k, _ in days) + 0.5) / (seen + 1)
    spread = (min_cv * share) ** 2
    if len(days) >= 2:
        shares = [k / n for k, n in days]
        mean = sum(shares) / len(shares)
        dof = len(shares) - 1
        # s² = Σ(r − r̄)²/dof at its upper bound s²·dof/χ²(1 − q): the dofs cancel
        sample_var = sum((r - mean) ** 2 for r in shares) / float(_stats().chi2.ppf(1 - spread_confidence, dof))
        noise = sum(share * (1 - share) / n for _, n in days) / len(days)  # a day's binomial share noise
        spread = max(spread, sample_var - noise)
    variance = min(spread * (1 + 1 / len(days)) + share * (1 - share) / (seen + 1), 0.999 * share * (1 - share))
    concentration = share * (1 - share) / variance - 1  # a beta of mean `share` and this variance
    return float(_stats().betabinom.sf(observed - 1, total, share * concentration, (1 - share) * concentration))


def _count_model(
    expected: float, history: list[int], min_cv: float, spread_confidence: float | None = None
) -> tuple[rv_discrete, tuple[float, ...]]:
    """Poisson counting noise plus day-to-day variation: a negative binomial with mean `expected`, as
    scipy's family and its shape (called unfrozen: freezing one builds its docstring, ~0.5 ms a call,
    which was most of a day's spike tests).

    The day's variance is the larger of what `history` shows and expected + (min_cv·expected)²;
    the prediction's adds the uncertainty of `expected`, a mean of the history's nights. A variance
    read from a few nights is often far too small (3 nights of a brand varying by 50 % show under
    25 % a fifth of the time: P(χ²₂ < 0.5) = 0.22): with `spread_confidence` q it is taken at its
    one-sided upper bound s²·(n−1)/χ²ₙ₋₁(1−q), which widens the model the fewer nights there are."""
    spread = (min_cv * expected) ** 2
    if len(history) >= 2:
        mean = sum(history) / len(history)
        sample_var = sum((h - mean) ** 2 for h in history) / (len(history) - 1)
        if spread_confidence is not None:
            dof = len(history) - 1
            sample_var *= dof / float(_stats().chi2.ppf(1 - spread_confidence, dof))
        spread = max(spread, sample_var - mean)
    if history:  # `expected` is itself a mean of len(history) nights: predict with its uncertainty too
        spread = (expected + spread) * (1 + 1 / len(history)) - expected
    if spread <= 0:
        return _stats().poisson, (expected,)
    size = expected**2 / spread  # NB: var = mean + mean² / size
    return _stats().nbinom, (size, size / (size + expected))


def weekday_expectation(
    history_by_day: dict[int, int], weeks: int, fallback_days: int
) -> tuple[float, list[int]] | None:
    """Expected rows and the nights behind them: the same weekday over `weeks` trailing weeks
    (at least 2 of them), else the trailing `fallback_days` days (at least 3), busiest night
    left out; `history_by_day` maps days-ago → rows."""
    same_weekday = [history_by_day[7 * w] for w in range(1, weeks + 1) if 7 * w in history_by_day]
    recent = [history_by_day[d] for d in range(1, fallback_days + 1) if d in history_by_day]
    for nights, least in ((same_weekday, 2), (recent, 3)):
        if len(nights) >= least:
            kept = _without_the_busiest(nights)
            return sum(kept) / len(kept), kept
    return None


def _without_the_busiest(nights: list[int]) -> list[int]:
    """Drop the single busiest night of three or more: a viral day must not hide a lost delivery
    (it would raise the baseline and widen the model for weeks); a lost day is low, so kept."""
    if len(nights) < 3:
        return nights
    busiest = nights.index(max(nights))
    return nights[:busiest] + nights[busiest + 1 :]
