"""The five numbers a manager reads first, for the whole page, and how they moved since the last period.

Everything here pools counts, never rates, so "all brands" means every
mention counts once: the response rate is answered / inbound over all brands,
not a mean of brand rates. SPS is pooled over the brands whose score is
readable, each weighted by its authors; its interval combines the brands'
intervals as independent normal errors (half-width / 1.96 as each one's
standard error), which is what they are built from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from tasks.reports.periods import Period

Z95 = 1.959964


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
    previous: Totals | None  # the previous period of the same kind, when the page's trend window holds it

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


def totals_of(metrics: pl.DataFrame) -> Totals:
    sums = metrics.select(pl.col("inbound", "responded", "sla_met").sum().cast(pl.Int64))
    return Totals(*(int(v) for v in sums.row(0))) if metrics.height else Totals(0, 0, 0)


def pooled_sps(sps: pl.DataFrame) -> tuple[float | None, float | None, float | None, int]:
    """(SPS, low, high, brands) over readable brands, author-weighted; None when no brand is readable."""
    readable = sps.filter(pl.col("readable") & pl.col("sps").is_not_null())
    if readable.is_empty():
        return None, None, None, 0
    weights = readable["authors"] / readable["authors"].sum()
    score = float((weights * readable["sps"]).sum())
    errors = (readable["sps_ci_high"] - readable["sps_ci_low"]) / (2 * Z95)
    half = Z95 * math.sqrt(float((weights**2 * errors**2).sum()))
    return score, max(score - half, -100.0), min(score + half, 100.0), readable.height


def previous_period_days(period: Period) -> tuple[int, int] | None:
    """How many days back the previous period of the same kind starts and ends (None: not a fixed span)."""
    return {"daily": (1, 1), "weekly": (7, 1)}.get(period.kind)


def previous_totals(trends: pl.DataFrame | None, period: Period) -> Totals | None:
    """The previous day or week, from the page's 28 days of trend rows; None for a month (it needs
    more than the trend window) or when no day of it had mentions."""
    span = previous_period_days(period)
    if span is None or trends is None or trends.is_empty():
        return None
    first, last = period.start - timedelta(days=span[0]), period.start - timedelta(days=span[1])
    rows = trends.filter(pl.col("date").is_between(first, last))
    totals = totals_of(rows)
    return totals if totals.mentions else None


def headline(
    metrics: pl.DataFrame, sps: pl.DataFrame, facts: pl.DataFrame, trends: pl.DataFrame | None, period: Period
) -> Headline:
    answered = facts.filter(pl.col("brand").is_not_null() & pl.col("responded"))["frt_s"]
    frt = answered.quantile(0.5, "linear") if answered.len() else None
    score, low, high, brands = pooled_sps(sps)
    return Headline(totals_of(metrics), frt, score, low, high, brands, previous_totals(trends, period))
