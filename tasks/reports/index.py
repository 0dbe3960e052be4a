"""reports/index.html: every published report, and every day that failed, on one page."""

from __future__ import annotations

import html

from tasks.reports.fetch import Published, readable_reports
from tasks.reports.periods import KINDS
from tasks.storage import layout
from tasks.storage.backends import Storage
from tasks.storage.codecs import read_json
from tasks.storage.locks import held

_CSS = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2430}"
    "main{max-width:1200px;margin:0 auto;padding:1.2rem}table{border-collapse:collapse;width:100%;background:#fff}"
    "th,td{padding:.4rem .6rem;border-bottom:1px solid #eef0f4;text-align:left}.failed{color:#a02b1f}"
    ".warning{background:#fff4d6;color:#8a5a00;border-radius:1rem;padding:0 .4rem;font-size:.85em}"
    ".wrap{overflow-x:auto}td:first-child{white-space:nowrap}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    "td.files{font-size:.8rem}td.files a{margin-right:.4rem;white-space:nowrap}"
)


_HEADERS = ["period", "status", "mentions", "response rate", "median first response", "SLA", "SPS", "files"]


def _number(value: float | None, unit: str = "") -> str:
    """Headline numbers come rounded to 0.1 already; only thousands separators are added (what is
    no number shows as none)."""
    return f"{value:,}{unit}" if isinstance(value, int | float) and not isinstance(value, bool) else "–"


def _row(report: Published) -> str:
    """One report: its headline numbers (as its page shows them) and a link to every file it holds."""
    base = html.escape(report.folder.removeprefix("reports/"))
    head = report.headline or {}
    warning = (
        f' <span class="warning" title="{html.escape("; ".join(report.data_warnings))}">data warning</span>'
        if report.data_warnings
        else ""
    )
    sps = head.get("sps")
    numbers = [
        _number(head.get("mentions")),
        _number(head.get("response_rate_pct"), " %"),
        _number(head.get("frt_median_min"), " min"),
        _number(head.get("sla_attainment_pct"), " %"),
        f"{sps:+.0f}" if isinstance(sps, int | float) and not isinstance(sps, bool) else "–",
    ]
    links = " ".join(f'<a href="{base}{html.escape(n)}">{html.escape(n)}</a>' for n in (*report.names, "manifest.json"))
    return (
        f'<tr><td><a href="{base}report.html">{html.escape(report.period)}</a></td>'
        f"<td>{html.escape(report.status)}{warning}</td>"
        + "".join(f'<td class="n">{n}</td>' for n in numbers)
        + f'<td class="files">{links}</td></tr>'
    )


def index_html(storage: Storage) -> tuple[bytes, list[str]]:
    """The page, and a sentence for each report or FAILED.json it left out because it could not be
    read: one malformed file costs its own line, never the page."""
    sections, skipped = [], []
    for kind in KINDS:
        reports, unreadable = readable_reports(storage, kind)
        skipped += [f"{exc}: left out of {layout.REPORTS_INDEX}" for exc in unreadable]
        if not reports:
            continue
        rows = "".join(_row(r) for r in reversed(reports))
        head = "".join(f"<th>{h}</th>" for h in _HEADERS)
        sections.append(f'<h2>{kind.capitalize()}</h2><div class="wrap"><table><tr>{head}</tr>{rows}</table></div>')
    failed = []
    for key in storage.keys(layout.DAILY_REPORTS):
        if key.endswith("/FAILED.json"):
            try:
                marker = read_json(storage, key)
                reasons = "<br>".join(html.escape(str(r)) for r in marker["reasons"])
                failed.append(f'<tr class="failed"><td>{html.escape(str(marker["date"]))}</td><td>{reasons}</td></tr>')
            except (ValueError, KeyError, TypeError):
                skipped.append(f"{key} is not a failed-day marker (malformed JSON or fields missing): left out")
    if failed:
        sections.append(
            "<h2>Days not published (validation)</h2><table><tr><th>day</th><th>why</th></tr>"
            + "".join(failed)
            + "</table>"
        )
    body = "\n".join(sections) or "<p>No report has been published yet.</p>"
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Customer care reports</title><style>{_CSS}</style></head>"
        f"<body><main><h1>Customer care reports</h1>\n{body}\n</main></body></html>\n"
    )
    return page.encode(), skipped


def publish_index(storage: Storage) -> list[str]:
    """Rewrite the index under the same lock that moves latest.json; returns what it left out."""
    with held(storage, layout.LATEST_LOCK, owner="index"):
        page, skipped = index_html(storage)
        storage.write(layout.REPORTS_INDEX, page)
    return skipped
