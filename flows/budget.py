"""Run work side by side within a memory budget: what a run holds at once is bounded by what it
is allowed, not by how many pieces a backfill happens to have or how large each one is."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from prefect.futures import PrefectFuture, as_completed

T = TypeVar("T")


def within_budget(
    submit: Callable[[T], PrefectFuture[Any]], items: Iterable[T], cost: Callable[[T], int], budget: int
) -> Iterator[tuple[T, PrefectFuture[Any]]]:
    """Submit `items`, each as soon as the estimated cost of what is running leaves room for it
    (waiting items are looked at in order; one item runs even when it alone is over `budget`), and
    yield (item, finished future) as each finishes. The task runner may still run fewer at once."""
    waiting = [(item, cost(item)) for item in items]
    running: dict[PrefectFuture[Any], tuple[T, int]] = {}

    def start_what_fits() -> None:
        load = sum(c for _, c in running.values())
        for entry in list(waiting):
            if not running or load + entry[1] <= budget:
                waiting.remove(entry)
                running[submit(entry[0])] = entry
                load += entry[1]

    start_what_fits()
    while running:
        for future in as_completed(list(running)):  # what starts meanwhile is collected next round
            future.wait()  # as_completed can yield before the final state is recorded
            item, _ = running.pop(future)
            start_what_fits()
            yield item, future


def batches(items: Iterable[T], cost: Callable[[T], int], limit: int, most: int) -> list[tuple[T, ...]]:
    """`items` in order, in runs of at most `most` whose estimated cost stays within `limit` (an item
    over `limit` alone): work with a fixed cost per call (a suite run) done once per batch."""
    groups: list[list[T]] = []
    load = 0
    for item in items:
        weight = cost(item)
        if not groups or len(groups[-1]) >= most or load + weight > limit:
            groups.append([])
            load = 0
        groups[-1].append(item)
        load += weight
    return [tuple(g) for g in groups]


def spans(items: list[T], pieces: int, least: int) -> list[list[T]]:
    """`items` in order, cut into at most `pieces` runs of near-equal length, none shorter than
    `least` unless there are fewer items: work whose runs each pay a fixed cost at their start (a
    window read before the first day) spread over the workers that run side by side."""
    if not items:
        return []
    count = max(1, min(pieces, len(items) // max(least, 1)))
    size, longer = divmod(len(items), count)
    cuts = [n * size + min(n, longer) for n in range(count + 1)]
    return [items[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
