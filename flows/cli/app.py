"""`sps`: run the pipeline from a terminal, Prefect in-process, no server needed."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.cli.runtime import configure_environment, in_process, server_starting

if TYPE_CHECKING:
    from tasks.jobs.settings import Settings
    from tasks.store.backends import Storage

configure_environment()

#: Exit codes (README's table): 1 a run that published less than it should, 2 bad usage (an option,
#: a setting, a storage URL no backend reads, links asked of a folder) or a refused download, 3
#: storage missing, not a folder, or that could not be reached, read or written (also when the run
#: published the rest), 4 no data; `sps serve` ends with 128 + the signal that stopped it (130
#: Ctrl-C, 143 SIGTERM).
EXIT_USAGE = 2
EXIT_STORAGE = 3
#: Nothing there to work on: a nightly without an archive, a backfill no archive can hold, a report
#: not published.
EXIT_NO_DATA = 4


class _Sps(typer.Typer):
    """The `sps` command: storage that cannot be reached, read or written ends any command in one
    sentence saying what to check, and exit code 3, never a traceback."""

    def __call__(self, *args, **kwargs):
        from tasks.store.backends import StorageError

        try:
            return super().__call__(*args, **kwargs)
        except StorageError as exc:
            _storage_failed(exc)
            sys.exit(EXIT_STORAGE)


# Plain help and errors: typer's rich help prints `<bool>` after every flag (--force <bool>).
app = _Sps(
    help="Social customer-care metrics and the Social Promoter Score.", no_args_is_help=True, rich_markup_mode=None
)
quarantine_app = typer.Typer(help="Inspect and re-process quarantined data.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
console = Console(stderr=True, soft_wrap=True)  # a sentence into a log is one line, not cut at 80 columns

StorageOption = Annotated[
    str | None,
    typer.Option("--storage", envvar="SPS_STORAGE", help="Local path, file:///path or s3://bucket/prefix."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Redo every archive and day, even unchanged ones.")]
DEMO_ARCHIVE = "archives/twitter/dt=2017-12-03/twcs_sample.csv"
DEMO_RANGE = (date(2017, 10, 1), date(2017, 12, 3))


def _print_version(value: bool) -> None:
    if value:
        from tasks.model.version import code_version

        typer.echo(f"sps-pipeline {code_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show Prefect's log (INFO and up) on the console.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Social customer-care metrics and the Social Promoter Score."""
    if not verbose:  # a progress bar and one summary; warnings and errors still show
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")


def _storage_failed(exc: Exception) -> None:
    from tasks.store.backends import STORAGE_FAILED

    console.print(
        f"[bold red]storage failed[/]: {str(exc).removeprefix(STORAGE_FAILED)}. "
        "Check that --storage / SPS_STORAGE is reachable with "
        "these credentials, writable and not full, then run again: what was published stays as it was."
    )


def _store(storage: str | None, reads: str, made_here: bool = False) -> tuple[Storage, Settings]:
    """The storage a command reads `reads` (a prefix) from, checked before anything else: a path
    that does not exist or is a file, a bucket that does not exist, a URL no backend reads each end
    the command in one sentence naming what was tried, never as "nothing published". A command
    that fills a new storage (`demo`, `made_here`) checks only the URL."""
    from tasks.store.backends import StorageMissing, UnsupportedStorage, open_storage, require_root

    settings = _settings(storage)
    try:
        store = open_storage(settings.storage)
        if not made_here:
            require_root(store, reads)
    except UnsupportedStorage as exc:
        console.print(f"[bold red]{exc.args[0]}[/]: storage is a path, file:///path or s3://bucket/prefix.")
        raise typer.Exit(EXIT_USAGE) from None
    except StorageMissing as exc:
        default = " (the default, ./sps-data in the current folder)" if storage is None else ""
        console.print(
            f"[bold red]{exc.args[0]}[/]{default}: give --storage (or SPS_STORAGE) the folder or "
            "s3://bucket/prefix that holds archives/ and reports/.",
            highlight=False,
        )
        raise typer.Exit(EXIT_STORAGE) from None
    return store, settings


def _no_data(sentence: str) -> typer.Exit:
    console.print(sentence, highlight=False, markup=False)
    return typer.Exit(EXIT_NO_DATA)


