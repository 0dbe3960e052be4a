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
    volume_spikes,
)
from tasks.render.columns import markdown

DAY = date(2017, 10, 31)


def history(counts_by_brand: dict[str, list[int]], authors: int = 20) -> pl.DataFrame:
    """28 days before DAY, oldest first, one row per brand and day: detractors of `authors`."""
    rows = [
        {"brand": brand, "date": DAY - timedelta(days=28 - i), "detractors": n, "authors": authors}
        for brand, counts in counts_by_brand.items()
        for i, n in enumerate(counts)
    ]
    return pl.DataFrame(rows)


def today(counts: dict[str, int], authors: int = 25) -> pl.DataFrame:
    return pl.DataFrame(
        {"brand": list(counts), "detractors": list(counts.values()), "authors": [authors] * len(counts)}
    )


def test_a_planted_spike_alerts_and_an_ordinary_day_does_not():
    # Every past day 4 detractors of 20 authors (20 %). Today 20 of 25 is far beyond it; 6 of 25 is
    # an ordinary day. Expected: the past share of today's authors, 25 · 112/560 = 5.
    past = history({"A": [4] * 28, "B": [4] * 28})
    alerts = detractor_spikes(today({"A": 20, "B": 6}), past, DAY)
    assert [(a.brand, a.kind, a.observed, a.expected) for a in alerts] == [("A", "detractor_spike", 20.0, 5.0)]
    assert alerts[0].p_value < SPIKE_FALSE_ALARM_RATE
    assert alerts[0].detail.startswith("20 of its 25 authors are detractors (80%) where 112 of 560 (20%) were")


def test_small_counts_and_brands_without_history_never_alert():
    past = history({"A": [0] * 28})
    assert detractor_spikes(today({"A": 4}), past, DAY) == []  # below 5 detractors: never
    assert detractor_spikes(today({"A": 30}), None, DAY) == []  # no history: nothing to judge against
    # A brand new to the archive has no normal to exceed yet: 30 detractors on its first day is no spike.
    assert detractor_spikes(today({"New": 30}), past, DAY) == []
    # Nor one seen on only 2 past days (3 are needed).
    two_days = pl.concat([past, history({"Two": [0] * 2}).with_columns(pl.col("date") + pl.duration(days=26))])
    assert detractor_spikes(today({"Two": 30}), two_days, DAY) == []
    # A brand seen on 3 of the 28 days (0 detractors of 20 authors each): 12 of 15 is a spike.
    sparse = pl.concat([past, history({"Rare": [0] * 3}).with_columns(pl.col("date") + pl.duration(days=25))])
    assert [a.brand for a in detractor_spikes(today({"Rare": 12}, 15), sparse, DAY)] == ["Rare"]


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


def categories(rows: dict[str, list[int]], days: int = 28) -> pl.DataFrame:
    """brand A's category counts, the same on each of `days` days before DAY."""
    return pl.DataFrame(
        [
            {"brand": "A", "date": DAY - timedelta(days=d), "category": c, "inbound": n}
            for d in range(1, days + 1)
            for c, n in rows.items()
        ]
    )


