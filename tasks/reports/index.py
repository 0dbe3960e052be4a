"""reports/index.html: every published report, and every day that failed, on one page."""

from __future__ import annotations

import html

from tasks.reports.fetch import list_reports
from tasks.reports.periods import KINDS
from tasks.storage import layout
from tasks.storage.backends import Storage
from tasks.storage.codecs import read_json
from tasks.storage.locks import held

_CSS = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2430}"
    "main{max-width:900px;margin:0 auto;padding:1.2rem}table{border-collapse:collapse;width:100%;background:#fff}"
    "th,td{padding:.4rem .6rem;border-bottom:1px solid #eef0f4;text-align:left}.failed{color:#a02b1f}"
    ".warning{background:#fff4d6;color:#8a5a00;border-radius:1rem;padding:0 .4rem;font-size:.85em}"
)


def index_html(storage: Storage) -> bytes:
    sections = []
    for kind in KINDS:
        reports = list_reports(storage, kind)
        if not reports:
            continue
        rows = "".join(
            f'<tr><td><a href="{html.escape(r.folder.removeprefix("reports/"))}report.html">'
            f"{html.escape(r.period)}</a></td>"
            f"<td>{html.escape(r.status)}"
            + (
                f' <span class="warning" title="{html.escape("; ".join(r.data_warnings))}">data warning</span>'
                if r.data_warnings
                else ""
            )
            + "</td>"
            f'<td><a href="{html.escape(r.folder.removeprefix("reports/"))}manifest.json">manifest</a></td></tr>'
            for r in reversed(reports)
        )
        sections.append(
            f"<h2>{kind.capitalize()}</h2><table><tr><th>period</th><th>status</th><th></th></tr>{rows}</table>"
        )
    failed = []
    for key in storage.keys(layout.DAILY_REPORTS):
        if key.endswith("/FAILED.json"):
            marker = read_json(storage, key)
            reasons = "<br>".join(html.escape(r) for r in marker["reasons"])
            failed.append(f'<tr class="failed"><td>{html.escape(marker["date"])}</td><td>{reasons}</td></tr>')
    if failed:
        sections.append(
            "<h2>Days not published (validation)</h2><table><tr><th>day</th><th>why</th></tr>"
            + "".join(failed)
            + "</table>"
        )
    body = "\n".join(sections) or "<p>No report has been published yet.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Customer care reports</title><style>{_CSS}</style></head>"
        f"<body><main><h1>Customer care reports</h1>\n{body}\n</main></body></html>\n"
    ).encode()


def publish_index(storage: Storage) -> None:
    """Rewrite the index under the same lock that moves latest.json."""
    with held(storage, layout.LATEST_LOCK, owner="index"):
        storage.write(layout.REPORTS_INDEX, index_html(storage))
