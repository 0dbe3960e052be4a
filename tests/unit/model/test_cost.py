"""Memory estimates a run schedules by (tasks/model/cost.py), on hand-made ingest records."""

from __future__ import annotations

from datetime import date, timedelta

from tasks.model.cost import (
    HELD_BYTES_PER_ROW,
    INGEST_BYTES_PER_BYTE,
    MEASURE_BYTES_PER_ROW,
    SUM_BYTES_PER_ROW,
    days_cost,
    ingest_cost,
    measure_cost,
    rows_read,
)
from tasks.model.periods import period_of
from tasks.model.records import IngestRecord


def _record(key: str, days: dict[str, int], rejected: bool = False) -> IngestRecord:
    return IngestRecord(key, "e", 1, "f", "2017-10-10", days=days, rejected=rejected)


RECORDS = [
    _record("a", {"2017-10-06": 5, "2017-10-07": 10, "2017-10-10": 20, "2017-10-14": 40, "2017-10-15": 80}),
    _record("b", {"2017-10-10": 100}),
    _record("c", {"2017-10-10": 1000}, rejected=True),  # a rejected archive has no warehouse rows
]


def test_a_day_reads_three_days_before_and_its_horizon_plus_one_after():
    # 72 h horizon: the window of 2017-10-10 is 10-07 … 10-14 (3 days back, 3 + 1 after)
    day = period_of("daily", date(2017, 10, 10))
    assert rows_read(RECORDS, day, timedelta(hours=72)) == 10 + 20 + 100 + 40
    assert measure_cost(RECORDS, day, timedelta(hours=72)) == 170 * MEASURE_BYTES_PER_ROW


def test_days_measured_one_after_another_cost_their_largest_window_measured_beside_its_parts():
    # 10-10 reads 170 rows (above); 10-11 reads 10-08 … 10-15: 20 + 100 + 40 + 80 = 240, the larger
    days = [date(2017, 10, 10), date(2017, 10, 11)]
    assert days_cost(RECORDS, days, timedelta(hours=72)) == 240 * (MEASURE_BYTES_PER_ROW + HELD_BYTES_PER_ROW)
    assert days_cost(RECORDS, [], timedelta(hours=72)) == 0


def test_a_longer_horizon_widens_the_window():
    day = period_of("daily", date(2017, 10, 10))
    assert rows_read(RECORDS, day, timedelta(hours=96)) == 10 + 20 + 100 + 40 + 80  # through 10-15


def test_a_week_reads_its_days_and_those_past_it_it_is_summed_from():
    # week 2017-W41 (Mon 10-09 … Sun 10-15), 72 h horizon: summed from 10-09 … 10-19; nothing before it
    week = period_of("weekly", date(2017, 10, 10))
    assert rows_read(RECORDS, week, timedelta(hours=72)) == 20 + 100 + 40 + 80
    assert measure_cost(RECORDS, week, timedelta(hours=72)) == 240 * SUM_BYTES_PER_ROW


def test_ingest_cost_scales_with_the_object():
    assert (
        ingest_cost(1_000, "archives/twitter/dt=2017-10-01/a.csv", 1 << 30) == 1_000 * INGEST_BYTES_PER_BYTE == 12_000
    )
