"""The five numbers a manager reads first, for the whole page, and how they moved since the last period.

Everything here pools counts, never rates, so "all brands" means every
mention counts once: the response rate is answered / inbound over all brands,
not a mean of brand rates. SPS is pooled over the brands whose score is
readable, each weighted by its authors: the SPS of their counts summed, with
the interval a brand's own counts get (`estimate.counted_sps`): one brand's day
reads the same on the tile and in its row, and the domain shift, shared by
brands read by one model, is not averaged away as if each brand's were its own.

A week or a month is also set against the one before (`Against`): that period's
own headline, summed from the stored facts of its days as its own page sums them
(not the page's 28 trend days, which hold no whole month), and the pooled SPS
change judged by the interval of the difference (tasks/sps/compare.py) over the
same readable brands' counts that pool each score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import polars as pl

from tasks.metrics.period import PeriodMeasure
from tasks.model.periods import Period, previous
from tasks.sps.compare import COUNTS, difference
from tasks.sps.estimate import counted_sps, domain_shift_sd


@dataclass(frozen=True)
class Totals:
    """Counts that pool across brands and days: what a change against the previous period can use."""

    mentions: int
    responded: int
    sla_met: int

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.mentions if self.mentions else None

    @property
    def sla_attainment(self) -> float | None:
        return self.sla_met / self.mentions if self.mentions else None


@dataclass(frozen=True)
class Headline:
    totals: Totals
    frt_median_s: float | None  # over answered mentions, linear interpolation
    sps: float | None
    sps_low: float | None
    sps_high: float | None
    sps_brands: int  # brands with a readable score
    previous: Totals | None  # the previous period of the same kind, when it had mentions
    against: Against | None = None  # a week's or a month's numbers beside the period before (None on a day)

    def as_json(self) -> dict:
        def pct(value: float | None) -> float | None:
            return None if value is None else round(100 * value, 1)

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "mentions": self.totals.mentions,
            "response_rate_pct": pct(self.totals.response_rate),
            "frt_median_min": None if self.frt_median_s is None else round(self.frt_median_s / 60, 1),
            "sla_attainment_pct": pct(self.totals.sla_attainment),
            "sps": rounded(self.sps),
            "sps_ci_low": rounded(self.sps_low),
            "sps_ci_high": rounded(self.sps_high),
            "sps_brands": self.sps_brands,
        }

    def against_json(self) -> dict | None:
        """summary.json's `against_previous` (weeks and months): the period before's numbers and the
        changes to this one's, each null where either side has none (a first week: all null)."""
        if self.against is None:
            return None
        now, before = self.as_json(), self.against.before.as_json() if self.against.before else {}
        change = self.against.sps_change

        def moved(key: str) -> float | None:
            value, was = now[key], before.get(key)
            return None if value is None or was is None else round(value - was, 1)

        return {
            "period": self.against.period.label,
            "mentions": before.get("mentions"),
            "mentions_change": None if not before else now["mentions"] - before["mentions"],
            "response_rate_pct": before.get("response_rate_pct"),
            "response_rate_change_pts": moved("response_rate_pct"),
            "frt_median_min": before.get("frt_median_min"),
            "frt_median_change_min": moved("frt_median_min"),
            "sla_attainment_pct": before.get("sla_attainment_pct"),
            "sla_attainment_change_pts": moved("sla_attainment_pct"),
            "sps": before.get("sps"),
            "sps_change": None if change is None else round(change.points, 1),
            "sps_change_ci_low": None if change is None else round(change.low, 1),
            "sps_change_ci_high": None if change is None else round(change.high, 1),
            "sps_change_verdict": None if change is None else change.verdict,
        }


@dataclass(frozen=True)
class SpsChange:
    """The pooled SPS minus the period before's, with the 95 % interval of the difference itself."""

    points: float
    low: float
    high: float
    verdict: str  # compare.HIGHER / LOWER only where the interval excludes zero


@dataclass(frozen=True)
class Against:
    """A week or a month set against the one before."""

    period: Period  # the period before
    before: Headline | None  # its headline numbers; None when it had no mention
    sps_change: SpsChange | None  # None where either side has no readable brand


def totals_of(metrics: pl.DataFrame) -> Totals:
    sums = metrics.select(pl.col("inbound", "responded", "sla_met").sum().cast(pl.Int64))
    return Totals(*(int(v) for v in sums.row(0))) if metrics.height else Totals(0, 0, 0)


def pooled_sps(
    sps: pl.DataFrame, shift_sd: float | None = None
) -> tuple[float | None, float | None, float | None, int]:
    """(SPS, low, high, brands) over readable brands, author-weighted; None when no brand is readable."""
    readable = sps.filter(pl.col("readable") & pl.col("sps").is_not_null())
    if readable.is_empty():
        return None, None, None, 0
    promoters, detractors, authors, labelled = readable.select(pl.col(*COUNTS).sum().cast(pl.Int64)).row(0)
    shift = domain_shift_sd() if shift_sd is None else shift_sd
    return (*counted_sps(promoters, detractors, authors, authors - labelled, shift), readable.height)


def previous_totals(trends: pl.DataFrame | None, period: Period) -> Totals | None:
    """The day before a day, from the page's trend rows; None for a week or a month (their period
    before is summed from its days' facts: `Against`) or when the day before had no mentions."""
    if period.kind != "daily" or trends is None or trends.is_empty():
        return None
    totals = totals_of(trends.filter(pl.col("date") == period.start - timedelta(days=1)))
    return totals if totals.mentions else None


def pooled_change(sps: pl.DataFrame, before: pl.DataFrame, shift_sd: float | None = None) -> SpsChange | None:
    """The pooled SPS's change: the COUNTS of each period's readable brands summed (what its pooled
    score is counted from), and their difference judged as a brand's is (`compare.difference`)."""

    def pooled(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.filter(pl.col("readable")).select(pl.col(*COUNTS).sum().cast(pl.Int64).name.suffix(suffix))

    both = pl.concat([pooled(sps, ""), pooled(before, "_before")], how="horizontal")
    if not (both["authors"][0] and both["authors_before"][0]):
        return None
    return SpsChange(*both.select(difference("", "_before", shift_sd)).row(0))


def headline(
    metrics: pl.DataFrame,
    sps: pl.DataFrame,
    facts: pl.DataFrame,
    trends: pl.DataFrame | None,
    period: Period,
    before: PeriodMeasure | None = None,
    shift_sd: float | None = None,
) -> Headline:
    """The page's headline; a week's or a month's with `before`, the period before's measure (None:
    it had no mention), `shift_sd` the stance model's (None: the shipped one's)."""
    own = _numbers(metrics, sps, facts, previous_totals(trends, period), shift_sd)
    if period.kind == "daily":
        return own
    prior = _numbers(before.metrics, before.sps, before.facts, None, shift_sd) if before is not None else None
    if prior is None or before is None or not prior.totals.mentions:
        return replace(own, against=Against(previous(period), None, None))
    change = pooled_change(sps, before.sps, shift_sd)
    return replace(own, previous=prior.totals, against=Against(previous(period), prior, change))


def _numbers(
    metrics: pl.DataFrame, sps: pl.DataFrame, facts: pl.DataFrame, before: Totals | None, shift_sd: float | None
) -> Headline:
    answered = facts.filter(pl.col("brand").is_not_null() & pl.col("responded"))["frt_s"]
    frt = answered.quantile(0.5, "linear") if answered.len() else None
    score, low, high, brands = pooled_sps(sps, shift_sd)
    return Headline(totals_of(metrics), frt, score, low, high, brands, before)
