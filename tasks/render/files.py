"""Bytes of the files a daily report folder holds (everything but the manifest).

Text from the wild is data, never markup: report.html is rendered by `page.py` from
autoescaping templates, and every CSV cell a spreadsheet could run as a formula is defused.
Nothing here stamps times or run ids, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import json

import polars as pl

from tasks.metrics.alerts import Alert
from tasks.metrics.period import PeriodMeasure
from tasks.model.parquet import to_parquet
from tasks.model.schema import SCHEMA_VERSION
from tasks.render.columns import METRICS, SPS, Column, people_value, schema_of
from tasks.render.headline import Headline
from tasks.render.page import brand_order, report_html, urgent_rows

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


def people_csv(table: pl.DataFrame, columns: list[Column], order: pl.DataFrame) -> bytes:
    """A table as a spreadsheet reads it: minutes and percentages, rows in the page's brand order."""
    ordered = table.join(order, on="brand", how="left").sort("_order", "brand", nulls_last=True)
    return to_csv(ordered.select([people_value(c) for c in columns]))


def _table(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The documented columns, in the documented order (a drift fails loudly here)."""
    return frame.select(list(schema_of(name)))


def day_files(
    measure: PeriodMeasure,
    status: str,
    validation: dict,
    head: Headline,
    alerts: list[Alert],
    docs: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """metrics and sps (Parquet for analysts, CSV for spreadsheets), platforms, hours, backlog, categories, agents and,
    on a day's report, mentions (Parquet), summary.json, report.html, validation.json; and `docs`, the
    Data Docs pages of its archives by their names in the folder (`folder.docs_copy`), which the page links."""
    metadata = {
        "sps.schema_version": SCHEMA_VERSION,
        "sps.date": measure.day.isoformat(),
        "sps.period": f"{measure.period.kind}/{measure.period.label}",
        "sps.status": status,
    }
    metrics, sps = _table(measure.metrics, "metrics.parquet"), _table(measure.sps, "sps.parquet")
    order = brand_order(metrics)
    data = {
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
        "agents.parquet": to_parquet(
            _table(
                measure.agents if measure.agents is not None else pl.DataFrame(schema=schema_of("agents.parquet")),
                "agents.parquet",
            ),
            metadata | {"sps.table": "agents"},
        ),
        **_mentions_file(measure, metadata),
        "summary.json": _json(summary(measure, status) | head_json(head)),
        "alerts.json": _json({"alerts": [a.as_json() for a in alerts]}),
        "validation.json": _json(validation),
    }
    # the page links the files beside it (they travel with it in a download)
    docs = docs or {}
    page = report_html(measure, status, validation, head, alerts, sorted(data), sorted(docs))
    return data | docs | {"report.html": page.encode()}


def _mentions_file(measure: PeriodMeasure, metadata: dict[str, str]) -> dict[str, bytes]:
    """mentions.parquet, on a day's report (a week's is its days')."""
    if measure.mention_table is None:
        return {}
    table = _table(measure.mention_table, "mentions.parquet")
    return {"mentions.parquet": to_parquet(table, metadata | {"sps.table": "mentions"})}


def _json(body: dict) -> bytes:
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False).encode()


def head_json(head: Headline) -> dict:
    """summary.json's headline, and on a week's or a month's its change against the period before
    (`against_previous`, documented in `sps schema`)."""
    against = head.against_json()
    return {"headline": head.as_json()} | ({} if against is None else {"against_previous": against})


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
        "urgent_unanswered": urgent_rows(measure),
    }
