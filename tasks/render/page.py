"""report.html: the values a period's page shows, handed to its template (templates/report.html).

Here the page's numbers are chosen and ordered (polars); how they read is the templates' job
(one partial per section under templates/sections/, formatted by `formats.py`). A new section
is a partial, an include line in report.html and, when it needs values, a key in `page_values`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from markupsafe import Markup

from tasks.metrics.agents import UNSIGNED
from tasks.metrics.alerts import Alert
from tasks.metrics.benchmarks import PEER_MIN_INBOUND
from tasks.metrics.period import PeriodMeasure
from tasks.model.schema import SCHEMA_VERSION
from tasks.render import charts, formats
from tasks.render.environment import render
from tasks.render.headline import Headline
from tasks.sps.compare import UNCLEAR, brand_pairs

#: Brands set side by side on the page, pair by pair (the most authors first): 6 make 15 pairs.
PAIRED_BRANDS = 6
_KIND_TITLE = {"daily": "", "weekly": "Weekly ", "monthly": "Monthly "}
_AGAINST = {"daily": "the day before", "weekly": "the week before", "monthly": "the month before"}
#: What a page's trend charts span (`measure_store.trend_periods`).
_TREND_SPAN = {"daily": "Last 28 days", "weekly": "Last 12 weeks", "monthly": "Last 12 months"}


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    change: str
    interval: str = ""


@dataclass(frozen=True)
class Moved:
    """One row of "Against the previous week/month": a headline number now, then, and its change."""

    label: str
    now: str
    before: str
    change: str
    reading: str = ""


@dataclass(frozen=True)
class AgainstTable:
    unit: str  # "week" or "month"
    before: str  # the period before's label
    rows: list[Moved]


@dataclass(frozen=True)
class Charts:
    response_rates: Markup
    first_response: Markup
    hour_of_week: Markup


@dataclass(frozen=True)
class Backlog:
    chart: Markup  # the busiest brands' open mentions by hour
    rows: list[dict]  # per brand (15 at most): peak_open, peak_hour, gaps, first_gap


@dataclass(frozen=True)
class Peers:
    placed: list[dict]
    unplaced: int
    industry: bool  # the registry names an industry for some brand: its columns are shown


@dataclass(frozen=True)
class Difference:
    """One row of an SPS comparison: a brand, what it is set beside, and the difference."""

    brand: str
    beside: str
    difference: float
    low: float
    high: float
    reading: str


@dataclass(frozen=True)
class Comparison:
    """One table of SPS differences: against the previous day, or brand against brand."""

    title: str
    table_id: str
    before: str
    first: str
    beside: str
    difference: str
    what: str
    rows: list[Difference]


def report_html(
    measure: PeriodMeasure,
    status: str,
    validation: dict,
    head: Headline,
    alerts: list[Alert],
    files: list[str],
    docs: list[str] | None = None,
) -> str:
    """A readable, self-contained page: one row per brand, everything escaped; `files`: the
    report's other files, linked beside it; `docs`: its copies of its archives' Data Docs pages."""
    values = page_values(measure, status, validation, head, alerts)
    return render("report.html", **values | {"files": files, "docs": docs or []})


def page_values(
    measure: PeriodMeasure, status: str, validation: dict, head: Headline, alerts: list[Alert]
) -> dict[str, object]:
    """Every value report.html and its partials read, by name."""
    table = brand_table(measure)
    tiles, no_change = headline_tiles(head, measure.period.kind)
    return {
        "period": measure.period,
        "kind_title": _KIND_TITLE[measure.period.kind],
        "status": status,
        "data_warnings": validation.get("data_warnings", []),
        "alerts": alerts,
        "tiles": tiles,
        "no_change": no_change,
        "against": against_table(head, measure.period.kind),
        "brands": table.to_dicts(),
        "charts": chart_values(measure, table),
        "backlog": backlog_values(measure, table),
        "trends": trend_charts(measure, table),
        "trend_span": _TREND_SPAN.get(measure.period.kind, ""),
        "queue": queue_rows(measure),
        "categories": category_rows(measure),
        "agents": agent_rows(measure),
        "agent_brands": AGENT_BRANDS,
        "agents_each": AGENTS_EACH,
        "themes": theme_rows(measure),
        "urgent": urgent_rows(measure),
        "inbound_total": measure.inbound_total,
        "unattributed": measure.unattributed,
        "sources": validation["sources"],
        "responses_before_mention": len(validation["response_before_mention"]),
        "platforms": platform_rows(measure),
        "labelled_authors": int(table["labelled_authors"].fill_null(0).sum()),
        "authors": int(table["authors"].fill_null(0).sum()),
        "schema_version": SCHEMA_VERSION,
        "peers": peers(table),
        "peer_min_inbound": PEER_MIN_INBOUND,
        "comparisons": sps_comparisons(measure.sps, against=_AGAINST[measure.period.kind]),
    }


def brand_order(metrics: pl.DataFrame) -> pl.DataFrame:
    """The order brands appear in everywhere a person reads them: busiest first, then by name."""
    return metrics.sort("inbound", "brand", descending=[True, False]).select("brand").with_row_index("_order")


def brand_table(measure: PeriodMeasure) -> pl.DataFrame:
    """Each brand's metrics beside its SPS, in the page's brand order."""
    sps = measure.sps.select(
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
    )
    table = measure.metrics.join(sps, on="brand", how="left")
    return table.join(brand_order(measure.metrics), on="brand").sort("_order")


def change(now: float | None, before: float | None, against: str, points: bool) -> str:
    """How a headline number moved: rates in points, counts in percent (in counts when few)."""
    if now is None or before is None:
        return ""
    if points:
        return f"{100 * (now - before):+.1f} pts vs {against}"
    if before < 100:  # a percentage of a handful reads as an alarm (+2619 %): say the counts
        return f"{now - before:+,.0f} vs {against} ({before:,.0f})"
    return f"{100 * (now - before) / before:+.0f}% vs {against}"


def headline_tiles(head: Headline, kind: str) -> tuple[list[Tile], bool]:
    """The page in five numbers, with how they moved since the previous period; and whether
    no change can be shown (no previous period)."""
    against = _AGAINST[kind]
    now, before = head.totals, head.previous
    interval = (
        formats.interval(head.sps_low, head.sps_high)
        if head.sps_low is not None and head.sps_high is not None and head.sps is not None
        else ""
    )
    tiles = [
        Tile(
            "Mentions", f"{now.mentions:,}", change(now.mentions, before.mentions if before else None, against, False)
        ),
        Tile(
            "Response rate",
            formats.share(now.response_rate),
            change(now.response_rate, before.response_rate if before else None, against, True),
        ),
        Tile("Median first response", formats.duration(head.frt_median_s), "answered mentions"),
        Tile(
            "SLA attainment",
            formats.share(now.sla_attainment),
            change(now.sla_attainment, before.sla_attainment if before else None, against, True),
        ),
        Tile("SPS", formats.points(head.sps), f"{head.sps_brands} brand(s) with enough authors", interval),
    ]
    return tiles, before is None


def _count(n: float | None) -> str:
    return formats.NONE if n is None else f"{n:,}"


def against_table(head: Headline, kind: str) -> AgainstTable | None:
    """A week or a month beside the one before: each headline number then and its change ("–" on
    both where the period before had no mention, never 0); the SPS change with its own interval."""
    if head.against is None:
        return None
    was, now, sps = head.against.before, head.totals, head.against.sps_change

    def moved(value: float | None, before: float | None) -> float | None:
        return None if value is None or before is None else value - before

    def row(label: str, value: float | None, before: float | None, shown: Callable, change: Callable) -> Moved:
        return Moved(label, shown(value), shown(before), change(moved(value, before)))

    rows = [
        row("Mentions", now.mentions, was.totals.mentions if was else None, _count, formats.count_change),
        row(
            "Response rate",
            now.response_rate,
            was.totals.response_rate if was else None,
            formats.share,
            formats.share_change,
        ),
        row(
            "Median first response",
            head.frt_median_s,
            was.frt_median_s if was else None,
            formats.duration,
            formats.duration_change,
        ),
        row(
            "SLA attainment",
            now.sla_attainment,
            was.totals.sla_attainment if was else None,
            formats.share,
            formats.share_change,
        ),
        Moved(
            "SPS",
            formats.points(head.sps),
            formats.points(was.sps if was else None),
            formats.points(sps.points if sps else None),
            f"{sps.verdict} ({formats.interval(sps.low, sps.high)})" if sps else "",
        ),
    ]
    return AgainstTable("week" if kind == "weekly" else "month", head.against.period.label, rows)


def chart_values(measure: PeriodMeasure, table: pl.DataFrame) -> Charts | None:
    """Response rate by brand (with reference lines), first-response distribution, hour of week."""
    if measure.facts.is_empty():
        return None
    top = table.head(15).select("brand", "response_rate").rows()
    facts = measure.facts.filter(pl.col("brand").is_not_null())
    targets = measure.metrics["sla_target_s"].drop_nulls()
    target = float(targets.mode().sort()[0]) if targets.len() else None  # the target most brands have
    return Charts(
        Markup(charts.response_rates(top)),
        Markup(charts.frt_distribution(facts.filter("responded")["frt_s"], target)),
        Markup(charts.hour_of_week(facts["created_at"], facts["responded"])),
    )


def backlog_values(measure: PeriodMeasure, table: pl.DataFrame) -> Backlog | None:
    """The busiest brands' open mentions hour by hour, each brand's peak and its staffing gaps."""
    if measure.backlog is None or measure.backlog.is_empty():
        return None
    hour = "%Y-%m-%d %H:00"
    rows = (
        measure.backlog.group_by("brand")
        .agg(
            pl.col("open").filter("peak").first().alias("peak_open"),
            pl.col("hour").filter("peak").first().dt.strftime(hour).alias("peak_hour"),
            pl.col("staffing_gap").sum().alias("gaps"),
            pl.col("hour").filter("staffing_gap").first().dt.strftime(hour).alias("first_gap"),
        )
        .join(table.select("brand", "_order"), on="brand")
        .sort("_order")
        .head(15)
    )
    brands = [b for (b,) in table.head(charts.TREND_BRANDS).select("brand").rows()]
    return Backlog(Markup(charts.backlog_lines(measure.backlog, brands)), rows.to_dicts())


def trend_charts(measure: PeriodMeasure, table: pl.DataFrame) -> list[Markup]:
    """Every page: the busiest brands' trend (to the period's end: 28 days, 12 weeks or 12 months,
    `measure_store.trend_periods`), one chart per measure."""
    if measure.trends is None or measure.trends.is_empty() or measure.period.kind == "range":
        return []
    brands = [b for (b,) in table.head(charts.TREND_BRANDS).select("brand").rows()]
    trends = measure.trends.filter(pl.col("brand").is_in(brands))
    drawn = (charts.trend_lines(trends, m, brands, measure.period.kind) for m in charts.TRENDS)
    return [Markup(svg) for svg in drawn if svg]


def queue_rows(measure: PeriodMeasure) -> list[dict]:
    """What to answer first: the 15 unanswered mentions at the head of the queue."""
    return [] if measure.queue is None else measure.queue.head(15).to_dicts()


def category_rows(measure: PeriodMeasure) -> list[dict]:
    """What customers wrote about, all brands together, most mentioned first."""
    if measure.categories is None:
        return []
    return (
        measure.categories.group_by("category")
        .agg(pl.col("inbound", "responded", "detractors").sum())
        .sort("inbound", "category", descending=[True, False])
        .to_dicts()
    )


#: The page shows the busiest brands' busiest agents (every one is in agents.parquet).
AGENT_BRANDS, AGENTS_EACH = 10, 5


def agent_rows(measure: PeriodMeasure) -> list[dict]:
    """Who answered: the busiest brands' busiest signing agents, then each one's unsigned line."""
    if measure.agents is None:
        return []
    brands = brand_order(measure.metrics).filter(pl.col("_order") < AGENT_BRANDS)
    unsigned = pl.col("agent") == UNSIGNED
    return (
        measure.agents.join(brands, on="brand")
        .with_columns(unsigned.alias("_unsigned"))
        .sort("_order", "_unsigned", "replies", "agent", descending=[False, False, True, False])
        .filter(unsigned | (pl.int_range(pl.len()).over("brand", "_unsigned") < AGENTS_EACH))
        .to_dicts()
    )


def theme_rows(measure: PeriodMeasure) -> list[dict]:
    """The 15 largest themes no category caught, all brands together."""
    if measure.themes is None:
        return []
    return measure.themes.sort("mentions", "brand", "theme", descending=[True, False, False]).head(15).to_dicts()


def urgent_rows(measure: PeriodMeasure) -> list[dict]:
    """Urgent mentions nobody answered, their time in the page's words (ISO, UTC)."""
    if measure.urgent is None:
        return []
    return measure.urgent.with_columns(pl.col("created_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_dicts()


def platform_rows(measure: PeriodMeasure) -> list[dict]:
    """Volume and responsiveness per platform, all brands together."""
    return (
        measure.platforms.group_by("platform")
        .agg(pl.col("inbound").sum(), pl.col("responded").sum(), pl.col("brand").n_unique().alias("brands"))
        .sort("inbound", "platform", descending=[True, False])
        .to_dicts()
    )


def peers(table: pl.DataFrame) -> Peers | None:
    """The brands placed among their peers (enough mentions), and how many were not."""
    if table.is_empty():
        return None
    placed = table.filter(pl.col("inbound") >= PEER_MIN_INBOUND)
    return Peers(placed.to_dicts(), table.height - placed.height, bool(table["industry"].is_not_null().any()))


def sps_comparisons(
    sps: pl.DataFrame, shift_sd: float | None = None, against: str = "the day before"
) -> list[Comparison]:
    """Which SPS differences are real: against the period before (`against`: "the day before", "the
    week before", …), and brand against brand, each with the interval of the difference itself
    (tasks/sps/compare.py; `shift_sd` None: the shipped model's)."""
    changed = sps.filter(pl.col("sps_change").is_not_null()).sort("authors", "brand", descending=[True, False])
    pairs = brand_pairs(sps, PAIRED_BRANDS, shift_sd)
    out = []
    if not changed.is_empty():
        rows = [
            Difference(
                r["brand"],
                formats.points(r["sps"]),
                r["sps_change"],
                r["sps_change_ci_low"],
                r["sps_change_ci_high"],
                r["sps_change_verdict"],
            )
            for r in changed.iter_rows(named=True)
        ]
        before = f"Brands whose score is readable both now and {against}."
        out.append(
            Comparison(
                f"SPS against {against}", "sps-change", before, "Brand", "SPS", "Change (points)", "change", rows
            )
        )
    if not pairs.is_empty():
        rows = [
            Difference(
                r["brand"],
                r["other"],
                r["difference"],
                r["low"],
                r["high"],
                f"{r['brand']} {r['verdict']}" if r["verdict"] != UNCLEAR else UNCLEAR,
            )
            for r in pairs.iter_rows(named=True)
        ]
        before = f"The {PAIRED_BRANDS} readable brands with the most authors, each pair once."
        out.append(
            Comparison(
                "SPS, brand against brand",
                "sps-pairs",
                before,
                "Brand",
                "Against",
                "Difference (points)",
                "difference",
                rows,
            )
        )
    return out
