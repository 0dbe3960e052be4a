"""Benchmark (not a test): every archive of a backfill looking for its ids in the others' indexes.

    python -m tests.benchmarks.bench_id_index [--archives 90] [--ids 10000] [--shared 50] [--against REV]

`--archives` daily archives of `--ids` mention ids each, the last `--shared` ids of each repeated
at the start of the next (a re-delivered tail, as real exports repeat rows), indexed one after
another on a fresh local store by `warehouse.index_mention_ids` of this checkout and of `--against`
(a git revision; default HEAD), in turn in one process. Prints CPU seconds and index reads of
each, and checks both found the same sharing archives.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import polars as pl

from tasks.store import warehouse
from tests.counting_storage import CountingStorage
from tests.research.revisions import module_at


def _run(index, archives: int, ids: int, shared: int) -> tuple[float, int, list[list[str]]]:
    with tempfile.TemporaryDirectory() as root:
        store = CountingStorage(root)
        found, started = [], time.process_time()
        for n in range(archives):
            first = n * (ids - shared)
            accepted = pl.DataFrame({"mention_id": [str(10**17 + i) for i in range(first, first + ids)]})
            key = f"archives/twitter/dt=2017-{1 + n // 28:02d}-{1 + n % 28:02d}/export.csv"
            found.append(index(store, key, "twitter", accepted))
        return time.process_time() - started, len(store.reads), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archives", type=int, default=90)
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--shared", type=int, default=50)
    parser.add_argument("--against", default="HEAD")
    args = parser.parse_args()
    old = module_at(args.against, "tasks/store/warehouse.py").index_mention_ids
    shape = (args.archives, args.ids, args.shared)
    (new_cpu, new_reads, new_found), (old_cpu, old_reads, old_found) = (
        _run(warehouse.index_mention_ids, *shape),
        _run(old, *shape),
    )
    assert new_found == old_found, "the two found different sharing archives"
    print(f"{args.archives} archives of {args.ids:,} ids, {args.shared} shared with the next")
    print(f"{args.against:>12}: {old_cpu:7.2f} CPU-s, {old_reads:6d} index reads")
    print(f"{'this tree':>12}: {new_cpu:7.2f} CPU-s, {new_reads:6d} index reads ({old_cpu / new_cpu:.1f}x less CPU)")


if __name__ == "__main__":
    main()
