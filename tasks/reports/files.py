"""Bytes of the files a daily report folder holds (everything but the manifest).

Text from the wild is data, never markup: every value placed in HTML is
escaped, and every CSV cell a spreadsheet could run as a formula is defused.
Nothing here stamps times or run ids, so the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import io
import json

import polars as pl

from tasks.ingest.schema import SCHEMA_VERSION
from tasks.metrics.alerts import Alert
from tasks.metrics.benchmarks import PEER_MIN_INBOUND
from tasks.reports import charts
from tasks.reports.columns import METRICS, SPS, Column, people_value, schema_of
from tasks.reports.headline import Headline
from tasks.reports.measure import PeriodMeasure
from tasks.sps.compare import UNCLEAR, brand_pairs
from tasks.storage.codecs import to_parquet

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_csv_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix a quote to text cells a spreadsheet would read as a formula (OWASP)."""
    risky = "^[" + "".join("\\" + c if c in "-+" else c for c in _FORMULA_START) + "]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(risky)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def to_csv(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    defuse_csv_cells(frame).write_csv(buffer, date_format="%Y-%m-%d")
    return buffer.getvalue()


def brand_order(metrics: pl.DataFrame) -> pl.DataFrame:
    """The order brands appear in everywhere a person reads them: busiest first, then by name."""
    return metrics.sort("inbound", "brand", descending=[True, False]).select("brand").with_row_index("_order")


def people_csv(table: pl.DataFrame, columns: list[Column], order: pl.DataFrame) -> bytes:
    """A table as a spreadsheet reads it: minutes and percentages, rows in the page's brand order."""
    ordered = table.join(order, on="brand", how="left").sort("_order", "brand", nulls_last=True)
    return to_csv(ordered.select([people_value(c) for c in columns]))


def _table(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The documented columns, in the documented order (a drift fails loudly here)."""
    return frame.select(list(schema_of(name)))


def day_files(
    measure: PeriodMeasure, status: str, validation: dict, head: Headline, alerts: list[Alert]
) -> dict[str, bytes]:
    """metrics and sps (Parquet for analysts, CSV for spreadsheets), platforms, hours, backlog, categories and,
    on a day's report, mentions (Parquet), summary.json, report.html, validation.json."""
    metadata = {
        "sps.schema_version": SCHEMA_VERSION,
        "sps.date": measure.day.isoformat(),
        "sps.period": f"{measure.period.kind}/{measure.period.label}",
        "sps.status": status,
    }
    metrics, sps = _table(measure.metrics, "metrics.parquet"), _table(measure.sps, "sps.parquet")
    order = brand_order(metrics)
    return {
        "metrics.parquet": to_parquet(metrics, metadata | {"sps.table": "metrics"}),
        "metrics.csv": people_csv(metrics, METRICS, order),
        "sps.csv": people_csv(sps, SPS, order),
        "platforms.parquet": to_parquet(
            _table(measure.platforms, "platforms.parquet"), metadata | {"sps.table": "platforms"}
        ),
        "hours.parquet": to_parquet(_table(measure.hours, "hours.parquet"), metadata | {"sps.table": "hours"}),
        "backlog.parquet": to_parquet(
            _table(
                measure.backlog if measure.backlog is not None else pl.DataFrame(schema=schema_of("backlog.parquet")),
                "backlog.parquet",
            ),
            metadata | {"sps.table": "backlog"},
        ),
        "categories.parquet": to_parquet(
            _table(
                measure.categories
                if measure.categories is not None
                else pl.DataFrame(schema=schema_of("categories.parquet")),
                "categories.parquet",
            ),
            metadata | {"sps.table": "categories"},
        ),
        "themes.parquet": to_parquet(
            _table(
                measure.themes if measure.themes is not None else pl.DataFrame(schema=schema_of("themes.parquet")),
                "themes.parquet",
            ),
            metadata | {"sps.table": "themes"},
        ),
        "sps.parquet": to_parquet(sps, metadata | {"sps.table": "sps"}),
        **_mentions_file(measure, metadata),
        "summary.json": _json(summary(measure, status) | {"headline": head.as_json()}),
        "report.html": report_html(measure, status, validation, head, alerts).encode(),
        "alerts.json": _json({"alerts": [a.as_json() for a in alerts]}),
        "validation.json": _json(validation),
    }


def _mentions_file(measure: PeriodMeasure, metadata: dict[str, str]) -> dict[str, bytes]:
    """mentions.parquet, on a day's report (a week's is its days')."""
    if measure.mention_table is None:
        return {}
    table = _table(measure.mention_table, "mentions.parquet")
    return {"mentions.parquet": to_parquet(table, metadata | {"sps.table": "mentions"})}


def _json(body: dict) -> bytes:
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False).encode()


