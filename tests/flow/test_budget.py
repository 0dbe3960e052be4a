"""A run works side by side within its memory budget (flows/budget.py), pages and failures included
(flows/pipeline.py `_run_all`)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

from flows.budget import batches, within_budget
from flows.pipeline import _run_all
from flows.summary import Published
from flows.tasks import PageResult
from tasks.model.periods import Period, period_of

pytestmark = pytest.mark.usefixtures("prefect_harness")

MONTHS = [period_of("monthly", date(2017, m, 1)) for m in (10, 11, 12)]
WEEKS = [period_of("weekly", date(2017, 10, d)) for d in (2, 9, 16, 23, 30)]
COST = {"monthly": 600, "weekly": 300}  # a month and a week fit in 1000, two months do not
BUDGET = 1000


class Running:
    """What ran at once, at most: pieces of each kind, and their summed cost."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: list[str] = []
        self.most = {"monthly": 0, "weekly": 0, "month beside a week": 0, "cost": 0}
        self.tasks = 0

    def enter(self, kind: str) -> None:
        with self.lock:
            self.now.append(kind)
            for name in ("monthly", "weekly"):
                self.most[name] = max(self.most[name], self.now.count(name))
            beside = min(self.now.count("monthly"), self.now.count("weekly"))
            self.most["month beside a week"] = max(self.most["month beside a week"], beside)
            self.most["cost"] = max(self.most["cost"], sum(COST.get(k, 5000) for k in self.now))

    def leave(self, kind: str) -> None:
        with self.lock:
            self.now.remove(kind)


def _run(
    periods: list[Period], fail: str | None = None, pieces: int | None = None
) -> tuple[list[str], Published, Running]:
    """`periods` published in `pieces` batches (default: one page each) by a stand-in for the
    publish task: a page that fails is its batch's error result, as in flows/tasks.py."""
    running = Running()

    @task
    def publish(batch):
        results = []
        for period in batch:
            running.enter(period.kind)
            try:
                time.sleep(0.3)
                if period.label == fail:
                    results.append(PageResult(period, None, f"{period.label} broke"))
                else:
                    results.append(PageResult(period, {"period": period.label}))
            finally:
                running.leave(period.kind)
        running.tasks += 1
        return results

    pages = Published()

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
    def pages_flow() -> list[str]:
        cost = lambda p: COST.get(p.kind, 5000)  # noqa: E731
        return [p.label for p, _ in _run_all(publish.submit, periods, cost, BUDGET, pages, pieces or len(periods))]

    return pages_flow(), pages, running


def test_pages_side_by_side_never_cost_more_than_the_budget():
    done, pages, running = _run(MONTHS + WEEKS)
    assert sorted(done) == sorted(p.label for p in MONTHS + WEEKS)  # every page, once
    assert running.most["cost"] == 900  # 600 + 300: never 1200 (two months) or 1500 (five weeks)
    assert running.most["monthly"] == 1  # three months, never two at once
    assert running.most["month beside a week"] == 1  # a month does not wait for every week
    assert pages.failed == {}


def test_as_many_run_as_fit_though_the_runner_has_room_for_more():
    done, _, running = _run(WEEKS)
    assert sorted(done) == sorted(p.label for p in WEEKS)
    assert running.most["weekly"] == 3  # 3 × 300 fit in 1000, a fourth does not; the runner has 4 workers
    assert running.most["cost"] == 900


def test_a_page_over_the_budget_alone_still_runs_and_runs_alone():
    year = period_of("daily", date(2017, 10, 1))  # costs 5000 here, five times the budget
    done, pages, running = _run([year, *WEEKS[:2]])
    assert sorted(done) == sorted([year.label, WEEKS[0].label, WEEKS[1].label])
    assert running.most["cost"] == 5000  # with nothing beside it; the two weeks ran together after
    assert running.most["weekly"] == 2


def test_a_failed_month_does_not_hold_back_the_next():
    done, pages, running = _run(MONTHS + WEEKS, fail="2017-10")
    assert sorted(done) == sorted(p.label for p in MONTHS + WEEKS)
    assert list(pages.failed) == ["monthly/2017-10"]
    assert "2017-10 broke" in pages.failed["monthly/2017-10"]
    assert running.most["monthly"] == 1


def test_pages_in_batches_are_few_tasks_and_a_failed_page_fails_alone():
    """Eight pages in 3 batches (spans of 3, 3, 2): 3 tasks; the failed week is the only failure."""
    done, pages, running = _run(WEEKS + MONTHS, fail="2017-W41", pieces=3)
    assert sorted(done) == sorted(p.label for p in WEEKS + MONTHS)  # every page, once
    assert running.tasks == 3
    assert pages.failed == {"weekly/2017-W41": "2017-W41 broke"}
    assert running.most["cost"] == 900  # a batch costs its largest page: 600 beside 300, never two months


def test_a_batch_that_fails_as_a_whole_fails_each_of_its_pages():
    @task
    def publish(batch):
        raise RuntimeError("store unreachable")

    pages = Published()

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
    def pages_flow() -> list[tuple[str, object]]:
        return [(p.label, r) for p, r in _run_all(publish.submit, MONTHS, lambda p: 1, BUDGET, pages, 1)]

    assert pages_flow() == [(p.label, None) for p in MONTHS]
    assert pages.failed == {f"monthly/{p.label}": "store unreachable" for p in MONTHS}


def test_items_start_in_order_as_room_appears():
    started: list[int] = []

    @task
    def work(n: int) -> int:
        started.append(n)
        time.sleep(0.2)
        return n

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=1))
    def one_at_a_time() -> list[int]:
        return [n for n, f in within_budget(work.submit, [3, 1, 2], lambda n: n, budget=100) if f.result() == n]

    assert sorted(one_at_a_time()) == [1, 2, 3]
    assert started == [3, 1, 2]  # the runner's one worker takes them in the order given


def test_batches_keep_order_and_stay_within_their_limit_and_size():
    """Costs a5 b5 c5 d20 e1 f1, limit 10, at most 2: a+b = 10 fits (then full); c alone (c+d = 25);
    d alone, over the limit by itself; e+f = 2."""
    cost = {"a": 5, "b": 5, "c": 5, "d": 20, "e": 1, "f": 1}
    assert batches(list(cost), cost.__getitem__, limit=10, most=2) == [("a", "b"), ("c",), ("d",), ("e", "f")]
    assert batches([], cost.__getitem__, limit=10, most=2) == []
