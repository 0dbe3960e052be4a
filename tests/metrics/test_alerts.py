"""Spike and viral-complaint alerts: planted cases, quiet cases, and the false-alarm rate simulated."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from tasks.metrics.alerts import (
    SPIKE_FALSE_ALARM_RATE,
    category_spikes,
    customer_replies,
    detractor_spikes,
    viral_complaints,
)

DAY = date(2017, 10, 31)


def history(counts_by_brand: dict[str, list[int]]) -> pl.DataFrame:
    """28 days before DAY, oldest first, one row per brand and day."""
    rows = [
        {"brand": brand, "date": DAY - timedelta(days=28 - i), "detractors": n}
        for brand, counts in counts_by_brand.items()
        for i, n in enumerate(counts)
    ]
    return pl.DataFrame(rows)


def today(counts: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({"brand": list(counts), "detractors": list(counts.values())})


def test_a_planted_spike_alerts_and_an_ordinary_day_does_not():
    # Every past day 4 detractors: the same-weekday baseline is 4 (nights 7, 14, 21 days ago,
    # busiest of the three left out). 20 is far beyond it; 6 is an ordinary day.
    past = history({"A": [4] * 28, "B": [4] * 28})
    alerts = detractor_spikes(today({"A": 20, "B": 6}), past, DAY)
    assert [(a.brand, a.kind, a.observed, a.expected) for a in alerts] == [("A", "detractor_spike", 20.0, 4.0)]
    assert alerts[0].p_value < SPIKE_FALSE_ALARM_RATE
    assert alerts[0].detail.startswith("20 detractors where 4.0 are usual")


def test_small_counts_and_brands_without_history_never_alert():
    past = history({"A": [0] * 28})
    assert detractor_spikes(today({"A": 4}), past, DAY) == []  # below 5 detractors: never
    assert detractor_spikes(today({"A": 30}), None, DAY) == []  # no history: nothing to judge against
    # A brand new to the archive has no normal to exceed yet: 30 detractors on its first day is no spike.
    assert detractor_spikes(today({"New": 30}), past, DAY) == []
    # A brand seen on 7 of the 28 days (0 detractors each) and absent on the rest: its baseline is 0
    # over all 28 delivered days, and 12 is a spike.
    sparse = pl.concat([past, history({"Rare": [0] * 7}).with_columns(pl.col("date") + pl.duration(days=21))])
    assert [a.brand for a in detractor_spikes(today({"Rare": 12}), sparse, DAY)] == ["Rare"]


def test_quiet_weeks_alert_at_most_at_the_promised_rate():
    """8,000 simulated quiet brand-days: 28 days of history and a today drawn from the same
    negative binomial (mean 2 to 300, day-to-day variation 25 % and 50 %). The rule promises
    0.1 %; the count of alerts must stay within what that allows (≤ 16 of 8,000 is 0.2 %)."""
    rng = np.random.default_rng(20171031)
    brands, past_rows, now = [], {}, {}
    for cv in (0.25, 0.5):
        for mean in (2, 10, 50, 300):
            size = 1 / cv**2
            for i in range(1000):
                draws = rng.negative_binomial(size, size / (size + mean), 29)
                name = f"{cv}-{mean}-{i}"
                brands.append(name)
                past_rows[name] = draws[:28].tolist()
                now[name] = int(draws[28])
    alerts = detractor_spikes(today(now), history(past_rows), DAY)
    assert len(alerts) <= 16, len(alerts)


def test_a_complaint_far_beyond_the_brands_usual_reach_is_viral():
    complaints = pl.DataFrame(
        {
            "brand": ["B", "B", "B", "B", "C"],
            "mention_id": ["1", "2", "3", "4", "5"],
            "author_followers": [100, 200, 150, 50_000, 20_000],
            "replies": [0, 0, 0, 0, 0],
        }
    )
    # B's usual complainer (median of 100, 150, 200, 50,000) has 175 followers: 50,000 > 50 × 175.
    # C's only complaint is its own norm: not viral however large.
    (alert,) = viral_complaints(complaints)
    assert (alert.brand, alert.kind, alert.observed, alert.expected) == ("B", "viral_complaint", 50_000.0, 175.0)
    assert "complaint 4 reaches 50,000 followers" in alert.detail


def test_a_category_spikes_against_the_brands_own_history_of_it():
    """A is in the archive all 28 days; 'outage' came up once a day, 'delivery' never. Today 15
    outage mentions is a spike (a category_spike); 3 delivery mentions is below the floor of 5."""
    presence = history({"A": [0] * 28})
    past = history({"A": [1] * 28}).with_columns(
        pl.lit("outage").alias("category"), pl.col("detractors").alias("inbound")
    )
    now = pl.DataFrame({"brand": ["A", "A"], "category": ["outage", "delivery"], "inbound": [15, 3]})
    (alert,) = category_spikes(now, past.select("brand", "date", "category", "inbound"), presence, DAY)
    assert (alert.brand, alert.kind, alert.observed, alert.expected) == ("A", "category_spike", 15.0, 1.0)
    assert alert.detail.startswith("15 mentions about outage where 1.0 are usual")
    assert category_spikes(now, None, presence, DAY) == []


def test_a_complaint_many_customers_pile_onto_is_viral_whatever_its_followers():
    complaints = pl.DataFrame(
        {"brand": ["B", "B"], "mention_id": ["1", "2"], "author_followers": [10, None], "replies": [20, 19]}
    )
    # 20 other customers replied to mention 1 (the floor); 19 to mention 2: not yet.
    (alert,) = viral_complaints(complaints)
    assert (alert.brand, alert.kind) == ("B", "viral_complaint")
    assert alert.detail.startswith("complaint 1 draws 20 customer replies")


def test_customer_replies_count_distinct_other_customers():
    mentions = pl.DataFrame(
        {
            "platform": ["twitter"] * 5,
            "mention_id": ["m", "r1", "r2", "r3", "b1"],
            "author_id": ["a", "x", "y", "x", "Brand"],
            "in_reply_to_id": [None, "m", "m", "m", "m"],
            "is_brand_author": [False, False, False, False, True],
        }
    )
    # x twice and y once: 2 customers; the brand's own reply does not count
    assert customer_replies(mentions).rows() == [("twitter", "m", 2)]
