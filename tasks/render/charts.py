"""Inline SVG charts for the HTML report: no scripts, no network, escaped labels.

Each function returns an <svg> element as text. Sizes use a viewBox so the
charts scale from a phone to a laptop.
"""

from __future__ import annotations

import html
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

import polars as pl

from tasks.model.periods import PublishedKind, period_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: First-response buckets (upper bound in seconds, label), as care teams read them.
FRT_BUCKETS = [
    (5 * 60, "< 5 min"),
    (15 * 60, "5–15 min"),
    (60 * 60, "15–60 min"),
    (4 * 3600, "1–4 h"),
    (24 * 3600, "4–24 h"),
    (72 * 3600, "1–3 days"),
]

TREND_BRANDS = 6
_PALETTE = ["#3b6fd8", "#d8703b", "#2f9e6e", "#9b59b6", "#c0392b", "#7f8c8d"]

#: Published industry figures drawn as reference lines on response-rate charts.
REFERENCES = [
    (0.29, "29% of complainers heard back", "Maritz Research & evolve24, Twitter study, 2011"),
    (0.11, "11% average brand response rate", "Sprout Social Index, 2017"),
]


def _bucket_x(seconds: float, bar: float) -> float:
    """Where a time falls on the bucket axis: linear inside its bucket."""
    lower = 0.0
    for i, (upper, _) in enumerate(FRT_BUCKETS):
        if seconds <= upper:
            return i * bar + bar * (seconds - lower) / (upper - lower)
        lower = upper
    return len(FRT_BUCKETS) * bar


