"""`sps`: run the pipeline from a terminal, Prefect in-process, no server needed."""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.runtime import configure_environment, in_process

configure_environment()

app = typer.Typer(help="Social customer-care metrics and the Social Promoter Score.", no_args_is_help=True)
console = Console(stderr=True)

StorageOption = Annotated[
    str | None,
    typer.Option("--storage", envvar="SPS_STORAGE", help="Local path, file:///path or s3://bucket/prefix."),
]
DEMO_ARCHIVE = "archives/twitter/dt=2017-12-03/twcs_sample.csv"
DEMO_RANGE = (date(2017, 10, 1), date(2017, 12, 3))


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _run(flow_fn, **params) -> dict:
    from flows.pipeline import PipelineFailed

    with in_process():
        try:
            summary = flow_fn(**params)
        except PipelineFailed as exc:
            console.print(f"[bold red]run failed[/]: {exc}")
            raise typer.Exit(1) from None
    _print_summary(summary)
    return summary


def _print_summary(summary: dict) -> None:
    table = Table(title="sps run")
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in [
        ("archive objects", summary["archives"]),
        ("ingested (new or changed)", summary["ingested"]),
        ("rows read", summary["rows_read"]),
        ("rows quarantined", summary["rows_quarantined"]),
        ("days published", len(summary["published"])),
        ("days unchanged", len(summary["unchanged"])),
    ]:
        table.add_row(label, str(value))
    console.print(table)


@app.command()
def run(
    day: Annotated[str | None, typer.Option("--date", help="Collection day (default: yesterday, UTC).")] = None,
    storage: StorageOption = None,
) -> None:
    """The nightly job: ingest one day's archives and republish the days they change."""
    from flows.pipeline import nightly

    _run(nightly, day=_day(day) if day else None, storage=storage)


@app.command()
def backfill(
    start: Annotated[str, typer.Option("--start", help="First collection day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last collection day (YYYY-MM-DD).")],
    storage: StorageOption = None,
) -> None:
    """Ingest every archive collected in a date range and publish every day in it."""
    from flows.pipeline import backfill as backfill_flow

    first, last = _day(start), _day(end)
    if first > last:
        raise typer.BadParameter("--start is after --end")
    _run(backfill_flow, start=first, end=last, storage=storage)


@app.command()
def demo(storage: StorageOption = None) -> None:
    """Place the bundled real sample (Customer Support on Twitter) in storage and backfill it."""
    from flows.pipeline import backfill as backfill_flow
    from tasks.settings import Settings
    from tasks.storage import open_storage

    settings = Settings(**({"storage": storage} if storage else {}))
    store = open_storage(settings.storage)
    if not store.exists(DEMO_ARCHIVE):
        store.write(DEMO_ARCHIVE, resources.files("tasks.sample").joinpath("twcs_sample.csv").read_bytes())
    summary = _run(backfill_flow, start=DEMO_RANGE[0], end=DEMO_RANGE[1], storage=store.url)
    latest = summary["published"][-1] if summary["published"] else None
    console.print(f"storage: [bold]{store.url}[/]")
    console.print(f"busiest day: {store.url}/reports/daily/dt=2017-10-31/report.html")
    if latest:
        console.print(f"newest report published this run: dt={latest}")
