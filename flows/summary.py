"""What a run tells its users: the summary it returns, the failure it raises, the artifacts on its page.

One place, so the CLI's table, Prefect's run page and a failing nightly's
message all count the same things.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from flows.plan import yesterday
from tasks.jobs.period_report import ReportOutcome
from tasks.model.records import IngestRecord
from tasks.model.windows import NIGHTLY_REACH_DAYS
from tasks.store import layout
from tasks.store.backends import Storage, open_storage
from tasks.store.brand_days import published_brand_days


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
    not_published: dict[str, str] = field(default_factory=dict)  # day → why it has no page (plan.without_page)
    strays: dict[str, str] = field(default_factory=dict)  # day → its stray posts, beyond a nightly's reach

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
    not_published: dict[str, str]  # days with posts but no page, each with why (no attributed mention, stray)
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
        not_published=dict(sorted((pages.not_published | pages.strays).items())),
        warnings=_strays_warning(pages.strays)
        + [
            f"{r.key} holds mentions also in {', '.join(r.shared_with)}: each counts once, the copy of the "
            "archive collected last (validation.json lists them)"
            for r in sorted(records, key=lambda r: r.key)
            if r.shared_with and not r.skipped
        ],
    )


def _strays_warning(strays: dict[str, str]) -> list[str]:
    """One line for the posts stamped long before their archive's collection day: a feed sending old
    timestamps deserves a look, each day is listed in the run summary."""
    if not strays:
        return []
    return [
        f"{len(strays)} day(s) hold posts stamped more than {NIGHTLY_REACH_DAYS} days before their archive's "
        f"collection day ({', '.join(strays)}): kept and counted, not published as pages"
    ]


def run_title(flow_name: str, parameters: Mapping[str, object]) -> str:
    """What a run was asked, as Prefect names the run and its summary is titled: "nightly 2017-12-03",
    "backfill 2017-10-01…2017-12-03", "replay-quarantine 2017-12-03"."""
    if flow_name == "nightly":
        return f"nightly {parameters.get('day') or yesterday()}"
    if flow_name == "backfill":
        return f"backfill {parameters.get('start')}…{parameters.get('end')}"
    asked = [str(parameters[name]) for name in ("day", "source") if parameters.get(name)]
    return " ".join([flow_name, *asked])


def wall_time(seconds: float) -> str:
    """A run's wall time as people say it: "48 s", "3 min 05 s", "1 h 02 min"."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


@dataclass(frozen=True)
class RunKind:
    """Which flow ran, as what it was asked (`run_title`), and how long it took."""

    flow: str
    title: str
    seconds: float


#: What the run summary says of the days each flow publishes.
WHICH_DAYS = {
    "nightly": (
        f"A nightly publishes the days its archives hold posts for, from {NIGHTLY_REACH_DAYS} days before its "
        "collection day on (older posts are strays: counted, not pages), the days within the reply horizon "
        "before them and those whose 28-day trends show them; each day with a mention attributed to a brand."
    ),
    "backfill": "A backfill publishes every day of its range with a mention attributed to a brand.",
    "replay-quarantine": (
        "A replay republishes the days its archives hold posts for and their neighbours, each day with a "
        "mention attributed to a brand."
    ),
}


def publish_artifacts(storage_url: str, summary: RunSummary, run: RunKind) -> None:
    """What an operator sees on the run's page: the brand-days the run's pages show (the pages'
    own numbers), a summary titled with what the run was asked, and where the newest report is."""
    storage = open_storage(storage_url)
    pages = summary["published"] + summary["unchanged"] + summary["skipped"]
    rows = published_brand_days(storage, [date.fromisoformat(d) for d in pages])
    if not rows.is_empty():
        create_table_artifact(
            key="daily-metrics",
            table=rows.to_dicts(),
            description=(
                f"{run.title}: each brand on each day this run published or found standing, as its page shows it "
                "(mentions attributed to the brand; rates in %, first response in minutes)."
            ),
        )
    create_markdown_artifact(key="run-summary", markdown=summary_markdown(summary, run))
    if pages:
        _latest_report(storage, date.fromisoformat(max(pages)))


def summary_markdown(summary: RunSummary, run: RunKind) -> str:
    """The run-summary artifact: counts, which days the run publishes, those without a page and why,
    failures, warnings."""
    failed = "".join(f"\n- {day}: {reason}" for day, reason in sorted(summary["failed"].items()))
    no_page = "".join(f"\n- {day}: {reason}" for day, reason in sorted(summary["not_published"].items()))
    return (
        f"# {run.title}\n\nWall time: {wall_time(run.seconds)}. {WHICH_DAYS.get(run.flow, '')}\n\n"
        "| archives | ingested | rows read | quarantined | published | unchanged | skipped | failed |\n"
        f"|---|---|---|---|---|---|---|---|\n| {summary['archives']} | {summary['ingested']} | "
        f"{summary['rows_read']} | {summary['rows_quarantined']} | {len(summary['published'])} | "
        f"{len(summary['unchanged'])} | {len(summary['skipped'])} | {len(summary['failed'])} |\n"
        + (f"\n## Days without a page\n{no_page}\n" if no_page else "")
        + (f"\n## Failed days{failed}\n" if failed else "")
        + "".join(f"\n- warning: {w}" for w in summary["warnings"])
    )


#: How long the run page's link to the newest report on S3 stays valid: S3's longest, 7 days.
LINK_EXPIRES_S = 7 * 24 * 3600


def report_link(storage: Storage, day: date) -> str:
    """Where a day's page is: on S3 a pre-signed HTTPS link (valid LINK_EXPIRES_S), on a local folder
    the path in words (a browser refuses a web page's file:// links)."""
    key = f"{layout.report_folder(day)}report.html"
    presign = getattr(storage, "presigned_get", None)
    if presign is not None:
        return str(presign(key, LINK_EXPIRES_S))
    return f"{storage.url}/{key}"


def _latest_report(storage: Storage, day: date) -> None:
    """The run page's link to the newest report (`report_link`)."""
    link = report_link(storage, day)
    if getattr(storage, "presigned_get", None) is not None:
        create_link_artifact(
            key="latest-report",
            link=link,
            link_text=f"report {day} (link valid for 7 days; `sps reports url --latest` makes a new one)",
        )
        return
    path = link.replace("`", "'")
    create_markdown_artifact(
        key="latest-report",
        markdown=f"Newest report: **{day}**, at `{path}` (open it on the machine that holds the storage).",
    )
