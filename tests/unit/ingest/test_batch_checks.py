"""Deliveries judged together: one run of the batch suite, each delivery's verdict as if judged alone."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.ingest import batch_checks
from tasks.ingest.batch_checks import check_deliveries
from tasks.ingest.policy import load_policy
from tasks.model.records import IngestRecord


def _record(key: str, platform: str, collected: str, rows: int, brand: int, unattributable: int) -> IngestRecord:
    return IngestRecord(
        key=key,
        etag="e",
        size=1,
        fingerprint="f",
        collected=collected,
        platform=platform,
        rows_read=rows,
        rows_accepted=rows,
        brand_posts=brand,
        unattributable=unattributable,
    )


RECORDS = [
    # 30 unattributable of 60 customer posts: share 0.5 > 0.2
    _record("archives/twitter/dt=2017-10-02/a.csv", "twitter", "2017-10-02", 100, 40, 30),
    # no brand post: share 0 < 0.01
    _record("archives/twitter/dt=2017-10-03/b.csv", "twitter", "2017-10-03", 100, 0, 5),
    # 4 of 40 customers unattributable (0.1), 10 of 50 brand posts (0.2): clean
    _record("archives/reddit/dt=2017-10-03/c.json", "reddit", "2017-10-03", 50, 10, 4),
]
DELIVERIES = [("twitter", date(2017, 10, 2)), ("twitter", date(2017, 10, 3)), ("reddit", date(2017, 10, 3))]


def test_deliveries_judged_in_one_run_get_the_verdicts_each_gets_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = load_policy()
    alone = [check_deliveries(RECORDS, [delivery], policy)[0] for delivery in DELIVERIES]
    runs = []
    real = batch_checks.run_suite
    monkeypatch.setattr(batch_checks, "run_suite", lambda *a, **k: runs.append(a[0].height) or real(*a, **k))
    together = check_deliveries(RECORDS, DELIVERIES, policy)
    assert runs == [3]  # one GX run, a row a delivery
    assert together == alone
    assert [c.broken for c in together] == [
        {"unattributable_share_within_limit": "warn"},
        {"brand_post_share_plausible": "warn"},
        {},
    ]
    assert [c.objects for c in together] == [[r.key] for r in RECORDS]


def test_no_delivery_runs_no_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_checks, "run_suite", lambda *a, **k: pytest.fail("GX ran"))
    assert check_deliveries(RECORDS, [], load_policy()) == []