def summary(measure: PeriodMeasure, status: str) -> dict:
    """The day in one small JSON: per-brand headline figures and the totals."""
    brands = measure.metrics.join(
        measure.sps.select("brand", "authors", "sps", "sps_ci_low", "sps_ci_high", "readable"), on="brand", how="left"
    ).select(
        "brand",
        "inbound",
        "responded",
        "response_rate",
        "frt_median_s",
        "sla_attainment",
        "authors",
        "sps",
        "sps_ci_low",
        "sps_ci_high",
        "readable",
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "date": measure.day.isoformat(),
        "period": {
            "kind": measure.period.kind,
            "label": measure.period.label,
            "start": measure.period.start.isoformat(),
            "end": measure.period.end.isoformat(),
        },
        "status": status,
        "inbound": measure.inbound_total,
        "unattributed": measure.unattributed,
        "brands": brands.sort("brand").to_dicts(),
        "urgent_unanswered": _urgent_rows(measure),
    }


def _urgent_rows(measure: PeriodMeasure) -> list[dict]:
    if measure.urgent is None:
        return []
    return measure.urgent.with_columns(pl.col("created_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_dicts()


def _fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    minutes = round(value / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{value / 60:.1f} min"


def _fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _fmt_sps(value: float | None) -> str:
    return "–" if value is None else f"{value:+.0f}"


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:1.2rem}
h1{font-size:1.5rem;margin:.2rem 0}.status{display:inline-block;padding:.1rem .5rem;border-radius:1rem;
font-size:.8rem;background:#e6eefc;color:#1f4fa8}.status.provisional{background:#fff4d6;color:#8a5a00}
.data-warning{background:#fff4d6;border-left:4px solid #c98a00;padding:.4rem .7rem;margin:.4rem 0}
.wrap{overflow-x:auto;background:#fff;border:1px solid #dfe3ea;border-radius:8px;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.45rem .6rem;text-align:right;border-bottom:1px solid #eef0f4;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#fafbfc;font-weight:600}
.note{color:#5b6577;font-size:.9rem}
td.text{white-space:normal;text-align:left;min-width:16rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
.chart{width:100%;height:auto;background:#fff;border:1px solid #dfe3ea;border-radius:8px}
.chart text{font-size:11px}.chart text:not([fill]){fill:#444}.scroll{overflow-x:auto}.scroll .chart{min-width:540px}
.grid{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
@media(min-width:900px){.grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
ul.sources{font-size:.85rem;color:#5b6577}
th:first-child,td:first-child{position:sticky;left:0;background:#fff;z-index:1}th:first-child{background:#fafbfc}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.6rem;margin:.8rem 0}
.tile{background:#fff;border:1px solid #dfe3ea;border-radius:8px;padding:.55rem .8rem}
.tile .label{font-size:.78rem;color:#5b6577;text-transform:uppercase;letter-spacing:.03em}
.tile .value{font-size:1.55rem;font-weight:650;line-height:1.2}.tile .value small{font-size:.8rem;font-weight:400}
.tile .change{font-size:.8rem;color:#5b6577}
.alerts{background:#fdecea;border-left:4px solid #c0392b;padding:.4rem .8rem;margin:.6rem 0}.alerts ul{margin:.2rem 0}details{margin:.6rem 0}summary{cursor:pointer;font-weight:600}
"""

_HEADLINE_COLUMNS = [
    "Brand",
    "Inbound",
    "Response rate",
    "First response (median)",
    "SLA attainment",
    "SPS",
    "95% interval",
]


def _change(now: float | None, before: float | None, against: str, points: bool) -> str:
    if now is None or before is None:
        return ""
    if points:
        return f"{100 * (now - before):+.1f} pts vs {against}"
    if before < 100:  # a percentage of a handful reads as an alarm (+2619 %): say the counts
        return f"{now - before:+,.0f} vs {against} ({before:,.0f})"
    return f"{100 * (now - before) / before:+.0f}% vs {against}"


def _tiles(head: Headline, kind: str) -> str:
    """The page in five numbers, with how they moved since the previous day or week."""
    against = {"daily": "the day before", "weekly": "the week before"}.get(kind, "")
    now, before = head.totals, head.previous
    interval = (
        f" <small>{head.sps_low:+.0f} … {head.sps_high:+.0f}</small>"
        if head.sps_low is not None and head.sps_high is not None
        else ""
    )
    tiles = [
        ("Mentions", f"{now.mentions:,}", _change(now.mentions, before.mentions if before else None, against, False)),
        (
            "Response rate",
            _fmt_share(now.response_rate),
            _change(now.response_rate, before.response_rate if before else None, against, True),
        ),
        ("Median first response", _fmt_seconds(head.frt_median_s), "answered mentions"),
        (
            "SLA attainment",
            _fmt_share(now.sla_attainment),
            _change(now.sla_attainment, before.sla_attainment if before else None, against, True),
        ),
        (
            "SPS",
            (_fmt_sps(head.sps) + interval) if head.sps is not None else "–",
            f"{head.sps_brands} brand(s) with enough authors",
        ),
    ]
    cells = "".join(
        f'<div class="tile"><div class="label">{label}</div><div class="value">{value}</div>'
        f'<div class="change">{change}</div></div>'
        for label, value, change in tiles
    )
    missing = (
        ""
        if before is not None
        else '<p class="note">No change shown: '
        + (
            "the page's 28 days of trend rows do not hold the whole month before."
            if kind == "monthly"
            else "the previous period had no mentions."
        )
        + "</p>"
    )
    return f'<section class="tiles" id="headline">{cells}</section>{missing}'


def _headline_rows(table: pl.DataFrame) -> str:
    """The brand table a manager reads: the headline columns, brand column pinned while scrolling."""
    return "\n".join(
        _row(
            [
                html.escape(r["brand"]),
                str(r["inbound"]),
                _fmt_share(r["response_rate"]),
                _fmt_seconds(r["frt_median_s"]),
                _fmt_share(r["sla_attainment"]),
                *_sps_cells(r),
            ]
        )
        for r in table.iter_rows(named=True)
    )


def _sps_cells(r: dict) -> tuple[str, str]:
    """The score and its interval as a brand row shows them; below the author minimum, why not."""
    if not r["readable"]:
        return "too few authors", "–"
    return _fmt_sps(r["sps"]), html.escape(f"{r['sps_ci_low']:+.0f} … {r['sps_ci_high']:+.0f}")


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _section(title: str, table_id: str, headers: list[str], rows: str, *, before: str = "", after: str = "") -> str:
    """A titled table that scrolls in its box; `before`/`after`: notes around it (already escaped)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    return (
        f"<h2>{html.escape(title)}</h2>"
        + (f'<p class="note">{before}</p>' if before else "")
        + f'<div class="wrap"><table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
        + (f'<p class="note">{after}</p>' if after else "")
    )


def report_html(measure: PeriodMeasure, status: str, validation: dict, head: Headline, alerts: list[Alert]) -> str:
    """A readable, self-contained page: one row per brand, everything escaped."""
    table = measure.metrics.join(
        measure.sps.select(
            "brand",
            "authors",
            "sps",
            "sps_ci_low",
            "sps_ci_high",
            "readable",
            "labelled_authors",
            "advocates",
            "critics",
            "recovered",
            "answered_detractors",
        ),
        on="brand",
        how="left",
    )
    table = table.join(brand_order(measure.metrics), on="brand").sort("_order")
    rows = []
    for r in table.iter_rows(named=True):
        cells = [
            html.escape(r["brand"]),
            str(r["inbound"]),
            str(r["responded"]),
            str(r["pending"]),
            _fmt_share(r["response_rate"]),
            _fmt_seconds(r["frt_median_s"]),
            _fmt_seconds(r["frt_p90_s"]),
            _fmt_seconds(r["km_frt_median_s"]) if r["km_frt_median_s"] is not None else "not reached",
            _fmt_share(r["km_answered_1h"]),
            _fmt_km(r["km_next_reply_median_s"], r["follow_ups_after_answer"]),
            _fmt_share(r["next_reply_sla_attainment"]),
            _fmt_seconds(r["frt_business_median_s"]),
            _fmt_share(r["sla_attainment"]),
            _fmt_share(r["taken_offline_rate"]),
            _fmt_share(r["praise_response_rate"]),
            _fmt_share(r["complaint_response_rate"]),
            _fmt_share(r["conversation_response_rate"]),
            *_sps_cells(r),
            str(r["authors"] or 0),
            f"{r['advocates'] or 0} / {r['critics'] or 0}",
            f"{r['recovered'] or 0} of {r['answered_detractors'] or 0}",
        ]
        rows.append(_row(cells))
    headers = [
        "Brand",
        "Inbound",
        "Answered",
        "Pending",
        "Response rate",
        "First response (median)",
        "First response (p90)",
        "Median, unanswered counted (KM)",
        "Answered within 1 h (KM)",
        "Next reply after a follow-up (KM median)",
        "Next reply within target",
        "First response, business hours (median)",
        "SLA attainment",
        "Taken offline",
        "Praise answered",
        "Complaints answered",
        "Conversations answered",
        "SPS",
        "SPS 95% interval",
        "Authors",
        "Advocates / critics",
        "Detractors recovered",
    ]
    quarantined = sum(s["rows_quarantined"] for s in validation["sources"])
    period = measure.period
    name = html.escape(period.label)
    kind = {"daily": "", "weekly": "Weekly ", "monthly": "Monthly "}[period.kind]
    span = html.escape(period.start.isoformat() if period.kind == "daily" else f"{period.start} to {period.end}")
    body = "\n".join(rows) or f'<tr><td colspan="{len(headers)}">No attributed mentions in this period.</td></tr>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{kind}Customer care report {name}</title><style>{_CSS}</style></head>
<body><main>
<h1>{kind}Customer care report — {name} <span class="status {html.escape(status)}">{html.escape(status)}</span></h1>
{_warnings(validation)}
{_alert_banner(alerts) if period.kind == "daily" else ""}
{_tiles(head, period.kind)}
<div class="wrap"><table id="top-brands">
<thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in _HEADLINE_COLUMNS)}</tr></thead>
<tbody>
{_headline_rows(table) or f'<tr><td colspan="{len(_HEADLINE_COLUMNS)}">No attributed mentions in this period.</td></tr>'}
</tbody></table></div>
<p class="note">Inbound customer mentions created {"on" if period.kind == "daily" else "from"} {span} (UTC), answered within the reply horizon.
{"Provisional: replies may still arrive, so these numbers can still change." if status == "provisional" else "Final: the reply horizon has passed."}</p>
{_charts(measure, table)}
{_backlog(measure, table)}
{_trends(measure, table)}
{_queue(measure)}
{_categories(measure)}
{_themes(measure)}
{_urgent(measure)}
<details><summary>All columns, every brand ({len(headers)} columns)</summary>
<div class="wrap"><table id="brands">
<thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in headers)}</tr></thead>
<tbody>
{body}
</tbody></table></div></details>
<p class="note">{measure.inbound_total} inbound mentions; {measure.unattributed} could not be attributed to a brand.
{quarantined} rows of the {len(validation["sources"])} contributing archive(s) were quarantined
(see validation.json); {len(validation["response_before_mention"])} responses were stamped before their mention and ignored.</p>
{_data_quality(validation)}
{_platforms(measure)}
<p class="note">First response median and p90 are over answered mentions. The Kaplan–Meier (KM) figures count
every mention, treating an unanswered one as still open until the reply horizon or the newest archive; a KM median
is "not reached" when fewer than half were answered. The next reply is the wait of a customer who wrote again
after the brand had answered them, until the brand's next post in the thread (KM as well; its target is the
first-response one). "Answered within 1 h (KM)" equals SLA attainment for a
brand whose target is 1 hour once every mention's horizon has passed: both then count the mentions answered
within the hour over all mentions. "Taken offline": first responses that send the customer to
DM, phone, e-mail or a form. Praise and complaints are mentions with a positive or negative stance.
Business hours come from the brand registry (around the clock when none is set). A conversation is a thread rebuilt
from reply links; brand announcements answered by many customers are left out.</p>
<p class="note">SPS = 100 × (promoters − detractors) / authors, each author's verdict from the archive's label
({int(table["labelled_authors"].fill_null(0).sum())} of {int(table["authors"].fill_null(0).sum())} authors here) or
else the stance model, counted as it is; the 95% interval covers the sampling of authors and how far the model's
count strayed on domains it was never trained or tuned on. Fewer than 30 authors: no score is shown, because a
handful of authors can read −100 or +100 by chance. Advocates and
critics say outright to recommend the brand or not to; a detractor is recovered when, after the brand answered,
their next mentions read neutral or positive.
Schema version {html.escape(SCHEMA_VERSION)}.</p>
{_peers(table)}
{_sps_comparisons(measure.sps)}
<h2>Industry reference points</h2>
<ul class="sources">
<li>29% of complainers on Twitter heard back from the company — Maritz Research &amp; evolve24, Twitter study (2011).</li>
<li>11% average response rate to social messages across brands — Sprout Social Index (2017).</li>
<li>42% of complainers on social media expect a reply within 60 minutes — Edison Research for Jay Baer, <i>Hug Your Haters</i>.</li>
<li>Facebook's "very responsive to messages" badge asks for a 90% response rate and a 15-minute response time.</li>
</ul>
</main></body></html>
"""


def _charts(measure: PeriodMeasure, table: pl.DataFrame) -> str:
    """Response rate by brand (with reference lines), first-response distribution, hour of week."""
    if measure.facts.is_empty():
        return ""
    top = table.head(15).select("brand", "response_rate").rows()
    facts = measure.facts.filter(pl.col("brand").is_not_null())
    answered = facts.filter("responded")["frt_s"]
    targets = measure.metrics["sla_target_s"].drop_nulls()
    target = float(targets.mode().sort()[0]) if targets.len() else None  # the target most brands have
    return f"""<h2>Response rate, top brands by volume</h2>
<div class="scroll">{charts.response_rates(top)}</div>
<div class="grid"><div><h2>First response time (answered mentions)</h2>
<div class="scroll">{charts.frt_distribution(answered, target)}</div></div>
<div><h2>Inbound mentions by hour (UTC)</h2>
<div class="scroll">{charts.hour_of_week(facts["created_at"], facts["responded"])}</div></div></div>"""


def _fmt_km(median_s: float | None, waits: int) -> str:
    """A KM median: "–" with nothing to measure, "not reached" when fewer than half were answered."""
    return "–" if not waits else _fmt_seconds(median_s) if median_s is not None else "not reached"


def _backlog(measure: PeriodMeasure, table: pl.DataFrame) -> str:
    """The busiest brands' open mentions hour by hour, each brand's peak and its staffing gaps."""
    if measure.backlog is None or measure.backlog.is_empty():
        return ""
    order = brand_order(measure.metrics)
    per = (
        measure.backlog.group_by("brand")
        .agg(
            pl.col("open").filter("peak").first().alias("peak_open"),
            pl.col("hour").filter("peak").first().dt.strftime("%Y-%m-%d %H:00").alias("peak_hour"),
            pl.col("staffing_gap").sum().alias("gaps"),
            pl.col("hour").filter("staffing_gap").first().dt.strftime("%Y-%m-%d %H:00").alias("first_gap"),
        )
        .join(order, on="brand")
        .sort("_order")
        .head(15)
    )
    rows = "".join(
        _row([html.escape(b), str(n), html.escape(at), str(g), html.escape(first or "–")])
        for b, n, at, g, first in per.select("brand", "peak_open", "peak_hour", "gaps", "first_gap").iter_rows()
    )
    brands = [b for (b,) in table.head(charts.TREND_BRANDS).select("brand").rows()]
    return f"""<h2>Backlog: mentions open by hour</h2>
<div class="scroll">{charts.backlog_lines(measure.backlog, brands)}</div>""" + _section(
        "Backlog peaks and staffing gaps",
        "backlog",
        ["Brand", "Peak open", "Peak hour (UTC)", "Staffing-gap hours", "First gap (UTC)"],
        rows,
        after=(
            "A mention is open from its post until the brand's first response, or until the reply horizon. "
            "This report counts its own mentions, in every hour they stood open (past its last day too). "
            "A staffing gap is an hour where more mentions were posted than answered and the pile grew. "
            "Every brand, hour by hour: backlog.parquet."
        ),
    )


def _trends(measure: PeriodMeasure, table: pl.DataFrame) -> str:
    """Every page: the busiest brands' last 28 days (to the period's end), one line each."""
    if measure.trends is None or measure.trends.is_empty():
        return ""
    brands = [b for (b,) in table.head(charts.TREND_BRANDS).select("brand").rows()]
    trends = measure.trends.filter(pl.col("brand").is_in(brands))
    return f"""<h2>Last 28 days, busiest brands</h2>
<div class="grid">{"".join(f'<div class="scroll">{charts.trend_lines(trends, m, brands)}</div>' for m in charts.TRENDS)}</div>"""


def _alert_banner(alerts: list[Alert]) -> str:
    """Alerts first: a spike or a viral complaint is what a care lead must see before any number."""
    if not alerts:
        return '<p class="note" id="alerts">No alerts: no detractor spike, no viral complaint.</p>'
    items = "".join(f"<li><strong>{html.escape(a.brand)}</strong>: {html.escape(a.detail)}</li>" for a in alerts)
    return f'<section class="alerts" id="alerts"><strong>Alerts ({len(alerts)})</strong><ul>{items}</ul></section>'


def _queue(measure: PeriodMeasure) -> str:
    """What to answer first: unanswered mentions by severity, then the longest waiting (text masked)."""
    if measure.queue is None or measure.queue.is_empty():
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(r['severity'])}</td><td>{html.escape(r['brand'])}</td>"
        f"<td>{html.escape(r['category'])}</td><td>{_fmt_waited(r)}</td>"
        f'<td class="text">{html.escape(r["text"])}</td></tr>'
        for r in measure.queue.head(15).iter_rows(named=True)
    )
    return _section(
        "Unanswered: answer these first (by severity, then the longest waiting)",
        "queue",
        ["severity", "brand", "category", "waiting", "text (masked)"],
        rows,
        after=_WAITED_NOTE,
    )


def _themes(measure: PeriodMeasure) -> str:
    """What no category caught, grouped: the largest themes of the day, all brands together."""
    if measure.themes is None or measure.themes.is_empty():
        return ""
    top = measure.themes.sort("mentions", "brand", "theme", descending=[True, False, False]).head(15)
    rows = "".join(
        f"<tr><td>{html.escape(r['brand'])}</td><td>{r['mentions']}</td><td>{html.escape(', '.join(r['terms']))}</td>"
        f'<td class="text">{"<br>".join(html.escape(e) for e in r["examples"])}</td></tr>'
        for r in top.iter_rows(named=True)
    )
    return _section(
        'Themes in "other" (mentions no category caught)',
        "themes",
        ["brand", "mentions", "terms", "examples (masked)"],
        rows,
        after="Every brand's themes: themes.parquet.",
    )


#: What "waiting" is measured to, said where it is shown (no time stamp: a final page's bytes never move).
_WAITED_NOTE = (
    "Waiting: from the post to the report's cut-off, the end of the newest archive collected (later "
    "replies are not known yet); “&gt; N h”: still unanswered when the reply horizon of N hours "
    "ran out, so unanswered for good."
)


def _fmt_waited(row: dict) -> str:
    """How long an unanswered mention has waited: its hours, or "> 72 h" past the horizon."""
    return f"&gt; {row['age_h']:g} h" if row.get("beyond_horizon") else f"{row['age_h']:.1f} h"


def _categories(measure: PeriodMeasure) -> str:
    """What customers wrote about, all brands together."""
    if measure.categories is None or measure.categories.is_empty():
        return ""
    per = (
        measure.categories.group_by("category")
        .agg(pl.col("inbound", "responded", "detractors").sum())
        .sort("inbound", "category", descending=[True, False])
    )
    rows = "".join(
        f"<tr><td>{html.escape(c)}</td><td>{i}</td><td>{_fmt_share(a / i)}</td><td>{d}</td></tr>"
        for c, i, a, d in per.select("category", "inbound", "responded", "detractors").iter_rows()
    )
    return _section(
        "What customers wrote about",
        "categories",
        ["Category", "Mentions", "Answered", "Detractors"],
        rows,
        after="Per brand, with first response and SPS by category: categories.parquet.",
    )


def _pctile(value: float | None) -> str:
    return "not enough data" if value is None else f"{value:.0f}"


def _peers(table: pl.DataFrame) -> str:
    """Where each brand stands among the period's brands (and its industry, when the registry says)."""
    if table.is_empty():
        return ""
    industry = table["industry"].is_not_null().any()
    names = ["response_rate_pctile", "frt_median_pctile", "sla_attainment_pctile", "sps_pctile"]
    headers = ["Brand", "Peers", "Response rate", "First response", "SLA", "SPS"]
    if industry:
        headers += ["Industry", "Industry peers", "Response rate (industry)", "SLA (industry)"]
    placed = table.filter(pl.col("inbound") >= PEER_MIN_INBOUND)
    rows = []
    for r in placed.iter_rows(named=True):
        cells = [html.escape(r["brand"]), str(r["peers"]), *[_pctile(r[n]) for n in names]]
        if industry:
            cells += [
                html.escape(r["industry"] or "–"),
                str(r["industry_peers"] or "–"),
                _pctile(r["industry_response_rate_pctile"]),
                _pctile(r["industry_sla_attainment_pctile"]),
            ]
        rows.append(_row(cells))
    return _section(
        "How brands compare",
        "peers",
        headers,
        "".join(rows),
        before=f"Percentile among the brands with at least {PEER_MIN_INBOUND} mentions in this period (100 = best"
        " of them; a faster first response ranks higher); a brand with fewer is not placed.",
        after=f"{table.height - placed.height} brand(s) with fewer than {PEER_MIN_INBOUND} mentions: "
        "not enough data to place.",
    )


#: Brands set side by side on the page, pair by pair (the most authors first): 6 make 15 pairs.
PAIRED_BRANDS = 6


def _interval(low: float, high: float) -> str:
    return html.escape(f"{low:+.0f} … {high:+.0f}")


def _sps_comparisons(sps: pl.DataFrame) -> str:
    """Which SPS differences are real: against the day before, and brand against brand, each with
    the interval of the difference itself ("higher"/"lower" only where it excludes zero)."""
    changed = sps.filter(pl.col("sps_change").is_not_null()).sort("authors", "brand", descending=[True, False])
    pairs = brand_pairs(sps, PAIRED_BRANDS)
    if changed.is_empty() and pairs.is_empty():
        return ""
    note = (
        "The interval of a difference holds both sides' sampling of authors; the stance model's lean on this "
        "archive is shared by both sides, so only what their model-judged shares differ by stays in it "
        "(tasks/sps/compare.py). “Higher” or “lower” only where that interval excludes zero."
    )
    out = ""
    if not changed.is_empty():
        rows = "".join(
            _row(
                [
                    html.escape(r["brand"]),
                    _fmt_sps(r["sps"]),
                    _fmt_sps(r["sps_change"]),
                    _interval(r["sps_change_ci_low"], r["sps_change_ci_high"]),
                    html.escape(r["sps_change_verdict"]),
                ]
            )
            for r in changed.iter_rows(named=True)
        )
        out += _section(
            "SPS against the day before",
            "sps-change",
            ["Brand", "SPS", "Change (points)", "95% interval of the change", "Reading"],
            rows,
            before="Brands whose score is readable on both days.",
        )
    if not pairs.is_empty():
        rows = "".join(
            _row(
                [
                    html.escape(r["brand"]),
                    html.escape(r["other"]),
                    _fmt_sps(r["difference"]),
                    _interval(r["low"], r["high"]),
                    html.escape(f"{r['brand']} {r['verdict']}" if r["verdict"] != UNCLEAR else UNCLEAR),
                ]
            )
            for r in pairs.iter_rows(named=True)
        )
        out += _section(
            "SPS, brand against brand",
            "sps-pairs",
            ["Brand", "Against", "Difference (points)", "95% interval of the difference", "Reading"],
            rows,
            before=f"The {PAIRED_BRANDS} readable brands with the most authors, each pair once.",
        )
    return out + f'<p class="note">{html.escape(note)}</p>'


def _platforms(measure: PeriodMeasure) -> str:
    """Volume and responsiveness per platform, all brands together."""
    if measure.platforms.is_empty():
        return ""
    per = (
        measure.platforms.group_by("platform")
        .agg(pl.col("inbound").sum(), pl.col("responded").sum(), pl.col("brand").n_unique().alias("brands"))
        .sort("inbound", "platform", descending=[True, False])
    )
    rows = "".join(
        f"<tr><td>{html.escape(p)}</td><td>{b}</td><td>{i}</td><td>{a}</td><td>{_fmt_share(a / i)}</td></tr>"
        for p, i, a, b in per.select("platform", "inbound", "responded", "brands").iter_rows()
    )
    return _section(
        "By platform",
        "platforms",
        ["Platform", "Brands", "Inbound", "Answered", "Response rate"],
        rows,
        after="Per brand and platform: platforms.parquet.",
    )


def _urgent(measure: PeriodMeasure) -> str:
    """Urgent mentions nobody answered: the only post text a report shows, masked and escaped."""
    rows = _urgent_rows(measure)
    if not rows:
        return '<h2>Unanswered urgent mentions</h2><p class="note">None.</p>'
    cells = "".join(
        f"<tr><td>{html.escape(r['mention_id'])}</td><td>{html.escape(r['brand'] or '(unattributed)')}</td>"
        f"<td>{html.escape(r['created_at'])}</td><td>{_fmt_waited(r)}</td>"
        f'<td class="text">{html.escape(r["text"])}</td></tr>'
        for r in rows
    )
    return _section(
        f"Unanswered urgent mentions ({len(rows)})",
        "urgent",
        ["id", "brand", "created (UTC)", "age", "text"],
        cells,
        before="Security, fraud, account, outage or safety words; e-mail addresses, phone and card numbers masked.",
        after=_WAITED_NOTE,
    )


def _warnings(validation: dict) -> str:
    """A visible badge when the data behind the page looked unusual but not broken."""
    items = validation.get("data_warnings", [])
    if not items:
        return ""
    listed = "; ".join(html.escape(w) for w in items)
    return f'<p class="data-warning"><strong>data warning</strong>: {listed} (see Data quality below).</p>'


def _data_quality(validation: dict) -> str:
    """What validation did to the archives behind this report, with links to GX's Data Docs."""
    rows = "".join(
        f"<tr><td>{html.escape(s['key'])}</td><td>{s['rows_read']}</td><td>{s['rows_accepted']}</td>"
        f"<td>{s.get('duplicates_dropped', 0)}</td><td>{s['rows_quarantined']}</td>"
        f"<td>{html.escape(', '.join(f'{k} ({v})' for k, v in s.get('quarantined_by_rule', {}).items()) or '–')}</td>"
        + (
            f'<td><a href="../../data_docs/{html.escape(s["data_docs"].rsplit("/", 1)[-1])}">Data Docs</a></td>'
            if s.get("data_docs")
            else "<td></td>"
        )
        + "</tr>"
        for s in validation["sources"]
    )
    if not rows:
        return ""
    return (
        '<h2>Data quality</h2><div class="wrap"><table><thead><tr><th>archive</th><th>read</th><th>accepted</th>'
        f"<th>exact duplicates dropped</th><th>quarantined</th><th>rules</th><th></th></tr></thead><tbody>{rows}"
        "</tbody></table></div>"
    )