def frt_distribution(frt_s: pl.Series, sla_target_s: float | None = None) -> str:
    """Bars: how many responded mentions fell in each first-response bucket, and the SLA target."""
    counts = []
    lower = 0.0
    for i, (upper, label) in enumerate(FRT_BUCKETS):
        below = frt_s <= upper if i == len(FRT_BUCKETS) - 1 else frt_s < upper  # the horizon itself counts
        counts.append((label, int(((frt_s >= lower) & below).sum())))
        lower = upper
    peak = max((n for _, n in counts), default=0) or 1
    width, height, bar = 600, 220, 600 / len(counts)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="First response time distribution">'
    ]
    for i, (label, n) in enumerate(counts):
        h = 160 * n / peak
        x = i * bar + 8
        parts.append(f'<rect x="{x:.0f}" y="{180 - h:.1f}" width="{bar - 16:.0f}" height="{h:.1f}" fill="#3b6fd8"/>')
        parts.append(f'<text x="{x + (bar - 16) / 2:.0f}" y="{174 - h:.1f}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + (bar - 16) / 2:.0f}" y="200" text-anchor="middle">{html.escape(label)}</text>')
    if sla_target_s:
        x = _bucket_x(sla_target_s, bar)
        parts.append(f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="184" stroke="#c0392b" stroke-dasharray="4 3"/>')
        parts.append(
            f'<text x="{x + 4:.1f}" y="16" fill="#c0392b">SLA target {html.escape(duration(sla_target_s))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def duration(seconds: float) -> str:
    """30 min, 1 h, 1 h 30 min, 2 days: a target as people say it."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day" + ("s" if days > 1 else "")
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" + (f" {rest} min" if rest else "")


def hour_of_week(created_at: pl.Series, responded: pl.Series) -> str:
    """7 × 24 heatmap of inbound mentions (UTC), shaded by volume; title shows the response rate."""
    frame = pl.DataFrame({"at": created_at, "ok": responded}).with_columns(
        pl.col("at").dt.weekday().alias("wd"), pl.col("at").dt.hour().alias("h")
    )
    cells = frame.group_by("wd", "h").agg(pl.len().alias("n"), pl.col("ok").mean().alias("rate")).sort("wd", "h")
    peak = int(cast(int, cells["n"].max()) or 1)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    parts = ['<svg class="chart" viewBox="0 0 760 236" role="img" aria-label="Inbound mentions by hour of week">']
    for h in range(0, 24, 3):
        parts.append(f'<text x="{48 + h * 29 + 14}" y="12" text-anchor="middle">{h:02d}h</text>')
    for wd, name in enumerate(days, start=1):
        parts.append(f'<text x="40" y="{20 + wd * 26 - 8}" text-anchor="end">{name}</text>')
    for wd, h, n, rate in cells.iter_rows():
        shade = 0.12 + 0.88 * n / peak
        title = f"{days[wd - 1]} {h:02d}:00 UTC: {n} mentions, {100 * (rate or 0):.0f}% answered"
        parts.append(
            f'<rect x="{48 + h * 29}" y="{wd * 26 - 8}" width="27" height="24" rx="3" '
            f'fill="rgba(59,111,216,{shade:.2f})"><title>{html.escape(title)}</title></rect>'
        )
    parts.append('<text x="40" y="226" text-anchor="end">scale</text>')
    for i, shade in enumerate((0.12, 0.34, 0.56, 0.78, 1.0)):
        parts.append(
            f'<rect x="{48 + i * 29}" y="212" width="27" height="16" rx="3" fill="rgba(59,111,216,{shade:.2f})"/>'
        )
    parts.append(f'<text x="{48 + 5 * 29 + 6}" y="225">1 to {peak:,} mentions an hour (darker: more)</text>')
    parts.append("</svg>")
    return "".join(parts)


def response_rates(rates: list[tuple[str, float]]) -> str:
    """Horizontal bars of response rate per brand, with the industry reference lines.

    Each label has its own place, whatever the rates: a bar's value right of the bar (room is kept
    for "100%"), each reference line's share above it, each reference's words on a row of its own
    below the bars (centred on their line, a label ran into the brand names and its neighbour)."""
    row, left, span, width = 22, 150, 400, 600
    bottom = 20 + row * len(rates)
    height = bottom + 8 + 16 * len(REFERENCES)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Response rate by brand">']
    for i, (brand, rate) in enumerate(rates):
        y = 20 + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{html.escape(brand)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{span * rate:.1f}" height="{row - 6}" fill="#3b6fd8"/>')
        parts.append(f'<text x="{left + span * rate + 4:.1f}" y="{y + 14}">{100 * rate:.0f}%</text>')
    for i, (value, label, _source) in enumerate(REFERENCES):
        x = left + span * value
        parts.append(f'<line x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{bottom}" stroke="#c0392b" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="12" fill="#c0392b" text-anchor="middle">{100 * value:.0f}%</text>')
        y = bottom + 18 + 16 * i
        parts.append(
            f'<line x1="{left}" y1="{y - 4}" x2="{left + 14}" y2="{y - 4}" stroke="#c0392b" stroke-dasharray="4 3"/>'
        )
        parts.append(f'<text x="{left + 20}" y="{y}" fill="#c0392b">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Measure:
    """How one trend measure is drawn: its column, the scale to its unit, the unit, and the axis
    range where the unit has one (a rate 0–100 %, an SPS −100…100 points)."""

    column: str
    title: str
    scale: float
    unit: str
    limits: tuple[float, float] | None


RESPONSE_RATE = Measure("response_rate", "Response rate (%)", 100.0, "%", (0.0, 100.0))
FIRST_RESPONSE = Measure("frt_median_s", "Median first response (hours)", 1 / 3600, "hours", None)
SPS = Measure("sps", "SPS (points; where enough authors)", 1.0, "points", (-100.0, 100.0))
TRENDS = (RESPONSE_RATE, FIRST_RESPONSE, SPS)
#: A legend entry longer than this is cut (with "…"): three entries fit a row without clipping.
LEGEND_CHARS = 24


#: Fixed, so the same data give the same bytes (ids are hashed with the salt).
_SETTINGS = {
    "svg.hashsalt": "sps-pipeline",
    "svg.fonttype": "none",  # text stays text: selectable, and escaped as such
    "font.family": "sans-serif",
    "font.size": 9.0,
    "text.parse_math": False,  # a brand named "$AAPL$" is a name, not a formula
    "axes.spines.top": False,
    "axes.spines.right": False,
}


_DRAWING = threading.Lock()


def _drawn(draw: Callable[[Figure], None], label: str) -> str:
    """An inline <svg> of what `draw` puts on a fresh figure: static, offline, drawn by matplotlib
    (its SVG writer escapes text, so a brand name stays a name).

    A Figure of its own, not pyplot's: pyplot keeps every figure in one global registry, which
    days published side by side (threads) would share, and which kept figures open (over 20 in a backfill)."""
    import matplotlib
    from matplotlib.figure import Figure

    # rc_context sets matplotlib's one global rcParams: days published side by side (threads) would
    # restore each other's settings mid-drawing (a trend chart then came out with its text as paths
    # and other ids, so a nightly page and its backfill differed), so one chart is drawn at a time.
    with _DRAWING, matplotlib.rc_context(_SETTINGS):  # type: ignore[arg-type]  # keys are checked as literals
        figure = Figure(figsize=(6.4, 2.9), layout="constrained")
        draw(figure)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    return _inline(svg[svg.index("<svg") :], label)


def _legend(figure: Figure, lines: list, brands: list[str]) -> None:
    """Labels given outright: matplotlib would drop a brand starting with "_" from a legend it builds."""
    names = [b if len(b) <= LEGEND_CHARS else b[: LEGEND_CHARS - 1] + "…" for b in brands]
    figure.legend(lines, names, loc="outside lower center", ncols=3, frameon=False, fontsize=8)


#: The most points a trend's axis names (every other, every third… beyond): rotated, they stay apart.
TREND_TICKS = 8
#: The step from one trend point to the next.
_STEPS = {"daily": "1d", "weekly": "1w", "monthly": "1mo"}


def trend_lines(trends: pl.DataFrame, measure: Measure, brands: list[str], kind: PublishedKind = "daily") -> str:
    """One line per brand over the points of `trends` (brand, date, the measure's column; `date` a
    day, or a week's or month's first day for `kind` weekly or monthly): a point without a value
    breaks the line, so a gap shows as a gap."""
    from matplotlib.dates import date2num
    from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter

    values = trends.select(pl.col(measure.column).drop_nulls())
    if trends.is_empty() or values.is_empty():
        return ""
    first, last = cast(date, trends["date"].min()), cast(date, trends["date"].max())
    days = pl.DataFrame({"date": pl.date_range(first, last, _STEPS[kind], eager=True)})

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        lines = []
        for i, brand in enumerate(brands):
            series = (
                days.join(trends.filter(pl.col("brand") == brand), on="date", how="left")
                .sort("date")
                .select("date", (pl.col(measure.column) * measure.scale).alias("v"))
            )
            (line,) = axes.plot(
                series["date"].to_list(),
                [float("nan") if v is None else v for v in series["v"].to_list()],  # NaN: the line breaks
                marker="o",
                markersize=3,
                linewidth=1.6,
                color=_PALETTE[i % len(_PALETTE)],
                gid=f"{measure.column}-{i}",  # named by measure too: a page holds three trend charts
                clip_on=False,  # a point at 100 % or −100 is drawn whole, not cut by the axes' edge
            )
            lines.append(line)
        if measure.limits is not None:
            axes.set_ylim(*measure.limits)
        else:
            axes.set_ylim(bottom=0)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10 else f"{v:.3g}"))
        axes.set_ylabel(measure.unit)
        axes.set_title(measure.title, loc="left")
        axes.grid(axis="y", color="#e3e6ec", linewidth=0.8)
        # The page's points, whichever have values: one day of SPS would otherwise span years.
        points = [float(date2num(d)) for d in days["date"].to_list()]
        half = (points[1] - points[0]) / 2 if len(points) > 1 else 0.5
        axes.set_xlim(points[0] - half, points[-1] + half)
        # Points named as their reports are (2017-10-31, 2017-W44, 2017-10), at most TREND_TICKS of them
        # evenly spaced: matplotlib's own dates named hours around a lone day ("10-01 12").
        every = -(-len(points) // TREND_TICKS)
        axes.xaxis.set_major_locator(FixedLocator(points[::every]))
        names = [period_of(kind, d).label for d in days["date"].to_list()[::every]]
        axes.xaxis.set_major_formatter(FixedFormatter(names))
        figure.autofmt_xdate(rotation=30)
        _legend(figure, lines, brands)

    return _drawn(draw, measure.title)


def backlog_lines(backlog: pl.DataFrame, brands: list[str]) -> str:
    """Mentions open per hour (UTC), one step line per brand, a dot on each brand's peak
    (backlog.parquet's rows: brand, hour, open, peak)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import MaxNLocator

    shown = backlog.filter(pl.col("brand").is_in(brands))
    present = [b for b in brands if b in set(shown["brand"].to_list())]
    if not present:
        return ""
    title = "Mentions open by hour (UTC)"

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        lines = []
        for i, brand in enumerate(present):
            series = shown.filter(pl.col("brand") == brand).sort("hour")
            color = _PALETTE[i % len(_PALETTE)]
            (line,) = axes.step(
                series["hour"].to_list(),
                series["open"].to_list(),
                where="post",  # open during the hour that starts there
                linewidth=1.4,
                color=color,
                gid=f"backlog-{i}",
            )
            lines.append(line)
            peak = series.filter("peak")
            axes.plot(peak["hour"].to_list(), peak["open"].to_list(), "o", markersize=4, color=color, clip_on=False)
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
        axes.set_ylabel("mentions open")
        axes.set_title(title, loc="left")
        axes.grid(axis="y", color="#e3e6ec", linewidth=0.8)
        _legend(figure, lines, present)

    return _drawn(draw, title)


def _inline(svg: str, label: str) -> str:
    """matplotlib's document as an element of the page: the page's chart class, a name for readers."""
    sized = re.sub(r' width="[^"]*" height="[^"]*"', "", svg, count=1)  # the viewBox scales it to its box
    return f'<svg class="chart" role="img" aria-label="{html.escape(label)}"' + sized[len("<svg") :]
