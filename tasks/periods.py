"""Report periods: a day, an ISO week (Monday–Sunday) or a calendar month, in UTC; and
any range of days, which `sps score` measures but nothing publishes."""

from __future__ import annotations

import calendar
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


def periods_touching(days: list[date], kind: PublishedKind) -> list[Period]:
    """Every period of `kind` that contains at least one of `days`."""
    return sorted({period_of(kind, d) for d in days})
