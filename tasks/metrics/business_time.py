"""A brand's own clock: days cut at its local midnight, and time counted in its business hours.

Business time is a clock that only runs while the care team is open:
`clock(t)` is the number of open seconds from a fixed Monday to `t` (local
wall time, so a DST change moves nothing), and a first response's business
time is `clock(reply) − clock(mention)`. A mention on Friday 18:00 answered
on Monday 09:30 is 30 business minutes when the week opens at 09:00.

A reply sent while the team is closed (`after_hours_replies`):
- "clock" (default): scored by the clock like any other, so it adds no time
  after closing — an after-hours answer is credited, not penalised;
- "exclude": left out of the business-time figures (it is still in the
  calendar-time ones), for teams that want to judge staffed hours only.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.metrics.registry import Calendar

_EPOCH = date(2000, 1, 3)  # a Monday


def _local(column: str, timezone: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(timezone).dt.replace_time_zone(None)


def local_dates(facts: pl.DataFrame, calendars: dict[str, Calendar]) -> pl.DataFrame:
    """`date` becomes the day each mention was created in its brand's time zone (UTC by default)."""
    by_zone: dict[str, list[str]] = {}
    for brand, calendar in calendars.items():
        if calendar.timezone != "UTC":
            by_zone.setdefault(calendar.timezone, []).append(brand)
    day = pl.col("date")
    for zone, brands in sorted(by_zone.items()):
        day = pl.when(pl.col("brand").is_in(brands)).then(_local("created_at", zone).dt.date()).otherwise(day)
    return facts.with_columns(day.alias("date"))


def _weekday_map(calendar: Calendar, value) -> dict[int, int]:
    return {d: value(*calendar.hours[d]) if d in calendar.hours else 0 for d in range(7)}


def _clock(column: str, calendar: Calendar) -> tuple[pl.Expr, pl.Expr]:
    """(open seconds from the epoch Monday to the local time in `column`, whether the team is open then)."""
    local = _local(column, calendar.timezone)
    day = local.dt.date()
    weekday = local.dt.weekday().cast(pl.Int64) - 1  # 0 = Monday
    weeks = ((day - pl.lit(_EPOCH)).dt.total_days() - weekday) // 7
    lengths = _weekday_map(calendar, lambda o, c: c - o)
    opens = _weekday_map(calendar, lambda o, c: o)
    before = {d: sum(lengths[e] for e in range(d)) for d in range(7)}
    length = weekday.replace_strict(lengths, return_dtype=pl.Int64)
    seconds = (
        local.dt.hour().cast(pl.Float64) * 3600
        + local.dt.minute().cast(pl.Float64) * 60
        + local.dt.second().cast(pl.Float64)
        + local.dt.microsecond().cast(pl.Float64) / 1e6
    )
    into_day = (seconds - weekday.replace_strict(opens, return_dtype=pl.Int64)).clip(0, length)
    clock = weeks * sum(lengths.values()) + weekday.replace_strict(before, return_dtype=pl.Int64) + into_day
    is_open = (into_day > 0) & (into_day < length)
    for holiday in calendar.holidays:
        closed_all_day = lengths[holiday.weekday()]
        clock = clock - pl.when(day > holiday).then(closed_all_day).when(day == holiday).then(into_day).otherwise(0)
        is_open = is_open & (day != holiday)
    return clock, is_open


def with_business_frt(facts: pl.DataFrame, calendars: dict[str, Calendar]) -> pl.DataFrame:
    """Adds `frt_business_s`: first response time on the brand's business clock (calendar time for
    brands open around the clock)."""
    business = pl.col("frt_s")
    for brand, calendar in sorted(calendars.items()):
        if calendar.hours == Calendar().hours and not calendar.holidays:
            continue
        answered_at, open_then = _clock("first_response_at", calendar)
        asked_at, _ = _clock("created_at", calendar)
        elapsed = (answered_at - asked_at).cast(pl.Float64)
        if calendar.after_hours_replies == "exclude":
            elapsed = pl.when(open_then).then(elapsed)
        business = pl.when(pl.col("brand") == brand).then(elapsed).otherwise(business)
    return facts.with_columns(business.alias("frt_business_s"))
