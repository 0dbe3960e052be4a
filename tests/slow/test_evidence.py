"""The contract's statistics: each rule's promised false-alarm rate, shown by simulation,
and each breakage it exists for still caught."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.ingest.evidence import low_count_p, share_above_limit, weekday_expectation
from tasks.ingest.policy import load_policy

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
    rejected = sum(int(n) for b, n in zip(values, counts, strict=False) if share_above_limit(int(b), rows, 0.05, ALPHA))
    slack = 3 * (ALPHA * (1 - ALPHA) / 20_000) ** 0.5
    assert rejected / 20_000 <= ALPHA + slack


def test_a_source_well_over_the_limit_is_caught():
    rng = np.random.default_rng(7)
    bad = rng.binomial(200, 0.25, size=2_000)  # a quarter of the rows broken
    assert all(share_above_limit(int(b), 200, 0.05, ALPHA) for b in bad)


def test_weekday_expectation_by_hand():
    # same weekday 1, 2, 3 weeks ago: 70, 80, 90; the busiest (90) left out → mean 75
    assert weekday_expectation({7: 70, 14: 80, 21: 90, 1: 5}, weeks=4, fallback_days=7) == (75.0, [70, 80])
    # two same weekdays are kept both: 70, 700 → 385
    assert weekday_expectation({7: 70, 14: 700}, weeks=4, fallback_days=7) == (385.0, [70, 700])
    # one same weekday only: the trailing week (days 1..7) instead: 10, 20, 30, 70, less 70 → 20
    assert weekday_expectation({1: 10, 2: 20, 3: 30, 7: 70}, weeks=4, fallback_days=7) == (20.0, [10, 20, 30])
    assert weekday_expectation({1: 10, 2: 20}, weeks=4, fallback_days=7) is None


def test_low_count_p_by_hand():
    # Poisson limit (no spread beyond counting): P(X <= 0 | mean 2) = e^-2
    assert low_count_p(0, 2.0, [], min_cv=0.0) == pytest.approx(np.exp(-2))
    # NB with mean 100 and cv 0.5: var = 100 + 2500, size = 100² / 2500 = 4, p = 4 / 104
    from scipy import stats

    assert low_count_p(30, 100.0, [], min_cv=0.5) == pytest.approx(stats.nbinom.cdf(30, 4, 4 / 104))
    # history more spread than the floor widens the model: 50 and 150 → sample var 5000, less the
    # Poisson part (their mean, 100) = 4900 > (0.1·100)²; the mean of 2 nights adds half the day's
    # variance: (100 + 4900) · 1.5 - 100 = 7400; size = 100² / 7400
    size = 10_000 / 7_400
    assert low_count_p(30, 100.0, [50, 150], min_cv=0.1) == pytest.approx(
        stats.nbinom.cdf(30, size, size / (size + 100))
    )


WEEKDAY = [1.0, 1.1, 1.05, 1.0, 0.95, 0.6, 0.5]  # Monday … Sunday
PARAMETERS = load_policy().parameters


def _year_of_records(base: float, rng, *, burst_every: int = 0, last_day_rows: int | None = None):
    """365 nights of one feed: weekday seasonality, Poisson noise, 1–10 % exact duplicate rows."""
    from datetime import date, timedelta

    from tasks.model.records import IngestRecord

    first = date(2017, 1, 2)  # a Monday
    records = []
    for n in range(365):
        day = first + timedelta(days=n)
        rows = int(rng.poisson(base * WEEKDAY[day.weekday()]))
        if burst_every and n % burst_every == burst_every // 2:
            rows *= 5  # a viral day
        if last_day_rows is not None and n == 364:
            rows = last_day_rows
        dups = int(rng.binomial(rows, rng.uniform(0.01, 0.10)))
        records.append(
            IngestRecord(
                f"archives/feed/dt={day}/a.csv",
                "e",
                1,
                "f",
                day.isoformat(),
                platform="feed",
                rows_read=rows + dups,
                rows_accepted=rows,
                duplicates_dropped=dups,
            )
        )
    return records


def _verdicts(records) -> tuple[int, int]:
    """(rejections, warnings) over every night with enough history."""
    from datetime import date

    from tasks.ingest.batch_checks import delivery_facts

    rejected = warned = 0
    for r in records:
        facts = delivery_facts(records, "feed", date.fromisoformat(r.collected), PARAMETERS)
        rejected += facts["collapse_p"] is not None and facts["collapse_p"] < PARAMETERS["collapse_p_value"]
        warned += facts["volume_p"] is not None and facts["volume_p"] < PARAMETERS["volume_false_alarm_rate"]
    return rejected, warned


@pytest.mark.parametrize("base", [1, 5, 30, 300, 2_000, 5_000])
def test_a_year_of_clean_nights_rejects_no_day(base):
    """Six feeds from 1 to 5,000 mentions a day, each also with a viral day (5×) every five weeks.
    The promise: no rejection; warnings at most at the stated rate (0.001 a night, so
    over 365 nights 0.365 expected: at most 2 allowed, P(Poisson(0.365) > 2) < 0.6 %)."""
    rng = np.random.default_rng(base)
    for burst in (0, 35):
        rejected, warned = _verdicts(_year_of_records(base, rng, burst_every=burst))
        assert rejected == 0
        assert warned <= 2


@pytest.mark.parametrize(
    ("base", "delivered", "rejected", "warned"),
    [
        (5_000, 0.5, False, True),  # half a delivery at high volume: published, with a data warning
        (2_000, 0.02, True, True),  # a collapse: rejected
        (300, 0.05, True, True),  # a collapse of a mid-sized feed: rejected
        (30, 0.0, False, True),  # an empty day of a small feed: too few to reject, enough to warn
    ],
)
def test_breakage_is_still_caught(base, delivered, rejected, warned):
    """The year's last night (2018-01-01, a Monday) delivers only a share of a Monday's rows."""
    from datetime import date

    from tasks.ingest.batch_checks import delivery_facts

    records = _year_of_records(base, np.random.default_rng(1), last_day_rows=int(base * WEEKDAY[0] * delivered))
    assert records[-1].collected == "2018-01-01"
    facts = delivery_facts(records, "feed", date(2018, 1, 1), PARAMETERS)
    assert (facts["collapse_p"] is not None and facts["collapse_p"] < PARAMETERS["collapse_p_value"]) is rejected
    assert (facts["volume_p"] < PARAMETERS["volume_false_alarm_rate"]) is warned


def test_a_viral_day_does_not_hide_a_lost_delivery():
    """~500 posts a day, one day of 5,000, then a day of 3: the busiest night is left out of the
    baseline, so 3 of an expected ~500 is a collapse, not noise beside a burst."""
    history = {1: 480, 2: 5000, 3: 510, 4: 495, 5: 505, 6: 490}
    expected, nights = weekday_expectation(history, weeks=4, fallback_days=7)
    assert (expected, nights) == (496.0, [480, 510, 495, 505, 490])
    assert low_count_p(3, expected, nights, min_cv=0.15) < 1e-6