def _print_rows(title: str, columns: list[str], rows: Sequence[tuple[str, ...]], right: tuple[str, ...] = ()) -> None:
    """A table on stdout: ruled, long cells folded, on a terminal; into a pipe or a file, a
    tab-separated header and one line a row, cut nowhere (for grep, cut and wc -l)."""
    out = Console()
    if not out.is_terminal:
        for line in [tuple(columns), *rows]:
            typer.echo("\t".join(line))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _print_json(rows: list[dict]) -> None:
    typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))


JsonOption = Annotated[bool, typer.Option("--json", help="JSON on stdout instead of a table.")]


def _day(value: str, option: str = "--date") -> date:
    """A day option: YYYY-MM-DD only (a week or a month where a day is meant is refused, exit 2)."""
    from tasks.model.periods import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _settings(storage: str | None):
    """The settings, or one sentence naming each bad SPS_* value (exit 2), never a traceback."""
    from pydantic import ValidationError

    from tasks.jobs.settings import Settings

    try:
        return Settings.for_storage(storage)
    except ValidationError as exc:
        for error in exc.errors():
            field, *item = error["loc"]
            name = f"SPS_{str(field).upper()}" + "".join(f"[{i}]" for i in item)  # SPS_RETRY_DELAYS[0]
            console.print(f"[bold red]bad setting[/] {name}={error.get('input')!r}: {error['msg']}", markup=True)
        console.print("Fix the environment variable (or the --storage option) and run again.")
        raise typer.Exit(2) from None


def _run(
    flow: Literal["nightly", "backfill", "replay_quarantine"],
    request: str | None = None,
    check: Callable[[Storage], None] | None = None,
    **params,
) -> dict:
    """Run a flow (of flows.pipeline, by name) in-process with a progress bar, then print the
    summary table.

    What can be checked is checked before Prefect starts (a second, not the 15 s of starting it):
    the storage is there, then `request` (tasks/store/run_stamp.py): if the same run ended clean
    and nothing it depends on changed since, say so and return; then `check` (there is something
    to read), which ends the command in one sentence when there is not."""
    from tasks.store import layout

    store, settings = _store(params.get("storage"), layout.ARCHIVES)
    if request is not None and (done := _up_to_date(request, settings)) is not None:
        return done
    if check is not None:
        check(store)
    standing = bool(os.environ.get("PREFECT_API_URL"))  # a standing server: its UI outlives the run
    with server_starting():  # ~4 s in another process, while this one imports what the run needs
        import great_expectations  # noqa: F401  (ingest validates with it: ~2.5 s to import)

        from flows import pipeline, progress
        from flows.pipeline import NoData, PipelineFailed
        from flows.runners import configured
        from tasks.store.backends import StorageError, is_storage_failure

        flow_fn = getattr(pipeline, flow)

    started = time.monotonic()
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task_id = bar.add_task("ingesting", total=None)

    def listen(event: str, value) -> None:
        if event == "run":
            if standing and value:
                console.print(f"Prefect run: {value}", highlight=False)
        elif event == "start":
            bar.update(task_id, description="days", total=value, completed=0)
        else:
            bar.update(task_id, advance=1, description=f"days (last: {event} {value})")

    with in_process(), progress.listening(listen), bar:
        try:
            summary = configured(flow_fn, settings)(**params)
        except PipelineFailed as exc:
            bar.stop()
            _print_failures(exc.failed)
            storage_failed = any(is_storage_failure(reason) for reason in exc.failed.values())
            raise typer.Exit(EXIT_STORAGE if storage_failed else 1) from None
        except NoData as exc:  # an archive removed between the check and the run
            bar.stop()
            raise _no_data(f"{exc}. {_QUIET_DAY}") from None
        except StorageError as exc:
            bar.stop()
            _storage_failed(exc)
            raise typer.Exit(EXIT_STORAGE) from None
    _print_summary(summary, time.monotonic() - started, flow_fn.name, params)
    return summary


_QUIET_DAY = "Is the feed delivering? For a day known to be quiet, run again with --allow-empty."


def _archives(store: Storage) -> list:
    """The archive objects a run would judge (markers left out)."""
    from tasks.ingest.adapters import archive_objects
    from tasks.store import layout

    return archive_objects(store.list(layout.ARCHIVES))


