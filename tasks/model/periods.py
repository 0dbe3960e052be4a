"""Report periods: a day, an ISO week (Monday–Sunday) or a calendar month, in UTC; and
any range of days, which `sps score` measures but nothing publishes."""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

PublishedKind = Literal["daily", "weekly", "monthly"]
KINDS: tuple[str, ...] = get_args(PublishedKind)


@dataclass(frozen=True, order=True)
class Period:
    kind: PublishedKind | Literal["range"]
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "monthly":
            return f"{self.start:%Y-%m}"
        return self.start.isoformat()

    @property
    def folder(self) -> str:
        if self.kind == "range":
            raise ValueError(f"a range of days ({self.start}..{self.end}) has no report folder")
        key = {"daily": "dt", "weekly": "week", "monthly": "month"}[self.kind]
        return f"reports/{self.kind}/{key}={self.label}/"


def period_of(kind: PublishedKind, day: date) -> Period:
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(kind, day.replace(day=1), day.replace(day=last))
    return Period("daily", day, day)


def previous(period: Period) -> Period:
    """The period of the same kind just before: the day, ISO week or month before."""
    if period.kind == "range":
        raise ValueError(f"a range of days ({period.start}..{period.end}) has no period before it")
    return period_of(period.kind, period.start - timedelta(days=1))


def periods_touching(days: list[date], kind: PublishedKind) -> list[Period]:
    """Every period of `kind` that contains at least one of `days`."""
    return sorted({period_of(kind, d) for d in days})


def parse_period(text: str) -> Period:
    """`2017-10-31` a day, `2017-W44` an ISO week, `2017-10` a month: how a reader names a report."""
    value = text.strip()
    try:
        if match := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            return period_of("weekly", date.fromisocalendar(int(match[1]), int(match[2]), 1))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
            return period_of("monthly", date(int(match[1]), int(match[2]), 1))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return period_of("daily", date.fromisoformat(value))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a day (2017-10-31), an ISO week (2017-W44) or a month (2017-10)")


def parse_day(text: str) -> date:
    """One day, written `YYYY-MM-DD` and nothing else.

    Python 3.11's `date.fromisoformat` also reads `2017-W44` (as its Monday) and `20171031`: a
    reader who means a week would get one day of it, and a range ending `2017-W45` would stop on a
    Monday. A week or a month is refused here, naming the days it holds."""
    period = None
    with contextlib.suppress(ValueError):
        period = parse_period(text)
    if period is not None and period.kind == "daily" and text == period.label:  # not " 2017-10-31"
        return period.start
    if period is not None and period.kind != "daily":
        unit = "week" if period.kind == "weekly" else "month"
        raise ValueError(f"{text!r} is a {unit} ({period.start} … {period.end}), not a day: give one as YYYY-MM-DD")
    raise ValueError(f"{text!r} is not a day: give one as YYYY-MM-DD (2017-10-31)")
