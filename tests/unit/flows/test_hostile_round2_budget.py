"""Issue 29, D10: decompression bombs in parallel batches must not multiply past the memory budget."""

from __future__ import annotations

from flows.budget import batches
from flows.pipeline import INGEST_BATCH
from tasks.model.cost import GZIP_MAX_RATIO, INGEST_BYTES_PER_BYTE, ingest_cost
from tasks.model.records import ObjectInfo

MIB, GIB = 1 << 20, 1 << 30


def _obj(name: str, size: int) -> ObjectInfo:
    return ObjectInfo(key=f"archives/twitter/dt=2017-10-01/{name}", size=size, etag=name)


def test_d10_a_gzip_object_costs_what_it_may_inflate_to():
    # a 2 MiB bomb under the default 1 GiB limit: it may inflate to min(1 GiB, 2 MiB × 1032) = 1 GiB,
    # 12 bytes of peak per byte of text: 12 GiB + its own 2 MiB (12× its compressed size said 24 MiB)
    assert ingest_cost(2 * MIB, "a.jsonl.gz", GIB) == 2 * MIB + 12 * GIB
    # a 100 KiB gzip can inflate to at most 100 KiB × 1032 = 103,200 KiB, under the limit
    assert ingest_cost(100 * 1024, "b.csv.GZ", GIB) == 100 * 1024 + 100 * 1024 * GZIP_MAX_RATIO * 12
    # an uncompressed object is read as it is: 12 × its size, whatever the limit
    assert ingest_cost(2 * MIB, "c.jsonl", GIB) == 2 * MIB * INGEST_BYTES_PER_BYTE


def test_d10_four_bombs_are_never_batched_or_run_side_by_side_past_the_budget():
    """Four 2 MiB gzip bombs, a 1 GiB budget (a batch at most a quarter of it, as flows/pipeline.py):
    counted at 12× their size (24 MiB each, 96 MiB together) they made one batch inflating 4 × 1 GiB;
    each now costs 12 GiB + 2 MiB, over the whole budget, so each is a batch of its own and (over
    budget alone) runs alone: at most one inflates at a time."""
    bombs = [_obj(f"bomb{i}.jsonl.gz", 2 * MIB) for i in range(4)]
    cost = lambda o: ingest_cost(o.size, o.key, GIB)  # noqa: E731
    groups = batches(bombs, cost, GIB // 4, INGEST_BATCH)
    assert [len(g) for g in groups] == [1, 1, 1, 1]
    assert all(cost(g[0]) > GIB for g in groups)
    # plain archives of the same size still share a batch: 4 × 24 MiB = 96 MiB within 256 MiB
    plain = [_obj(f"plain{i}.jsonl", 2 * MIB) for i in range(4)]
    assert [len(g) for g in batches(plain, cost, GIB // 4, INGEST_BATCH)] == [4]