def now_categories(rows: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({"brand": ["A"] * len(rows), "category": list(rows), "inbound": list(rows.values())})


def test_a_category_shift_at_steady_volume_alerts():
    """A had 10 mentions a day for 28 days, 1 about outage. Today 10 again, 6 about outage: the share
    went from 10 % to 60 % at steady volume, a category_spike (expected 10 · 28/280 = 1); delivery's 3
    is below the floor of 5."""
    past = categories({"outage": 1, "other": 9})
    (alert,) = category_spikes(now_categories({"outage": 6, "delivery": 3, "other": 1}), past, DAY)
    assert (alert.brand, alert.kind, alert.observed, alert.expected) == ("A", "category_spike", 6.0, 1.0)
    assert alert.detail.startswith("6 of its 10 mentions are about outage (60%) where 28 of 280 (10%) were on its 28")
    assert category_spikes(now_categories({"outage": 8}), None, DAY) == []


def test_a_thin_history_raises_no_category_alert():
    """The sample's burst day: A was seen on 4 past days with 1, 7, 1 and 1 mentions, none about
    update_os; today 34 of its 136 are. The past share is (0 + ½)/(10 + 1) = 0.045, known only to
    ± 0.063 from 10 mentions, so 25 % is no surprise (p = 0.02 > 0.1 %) though '0.0 were usual'."""
    past = pl.DataFrame(
        {"brand": ["A"] * 4, "date": [DAY - timedelta(days=d) for d in (23, 22, 19, 11)], "category": ["other"] * 4}
    ).with_columns(pl.Series("inbound", [1, 7, 1, 1]))
    assert category_spikes(now_categories({"update_os": 34, "other": 102}), past, DAY) == []


def test_a_burst_that_lifts_everything_alike_is_one_volume_alert():
    """28 days of 50 mentions (5 about outage), 40 authors (10 detractors); today 30 times that, every
    share unchanged: the day's volume is the one alert (1,500 where 50 are usual); categories and
    detractors are not."""
    trends = pl.DataFrame(
        {"brand": ["A"] * 28, "date": [DAY - timedelta(days=d) for d in range(1, 29)], "inbound": [50] * 28}
    )
    (alert,) = volume_spikes(pl.DataFrame({"brand": ["A"], "inbound": [1500]}), trends, DAY)
    assert (alert.brand, alert.kind, alert.observed, alert.expected) == ("all brands", "volume_spike", 1500.0, 50.0)
    assert alert.detail.startswith("1500 mentions where 50.0 are usual on the 28 past days")
    assert (
        category_spikes(now_categories({"outage": 150, "other": 1350}), categories({"outage": 5, "other": 45}), DAY)
        == []
    )
    authors = trends.with_columns(pl.lit(10).alias("detractors"), pl.lit(40).alias("authors"))
    assert detractor_spikes(pl.DataFrame({"brand": ["A"], "detractors": [300], "authors": [1200]}), authors, DAY) == []


def test_a_brand_taking_a_larger_share_of_the_day_is_a_volume_spike():
    """Ten brands had 50 mentions on each of 28 days (A's share 10 %); today A has 300 and the others
    50: A's share (300 of 750, 40 %, expected 750 · 1400/14000 = 75) alerts; the others' shares fell,
    and the day's 750 where 500 are usual is within ordinary variation (sd ≈ 129)."""
    brands = ["A", *(f"B{i}" for i in range(9))]
    trends = pl.DataFrame(
        {
            "brand": brands * 28,
            "date": [DAY - timedelta(days=d) for d in range(1, 29) for _ in brands],
            "inbound": [50] * 280,
        }
    )
    now = pl.DataFrame({"brand": brands, "inbound": [300] + [50] * 9})
    (alert,) = volume_spikes(now, trends, DAY)
    assert (alert.brand, alert.kind, alert.observed, alert.expected) == ("A", "volume_spike", 300.0, 75.0)
    assert alert.detail.startswith("300 of the day's 750 mentions are the brand's (40%) where 1400 of 14000 (10%)")


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
    """Days 1–5 ending the day after DAY: A's 40 authors a day hold 6, 8, 7, then day 4 (DAY) `spike`
    or 9, then 7 detractors."""
    counts = [6, 8, 7, 9 if spike is None else spike, 7]
    return pl.DataFrame(
        {
            "brand": ["A"] * 5,
            "date": [DAY + timedelta(days=d) for d in range(-3, 2)],
            "detractors": counts,
            "authors": [40] * 5,
        }
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
    """Day 4's past: 6, 8, 7 detractors of 40 authors, pooled share (21 + ½)/(120 + 1) = 0.177686. The
    days' shares .15, .2, .175 vary by 0.000625, at its upper 95 % bound 0.000625 · 2 / χ²₂(0.05) =
    0.012185; less binomial noise 0.177686 · 0.822314 / 40 = 0.003653: 0.008532 (over the floor
    (0.25 · 0.177686)² = 0.001973), widened for a mean of 3 days and the pooled share's own error:
    0.008532 · 4/3 + 0.146114/121 = 0.012584. A beta of that mean and variance has a + b =
    0.146114/0.012584 − 1 = 10.611; P(30 or more of 40) under the beta-binomial = 3.1e-4 < 0.1 %: it
    alerts (expected 40 · 21/120 = 7). Days 1–3 have under 3 past days; day 5 (7) is ordinary;
    without the spike (9 on day 4) nothing alerts. 3 past days buy little power: 25 of 40 (p 0.0036)
    would not alert."""
    assert alerts_by_day(five_day_archive(30)) == {
        DAY - timedelta(days=3): [],
        DAY - timedelta(days=2): [],
        DAY - timedelta(days=1): [],
        DAY: [("A", 30.0, 7.0)],
        DAY + timedelta(days=1): [],
    }
    (spike,) = detractor_spikes(five_day_archive(30).filter(pl.col("date") == DAY), five_day_archive(30), DAY)
    assert round(spike.p_value, 5) == 0.00031
    assert all(found == [] for found in alerts_by_day(five_day_archive(None)).values())
    assert alerts_by_day(five_day_archive(25))[DAY] == []


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