def _has_archives_for(day: date) -> Callable[[Storage], None]:
    """A nightly's check: an archive of its collection day (or one removed since it was ingested,
    whose day then changes) is there; else no data, exit 4, before Prefect starts."""

    def check(store: Storage) -> None:
        from flows.plan import in_collection_range, no_data_for
        from tasks.store.ledger import read_records

        if in_collection_range(_archives(store), day, day):
            return
        if any(r.collected == day.isoformat() for r in read_records(store)):
            return
        raise _no_data(f"{no_data_for(day)} in {store.url}. {_QUIET_DAY}")

    return check


def _range_held(first: date, last: date) -> Callable[[Storage], None]:
    """A backfill's check: some archive can hold mentions of the range (flows/plan.py, can_hold),
    or one collected in it was removed (its days change); else no data, exit 4, naming the
    collection days that exist."""

    def check(store: Storage) -> None:
        from flows.plan import can_hold, collection_days
        from tasks.store.ledger import read_records

        archives, records = _archives(store), read_records(store)
        if can_hold(archives, records, first, last):
            return
        if any(first.isoformat() <= r.collected <= last.isoformat() for r in records):
            return
        raise _no_data(
            f"no archive in {store.url} can hold mentions made {first}…{last} (one collected in the range, or "
            f"later and holding those days): {collection_days(archives)}. Backfill the days those archives "
            "hold, or add the range's archives."
        )

    return check


def _up_to_date(request: str, settings) -> dict | None:
    """The summary of a run that has nothing to do (every report stands as published), or None."""
    from tasks.store.backends import open_storage
    from tasks.store.run_stamp import up_to_date

    stamp = up_to_date(open_storage(settings.storage), request, settings.fingerprint())
    if stamp is None:
        return None
    console.print(
        f"Up to date: nothing this run reads has changed since the same run ended at {stamp.finished_at} "
        f"({len(stamp.days)} day(s) and {len(stamp.periods)} weekly/monthly report(s) stand as published).",
        highlight=False,
    )
    return {
        "published": [],
        "unchanged": [],
        "skipped": stamp.days,
        "failed": {},
        "days": [],
        "periods": [],
        "warnings": [],
    }


#: What to do about a failure, by the first of these words its reason holds.
_ADVICE = [
    ("storage failed", "check that --storage / SPS_STORAGE is reachable, writable and not full, then run again"),
    ("file_location_known", "move the object into archives/<platform>/dt=YYYY-MM-DD/, or remove it"),
    ("row_count_not_collapsing", "check the feed delivered the whole day; a late delivery publishes on the next run"),
    ("holds day(s) not published", "publishes once those days do"),
    ("file_", "replace or remove the archive; `sps quarantine list` shows what was kept"),
    ("rows broke the suite", "fix the export, then `sps quarantine replay`; `sps quarantine list` shows the rows"),
    ("mapping", "fix archives/<platform>/_mapping.toml; the next run reads the archives again"),
]


