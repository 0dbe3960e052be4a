"""Something is blowing up: a day far busier than the archive's past days, a brand taking a far
larger share of the day than it usually does, a brand's authors or one complaint category turning
far more negative or frequent than the brand's own history allows, one complaint reaching far more
people than the brand's complaints usually do, or a brand new to the archive arriving bigger than
nearly all the brands it has.

Every count is judged against its own total, so one cause raises one alert: the day's mentions
against the past days' (`volume_spike` for "all brands"), a brand's mentions as a share of the
day's (and, so that a handful on a thin day is not a large share of nothing, as a count beyond its
own past days too), its detractors as a share of its authors, a category's mentions as a share of the brand's.
A burst that lifts everything alike is one volume alert, not one per brand, category and detractor
count; a category that doubles its share at steady volume still alerts. The history is the page's
28-day trend rows; a brand must have been in them on at least SPIKE_MIN_NIGHTS = 3 past days.

The day's volume is judged with the data contract's count model (tasks/ingest/evidence.py,
`high_count_p`): a negative binomial with the past days' mean, its variance the larger of
SPIKE_MIN_CV day-to-day variation and what those days show, taken at its upper 95 % confidence
bound (3 nights cannot tell a steady archive from an erratic one: ×19.5 with 3, ×3.7 with 7, ×1.7
with 28) and widened for the mean being of few days. A share is judged with `high_share_p`: a
beta-binomial around the pooled past share ((hits + ½) / (seen + 1): a category absent from a
brand's 4 past mentions is not known to be rare), with the same floor and bound on the share's
day-to-day variation and the past share's own uncertainty, so a near-empty history cannot raise a
share alert. Both alert when a count this high has probability below SPIKE_FALSE_ALARM_RATE (0.1 %)
on an ordinary day, and a count below SPIKE_MIN_COUNT never alerts. "other" (no topic found) is
counted in a brand's total but never alerts: more unclassified mentions is not a topic to look at.

Measured by simulating ordinary days (python -m tests.research.spike_rates, 1,000 days a cell, so
±0.1 %). The count rule, means 2 to 3,000 a day: at most 0.1 % up to 25 % day-to-day variation
with 3 past days, 0.4 % at 50 % and 0.3 % at 100 %; 0.1 % / 0.2 % with 7; 0.1 % / 0.2 % with 28; a
tripling is caught 3 % (10 a day) and 9 % (50 a day) with 3 past days, 37 % and 67 % with 28. The
share rule (share 20 %, day totals varying by 50 %): quiet brands of 2 a day never alerted, 50 or
300 a day at most 0.2 %, a burst of 3,000 after days of 50 at most 0.2 %; a burst of 3,000 after
days of 2 holds 0.2 % at 25 % share variation but reaches 0.5–0.6 % at 50 % (2 mentions a day
cannot show how much a share varies: the 25 % floor rules). Its price is power: a share doubled at
50 a day is caught 1 % of the time with 3 past days, 7 % with 28; tripled 5 % and 46 %.

A brand with no past day (on a day the archive has one) has no history to judge: its mentions
are judged against the day's other brands instead, "new volume" when above the p95 (linear) of
the known brands' volumes, with at least NEW_VOLUME_MIN_PEERS of them. A newcomer that is just an
ordinary brand (drawn like the others) crosses that bar between 1 in 21 and 2 in 21 times with
20 known brands (the bar lies between their two largest; 9.2 % in tests/unit/metrics/test_alerts.py's
simulation, 8.7 % for a wider log-normal), 6.7 % with 50, 5.9 % with 100: once per brand, on its
first day, it says "a big one arrived", not "something is wrong".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypedDict

import polars as pl

from tasks.ingest.evidence import high_count_p, high_share_p
from tasks.metrics.categories import OTHER

SPIKE_FALSE_ALARM_RATE = 0.001
SPIKE_MIN_CV = 0.25
SPIKE_MIN_COUNT = 5
#: A brand is judged once it was in the page's 28-day window on this many past days; the day's
#: volume once the window holds this many past days.
SPIKE_MIN_NIGHTS = 3
#: The trailing days' variance (of a count or a share) is taken at its upper confidence bound at this level:
#: 3 nights cannot tell a steady brand from an erratic one, and must not be read as steady.
SPIKE_SPREAD_CONFIDENCE = 0.95
#: The day-level volume alert's brand.
ALL_BRANDS = "all brands"
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
    "volume_spike": 'The day\'s mentions (brand "all brands") beyond what the past days (at least 3 in the '
    "last 28) allow at 0.1 %, or a brand's share of the day's mentions beyond its share on its own past days "
    "(at least 3): observed = the count, expected = the past days' mean (the day) or the brand's past share "
    "of today's total, p_value = the chance of a count this high on an ordinary day.",
    "detractor_spike": "The brand's detractors as a share of its authors beyond its share on its own past days "
    "(at least 3 in the last 28) at 0.1 %: observed = today's detractors, expected = the past share of "
    "today's authors, p_value as above.",
    "category_spike": "The same for the brand's mentions about one complaint category, as a share of the "
    'brand\'s mentions (named in detail; never "other").',
    "new_volume": "A brand with no past day in the archive has more mentions on its first day than the "
    "p95 (linear) of the day's brands that have one (at least 20 of them): observed = its mentions, "
    "expected = that p95, p_value null; an ordinary newcomer does this at most 2 times in 21 (9.5 %).",
    "viral_complaint": "One complaint whose author's followers exceed 50 times the brand's usual "
    "complainer's (and 10,000), or that 20 other customers reply to: observed = its author's followers, "
    "expected = the usual complainer's, p_value null.",
}


AlertKind = Literal["volume_spike", "detractor_spike", "category_spike", "viral_complaint", "new_volume"]


class AlertJson(TypedDict):
    """An alert as it travels: in a run's outcome (a Prefect result), a webhook's body, the digest."""

    brand: str
    kind: AlertKind
    observed: float
    expected: float | None
    p_value: float | None
    detail: str


@dataclass(frozen=True)
class Alert:
    brand: str
    kind: AlertKind
    observed: float
    expected: float | None  # the baseline (spike), the brand's usual reach (viral) or the peers' p95 (new)
    p_value: float | None
    detail: str

    def as_json(self) -> AlertJson:
        return AlertJson(
            brand=self.brand,
            kind=self.kind,
            observed=self.observed,
            expected=self.expected,
            p_value=self.p_value,
            detail=self.detail,
        )


def volume_spikes(today: pl.DataFrame, history: pl.DataFrame | None, day: date) -> list[Alert]:
    """`today`: brand, inbound (the day's metrics); `history`: brand, date, inbound (the trend rows).
    The day's mentions against the past days' (one alert), then each brand's share of the day."""
    if history is None:
        return []
    past = history.filter((pl.col("date") < day) & pl.col("brand").is_not_null())
    past = past.select("brand", "date", pl.col("inbound").fill_null(0))
    today = today.filter(pl.col("brand").is_not_null()).select("brand", pl.col("inbound").fill_null(0))
    day_totals = past.group_by("date").agg(pl.col("inbound").sum()).sort("date")["inbound"].to_list()
    total = int(today["inbound"].sum())
    alerts = []
    if len(day_totals) >= SPIKE_MIN_NIGHTS and total >= SPIKE_MIN_COUNT:
        expected = sum(day_totals) / len(day_totals)
        p = high_count_p(total, expected, day_totals, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
        if p < SPIKE_FALSE_ALARM_RATE:
            detail = f"{total} mentions where {expected:.1f} are usual on the {len(day_totals)} past days (p = {p:.1e})"
            alerts.append(Alert(ALL_BRANDS, "volume_spike", float(total), round(expected, 2), p, detail))
    day_sum = past.group_by("date").agg(pl.col("inbound").sum().alias("n"))
    # a brand seen on enough past days is judged over all of them: a day without it was a share of 0
    seen = (
        past.group_by("brand").agg(pl.col("date").n_unique().alias("days")).filter(pl.col("days") >= SPIKE_MIN_NIGHTS)
    )
    totals = seen.select("brand").join(day_sum, how="cross")
    shares = _share_spikes(
        today.select("brand", pl.lit("").alias("series"), pl.col("inbound").alias("k"), pl.lit(total).alias("n")),
        past.select("brand", "date", pl.lit("").alias("series"), pl.col("inbound").alias("k")),
        totals,
        "volume_spike",
    )
    return alerts + [a for a in shares if _count_spike(a, past, len(day_totals))]


def _count_spike(alert: Alert, past: pl.DataFrame, days: int) -> bool:
    """A brand's larger share of the day is an alert only when its count is also beyond its own days
    (a day without it counts 0): on a thin day a handful of mentions is a large share of nothing."""
    own = past.filter(pl.col("brand") == alert.brand)["inbound"].to_list()
    nights = own + [0] * (days - len(own))
    p = high_count_p(int(alert.observed), sum(nights) / days, nights, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
    return p < SPIKE_FALSE_ALARM_RATE


def detractor_spikes(today: pl.DataFrame, history: pl.DataFrame | None, day: date) -> list[Alert]:
    """`today`: brand, detractors, authors (the day's SPS table); `history`: brand, date, detractors,
    authors per day (the page's trend rows). One alert per brand whose detractor share is a spike."""
    if history is None or history.is_empty():
        return []
    past = history.filter(pl.col("date") < day).select(
        "brand", "date", pl.lit("").alias("series"), *(pl.col(c).fill_null(0) for c in ("detractors", "authors"))
    )
    return _share_spikes(
        today.select(
            "brand", pl.lit("").alias("series"), pl.col("detractors").alias("k"), pl.col("authors").alias("n")
        ),
        past.select("brand", "date", "series", pl.col("detractors").alias("k")),
        past.select("brand", "date", pl.col("authors").alias("n")),
        "detractor_spike",
    )


def category_spikes(today: pl.DataFrame, history: pl.DataFrame | None, day: date) -> list[Alert]:
    """`today`/`history`: brand, (date,) category, inbound (one category per mention, "other"
    included, so a brand's categories sum to its mentions). One alert per brand and category."""
    if history is None or today.is_empty():
        return []
    past = history.filter(pl.col("date") < day).select(
        "brand", "date", pl.col("category").alias("series"), pl.col("inbound").alias("k")
    )
    now = today.select("brand", pl.col("category").alias("series"), pl.col("inbound").alias("k"))
    return _share_spikes(
        now.with_columns(pl.col("k").sum().over("brand").alias("n")).filter(pl.col("series") != OTHER),
        past,
        past.group_by("brand", "date").agg(pl.col("k").sum().alias("n")),
        "category_spike",
    )


def _share_spikes(
    today: pl.DataFrame,
    hits: pl.DataFrame,
    totals: pl.DataFrame,
    kind: Literal["volume_spike", "detractor_spike", "category_spike"],
) -> list[Alert]:
    """`today`: brand, series, k of n; `hits`: brand, date, series, k and `totals`: brand, date, n on
    the past days. Per (brand, series): k of n against the brand's past days' k of n."""
    totals = totals.filter(pl.col("n") > 0)
    days = dict(totals.group_by("brand").agg(pl.struct("date", "n")).iter_rows())
    counts = {(b, series, d): k for b, d, series, k in hits.select("brand", "date", "series", "k").iter_rows()}
    alerts = []
    for brand, series, k, n in today.sort("brand", "series").select("brand", "series", "k", "n").iter_rows():
        past = [(int(counts.get((brand, series, row["date"])) or 0), int(row["n"])) for row in days.get(brand, [])]
        if k < SPIKE_MIN_COUNT or len(past) < SPIKE_MIN_NIGHTS:
            continue  # too few to alarm on; or a brand with no normal of its own yet
        p = high_share_p(k, n, past, SPIKE_MIN_CV, SPIKE_SPREAD_CONFIDENCE)
        if p < SPIKE_FALSE_ALARM_RATE:
            before, seen = sum(h for h, _ in past), sum(t for _, t in past)
            what = {
                "volume_spike": f"of the day's {n} mentions are the brand's",
                "detractor_spike": f"of its {n} authors are detractors",
                "category_spike": f"of its {n} mentions are about {series}",
            }[kind]
            detail = (
                f"{k} {what} ({k / n:.0%}) where {before} of {seen} ({before / seen:.0%}) were "
                f"on its {len(past)} past days (p = {p:.1e})"
            )
            alerts.append(Alert(brand, kind, float(k), round(n * before / seen, 2), p, detail))
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
