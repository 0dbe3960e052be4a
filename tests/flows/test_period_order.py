"""Months are published one at a time, beside the days and weeks (flows/pipeline.py `_run_all`)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

from flows.pipeline import _run_all
from flows.summary import Published
from tasks.reports.periods import period_of

pytestmark = pytest.mark.usefixtures("prefect_harness")

MONTHS = [period_of("monthly", date(2017, m, 1)) for m in (10, 11, 12)]
WEEKS = [period_of("weekly", date(2017, 10, d)) for d in (2, 9, 16, 23, 30)]


class Running:
    """How many pages of each kind ran at once, at most."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = {"monthly": 0, "weekly": 0}
        self.most = {"monthly": 0, "weekly": 0, "month beside a week": 0}

    def enter(self, kind: str) -> None:
        with self.lock:
            self.now[kind] += 1
            self.most[kind] = max(self.most[kind], self.now[kind])
            beside = min(self.now["monthly"], self.now["weekly"])
            self.most["month beside a week"] = max(self.most["month beside a week"], beside)

    def leave(self, kind: str) -> None:
        with self.lock:
            self.now[kind] -= 1


def _run(fail: str | None) -> tuple[list[str], Published, Running]:
    running = Running()

    @task
    def publish(storage_url, period, watermark, settings, run_id, force):
        running.enter(period.kind)
        try:
            time.sleep(0.3)
            if period.label == fail:
                raise ValueError(f"{period.label} broke")
            return {"period": period.label}
        finally:
            running.leave(period.kind)

    pages = Published()

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
    def pages_flow() -> list[str]:
        return [p.label for p, _ in _run_all(publish, "", MONTHS + WEEKS, None, None, "run", False, pages)]

    return pages_flow(), pages, running


def test_months_run_one_at_a_time_beside_the_weeks():
    done, pages, running = _run(fail=None)
    assert sorted(done) == sorted(p.label for p in MONTHS + WEEKS)  # every page, once
    assert running.most["monthly"] == 1  # three months, never two at once
    assert running.most["month beside a week"] == 1  # the first month does not wait for the weeks
    assert pages.failed == {}


def test_a_failed_month_does_not_hold_back_the_next():
    done, pages, running = _run(fail="2017-10")
    assert sorted(done) == sorted(p.label for p in MONTHS + WEEKS)
    assert list(pages.failed) == ["monthly/2017-10"]
    assert "2017-10 broke" in pages.failed["monthly/2017-10"]
    assert running.most["monthly"] == 1
