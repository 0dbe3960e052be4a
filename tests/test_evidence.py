"""The contract's statistics: each rule's promised false-alarm rate, shown by simulation,
and each breakage it exists for still caught."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.evidence import low_count_p, share_above_limit, weekday_expectation
from tasks.policy import load_policy

ALPHA = load_policy().parameters["rejection_false_alarm_rate"]


def test_the_binomial_rule_by_hand():
    """P(X >= 1 | n=3, p=0.05) = 1 - 0.95³ = 0.142625: one bad row in 3 is no evidence.
    P(X >= 5 | n=10, p=0.05) = 6.4e-5 (sum of C(10,k)·0.05^k·0.95^(10-k), k = 5..10): it is."""
    assert not share_above_limit(1, 3, 0.05, ALPHA)
    assert share_above_limit(5, 10, 0.05, ALPHA)
    assert not share_above_limit(0, 10, 0.05, ALPHA)
    assert not share_above_limit(10, 10, 1.0, ALPHA)  # a limit of 100 % can never be exceeded
    # 1 - 0.95**3 is the p-value: it rejects exactly when the rate is set above it
    assert share_above_limit(1, 3, 0.05, 0.1427) and not share_above_limit(1, 3, 0.05, 0.1426)


@pytest.mark.parametrize("rows", [3, 10, 30, 100, 1_000, 10_000])
def test_archives_exactly_at_the_limit_are_rejected_at_most_at_the_promised_rate(rows):
    """The worst case of a clean source: its true bad share *is* the 5 % limit. 20,000
    archives per size; the rejection rate stays at or under ALPHA (plus Monte Carlo slack
    of 3 binomial standard errors)."""
    rng = np.random.default_rng(rows)
    bad = rng.binomial(rows, 0.05, size=20_000)
    values, counts = np.unique(bad, return_counts=True)
    rejected = sum(int(n) for b, n in zip(values, counts) if share_above_limit(int(b), rows, 0.05, ALPHA))
    slack = 3 * (ALPHA * (1 - ALPHA) / 20_000) ** 0.5
    assert rejected / 20_000 <= ALPHA + slack


def test_a_source_well_over_the_limit_is_caught():
    rng = np.random.default_rng(7)
    bad = rng.binomial(200, 0.25, size=2_000)  # a quarter of the rows broken
    assert all(share_above_limit(int(b), 200, 0.05, ALPHA) for b in bad)


def test_weekday_expectation_by_hand():
    # same weekday 1, 2, 3 weeks ago: 70, 80, 90 → mean 80
    assert weekday_expectation({7: 70, 14: 80, 21: 90, 1: 5}, weeks=4, fallback_days=7) == (80.0, [70, 80, 90])
    # one same weekday only: the trailing week (days 1..7) instead: 10, 20, 30, 70 → 32.5
    assert weekday_expectation({1: 10, 2: 20, 3: 30, 7: 70}, weeks=4, fallback_days=7) == (32.5, [10, 20, 30, 70])
    assert weekday_expectation({1: 10, 2: 20}, weeks=4, fallback_days=7) is None


def test_low_count_p_by_hand():
    # Poisson limit (no spread beyond counting): P(X <= 0 | mean 2) = e^-2
    assert low_count_p(0, 2.0, [], min_cv=0.0) == pytest.approx(np.exp(-2))
    # NB with mean 100 and cv 0.5: var = 100 + 2500, size = 100² / 2500 = 4, p = 4 / 104
    from scipy import stats

    assert low_count_p(30, 100.0, [], min_cv=0.5) == pytest.approx(stats.nbinom.cdf(30, 4, 4 / 104))
    # history more spread than the floor widens the model: 50 and 150 → sample var 5000, less the
    # Poisson part (their mean, 100) = 4900 > (0.1·100)²; size = 100² / 4900
    size = 10_000 / 4_900
    assert low_count_p(30, 100.0, [50, 150], min_cv=0.1) == pytest.approx(stats.nbinom.cdf(30, size, size / (size + 100)))
