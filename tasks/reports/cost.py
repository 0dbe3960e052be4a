"""How much memory a piece of a run will take, estimated before it starts, so a run can keep
what it does side by side within a budget instead of within a count.

The factors are peak resident bytes measured per unit of input on the benchmark archives
(`tests/benchmarks/bench_anchor.py`'s generator; one process per piece, peak minus the
process before it): a report's measure took 1.19 KB per warehouse row of its window for a
day (143k rows), 1.25 KB for a week (251k), 1.04 KB for a month (664k); ingest took 6.2×
the bytes of a 163 MiB CSV export and 11.9× those of an 18 MiB one (validation's fixed
share weighs more on small objects). Each factor is rounded up from the largest measured.
"""

from __future__ import annotations

from collections.abc import Iterable

from tasks.ingest.archive import IngestRecord
from tasks.reports.measure import window_for
from tasks.reports.periods import Period

#: Peak bytes a report's measure takes per warehouse row in its window.
MEASURE_BYTES_PER_ROW = 1280
#: Peak bytes ingest takes per byte of the archive object.
INGEST_BYTES_PER_BYTE = 12


def window_rows(records: Iterable[IngestRecord], period: Period, horizon_s: float) -> int:
    """Warehouse rows (mentions and brand posts, before duplicates across archives are dropped)
    in the window a report of `period` reads, from the ingest records' counts per created day."""
    start, end = (d.isoformat() for d in window_for(period, horizon_s))
    return sum(n for r in records if not r.rejected for day, n in r.days.items() if start <= day <= end)


def measure_cost(records: Iterable[IngestRecord], period: Period, horizon_s: float) -> int:
    """Estimated peak bytes of measuring one report."""
    return window_rows(records, period, horizon_s) * MEASURE_BYTES_PER_ROW


def ingest_cost(size: int) -> int:
    """Estimated peak bytes of ingesting an archive object of `size` bytes."""
    return size * INGEST_BYTES_PER_BYTE
