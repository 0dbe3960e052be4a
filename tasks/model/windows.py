"""Every window in one place: which created days a day, a week or a month reads, which days a page's
trends and comparisons read, which days new mentions change, and how far back a nightly publishes.

A day's report reads LOOKBACK_DAYS before it (the brand posts its mentions reply to) and the reply
horizon after it (the replies); a page charts TREND_DAYS of history; a week or a month is summed
from its days and set against the period before. Everything that decides what a run reads or
redoes (flows/plan.py) is a function of these rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta

from tasks.model.periods import Period, period_of, previous

#: Days read before a report's first day, so reply chains starting there can be followed.
LOOKBACK_DAYS = 3


def horizon_days(horizon: timedelta) -> int:
    """Whole days a reply horizon reaches past a mention's day (a part day counts whole)."""
    return math.ceil(horizon / timedelta(days=1))


def window_for(period: Period, horizon: timedelta) -> tuple[date, date]:
    """The created-day range a report reads: its days, a few before (reply chains for
    attribution), through the horizon after."""
    return period.start - timedelta(days=LOOKBACK_DAYS), period.end + timedelta(days=horizon_days(horizon) + 1)


def summed_days(period: Period, horizon: timedelta) -> list[date]:
    """The days a week or a month is summed from: its own, then those its window reads past its
    end (later mentions of the detractors it answered)."""
    last = window_for(period, horizon)[1]
    return [period.start + timedelta(days=n) for n in range((last - period.start).days + 1)]


TREND_DAYS = 28
#: A week's or a month's trend charts: the weeks or months to its own, one point each.
TREND_PERIODS = 12


def trend_periods(period: Period) -> list[Period]:
    """The points of a page's trend charts, oldest first, ending with its own period: 28 days for a
    day, 12 ISO weeks for a week, 12 months for a month (a gap where one has no mention)."""
    periods = [period]
    while len(periods) < (TREND_DAYS if period.kind == "daily" else TREND_PERIODS):
        periods.insert(0, previous(periods[0]))
    return periods


def trend_days(period: Period) -> list[date]:
    """Every day a page's trend charts cover, ending on the period's last day."""
    first = trend_periods(period)[0].start
    return [first + timedelta(days=n) for n in range((period.end - first).days + 1)]


def days_read(period: Period, horizon: timedelta) -> list[date]:
    """Every day whose stored measure a page reads: its trend days and, for a week or a month,
    the days it is summed from and those the period before is summed from (its change against it)."""
    summed = [] if period.kind == "daily" else [*summed_days(period, horizon), *summed_days(previous(period), horizon)]
    return sorted({*trend_days(period), *summed})


def affected_days(touched: Iterable[date], horizon: timedelta) -> set[date]:
    """Days whose numbers new mentions on `touched` days can change.

    A reply within the horizon changes the day before its mention's day too
    (a mention just before midnight); a day's measure reads LOOKBACK_DAYS
    back for brand posts, and pages chart TREND_DAYS of history. A week or a month is also set
    against the one before, summed from its days: so every day of the week and the month holding
    the last day whose measure changes (LOOKBACK_DAYS after the touched one), and of the
    TREND_PERIODS - 1 weeks and months after them, is affected: their pages set it against them or
    chart it (`trend_periods`), whichever of their days has mentions, so a nightly republishes what a
    backfill would."""
    reach = horizon_days(horizon)
    days = {t + timedelta(days=o) for t in touched for o in range(-reach - 1, LOOKBACK_DAYS + TREND_DAYS)}
    for t in touched:
        for kind in ("weekly", "monthly"):
            holding = period_of(kind, t + timedelta(days=LOOKBACK_DAYS))
            last = holding
            for _ in range(TREND_PERIODS - 1):
                last = period_of(kind, last.end + timedelta(days=1))
            days |= {holding.start + timedelta(days=n) for n in range((last.end - holding.start).days + 1)}
    return days


#: How far before its collection day a nightly publishes the days its archives hold posts for. An
#: export holds weeks of threads (the sample: 2017-10-01…2017-12-03, collected 2017-12-03), and now
#: and then a post stamped long before (the root of a thread revived years later: 2011-08-29,
#: 2016-08-06): such a stray is kept and counted, never a page of its own, weekly or monthly either.
NIGHTLY_REACH_DAYS = 92


def within_reach(days: Iterable[date], collected: date) -> set[date]:
    """The days a nightly for `collected` may publish: from NIGHTLY_REACH_DAYS before it on."""
    oldest = collected - timedelta(days=NIGHTLY_REACH_DAYS)
    return {d for d in days if d >= oldest}


def window_days(period: Period, horizon: timedelta) -> list[date]:
    """The created days a period's report reads (`window_for`), one by one."""
    start, end = window_for(period, horizon)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
