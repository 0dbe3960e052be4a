"""Batch-level checks: one delivery (a platform's archives of one collection day).

What no row shows: a delivery far smaller than the platform's history predicts
(the half-delivered archive: tasks/ingest/evidence.py says how sure a verdict must
be), one whose customer posts name no brand, one with no brand replies at all.
Facts come from the ingest records, so the check costs no re-reading; GX
judges them with expectations/batch.json.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import polars as pl

from tasks.ingest.evidence import low_count_p, weekday_expectation
from tasks.ingest.policy import Policy, Severity
from tasks.ingest.validation import ROW, run_suite
from tasks.model.records import IngestRecord

HISTORY_WEEKS = 4
FALLBACK_DAYS = 7


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
        column = {
            "row_count_not_collapsing": "collapse_p",
            "row_count_plausible": "volume_p",
            "unattributable_share_within_limit": "unattributable_share",
            "brand_post_share_plausible": "brand_post_share",
        }[rule]
        value = self.facts.get(column)
        shown = f"{value:.3g}" if isinstance(value, float) else f"{value}"
        expected = self.facts.get("expected_rows")
        context = f", {self.facts['rows']:.0f} rows where {expected:.1f} were expected" if column.endswith("_p") else ""
        return f"{column}={shown}{context}"

    def to_json(self) -> bytes:
        return json.dumps(asdict(self) | {"failed": self.failed}, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> DeliveryCheck:
        """A stored verdict read back (`failed` is derived from `broken`)."""
        body = json.loads(data)
        body.pop("failed", None)
        return cls(**body)


def delivery_facts(records: list[IngestRecord], platform: str, collected: date, parameters: dict) -> dict:
    """Rows against what the platform's history predicts, and the shares the batch suite judges."""
    by_day: dict[str, int] = {}
    for r in records:
        if r.platform == platform:
            by_day[r.collected] = by_day.get(r.collected, 0) + r.rows_read - r.duplicates_dropped
    todays = [r for r in records if r.platform == platform and r.collected == collected.isoformat()]
    rows = sum(r.rows_read - r.duplicates_dropped for r in todays)
    history = {
        n: by_day[d]
        for n in range(1, 7 * HISTORY_WEEKS + 1)
        if (d := (collected - timedelta(days=n)).isoformat()) in by_day
    }
    expectation = weekday_expectation(history, HISTORY_WEEKS, FALLBACK_DAYS)
    expected, volume_p, collapse_p = None, None, None
    if expectation and expectation[0] >= parameters["volume_min_expected"]:
        expected = expectation[0]
        volume_p = low_count_p(rows, expected, expectation[1], parameters["volume_min_cv"])
        if expected >= parameters["collapse_min_expected"] and rows < expected * parameters["collapse_max_ratio"]:
            collapse_p = volume_p
    elif expectation:
        expected = expectation[0]
    accepted = sum(r.rows_accepted for r in todays)
    brand = sum(r.brand_posts for r in todays)
    customers = max(rows - brand, 0)
    return {
        "rows": rows,
        "expected_rows": expected,
        "volume_p": volume_p,
        "collapse_p": collapse_p,
        "unattributable_share": sum(r.unattributable for r in todays) / customers if customers else None,
        "brand_post_share": brand / accepted if accepted else None,
    }


def check_deliveries(
    records: list[IngestRecord], deliveries: list[tuple[str, date]], policy: Policy
) -> list[DeliveryCheck]:
    """Each (platform, collection day)'s verdict, all judged by one run of the batch suite, one row a
    delivery: GX's cost is per run (~0.1 CPU-s), so a 90-day backfill pays it once, not 90 times.
    Every batch expectation is a column map: a row's verdict is the one it gets judged alone."""
    facts = [delivery_facts(records, platform, collected, policy.parameters) for platform, collected in deliveries]
    if not facts:
        return []
    frame = pl.DataFrame(facts, schema={k: pl.Float64 for k in facts[0]}).with_row_index(ROW)
    failures = run_suite(frame, "batch", policy.parameters).failures
    checks = []
    for row, ((platform, collected), delivered) in enumerate(zip(deliveries, facts, strict=True)):
        day = collected.isoformat()
        objects = sorted(r.key for r in records if r.platform == platform and r.collected == day)
        broken = failures.filter(pl.col(ROW) == row)["rule"].to_list()
        checks.append(
            DeliveryCheck(platform, day, objects, delivered, {rule: policy.severity(rule).value for rule in broken})
        )
    return checks