def _print_failures(failed: dict[str, str]) -> None:
    """Printed once: what was not published, why, and what to do. A table on a terminal;
    one line each in a log (a nightly's output is grepped, not read at 80 columns)."""
    rows = [
        (
            where,
            reason,
            next((a for word, a in _ADVICE if word in reason), "run again; if it fails the same way, see the log"),
        )
        for where, reason in failed.items()
    ]
    title = f"run failed: {len(failed)} report(s) not published"
    if not console.is_terminal:
        console.print(
            title,
            *[f"{where}: {why} → what to do: {advice}" for where, why, advice in rows],
            sep="\n",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    table = Table(title=title, title_style="bold red", show_lines=True)
    for column in ("day or object", "why", "what to do"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _print_summary(summary: dict, seconds: float, flow_name: str, params: dict) -> None:
    """The run's counts, titled with what ran and how long it took ("backfill 2017-10-01…2017-12-03 in
    3 min 05 s"): the run's name in Prefect too."""
    from flows.summary import run_title, wall_time

    table = Table(title=f"{run_title(flow_name, params)} in {wall_time(seconds)}")
    table.add_column("what")
    table.add_column("count", justify="right")
    mentions = sum(d["inbound"] for d in summary["days"])
    for label, value in [
        ("archive objects", summary["archives"]),
        ("ingested (new or changed)", summary["ingested"]),
        ("rows read", summary["rows_read"]),
        ("exact duplicate rows dropped", summary["duplicates_dropped"]),
        ("rows quarantined", summary["rows_quarantined"]),
        ("days published", len(summary["published"])),
        ("days unchanged (same files)", len(summary["unchanged"])),
        ("days skipped (same inputs)", len(summary["skipped"])),
        ("days / periods failed", len(summary["failed"])),
        ("weekly and monthly reports", len(summary["periods"])),
        ("inbound mentions in those days", mentions),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    for warning in summary.get("warnings", []):
        console.print(f"warning: {warning}", highlight=False, markup=False)


@app.command()
def run(
    day: Annotated[str | None, typer.Option("--date", help="Collection day (default: yesterday, UTC).")] = None,
    storage: StorageOption = None,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="A day without archives is expected (else exit code 4).")
    ] = False,
) -> None:
    """The nightly job: ingest one day's archives and republish the days they change."""
    from flows.plan import nightly_request, yesterday

    when = _day(day) if day else yesterday()
    check = None if allow_empty else _has_archives_for(when)
    _run("nightly", nightly_request(when, allow_empty), check, day=when, storage=storage, allow_empty=allow_empty)


@app.command()
def backfill(
    start: Annotated[str, typer.Option("--start", help="First collection day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last collection day (YYYY-MM-DD).")],
    storage: StorageOption = None,
    force: ForceOption = False,
) -> None:
    """Publish every day of a date range: ingest the archives that can hold its mentions (those
    collected in it, and later exports holding its days)."""
    from flows.plan import backfill_request, collection_days

    first, last = _day(start, "--start"), _day(end, "--end")
    if first > last:
        raise typer.BadParameter("--start is after --end")
    request = None if force else backfill_request(first, last)
    summary = _run("backfill", request, _range_held(first, last), start=first, end=last, storage=storage, force=force)
    if not (summary["published"] or summary["unchanged"] or summary["skipped"] or summary["failed"]):
        store, _ = _store(storage, "")
        raise _no_data(
            f"backfill {first}…{last} published nothing: no archive in {store.url} holds a mention made in "
            f"those days; {collection_days(_archives(store))}."
        )


@quarantine_app.command("list")
def quarantine_list(
    day: Annotated[str | None, typer.Option("--date", help="Only this collection day.")] = None,
    as_json: JsonOption = False,
    storage: StorageOption = None,
) -> None:
    """Archives with quarantined rows or rejected whole, with counts per rule."""
    from flows.plan import to_replay
    from tasks.model.records import by_rule
    from tasks.store.ledger import read_misplaced, read_records

    wanted = _day(day) if day else None  # bad usage before storage
    store, _ = _store(storage, "")
    records = read_records(store) + ([] if wanted else read_misplaced(store))
    found = sorted(to_replay(records, wanted, None), key=lambda r: (r.collected, r.key))
    if as_json:
        fields = ("collected", "key", "rows_read", "rows_accepted", "rows_quarantined", "quarantined_by_rule", "error")
        _print_json([{f: getattr(r, f) for f in fields} for r in found])
        return
    if not found:
        console.print(f"nothing in quarantine in {store.url}", highlight=False)
        return
    _print_rows(
        "quarantine",
        ["collected", "archive", "read", "accepted", "quarantined", "rules"],
        [
            (r.collected, r.key, str(r.rows_read), str(r.rows_accepted), str(r.rows_quarantined))
            + (by_rule(r.quarantined_by_rule) or r.error or "",)
            for r in found
        ],
        right=("read", "accepted", "quarantined"),
    )


@quarantine_app.command("replay")
def quarantine_replay(
    day: Annotated[str | None, typer.Option("--date", help="Only archives of this collection day.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this archive key.")] = None,
    storage: StorageOption = None,
) -> None:
    """After a fix (code, suite, policy or a re-delivered archive): re-ingest quarantined archives and republish."""
    import difflib

    from flows.plan import to_replay
    from tasks.store.ledger import read_records

    wanted = _day(day) if day else None
    store, _ = _store(storage, "")
    if source or wanted:  # a typo must not look like a replay that found nothing to do
        quarantined = to_replay(read_records(store), None, None)
        if not to_replay(quarantined, wanted, source):
            keys = sorted({r.key for r in to_replay(quarantined, wanted, None)})
            close = difflib.get_close_matches(source, keys, n=3, cutoff=0.5) if source else []
            asked = " and ".join(f"{o} {v}" for o, v in (("--source", source), ("--date", day)) if v)
            hint = f"; did you mean {', '.join(close)}?" if close else " (`sps quarantine list` shows them)"
            console.print(f"[bold red]no quarantined archive matches {asked}[/]{hint}", highlight=False)
            raise typer.Exit(2)
    _run("replay_quarantine", storage=storage, day=wanted, source=source)


reports_app = typer.Typer(help="Find and fetch published reports.", no_args_is_help=True)
app.add_typer(reports_app, name="reports")
FormatOption = Annotated[str, typer.Option("--format", help="parquet, csv, html or all.")]


def _refused(exc: Exception) -> typer.Exit:
    """A manifest or latest.json that cannot be trusted: one sentence, exit code 2."""
    console.print(f"[bold red]refused[/]: {exc}; nothing was written. Ask whoever can write reports/ to check it.")
    return typer.Exit(2)


def _folder(store: Storage, day: str | None, latest: bool) -> str:
    from tasks.model.periods import parse_period
    from tasks.store.fetch import UnsafeManifest, resolve_folder

    if bool(day) == latest:
        raise typer.BadParameter("give exactly one of --date D or --latest")
    try:
        period = parse_period(day) if day else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        return resolve_folder(store, period)
    except FileNotFoundError as exc:
        raise _no_data(f"{store.url}: {exc}; `sps reports list` shows what is published.") from None
    except UnsafeManifest as exc:
        raise _refused(exc) from None


def _format(fmt: str) -> str:
    from tasks.store.fetch import FORMATS

    if fmt != "all" and fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join([*FORMATS, 'all'])}")
    return fmt


