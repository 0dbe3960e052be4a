"""reports/index.html: every published report and every day that failed, on one page a person can read.

Latest first: the newest day, week and month with their headline numbers; then months and weeks
(one row each); then days compact, one line a week (a calendar), each day a link to its page.
A day's files are linked from its own page, so the index holds one link a day, not fifteen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tasks.model.periods import KINDS
from tasks.render import formats
from tasks.render.environment import render
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.codecs import read_json
from tasks.store.fetch import Published, readable_reports
from tasks.store.locks import held


@dataclass(frozen=True)
class Entry:
    """One report as the index shows it: its name, where it is, and its headline numbers as its page reads them."""

    kind: str
    period: str
    href: str  # the folder, relative to reports/
    status: str
    data_warnings: str
    mentions: str
    response_rate: str
    first_response: str
    sla: str
    sps: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Day:
    """One cell of the calendar: a day, and its report or why it has none."""

    day: date
    entry: Entry | None
    failed: str  # the reasons a day was not published, "" when it was (or had no data)


@dataclass(frozen=True)
class Week:
    """One line of the calendar: an ISO week's seven days, and the week's own report when published."""

    label: str
    monday: date
    report: Entry | None
    days: list[Day]


@dataclass(frozen=True)
class Failed:
    day: str
    reasons: list[str]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def entry(report: Published) -> Entry:
    """A report's headline numbers formatted as its page formats them (formats.py)."""
    head = report.headline or {}
    mentions, rate, frt = (
        _number(head.get("mentions")),
        _number(head.get("response_rate_pct")),
        _number(head.get("frt_median_min")),
    )
    sla, sps = _number(head.get("sla_attainment_pct")), _number(head.get("sps"))
    return Entry(
        report.kind,
        report.period,
        report.folder.removeprefix("reports/"),
        report.status,
        "; ".join(report.data_warnings),
        formats.NONE if mentions is None else f"{mentions:,.0f}",
        formats.share(None if rate is None else rate / 100),
        formats.duration(None if frt is None else frt * 60),
        formats.share(None if sla is None else sla / 100),
        formats.points(sps),
        # its files, not the Data Docs copies: its page links those, an archive each
        (*(n for n in report.names if n in layout.REPORT_FILES), layout.MANIFEST),
    )


def calendar(days: list[Entry], failed: list[Failed], weeks: dict[str, Entry]) -> list[Week]:
    """One line per ISO week holding a published or failed day, the newest week first."""
    by_day = {date.fromisoformat(e.period): e for e in days}
    reasons = {date.fromisoformat(f.day): "; ".join(f.reasons) for f in failed}
    mondays = sorted({d - timedelta(days=d.weekday()) for d in (*by_day, *reasons)}, reverse=True)
    lines = []
    for monday in mondays:
        year, week, _ = monday.isocalendar()
        label = f"{year}-W{week:02d}"
        seven = [monday + timedelta(days=i) for i in range(7)]
        lines.append(Week(label, monday, weeks.get(label), [Day(d, by_day.get(d), reasons.get(d, "")) for d in seven]))
    return lines


def index_html(storage: Storage) -> tuple[bytes, list[str]]:
    """The page, and a sentence for each report or FAILED.json it left out because it could not be
    read: one malformed file costs its own line, never the page."""
    entries: dict[str, list[Entry]] = {}
    skipped: list[str] = []
    for kind in KINDS:
        reports, unreadable = readable_reports(storage, kind)
        skipped += [f"{exc}: left out of {layout.REPORTS_INDEX}" for exc in unreadable]
        entries[kind] = [entry(r) for r in reversed(reports)]  # the newest first
    failed = []
    for key in storage.keys(layout.DAILY_REPORTS):
        if key.endswith("/FAILED.json"):
            try:
                marker = read_json(storage, key)
                failed.append(Failed(str(date.fromisoformat(str(marker["date"]))), [str(r) for r in marker["reasons"]]))
            except (ValueError, KeyError, TypeError):
                skipped.append(f"{key} is not a failed-day marker (malformed JSON or fields missing): left out")
    latest = [kinds[0] for kinds in (entries["daily"], entries["weekly"], entries["monthly"]) if kinds]
    weeks = {e.period: e for e in entries["weekly"]}
    page = render(
        "index.html",
        latest=latest,
        months=entries["monthly"],
        weeks=entries["weekly"],
        calendar=calendar(entries["daily"], failed, weeks),
        failed=sorted(failed, key=lambda f: f.day, reverse=True),
    )
    return page.encode(), skipped


def publish_index(storage: Storage) -> list[str]:
    """Rewrite the index under the same lock that moves latest.json; returns what it left out."""
    with held(storage, layout.LATEST_LOCK, owner="index"):
        page, skipped = index_html(storage)
        storage.write(layout.REPORTS_INDEX, page)
    return skipped
