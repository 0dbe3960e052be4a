"""Measured days, stored under the fingerprint of their inputs: measure once, show many times.

A day's page charts its brands' last 28 days, a week's its last 12 ISO weeks
and a month's its last 12 months (each summed from its days' stored facts, as
its own page is). Measuring those days again for
every page made a 1M-mention backfill's measure step 7× slower, so a run
first measures each day it needs once (side by side) and stores the result,
keyed by the fingerprint of the inputs it came from: same inputs, same
measure. A daily page then publishes its stored measure, and every page reads
the small metric rows (or the facts) of its trend days. A day not stored yet (or replaced
by a newer run meanwhile) is measured on the spot, so a page never depends on
the order in which days ran — only on the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

import polars as pl

from tasks.metrics.period import MeasureRules, MentionFacts, PeriodMeasure, brand_rows
from tasks.model.memo import Memo
from tasks.model.parquet import to_parquet
from tasks.model.periods import Period, period_of
from tasks.sps.compare import COUNTS
from tasks.store import layout
from tasks.store.backends import Storage, StorageError
from tasks.store.codecs import read_frame, read_json

_FRAMES = (
    "metrics",
    "platforms",
    "hours",
    "sps",
    "anomalies",
    "facts",
    "urgent",
    "categories",
    "queue",
    "themes",
    "mention_table",  # a measure stored by older code has none: it is measured again
    "agents",
    "backlog",  # likewise
)
CATEGORY_COUNTS = ("brand", "date", "category", "inbound")  # a day's category trend rows
T = TypeVar("T")
_SOURCE = ("mentions", "thread_posts")  # stored beside the frames; with "anomalies", the day's MentionFacts
#: Written last, with the counts: a measure without it is incomplete and never read. (Named anew
#: when a measure gained its facts, so one stored by older code, without them, is measured again.)
_COMPLETE = "complete.json"


@dataclass(frozen=True)
class DayMentions:
    """A day's customer mentions and how many of them no brand is attributed to (its stored counts)."""

    mentions: int
    unattributed: int

    @property
    def attributed(self) -> int:
        return self.mentions - self.unattributed


def day_row(metrics: pl.DataFrame, sps: pl.DataFrame) -> pl.DataFrame:
    """One day as trend rows: its metrics (without status), SPS per brand (only where enough
    authors make it readable: a 1-author day's −100 is noise, not a trend), its detractors
    (the baseline of the spike alerts) and the counts the next day's SPS change reads."""
    readable_sps = pl.when(pl.col("readable")).then(pl.col("sps")).alias("sps")
    return metrics.drop("status").join(
        sps.select("brand", "date", readable_sps, "readable", *COUNTS), on=["brand", "date"], how="left"
    )


def save(storage: Storage, fingerprint: str, measure: PeriodMeasure) -> None:
    """Frames first, the counts last (`_COMPLETE`)."""
    day = measure.day
    for name in _FRAMES:
        storage.write(layout.day_measure(day, fingerprint, f"{name}.parquet"), to_parquet(getattr(measure, name)))
    if measure.source is not None:
        summing = measure.source.for_summing()  # a day's texts are read once, by its own measure
        for name in _SOURCE:
            frame = getattr(summing, name)
            storage.write(layout.day_measure(day, fingerprint, f"{name}.parquet"), to_parquet(frame))
    counts = {"inbound_total": measure.inbound_total, "unattributed": measure.unattributed}
    storage.write(layout.day_measure(day, fingerprint, _COMPLETE), json.dumps(counts).encode())
    for key in storage.keys(layout.day_measures(day)):
        if not key.startswith(layout.day_measure(day, fingerprint, "")):
            storage.delete(key)


def is_saved(storage: Storage, day: date, fingerprint: str) -> bool:
    return storage.exists(layout.day_measure(day, fingerprint, _COMPLETE))


def counts(storage: Storage, day: date, fingerprint: str) -> DayMentions | None:
    """The stored measure's counts, or None when it is not (or no longer) stored."""
    try:
        stored = read_json(storage, layout.day_measure(day, fingerprint, _COMPLETE))
    except StorageError:
        return None
    return DayMentions(stored["inbound_total"], stored["unattributed"])


def load(storage: Storage, day: date, fingerprint: str, names: tuple[str, ...] = _FRAMES) -> PeriodMeasure | None:
    """The stored measure (only the frames in `names`), or None when it is not (or no longer) there."""
    try:
        counts = read_json(storage, layout.day_measure(day, fingerprint, _COMPLETE))
        frames = {n: read_frame(storage, layout.day_measure(day, fingerprint, f"{n}.parquet")) for n in names}
    except StorageError:
        return None
    fields: dict[str, Any] = {n: frames.get(n, pl.DataFrame()) for n in _FRAMES} | counts
    return PeriodMeasure(period=period_of("daily", day), **fields)


