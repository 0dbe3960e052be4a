"""Inline SVG charts for the HTML report: no scripts, no network, escaped labels.

Each function returns an <svg> element as text. Sizes use a viewBox so the
charts scale from a phone to a laptop.
"""

from __future__ import annotations

import html
from typing import cast

import polars as pl

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


def _spread(ends: list[tuple[float, float, str, str]], gap: float = 12.0) -> list[tuple[float, float, str, str]]:
    """Line-end labels pushed apart vertically so names that end close together stay legible."""
    placed: list[tuple[float, float, str, str]] = []
    for x, y, brand, colour in sorted(ends, key=lambda e: e[1]):
        if placed and y - placed[-1][1] < gap:
            y = placed[-1][1] + gap
        placed.append((x, y, brand, colour))
    return placed


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
    """Horizontal bars of response rate per brand, with the industry reference lines."""
    row, left, span = 22, 150, 420
    height = 30 + row * len(rates) + 40
    parts = [f'<svg class="chart" viewBox="0 0 600 {height}" role="img" aria-label="Response rate by brand">']
    for i, (brand, rate) in enumerate(rates):
        y = 20 + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{html.escape(brand)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{span * rate:.1f}" height="{row - 6}" fill="#3b6fd8"/>')
        parts.append(f'<text x="{left + span * rate + 4:.1f}" y="{y + 14}">{100 * rate:.0f}%</text>')
    bottom = 20 + row * len(rates)
    for i, (value, label, _source) in enumerate(REFERENCES):
        x = left + span * value
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{bottom}" stroke="#c0392b" stroke-dasharray="4 3"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 14 + 14 * i}" fill="#c0392b" text-anchor="middle">'
            f"{html.escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _tick(value: float) -> str:
    """Axis labels people read: 1,100 not 1.1e+03, 0.74 not 0.7412."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"


def trend_lines(trends: pl.DataFrame, column: str, title: str, brands: list[str], scale: float = 1.0) -> str:
    """One line per brand over the days of `trends` (brand, date, column), with a legend."""
    days = trends["date"].unique().sort().to_list()
    values = trends.select((pl.col(column) * scale).alias("v"))["v"].drop_nulls()
    if not days or values.is_empty():
        return ""
    low, high = min(0.0, cast(float, values.min())), max(cast(float, values.max()), 1e-9)
    width, height, left, top, plot_w, plot_h = 640, 260, 50, 30, 470, 170
    span = max((days[-1] - days[0]).days, 1)
    x_of = {d: left + plot_w * (d - days[0]).days / span for d in days}  # by date: gaps stay gaps

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="18">{html.escape(title)}</text>',
        f'<text x="{left - 6}" y="{y_of(high) + 4:.0f}" text-anchor="end">{_tick(high)}</text>',
        f'<text x="{left - 6}" y="{y_of(low) + 4:.0f}" text-anchor="end">{_tick(low)}</text>',
        f'<text x="{left}" y="{top + plot_h + 16}">{days[0]}</text>',
        f'<text x="{left + plot_w}" y="{top + plot_h + 16}" text-anchor="end">{days[-1]}</text>',
    ]
    ends: list[tuple[float, float, str, str]] = []
    for i, brand in enumerate(brands):
        colour = _PALETTE[i % len(_PALETTE)]
        rows = trends.filter(pl.col("brand") == brand).sort("date").select("date", (pl.col(column) * scale).alias("v"))
        xy = [(x_of[d], y_of(v)) for d, v in rows.iter_rows() if v is not None]
        if len(xy) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in xy]
        if xy:  # the brand named where its line ends, in its colour
            ends.append((xy[-1][0], xy[-1][1], brand, colour))
        parts.append(
            f'<text class="series" x="{left + (i % 3) * 175}" y="{top + plot_h + 34 + (i // 3) * 14}" '
            f'fill="{colour}">'
            f"{html.escape(brand)}</text>"
        )
    for x, y, brand, colour in _spread(ends):
        parts.append(
            f'<text class="series" x="{x + 5:.1f}" y="{y + 4:.1f}" fill="{colour}">{html.escape(brand[:14])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
