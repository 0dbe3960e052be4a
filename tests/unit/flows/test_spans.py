"""A run's days cut into runs measured side by side (flows/budget.py, `spans`)."""

from __future__ import annotations

from flows.budget import spans


def test_days_are_cut_in_order_into_near_equal_runs_one_per_worker():
    # 30 days, 4 workers, runs of at least 8: 30 // 8 = 3 runs (4 would leave runs of 7), 10 each
    assert [len(run) for run in spans(list(range(30)), 4, 8)] == [10, 10, 10]
    # 35 days: 4 runs, the longer first: 9, 9, 9, 8, in order and all of them
    runs = spans(list(range(35)), 4, 8)
    assert [len(run) for run in runs] == [9, 9, 9, 8]
    assert [d for run in runs for d in run] == list(range(35))


def test_fewer_days_than_a_run_is_one_run_and_none_is_none():
    assert spans([1, 2, 3], 4, 8) == [[1, 2, 3]]
    assert spans([], 4, 8) == []
    assert spans([1, 2, 3], 4, 1) == [[1], [2], [3]]  # one worker each when a run may be one day
