"""How much memory a piece of a run will take, estimated before it starts, so a run can keep
what it does side by side within a budget instead of within a count.

The factors are peak resident bytes measured per unit of input on the benchmark archives
(`tests/benchmarks/bench_anchor.py`'s generator; one process per piece, peak minus the
process before it): a report's measure took 1.19 KB per warehouse row of its window for a
day (143k rows); a week or a month summed from its stored days took 1.02 KB per row of those
days for a week (197k rows), 0.88–1.02 KB for three months (524k–629k); ingest took 6.2×
the bytes of a 163 MiB CSV export and 11.9× those of an 18 MiB one (validation's fixed
share weighs more on small objects). Each factor is rounded up from the largest measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from tasks.model.periods import Period, period_of
from tasks.model.records import IngestRecord
from tasks.model.windows import window_for

#: Peak bytes a day's measure takes per warehouse row in its window.
MEASURE_BYTES_PER_ROW = 1280
#: Peak bytes a week or a month summed from its days takes per warehouse row of those days.
SUM_BYTES_PER_ROW = 1088
#: Bytes a warehouse row takes held while days are cut from it (tasks/store/warehouse.py, HeldDays):
#: the part read (200 B a row of the twcs sample with its stance, 127 B on the benchmark's) and the
#: window's copy of it, rounded up.
HELD_BYTES_PER_ROW = 512
#: Peak bytes ingest takes per byte of the archive object.
INGEST_BYTES_PER_BYTE = 12


def rows_read(records: Iterable[IngestRecord], period: Period, horizon: timedelta) -> int:
    """Warehouse rows (mentions and brand posts, before duplicates across archives are dropped)
    behind a report, from the ingest records' counts per created day: a day's window, or the
    days a week or a month is summed from."""
    first, last = window_for(period, horizon)
    if period.kind != "daily":
        first = period.start
    start, end = first.isoformat(), last.isoformat()
    return sum(n for r in records if not r.rejected for day, n in r.days.items() if start <= day <= end)


def measure_cost(records: Iterable[IngestRecord], period: Period, horizon: timedelta) -> int:
    """Estimated peak bytes of measuring one report."""
    factor = MEASURE_BYTES_PER_ROW if period.kind == "daily" else SUM_BYTES_PER_ROW
    return rows_read(records, period, horizon) * factor


def days_cost(records: list[IngestRecord], days: Iterable[date], horizon: timedelta) -> int:
    """Estimated peak bytes of measuring days one after another from parts read once
    (`tasks/store/warehouse.py`, HeldDays): the largest day's measure with its window's parts held
    beside it (the days behind are let go)."""
    rows = max((rows_read(records, period_of("daily", d), horizon) for d in days), default=0)
    return rows * (MEASURE_BYTES_PER_ROW + HELD_BYTES_PER_ROW)


#: The most bytes one byte of gzip can inflate to (deflate's limit is about 1032:1).
GZIP_MAX_RATIO = 1032


def ingest_cost(size: int, key: str, max_inflated: int) -> int:
    """Estimated peak bytes of ingesting the archive object `key` of `size` bytes.

    A gzip object is read as the text it inflates to, which its size does not bound: a
    2 MiB bomb inflates to `max_inflated` (the policy's max_decompressed_bytes) before it is
    stopped, so it costs what that much text costs, plus its own bytes. Counting 12x its
    compressed size let four bombs run side by side at several times the budget."""
    if not key.lower().endswith(".gz"):
        return size * INGEST_BYTES_PER_BYTE
    return size + min(max_inflated, size * GZIP_MAX_RATIO) * INGEST_BYTES_PER_BYTE
