"""Something is blowing up: more detractors than a brand's own history allows, or one complaint
reaching far more people than the brand's complaints usually do.

A spike is judged with the data contract's count model (tasks/ingest/evidence.py): the
brand's detractors today against its trailing days in the page's 28-day window (it must
have had mentions on at least SPIKE_MIN_NIGHTS of them: a brand new to the archive has no
normal to exceed), under a negative binomial whose variance is the larger of what
those days show and SPIKE_MIN_CV day-to-day variation, widened for the baseline being a mean
of few days. Unlike the delivery check, no night is left out: leaving out the busiest lowers
a baseline, which is right for spotting a lost delivery and wrong for spotting a spike; and
all trailing days, not only the same weekday, because three nights are too few to know a
brand's spread. It alerts when a count this high has probability below
SPIKE_FALSE_ALARM_RATE (0.1 %) on an ordinary day. Simulated quiet days (12,500 brand-days
each, means 1 to 300 detractors a day): 0.05 % of them alert when days vary by 25 %, 0.18 %
at 50 %, 0.37 % at 100 % (a baseline of 28 days cannot know a very erratic brand's tail):
one false alert per brand in 5, 1.5 and 0.7 years. A tripling at 10 a day is caught 84 % of
the time, at 50 a day 99.8 % (tests/metrics/test_alerts.py keeps a simulation). Small brands
cannot alarm on noise: a count below SPIKE_MIN_DETRACTORS never alerts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Literal

import polars as pl

from tasks.ingest.evidence import high_count_p

SPIKE_FALSE_ALARM_RATE = 0.001
SPIKE_MIN_CV = 0.25
SPIKE_MIN_DETRACTORS = 5
#: The baseline needs the brand on this many past days of the page's 28-day window (days it
#: was absent from an archive that was delivered count as 0 detractors).
SPIKE_MIN_NIGHTS = 7
#: A complaint is viral when its author's followers exceed this many times the brand's usual
#: complaining author's (the median), and at least VIRAL_MIN_FOLLOWERS.
VIRAL_FACTOR = 50
VIRAL_MIN_FOLLOWERS = 10_000


@dataclass(frozen=True)
class Alert:
    brand: str
    kind: Literal["detractor_spike", "viral_complaint"]
    observed: float
    expected: float | None  # the baseline (spike) or the brand's usual reach (viral)
    p_value: float | None
    detail: str

    def as_json(self) -> dict:
        return asdict(self)


def detractor_spikes(today: pl.DataFrame, history: pl.DataFrame | None, day: date) -> list[Alert]:
    """`today`: brand, detractors (the day's SPS table); `history`: brand, date, detractors per day
    (the page's trend rows, today's included or not). One alert per brand whose count is a spike."""
    if history is None or history.is_empty():
        return []
    past = history.filter(pl.col("date") < day)
    known_days = past["date"].unique().to_list()  # days the archive covered: a brand absent had none
    alerts = []
    for brand, detractors in today.select("brand", "detractors").iter_rows():
        if detractors < SPIKE_MIN_DETRACTORS:
            continue
        counts = dict(past.filter(pl.col("brand") == brand).select("date", "detractors").iter_rows())
        if len(counts) < SPIKE_MIN_NIGHTS:  # a brand new to the archive has no normal to exceed yet
            continue
        nights = [int(counts.get(d) or 0) for d in known_days]
        expected = sum(nights) / len(nights)
        p = high_count_p(detractors, expected, nights, SPIKE_MIN_CV)
        if p < SPIKE_FALSE_ALARM_RATE:
            alerts.append(
                Alert(
                    brand,
                    "detractor_spike",
                    float(detractors),
                    round(expected, 2),
                    p,
                    f"{detractors} detractors where {expected:.1f} are usual (p = {p:.1e})",
                )
            )
    return alerts


def viral_complaints(complaints: pl.DataFrame) -> list[Alert]:
    """`complaints`: brand, mention_id, author_followers of the day's detractor mentions."""
    reach = complaints.with_columns(pl.col("author_followers").fill_null(0))
    usual = reach.group_by("brand").agg(pl.col("author_followers").median().alias("usual"))
    viral = (
        reach.join(usual, on="brand")
        .filter(
            (pl.col("author_followers") >= VIRAL_MIN_FOLLOWERS)
            & (pl.col("author_followers") > VIRAL_FACTOR * pl.col("usual"))
        )
        .sort("brand", "mention_id")
    )
    return [
        Alert(
            brand,
            "viral_complaint",
            float(followers),
            float(usual),
            None,
            f"complaint {mention} reaches {followers:,} followers; the brand's usual complainer {usual:,.0f}",
        )
        for brand, mention, followers, usual in viral.select(
            "brand", "mention_id", "author_followers", "usual"
        ).iter_rows()
    ]
