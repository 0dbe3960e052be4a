"""validation.json: what validation did to the archives behind one day.

Rules with their severity and reason, per-archive counts (rows read =
accepted + quarantined), a few examples per rule, the delivery checks, and
the responses stamped before their mention. Post text is never copied here:
values of text-bearing rules are replaced by their length, and any other
value only appears when it is a plain token (tasks/model/masking.py).
"""

from __future__ import annotations

import polars as pl

from tasks.ingest.policy import Policy
from tasks.ingest.validation import load_suite, suite_rules
from tasks.metrics.period import PeriodMeasure
from tasks.model.masking import example_value
from tasks.model.records import IngestRecord
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.codecs import read_frame
from tasks.store.warehouse import copy_conflicts

EXAMPLES_PER_RULE = 3
_TEXT_COLUMNS = {"text", "raw_line"}
_DERIVED = {"conflicting_fields"}  # written by the pipeline (field names), not by the archive


def rule_catalogue(policy: Policy) -> list[dict]:
    return [
        {"rule": r.name, "suite": suite, "severity": policy.severity(r.name).value, "why": r.why}
        for suite in ("file", "mentions", "batch")
        for r in suite_rules(load_suite(suite))
    ]


def masked_examples(storage: Storage, record: IngestRecord) -> list[dict]:
    """Up to three quarantined rows per rule, with text-bearing values masked."""
    collected = layout.partition_day(record.key)
    if not record.rows_quarantined or collected is None:
        return []
    key = layout.quarantine_rows(collected, layout.source_slug(record.key))
    if not storage.exists(key):
        return []
    rows = read_frame(storage, key, columns=["source_row", "rule", "value"])
    rules = suite_rules(load_suite("mentions"))
    text_rules = {r.name for r in rules if r.value_column in _TEXT_COLUMNS}
    ours = {r.name for r in rules if r.value_column in _DERIVED}
    rule = pl.col("rule").str.split("; ").list.first()
    masked = (
        pl.when(rule.is_in(list(text_rules)))
        .then(pl.format("«masked: {} characters»", pl.col("value").str.len_chars().fill_null(0)))
        .when(rule.is_in(list(ours)))
        .then(pl.col("value"))
        .otherwise(example_value(pl.col("value")))
    )
    return (
        rows.group_by("rule", maintain_order=True)
        .head(EXAMPLES_PER_RULE)  # mask only what is shown
        .with_columns(masked.alias("value"))
        .sort("rule", "source_row")
        .to_dicts()
    )


def source_summary(storage: Storage, record: IngestRecord) -> dict:
    fields = (
        "key",
        "etag",
        "size",
        "rows_read",
        "rows_accepted",
        "duplicates_dropped",
        "rows_quarantined",
        "quarantined_by_rule",
        "warned_by_rule",
        "rejected",
        "failed_rules",
        "error",
        "data_docs",
    )
    return {f: getattr(record, f) for f in fields} | {"examples": masked_examples(storage, record)}


def data_warnings(deliveries: list[dict]) -> list[str]:
    """What a reader should know before trusting the numbers, in words: each warned batch rule of a
    delivery that published (the caller passes the deliveries collected within the page's period)."""
    said = {
        "row_count_plausible": lambda f: (
            f"{f['rows']:.0f} posts arrived where about {f['expected_rows']:.0f} were expected; some may be missing"
        ),
        "unattributable_share_within_limit": lambda f: (
            f"{f['unattributable_share']:.0%} of customer posts name no brand and are left out"
        ),
        "brand_post_share_plausible": lambda f: (
            f"brand replies are {f['brand_post_share']:.0%} of posts: the export may lack one side of the conversations"
        ),
    }
    return [
        f"{d['platform']} {d['collected']}: {said[rule](d['facts'])}"
        for d in deliveries
        if not d.get("failed")
        for rule in sorted(d.get("broken", {}))
        if rule in said
    ]


def day_validation(
    storage: Storage,
    measure: PeriodMeasure,
    records: list[IngestRecord],
    deliveries: list[dict],
    policy: Policy,
    rivals: list[IngestRecord],
) -> dict:
    """The whole validation.json for one report day (`rivals`: archives elsewhere that may hold
    other copies of its mentions, tasks/model/fingerprint.py)."""
    conflicts = copy_conflicts(storage, measure.period.start, measure.period.end, rivals)

    def in_period(collected: str) -> bool:
        return measure.period.start.isoformat() <= collected <= measure.period.end.isoformat()

    return {
        "date": measure.day.isoformat(),
        "rules": rule_catalogue(policy),
        "sources": [source_summary(storage, r) for r in records],
        "deliveries": deliveries,
        # warnings about what was collected in the period, not the neighbours its window reads
        "data_warnings": data_warnings([d for d in deliveries if in_period(d["collected"])])
        + [
            f"{r.key}: {n} mention(s) have no author: counted in the response metrics, not in SPS"
            for r in records
            if in_period(r.collected) and (n := r.warned_by_rule.get("author_id_present"))
        ],
        "response_before_mention": measure.anomalies.to_dicts(),
        "unattributed_inbound": measure.unattributed,
        # one mention in several archives: the copy of the archive collected last counts, once
        "duplicates_across_archives": conflicts.to_dicts(),
    }
