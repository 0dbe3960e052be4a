"""Progress of a run, for whoever is watching in this process (the CLI's bar).

Flows report where their run's page is and each finished day here; with no listener it costs nothing. This
keeps rich and the terminal out of the flows, and works with any task runner
because the flow loop, not the task, reports.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

_listeners: list[Callable[..., None]] = []


def run_page(url: str | None) -> None:
    """Where the run's page is in Prefect's UI (None when no UI is known)."""
    for listener in list(_listeners):
        listener("run", url)


def started(total_days: int) -> None:
    for listener in list(_listeners):
        listener("start", total_days)


def day_done(day: str, outcome: str) -> None:
    for listener in list(_listeners):
        listener(day, outcome)


@contextlib.contextmanager
def listening(listener: Callable[..., None]) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
