"""Something is blowing up: more detractors than a brand's own history allows, one complaint
reaching far more people than the brand's complaints usually do, or a brand new to the archive
arriving bigger than nearly all the brands it has.

A spike is judged with the data contract's count model (tasks/ingest/evidence.py): the
brand's detractors today against its trailing days in the page's 28-day window (it must
have had mentions on at least SPIKE_MIN_NIGHTS = 3 of them: a brand new to the archive has no
normal of its own to exceed), under a negative binomial whose variance is the larger of what
those days show, taken at its upper 95 % confidence bound (3 nights cannot tell a steady brand
from an erratic one: the bound is 19.5 times the sample's with 3, 3.7 with 7, 1.7 with 28), and
SPIKE_MIN_CV day-to-day variation, widened for the baseline being a mean of few days. Unlike
the delivery check, no night is left out: leaving out the busiest lowers a baseline, which is
right for spotting a lost delivery and wrong for spotting a spike; and all trailing days, not
only the same weekday. It alerts when a count this high has probability below
SPIKE_FALSE_ALARM_RATE (0.1 %) on an ordinary day. Simulated quiet days (6,000 brand-days each, means 1 to
300 detractors a day; python -m tests.research.spike_rates) alert at most 0.10 % with
3 past days and day-to-day variation up to 50 %, 0.05 % with 4, 0.02 % with 7, 0.03 % with 28; at
100 % variation 0.35 %, 0.23 %, 0.10 %, 0.02 %. The price of few days is power: a tripling at 10 a
day is caught 4 % of the time with 3 past days, 13 % with 7, 37 % with 28 (at 50 a day 9 %, 32 %,
69 %); 40 where 3 steady days had 6 to 8 is caught (tests/metrics/test_alerts.py plants it).
Small brands cannot alarm on noise: a count below SPIKE_MIN_COUNT never alerts. Each complaint
category's volume is judged the same way against the brand's own history of that category.

A brand with no past day (on a day the archive has one) has no history to judge: its mentions
are judged against the day's other brands instead, "new volume" when above the p95 (linear) of
the known brands' volumes, with at least NEW_VOLUME_MIN_PEERS of them. A newcomer that is just an
ordinary brand (drawn like the others) crosses that bar between 1 in 21 and 2 in 21 times with
20 known brands (the bar lies between their two largest; 9.2 % in tests/metrics/test_alerts.py's
simulation, 8.7 % for a wider log-normal), 6.7 % with 50, 5.9 % with 100: once per brand, on its
first day, it says "a big one arrived", not "something is wrong".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Literal

import polars as pl

from tasks.ingest.evidence import high_count_p

SPIKE_FALSE_ALARM_RATE = 0.001
SPIKE_MIN_CV = 0.25
SPIKE_MIN_COUNT = 5
#: The baseline needs the brand on this many past days of the page's 28-day window (days it
#: was absent from an archive that was delivered count as 0 detractors).
SPIKE_MIN_NIGHTS = 3
#: The trailing days' variance is taken at its upper confidence bound at this level (evidence.py):
#: 3 nights cannot tell a steady brand from an erratic one, and must not be read as steady.
SPIKE_SPREAD_CONFIDENCE = 0.95
#: A brand with no past day in the archive alerts when its volume is above this quantile (linear) of
#: the same day's volumes of the brands that have a past, when there are at least NEW_VOLUME_MIN_PEERS.
NEW_VOLUME_QUANTILE = 0.95
NEW_VOLUME_MIN_PEERS = 20
#: A complaint is viral when its author's followers exceed this many times the brand's usual
#: complaining author's (the median), and at least VIRAL_MIN_FOLLOWERS; or when this many other
#: customers reply to it (the pile-on a brand sees before any follower count).
VIRAL_FACTOR = 50
VIRAL_MIN_FOLLOWERS = 10_000
VIRAL_MIN_REPLIES = 20


#: What each alert in alerts.json means (the schema prints it): kind → meaning.
ALERT_KINDS = {
    "detractor_spike": "The brand's detractors today are beyond what its own past days (at least 3 in the "
    "last 28) allow at 0.1 %: observed = today's count, expected = the past days' mean, p_value = the "
    "chance of a count this high on an ordinary day.",
    "category_spike": "The same for the brand's mentions about one complaint category (named in detail).",
    "new_volume": "A brand with no past day in the archive has more mentions on its first day than the "
    "p95 (linear) of the day's brands that have one (at least 20 of them): observed = its mentions, "
    "expected = that p95, p_value null; an ordinary newcomer does this at most 2 times in 21 (9.5 %).",
    "viral_complaint": "One complaint whose author's followers exceed 50 times the brand's usual "
    "complainer's (and 10,000), or that 20 other customers reply to: observed = its author's followers, "
    "expected = the usual complainer's, p_value null.",
}


@dataclass(frozen=True)
class Alert:
    brand: str
    kind: Literal["detractor_spike", "category_spike", "viral_complaint", "new_volume"]
    observed: float
    expected: float | None  # the baseline (spike), the brand's usual reach (viral) or the peers' p95 (new)
    p_value: float | None
    detail: str

    def as_json(self) -> dict:
        return asdict(self)


def detractor_spikes(today: pl.DataFrame, history: pl.DataFrame | None, day: date) -> list[Alert]:
    """`today`: brand, detractors (the day's SPS table); `history`: brand, date, detractors per day
    (the page's trend rows). One alert per brand whose detractors are a spike."""
    if history is None or history.is_empty():
        return []
    series = pl.lit("detractors")
    return _spikes(_series(today, series, "detractors"), _series(history, series, "detractors", "date"), history, day)


def category_spikes(
    today: pl.DataFrame, history: pl.DataFrame | None, presence: pl.DataFrame | None, day: date
) -> list[Alert]:
    """`today`/`history`: brand, (date,) category, inbound; `presence`: the trend rows (brand, date),
    which say on which days the archive held each brand. One alert per brand and category."""
    if history is None or presence is None or presence.is_empty() or today.is_empty():
        return []
    series = pl.col("category")
    return _spikes(_series(today, series, "inbound"), _series(history, series, "inbound", "date"), presence, day)


def _series(frame: pl.DataFrame, series: pl.Expr, count: str, *keys: str) -> pl.DataFrame:
    """brand, keys…, series, n: one shape for every count judged."""
    return frame.select("brand", *keys, series.alias("series"), pl.col(count).alias("n"))


def _spikes(today: pl.DataFrame, history: pl.DataFrame, presence: pl.DataFrame, day: date) -> list[Alert]:
    """Per (brand, series): today's count n against the brand's delivered trailing days."""
    known_days = presence.filter(pl.col("date") < day)["date"].unique().to_list()
    present = dict(presence.filter(pl.col("date") < day).group_by("brand").agg(pl.col("date").n_unique()).iter_rows())
    counts = {
        (brand, series, d): n
        for brand, series, d, n in history.filter(pl.col("date") < day)
        .select("brand", "series", "date", "n")
        .iter_rows()
    }  # one pass over the history, not one filter per brand and series
    alerts = []
    for brand, series, n in today.sort("brand", "series").iter_rows():
        if n < SPIKE_MIN_COUNT or present.get(brand, 0) < SPIKE_MIN_NIGHTS:
            continue  # too few to alarm on; or a brand new to the archive, with no normal to exceed yet
        nights = [int(counts.get((brand, series, d)) or 0) for d in known_days]
        expected = sum(nights) / len(nights)
        p = high_count_p(n, expected, nights, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
        if p < SPIKE_FALSE_ALARM_RATE:
            what = "detractors" if series == "detractors" else f"mentions about {series}"
            alerts.append(
                Alert(
                    brand,
                    "detractor_spike" if series == "detractors" else "category_spike",
                    float(n),
                    round(expected, 2),
                    p,
                    f"{n} {what} where {expected:.1f} are usual (p = {p:.1e})",
                )
            )
    return alerts


def new_volumes(today: pl.DataFrame, presence: pl.DataFrame | None, day: date) -> list[Alert]:
    """`today`: brand, inbound (the day's metrics); `presence`: the trend rows (brand, date). A brand
    with no past day, on a day the archive has a past, against the brands that have one."""
    if presence is None:
        return []
    past = presence.filter(pl.col("date") < day)["brand"].unique()
    if past.is_empty():
        return []  # the archive's first day: every brand is new, none stands out from a norm
    today = today.filter(pl.col("brand").is_not_null())
    known = pl.col("brand").is_in(past.implode())
    peers = today.filter(known)["inbound"]
    if peers.len() < NEW_VOLUME_MIN_PEERS:
        return []
    bar = float(peers.quantile(NEW_VOLUME_QUANTILE, "linear") or 0)
    new = today.filter(~known & (pl.col("inbound") > bar) & (pl.col("inbound") >= SPIKE_MIN_COUNT))
    return [
        Alert(
            brand,
            "new_volume",
            float(n),
            round(bar, 2),
            None,
            f"{n} mentions on its first day in the archive, above {bar:.1f}, the p95 of {peers.len()} known brands",
        )
        for brand, n in new.sort("brand").select("brand", "inbound").iter_rows()
    ]


def customer_replies(mentions: pl.DataFrame) -> pl.DataFrame:
    """platform, mention_id, replies: how many other customers answered each mention."""
    return (
        mentions.filter(pl.col("in_reply_to_id").is_not_null() & ~pl.col("is_brand_author"))
        .group_by("platform", pl.col("in_reply_to_id").alias("mention_id"))
        .agg(pl.col("author_id").drop_nulls().n_unique().cast(pl.Int64).alias("replies"))
    )


def viral_complaints(complaints: pl.DataFrame) -> list[Alert]:
    """`complaints`: brand, mention_id, author_followers, replies of the day's detractor mentions."""
    reach = complaints.with_columns(pl.col("author_followers", "replies").fill_null(0))
    usual = reach.group_by("brand").agg(pl.col("author_followers").median().alias("usual"))
    followed = (pl.col("author_followers") >= VIRAL_MIN_FOLLOWERS) & (
        pl.col("author_followers") > VIRAL_FACTOR * pl.col("usual")
    )
    viral = (
        reach.join(usual, on="brand")
        .filter(followed | (pl.col("replies") >= VIRAL_MIN_REPLIES))
        .sort("brand", "mention_id")
    )
    alerts = []
    for brand, mention, followers, replies, usual in viral.select(
        "brand", "mention_id", "author_followers", "replies", "usual"
    ).iter_rows():
        reach_words = [f"reaches {followers:,} followers"] if followers >= VIRAL_MIN_FOLLOWERS else []
        reach_words += [f"draws {replies} customer replies"] if replies >= VIRAL_MIN_REPLIES else []
        detail = f"complaint {mention} {' and '.join(reach_words)}; the brand's usual complainer has {usual:,.0f}"
        alerts.append(
            Alert(
                brand,
                "viral_complaint",
                float(followers),
                float(usual),
                None,
                f"{detail} followers",
            )
        )
    return alerts
