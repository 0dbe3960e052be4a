"""A page of a batch retries storage hiccups on its own (flows/tasks.py `_retried`): the batch is
never retried whole, so pages it already published are not re-reported as skipped."""

from __future__ import annotations

import pytest

from flows.tasks import _retried
from tasks.store.backends import StorageError, TransientStorageError


def _failing(times: int, error: Exception):
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "published"

    return call, calls


def test_hiccups_are_retried_once_per_delay_then_the_page_publishes():
    call, calls = _failing(2, TransientStorageError("503 slow down"))
    assert _retried(call, [0.0, 0.0]) == "published"
    assert len(calls) == 3  # two hiccups, then the third try


def test_a_hiccup_that_outlasts_the_delays_is_the_pages_error():
    call, calls = _failing(3, TransientStorageError("503 slow down"))
    with pytest.raises(TransientStorageError, match="503"):
        _retried(call, [0.0, 0.0])
    assert len(calls) == 3  # 1 + one per delay, no more


def test_bad_data_or_a_lasting_store_error_is_not_retried():
    call, calls = _failing(1, StorageError("cannot write: No space left on device"))
    with pytest.raises(StorageError, match="No space"):
        _retried(call, [0.0, 0.0])
    assert len(calls) == 1