def load_facts(storage: Storage, day: date, fingerprint: str, *, complete: bool = False) -> MentionFacts | None:
    """The stored day's mentions and anomalies as weeks and months sum them
    (`MentionFacts.for_summing`; its thread posts are read by `load_posts`, in a pass of their own:
    here an empty frame), or None when they are not (or no longer) there. `complete`: the caller
    found the measure complete already (its posts were read), so storage is not asked again."""
    frames = _stored(storage, day, fingerprint, ("mentions", "anomalies"), complete)
    if frames is None:
        return None
    # cut for summing on reading too: one stored by older code holds every text
    return MentionFacts(thread_posts=pl.DataFrame(), **frames).for_summing()


def load_posts(storage: Storage, day: date, fingerprint: str) -> pl.DataFrame | None:
    """The stored day's thread posts, or None when they are not (or no longer) there."""
    frames = _stored(storage, day, fingerprint, ("thread_posts",))
    return None if frames is None else frames["thread_posts"]


def _stored(
    storage: Storage, day: date, fingerprint: str, names: tuple[str, ...], complete: bool = False
) -> dict[str, pl.DataFrame] | None:
    """The named frames of a complete stored measure; a file gone meanwhile (a newer run replaced
    the measure) reads as None."""
    if not (complete or is_saved(storage, day, fingerprint)):
        return None
    try:
        return {n: read_frame(storage, layout.day_measure(day, fingerprint, f"{n}.parquet")) for n in names}
    except StorageError:
        return None


def trend_rows(
    storage: Storage, fingerprints: dict[date, str], measure_day: Callable[[date], PeriodMeasure]
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """Each day's metric rows and its category counts (brand, date, category, inbound), from its
    stored measure or measured (and stored) now; remembered by this process (`_remembered`)."""

    rows, categories = [], []
    for when, fingerprint in sorted(fingerprints.items()):
        counted = partial(_day_rows, storage, when, fingerprint, measure_day)
        row, counts = _remembered(("daily", storage.url, when, fingerprint), counted)
        rows.append(row)
        if counts is not None:
            categories.append(counts)
    return (
        pl.concat(rows).sort("date", "brand") if rows else None,
        pl.concat(categories).sort("date", "brand", "category") if categories else None,
    )


def _day_rows(
    storage: Storage, day: date, fingerprint: str, measure_day: Callable[[date], PeriodMeasure]
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """One day's metric rows and category counts, as `trend_rows` charts them."""
    measure = load(storage, day, fingerprint, ("metrics", "sps", "categories"))
    if measure is None:
        measure = measure_day(day)
        save(storage, fingerprint, measure)
    counts = measure.categories
    shown = counts.select(CATEGORY_COUNTS) if counts is not None and not counts.is_empty() else None
    return day_row(measure.metrics, measure.sps), shown


def summed_trend_rows(
    periods: list[Period],
    prints: dict[date, str],
    facts: Callable[[date], MentionFacts],
    rules: MeasureRules,
    scope: str,
) -> pl.DataFrame | None:
    """A week's or a month's trend rows: each of `periods` from the stored facts of its days with
    mentions (`prints`: day → the fingerprint of its inputs), counted as its own page counts it
    (`brand_rows`): never daily rates averaged or daily medians combined. A period none of whose days
    has mentions has no row: a gap. Remembered by this process under `scope` (the storage's URL) and
    the days' fingerprints: a backfill's twelve weekly pages after a week all chart it."""
    rows = []
    for period in periods:
        inside = tuple((d, f) for d, f in sorted(prints.items()) if period.start <= d <= period.end)
        if inside:
            counted = partial(_summed_row, period, [d for d, _ in inside], facts, rules)
            rows.append(_remembered(("summed", scope, period, inside, rules.watermark), counted))
    return pl.concat(rows, how="diagonal_relaxed").sort("date", "brand") if rows else None


def _summed_row(
    period: Period, days: list[date], facts: Callable[[date], MentionFacts], rules: MeasureRules
) -> pl.DataFrame:
    mentions = pl.concat([facts(d).mentions for d in days], how="diagonal_relaxed")
    return day_row(*brand_rows(mentions, period, rules))


#: Trend rows this process has counted, by what determines them (a storage's URL and the fingerprints
#: of the days' inputs: same inputs, same rows): every page of a run charts 28 days or 12 weeks or
#: months, most of them the charts of the pages before it. ~1 KB a brand (the demo's days): 1,024 of 60 brands ~60 MB.
#: Bounded, unlike `id_hashes`' store of indexes: a page needs only the last 28 days or 12 periods, so the
#: oldest rows can go; every archive ingested needs every index of its platform, so none of those can.
_REMEMBERED: Memo[Any] = Memo(1024)


def _remembered(key: Hashable, count: Callable[[], T]) -> T:
    value = _REMEMBERED.get(key)
    if value is None:
        value = count()
        _REMEMBERED.put(key, value)
    return value
