"""Batch-level checks: one delivery (a platform's archives of one collection day).

What no row shows: a delivery far smaller than the platform's usual days (the
half-delivered archive), one whose customer posts name no brand, one with no
brand replies at all. Facts come from the ingest records, so the check costs
no re-reading; GX judges them with expectations/batch.json.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import polars as pl

from tasks.ingest import IngestRecord
from tasks.policy import Policy, Severity
from tasks.validation import ROW, run_suite

HISTORY_DAYS = 7
MIN_HISTORY = 3


@dataclass
class DeliveryCheck:
    platform: str
    collected: str
    objects: list[str]
    facts: dict
    broken: dict[str, str] = field(default_factory=dict)  # rule → severity

    @property
    def failed(self) -> bool:
        return Severity.FAIL.value in self.broken.values()

    def message(self) -> str:
        rules = ", ".join(f"{rule} ({self.facts_for(rule)})" for rule in self.broken)
        return f"delivery {self.platform} dt={self.collected} ({', '.join(self.objects)}): {rules}"

    def facts_for(self, rule: str) -> str:
        column = {"row_count_not_collapsing": "row_ratio", "unattributable_share_within_limit": "unattributable_share",
                  "brand_post_share_plausible": "brand_post_share"}[rule]
        value = self.facts.get(column)
        return f"{column}={value:.3f}" if isinstance(value, float) else f"{column}={value}"

    def to_json(self) -> bytes:
        return json.dumps(asdict(self) | {"failed": self.failed}, indent=2, sort_keys=True).encode()


def delivery_facts(records: list[IngestRecord], platform: str, collected: date) -> dict:
    """Row count against the trailing median, and the shares the batch suite judges."""
    by_day: dict[str, int] = {}
    for r in records:
        if r.platform == platform:
            by_day[r.collected] = by_day.get(r.collected, 0) + r.rows_read
    todays = [r for r in records if r.platform == platform and r.collected == collected.isoformat()]
    rows = sum(r.rows_read for r in todays)
    history = [
        by_day[d.isoformat()]
        for d in (collected - timedelta(days=n) for n in range(1, HISTORY_DAYS + 1))
        if d.isoformat() in by_day
    ]
    median = statistics.median(history) if len(history) >= MIN_HISTORY else None
    accepted = sum(r.rows_accepted for r in todays)
    brand = sum(r.brand_posts for r in todays)
    customers = max(rows - brand, 0)
    return {
        "rows": rows,
        "trailing_median_rows": median,
        "row_ratio": rows / median if median else None,
        "unattributable_share": sum(r.unattributable for r in todays) / customers if customers else None,
        "brand_post_share": brand / accepted if accepted else None,
    }


def check_delivery(records: list[IngestRecord], platform: str, collected: date, policy: Policy) -> DeliveryCheck:
    facts = delivery_facts(records, platform, collected)
    frame = pl.DataFrame([facts], schema={k: pl.Float64 for k in facts}).with_row_index(ROW)
    failures = run_suite(frame, "batch", policy.parameters).failures
    objects = sorted(r.key for r in records if r.platform == platform and r.collected == collected.isoformat())
    return DeliveryCheck(
        platform,
        collected.isoformat(),
        objects,
        facts,
        {rule: policy.severity(rule).value for rule in failures["rule"].to_list()},
    )
