"""Spike and viral-complaint alerts: planted cases, quiet cases, and the false-alarm rate simulated."""

from __future__ import annotations

from datetime import date, timedelta
from typing import get_args, get_type_hints

import numpy as np
import polars as pl

from tasks.metrics.alerts import (
    ALERT_KINDS,
    SPIKE_FALSE_ALARM_RATE,
    Alert,
    category_spikes,
    customer_replies,
    detractor_spikes,
    new_volumes,
    viral_complaints,
)
from tasks.render.columns import markdown

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
    # Nor one seen on only 2 past days (3 are needed).
    two_days = pl.concat([past, history({"Two": [0] * 2}).with_columns(pl.col("date") + pl.duration(days=26))])
    assert detractor_spikes(today({"Two": 30}), two_days, DAY) == []
    # A brand seen on 3 of the 28 days (0 detractors each) and absent on the rest: its baseline is 0
    # over all 28 delivered days, and 12 is a spike.
    sparse = pl.concat([past, history({"Rare": [0] * 3}).with_columns(pl.col("date") + pl.duration(days=25))])
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


def five_day_archive(spike: int | None) -> pl.DataFrame:
    """Days 1–5 ending the day after DAY: A has 6, 8, 7, then day 4 (DAY) `spike` or 9, then 7."""
    counts = [6, 8, 7, 9 if spike is None else spike, 7]
    return pl.DataFrame(
        {"brand": ["A"] * 5, "date": [DAY + timedelta(days=d) for d in range(-3, 2)], "detractors": counts}
    )


def alerts_by_day(archive: pl.DataFrame) -> dict[date, list[tuple[str, float, float | None]]]:
    """Each day of the archive judged against the days before it, as the nightly does."""
    return {
        d: [
            (a.brand, a.observed, a.expected) for a in detractor_spikes(archive.filter(pl.col("date") == d), archive, d)
        ]
        for d in archive["date"].to_list()
    }


def test_a_spike_on_day_four_of_a_five_day_archive_alerts_and_the_quiet_archive_does_not():
    """Day 4's baseline is its 3 prior days: (6 + 8 + 7) / 3 = 7. Their variance, 1, is taken at its
    upper 95 % bound 1 · 2 / χ²₂(0.05) = 2 / 0.1026 = 19.5; beyond Poisson that is 19.5 − 7 = 12.5 (over
    the floor (0.25 · 7)² = 3.06), widened for a mean of 3 nights: (7 + 12.5) · 4/3 − 7 = 19.0. Under a
    negative binomial of mean 7 and variance 26.0, P(X ≥ 40) = 1.3e-4 < 0.1 %: it alerts. Days 1–3
    have under 3 prior days and are not judged; day 5 (7, with the spike in its baseline) is
    ordinary. Without the spike (9 on day 4) nothing alerts."""
    assert alerts_by_day(five_day_archive(40)) == {
        DAY - timedelta(days=3): [],
        DAY - timedelta(days=2): [],
        DAY - timedelta(days=1): [],
        DAY: [("A", 40.0, 7.0)],
        DAY + timedelta(days=1): [],
    }
    (spike,) = detractor_spikes(today({"A": 40}), five_day_archive(40), DAY)
    assert round(spike.p_value, 6) == 0.000125
    assert all(found == [] for found in alerts_by_day(five_day_archive(None)).values())


def test_quiet_days_with_three_to_seven_past_days_alert_at_the_promised_rate():
    """For 3, 4 and 7 past days: 8,000 simulated quiet brand-days each (means 2 to 300, day-to-day
    variation 25 % and 50 %, today drawn like its past). The rule promises 0.1 %: 8 expected alerts
    of 8,000, and a rule that keeps its promise exceeds 16 with probability under 1 in 100
    (binomial(8,000, 0.001) upper 1 % tail: P(X ≥ 17) = 0.0036)."""
    rng = np.random.default_rng(20171101)
    for nights in (3, 4, 7):
        past_rows, now = {}, {}
        for cv in (0.25, 0.5):
            for mean in (2, 10, 50, 300):
                size = 1 / cv**2
                for i in range(1000):
                    draws = rng.negative_binomial(size, size / (size + mean), nights + 1)
                    name = f"{cv}-{mean}-{i}"
                    past_rows[name] = [0] * (28 - nights) + draws[:nights].tolist()
                    now[name] = int(draws[nights])
        past = history(past_rows).filter(pl.col("date") >= DAY - timedelta(days=nights))
        alerts = detractor_spikes(today(now), past, DAY)
        assert len(alerts) <= 16, (nights, len(alerts))


def test_a_new_brand_far_above_the_known_brands_raises_new_volume():
    """20 known brands (each seen yesterday) have 10, 20, … 200 mentions today. Their p95 (linear):
    position 0.95 · 19 = 18.05, so 190 + 0.05 · 10 = 190.5. New brand N with 500 mentions alerts;
    M with 190 does not; Known with 5,000 is judged by its own history, not here."""
    known = [f"K{i:02d}" for i in range(1, 21)]
    presence = pl.DataFrame({"brand": known, "date": [DAY - timedelta(days=1)] * 20})
    now = pl.DataFrame({"brand": [*known, "N", "M"], "inbound": [10 * i for i in range(1, 21)] + [500, 190]})
    (alert,) = new_volumes(now, presence, DAY)
    assert (alert.brand, alert.kind, alert.observed, alert.expected) == ("N", "new_volume", 500.0, 190.5)
    assert alert.detail == "500 mentions on its first day in the archive, above 190.5, the p95 of 20 known brands"
    # 19 known brands are too few to know what is large; and on the archive's first day all are new.
    assert new_volumes(now.filter(pl.col("brand") != "K01"), presence.filter(pl.col("brand") != "K01"), DAY) == []
    assert new_volumes(now, presence.filter(pl.col("date") >= DAY), DAY) == []


def test_an_ordinary_newcomer_crosses_the_new_volume_bar_at_the_stated_rate():
    """1,000 simulated days: 20 known brands and 20 newcomers, all drawn alike (log-normal volumes).
    The bar, the known brands' p95 at position 18.05, lies between their 19th and 20th largest, so a
    newcomer crosses it at least when it tops all 20 (1 in 21) and at most when it tops 19 (2 in 21);
    near the top of that range (the module states 8.7 %). 20,000 newcomers: Monte-Carlo error ≈ 0.2 %."""
    rng = np.random.default_rng(20171102)
    known = [f"K{i:02d}" for i in range(20)]
    new = [f"N{i:02d}" for i in range(20)]
    presence = pl.DataFrame({"brand": known, "date": [DAY - timedelta(days=1)] * 20})
    crossed = 0
    for _ in range(1000):
        volumes = np.round(rng.lognormal(6, 1, 40), 3) + 5  # continuous (no ties), above the floor of 5
        crossed += len(new_volumes(pl.DataFrame({"brand": known + new, "inbound": volumes}), presence, DAY))
    assert 1 / 21 < crossed / 20_000 < 2 / 21, crossed


def test_the_schema_says_what_every_alert_kind_means():
    kinds = get_args(get_type_hints(Alert)["kind"])
    assert sorted(kinds) == sorted(ALERT_KINDS)
    schema = markdown()
    assert "### alerts.json" in schema
    for kind, meaning in ALERT_KINDS.items():
        assert f"| {kind} | {meaning} |" in schema
