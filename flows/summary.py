"""What a run tells its users: the summary it returns, the failure it raises, the artifacts on its page.

One place, so the CLI's table, Prefect's run page and a failing nightly's
message all count the same things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from tasks.ingest.archive import IngestRecord
from tasks.reports.period_report import ReportOutcome
from tasks.storage import layout


class PipelineFailed(RuntimeError):
    """Some reports were not published; the message lists each day or period with its reason."""

    def __init__(self, failed: dict[str, str]) -> None:
        lines = [f"{where}: {reason}" for where, reason in sorted(failed.items())]
        super().__init__(f"{len(lines)} report(s) not published:\n" + "\n".join(lines))
        self.failed = dict(sorted(failed.items()))


class NoData(RuntimeError):
    """A nightly found no archive for its day: a broken feed until someone says the day was quiet."""


@dataclass
class Published:
    """What the publishing half of a run did, page by page."""

    published: list[str] = field(default_factory=list)  # days, by outcome
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # day, kind/label or key → reason
    days: list[ReportOutcome] = field(default_factory=list)
    periods: list[ReportOutcome] = field(default_factory=list)

    def day(self, name: str, result: ReportOutcome) -> None:
        getattr(self, result["outcome"]).append(name)
        self.days.append(result)


class RunSummary(TypedDict):
    """A flow's return value (JSON-friendly, so Prefect can keep it as the run's result)."""

    archives: int
    ingested: int
    rows_read: int
    duplicates_dropped: int
    rows_quarantined: int
    published: list[str]
    unchanged: list[str]
    skipped: list[str]
    failed: dict[str, str]
    days: list[ReportOutcome]
    periods: list[ReportOutcome]
    warnings: list[str]  # what published but deserves a look: mentions in two archives, reports the index skipped


def summarise(records: list[IngestRecord], pages: Published, misplaced: list[IngestRecord]) -> RunSummary:
    """Counts over the run's archives and its pages, sorted so two equal runs read the same; each
    archive this run ingested that shares mentions with others is a warning."""
    failed = dict(pages.failed)
    for record in misplaced:
        failed[record.key] = (record.error or "").removeprefix(f"{record.key}: ")
    return RunSummary(
        archives=len(records),
        ingested=sum(not r.skipped for r in records),
        rows_read=sum(r.rows_read for r in records),
        duplicates_dropped=sum(r.duplicates_dropped for r in records),
        rows_quarantined=sum(r.rows_quarantined for r in records),
        published=sorted(pages.published),
        unchanged=sorted(pages.unchanged),
        skipped=sorted(pages.skipped),
        failed=failed,
        days=sorted(pages.days, key=lambda r: r["day"]),
        periods=sorted(pages.periods, key=lambda r: r["period"]),
        warnings=[
            f"{r.key} holds mentions also in {', '.join(r.shared_with)}: each counts once, the copy of the "
            "archive collected last (validation.json lists them)"
            for r in sorted(records, key=lambda r: r.key)
            if r.shared_with and not r.skipped
        ],
    )


def publish_artifacts(storage_url: str, summary: RunSummary) -> None:
    """What an operator sees on the run's page: a per-day table, a summary, a link."""
    if summary["days"]:
        create_table_artifact(
            key="daily-metrics",
            table=[
                {k: r[k] for k in ("day", "outcome", "inbound", "responded", "unattributed", "brands")}  # type: ignore[literal-required]
                for r in summary["days"]
            ],
            description="Days this run measured (skipped days show their published numbers).",
        )
    failed = "".join(f"\n- {day}: {reason}" for day, reason in sorted(summary["failed"].items()))
    create_markdown_artifact(
        key="run-summary",
        markdown=(
            "# sps run\n\n"
            "| archives | ingested | rows read | quarantined | published | unchanged | skipped | failed |\n"
            f"|---|---|---|---|---|---|---|---|\n| {summary['archives']} | {summary['ingested']} | "
            f"{summary['rows_read']} | {summary['rows_quarantined']} | {len(summary['published'])} | "
            f"{len(summary['unchanged'])} | {len(summary['skipped'])} | {len(summary['failed'])} |\n"
            + (f"\n## Failed days{failed}\n" if failed else "")
            + "".join(f"\n- warning: {w}" for w in summary["warnings"])
        ),
    )
    published = summary["published"] + summary["unchanged"] + summary["skipped"]
    if published:
        base = storage_url if "://" in storage_url else f"file://{storage_url}"
        create_link_artifact(
            key="latest-report",
            link=f"{base}/{layout.report_folder(date.fromisoformat(max(published)))}report.html",
            link_text=f"report {max(published)}",
        )