class Kind(str, Enum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


@reports_app.command("list")
def reports_list(
    kind: Annotated[Kind, typer.Option("--kind", case_sensitive=False, help="daily, weekly or monthly.")] = Kind.daily,
    as_json: JsonOption = False,
    storage: StorageOption = None,
) -> None:
    """Complete reports (with a manifest), newest last."""
    from tasks.store import layout
    from tasks.store.fetch import UnsafeManifest, list_reports

    store, _ = _store(storage, layout.REPORTS)
    try:
        reports = list_reports(store, kind.value)
    except UnsafeManifest as exc:
        raise _refused(exc) from None
    if as_json:
        _print_json([asdict(r) for r in reports])
        return
    if not reports:
        console.print(f"no {kind.value} report is published in {store.url} yet", highlight=False)
        return
    _print_rows(
        f"{kind.value} reports",
        ["period", "status", "files", "folder"],
        [(r.period, r.status, str(r.files), r.folder) for r in reports],
        right=("files",),
    )


@reports_app.command("download")
def reports_download(
    to: Annotated[Path, typer.Option("--to", help="Folder to write the files into.")],
    day: Annotated[
        str | None, typer.Option("--date", help="Report day (2017-10-31), ISO week (2017-W44) or month (2017-10).")
    ] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The newest complete report.")] = False,
    brand: Annotated[
        str | None, typer.Option("--brand", help="Only the tables, cut to this brand's rows (with their own manifest).")
    ] = None,
    fmt: FormatOption = "all",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace files already in --to.")] = False,
    storage: StorageOption = None,
) -> None:
    """Download a report, verifying every file's SHA-256 against its manifest."""
    from tasks.store import layout
    from tasks.store.fetch import ChecksumMismatch, UnsafeManifest, download

    store, _ = _store(storage, layout.REPORTS)
    folder = _folder(store, day, latest)
    try:
        written = download(store, folder, _format(fmt), to, brand, overwrite)
    except (FileExistsError, NotADirectoryError) as exc:
        console.print(f"[bold red]{exc}[/]; nothing was written.")
        raise typer.Exit(2) from None
    except OSError as exc:  # --to is full, read-only or not ours to write
        console.print(f"[bold red]cannot write into {to}[/]: {exc.strerror}. Free it or choose another --to.")
        raise typer.Exit(2) from None
    except ChecksumMismatch as exc:
        console.print(f"[bold red]checksum mismatch[/]: {exc}; nothing was written")
        raise typer.Exit(2) from None
    except ValueError as exc:  # an unknown brand, or --brand with the page only
        console.print(f"[bold red]{exc}[/]. Nothing was written.")
        raise typer.Exit(2) from None
    except UnsafeManifest as exc:
        raise _refused(exc) from None
    for path in written:
        console.print(f"verified {path}")


@reports_app.command("url")
def reports_url(
    day: Annotated[
        str | None, typer.Option("--date", help="Report day (2017-10-31), ISO week (2017-W44) or month (2017-10).")
    ] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The newest complete report.")] = False,
    fmt: FormatOption = "all",
    expires: Annotated[
        int,
        typer.Option("--expires", min=1, max=604_800, help="Seconds the links stay valid (S3 allows 1 s to 7 days)."),
    ] = 3600,
    storage: StorageOption = None,
) -> None:
    """Pre-signed HTTPS links to a report's files (S3 storage)."""
    from tasks.store import layout
    from tasks.store.backends import S3Storage
    from tasks.store.fetch import UnsafeManifest, presigned_urls

    store, _ = _store(storage, layout.REPORTS)
    if not isinstance(store, S3Storage):
        console.print(
            f"[bold red]pre-signed links need S3 storage (s3://bucket/prefix)[/]: {store.url} is a folder; "
            "open the files there, or copy them with `sps reports download`.",
            highlight=False,
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        links = presigned_urls(store, _folder(store, day, latest), _format(fmt), expires)
    except UnsafeManifest as exc:
        raise _refused(exc) from None
    console.print(f"valid for {expires} s")
    for name, link in links.items():
        typer.echo(f"{name}\t{link}")


@app.command()
def score(
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last day, YYYY-MM-DD.")],
    brand: Annotated[str | None, typer.Option("--brand", help="One brand handle only.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout instead of a table.")] = False,
    storage: StorageOption = None,
) -> None:
    """SPS with its interval, counts, advocacy and recovery for any date range (authors counted once)."""
    from tasks.jobs.range_score import score_range
    from tasks.render.columns import SPS, people_value
    from tasks.store import layout
    from tasks.store.fetch import close_brands

    first, last = _day(start, "--start"), _day(end, "--end")  # bad usage before storage
    store, settings = _store(storage, layout.WAREHOUSE)
    try:
        table = score_range(store, first, last, settings, brand)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    if brand and table.is_empty():
        close = close_brands(brand, score_range(store, first, last, settings)["brand"].drop_nulls().to_list())
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        console.print(f"[red]no mentions of {brand} between {start} and {end}{hint}[/red]")
        raise typer.Exit(1)
    if as_json:  # rounded as sps.csv is: points to 0.1, shares as percent to 0.1
        _print_json(table.select([people_value(c) for c in SPS if c.name in table.columns]).to_dicts())
        return
    rows = []
    for r in table.iter_rows(named=True):
        readable = r["readable"]
        rows.append(
            (
                r["brand"],
                str(r["authors"]),
                f"{r['sps']:+.0f}" if readable else "too few authors",
                f"{r['sps_ci_low']:+.0f} … {r['sps_ci_high']:+.0f}" if readable else "–",
                f"{r['sps_raw']:+.0f}",
                str(r["advocates"]),
                str(r["critics"]),
                f"{r['recovered']}/{r['answered_detractors']}",
            )
        )
    columns = ["brand", "authors", "SPS", "95% interval", "raw", "advocates", "critics", "recovered"]
    _print_rows(f"SPS {start} … {end}", columns, rows, right=tuple(columns[1:]))


@app.command()
def schema() -> None:
    """Every column of every published table: name, type, unit, definition (markdown)."""
    from tasks.model.schema import SCHEMA_VERSION
    from tasks.render.columns import markdown

    typer.echo(f"# Output schema {SCHEMA_VERSION}\n\n{markdown()}")


def _unraisable_to_debug_log(unraisable) -> None:
    import logging

    logging.getLogger("sps").debug(
        "ignored in %r",
        unraisable.object,
        exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback),
    )


class _Stop(BaseException):
    """SIGINT or SIGTERM reached `sps serve`: stop serving, exit 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, _frame) -> None:
    raise _Stop(signum)


#: How long the runner may take to let go of the API (pause its schedules) once told to stop.
SERVE_SHUTDOWN_SECONDS = 5.0


async def _serve_until_stopped(deployments: list, banner: str) -> int:
    """Serve the deployments, saying so once they can be triggered, until SIGINT or SIGTERM; the
    signal's number.

    The runner sets its own SIGTERM handler as it starts (it exits 0 from inside the event loop);
    both signals here cancel it instead, and its shutdown gets a few seconds: an API already gone
    (systemd signals every process of the service) must not hold the stop for a minute of retries."""
    import asyncio
    import signal

    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        await runner.aadd_deployment(deployment)
    typer.echo(banner)
    serving = asyncio.create_task(runner.start())
    await asyncio.sleep(0)  # the runner's start has set its SIGTERM handler: replace it
    received: asyncio.Queue[int] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, received.put_nowait, signum)
    stop = asyncio.create_task(received.get())
    await asyncio.wait({serving, stop}, return_when=asyncio.FIRST_COMPLETED)
    if not stop.done():  # the runner ended by itself: its error, as any other
        stop.cancel()
        serving.result()
        raise RuntimeError("the runner stopped serving by itself")
    serving.cancel()
    await asyncio.wait({serving}, timeout=SERVE_SHUTDOWN_SECONDS)
    return stop.result()


def _serving_banner(api_url: str, temporary: bool, settings) -> str:
    """What is served, and how to start a backfill from another shell (through the same API)."""
    where = (
        " (a temporary server that stops with this command; for one that stays, run `prefect server "
        "start` and set PREFECT_API_URL to it)"
        if temporary
        else ""
    )
    return "\n".join(
        [
            f"Deployments being served from storage {settings.storage}:",
            f"  nightly/nightly    cron {settings.nightly_cron} ({settings.nightly_timezone})",
            "  backfill/backfill  on demand",
            f"Prefect API: {api_url}{where}",
            "Trigger a backfill from another shell while this one serves:",
            f"  PREFECT_API_URL={api_url} prefect deployment run backfill/backfill "
            "-p start=2017-10-01 -p end=2017-12-03",
            "Stop with Ctrl-C (exit 130) or SIGTERM (exit 143).",
        ]
    )


@app.command()
def serve() -> None:
    """Serve the `nightly` (cron) and `backfill` (on demand) deployments from this process.

    Ctrl-C stops it with exit 130, SIGTERM (systemd, docker) with 143, each in one line."""
    import asyncio
    import signal

    settings = _settings(None)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # the banner reaches journals at once
    # A signal while Prefect starts (imports, the temporary server) stops it too, in the same line.
    for stopping in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stopping, _raise_stop)
    # Event loops Prefect drops on stopping can complain from __del__ as they are collected: to the
    # debug log, not the console (nothing there a user can act on).
    sys.unraisablehook = _unraisable_to_debug_log
    try:
        from flows.cli.runtime import api_for_serving

        with api_for_serving() as (api_url, temporary):
            from flows.deployments import deployments

            banner = _serving_banner(api_url, temporary, settings)
            signum = asyncio.run(_serve_until_stopped(deployments(settings), banner))
    except _Stop as stop:
        signum = stop.signum
    how = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    console.print(f"stopped serving ({how}): no scheduled run starts until `sps serve` runs again")
    raise typer.Exit(128 + signum)


@app.command()
def demo(storage: StorageOption = None) -> None:
    """Place the bundled real sample (Customer Support on Twitter) in storage and backfill it."""
    from flows.plan import backfill_request

    store, _ = _store(storage, "", made_here=True)
    if not store.exists(DEMO_ARCHIVE):
        store.write(DEMO_ARCHIVE, resources.files("tasks.sample").joinpath("twcs_sample.csv").read_bytes())
    request = backfill_request(*DEMO_RANGE)
    summary = _run("backfill", request, start=DEMO_RANGE[0], end=DEMO_RANGE[1], storage=store.url)
    console.print(f"storage: [bold]{store.url}[/]")
    console.print(f"busiest day: {store.url}/reports/daily/dt=2017-10-31/report.html")
    done = summary["published"] + summary["unchanged"] + summary["skipped"]
    if done:
        console.print(f"newest report: dt={max(done)}")
