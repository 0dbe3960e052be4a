"""Inline SVG charts for the HTML report: no scripts, no network, escaped labels.

Each function returns an <svg> element as text. Sizes use a viewBox so the
charts scale from a phone to a laptop.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

import polars as pl

from tasks.model.periods import PublishedKind, period_of

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


#: Every drawn plot (the trends, the backlog) is this size in viewBox units, as the bar charts above
#: are, whatever its labels: charts of a kind are one size on a page.
WIDTH, HEIGHT = 600, 272


@dataclass(frozen=True)
class Box:
    """Where a plot's axes sit in its chart, and where a value lands: `x` maps the axis range
    (lo, hi) onto left…right, `y` onto bottom…top (so larger values are higher), linearly."""

    left: float
    top: float
    right: float
    bottom: float

    def x(self, value: float, lo: float, hi: float) -> float:
        return self.left + (self.right - self.left) * (value - lo) / (hi - lo)

    def y(self, value: float, lo: float, hi: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value - lo) / (hi - lo)


#: The axes: room left for the unit and the values, above for the title, below for the points'
#: names (rotated on the trends) and two legend rows of three brands (TREND_BRANDS).
AXES = Box(left=62, top=28, right=572, bottom=184)
#: A legend's widest column, its first row's baseline below the axes, and the rows' spacing.
_COLUMN, _ROW_ONE, _ROW = 195, 66, 16
#: Characters of a sans-serif narrower and wider than most (DejaVu Sans's widths: others' are smaller).
_NARROW, _WIDE = frozenset("fijlrt.,:;!|'()[]- "), frozenset("MWmw@%")
#: The most intervals between a value axis's ticks, about one per two lines of text of its height:
#: rates every 20 %, SPS every 50 points, an open-mentions count of 6 at most every one.
Y_TICKS = 7


def nice_ticks(lo: float, hi: float, most: int = Y_TICKS, *, integer: bool = False) -> list[float]:
    """Round values on [lo, hi]: the multiples of the smallest step of 1, 2, 2.5 or 5 times a power
    of ten (a whole number when `integer`) that cuts the range into at most `most` intervals."""
    raw = (hi - lo) / most
    if integer:
        raw = max(raw, 1.0)
    power = 10.0 ** math.floor(math.log10(raw))
    steps = (m * power for m in (1, 2, 2.5, 5, 10))
    step = next(s for s in steps if s >= raw * (1 - 1e-9) and (not integer or s.is_integer()))
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]


def value_label(value: float) -> str:
    """A value tick as the charts name it: whole from ten up (1,500), else up to three digits (0.5)."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.3g}"


@dataclass(frozen=True)
class Line:
    """One brand's line: its points (x, value), a value of None breaking the line, drawn straight
    from point to point or, `step`, level until the next point; a dot of `dot` radius on each of `dots`."""

    gid: str
    points: list[tuple[float, float | None]]
    dots: list[tuple[float, float]]
    step: bool = False
    width: float = 2.0
    dot: float = 2.4


@dataclass(frozen=True)
class Axis:
    """An axis's range (lo, hi) and its ticks (value, name)."""

    lo: float
    hi: float
    ticks: list[tuple[float, str]]


def line_path(line: Line, x: Axis, y: Axis, box: Box = AXES) -> str:
    """The line as one SVG path, each piece starting with a move (M): nothing drawn across a gap,
    a lone point a piece of its own (its dot shows it)."""
    parts: list[str] = []
    drawing = False
    for at, value in line.points:
        if value is None:
            drawing = False
            continue
        px, py = box.x(at, x.lo, x.hi), box.y(value, y.lo, y.hi)
        if not drawing:
            parts.append(f"M {px:.1f} {py:.1f}")
        elif line.step:
            parts.append(f"H {px:.1f} V {py:.1f}")
        else:
            parts.append(f"L {px:.1f} {py:.1f}")
        drawing = True
    return " ".join(parts)


def text_width(text: str) -> float:
    """About how wide `text` is at the charts' 11 px in a sans-serif, erring wide: 3.9 for a narrow
    character (i, l, t…), 11 for a wide one (M, W, @) or one beyond Latin (…, 中), 7.7 for another
    capital or a digit, 6.6 for another small letter."""
    return sum(
        3.9 if c in _NARROW else 11.0 if c in _WIDE or ord(c) > 0x2FF else 7.7 if c.isupper() or c.isdigit() else 6.6
        for c in text
    )


def _legend(names: list[str], marked: bool, box: Box = AXES) -> list[str]:
    """Up to three columns, filled one after the other (as matplotlib's were), centred under the axes:
    each entry a stroke of its line's colour (with a dot when the lines have one on each point) and the
    brand's name, as text, cut past LEGEND_CHARS; a name still wider than its column is squeezed
    into it (textLength), so it never runs into the next one or out of the chart."""
    shown = [name if len(name) <= LEGEND_CHARS else name[: LEGEND_CHARS - 1] + "…" for name in names]
    if not shown:
        return []
    rows = -(-len(shown) // 3)
    width = min(_COLUMN, 28 + max(map(text_width, shown)) + 16)  # the longest name's column
    room = width - 28 - 8
    start = (WIDTH - -(-len(shown) // rows) * width) / 2
    parts = []
    for i, name in enumerate(shown):
        column, row = divmod(i, rows)
        x, y = start + column * width, box.bottom + _ROW_ONE + row * _ROW
        colour = _PALETTE[i % len(_PALETTE)]
        parts.append(f'<path d="M{x:.1f} {y - 4}h22" stroke="{colour}" stroke-width="2"/>')
        if marked:
            parts.append(f'<circle cx="{x + 11:.1f}" cy="{y - 4}" r="2.5" fill="{colour}"/>')
        fit = f' textLength="{room:.0f}" lengthAdjust="spacingAndGlyphs"' if text_width(name) > room else ""
        parts.append(f'<text x="{x + 28:.1f}" y="{y}"{fit}>{html.escape(name)}</text>')
    return parts


def line_plot(
    title: str,
    unit: str,
    lines: list[Line],
    names: list[str],
    x: Axis,
    y: Axis,
    *,
    rotated: bool = False,
    offset: str = "",
    marked: bool = True,
) -> str:
    """Lines over two axes as an inline <svg>: `title` above (and its accessible name), `unit` beside
    the value axis, grid lines at its ticks, the x axis's names (`rotated` 30° when long, `offset`
    under its right end), each line in its brand's colour, a legend of `names` (with dots: `marked`).
    Static text only, escaped; the same arguments give the same bytes, wherever they are drawn."""
    box = AXES
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" data-chart="lines" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{box.left}" y="17" style="font-size:13px">{html.escape(title)}</text>',
    ]
    marks = [f"M{box.left} {box.top}V{box.bottom}H{box.right}"]  # the axes' two spines
    for at, name in y.ticks:
        py = box.y(at, y.lo, y.hi)
        parts.append(f'<path d="M{box.left} {py:.1f}H{box.right}" stroke="#e3e6ec"/>')
        parts.append(f'<text x="{box.left - 7}" y="{py + 4:.1f}" text-anchor="end">{html.escape(name)}</text>')
        marks.append(f"M{box.left} {py:.1f}h-4")
    middle = (box.top + box.bottom) / 2
    parts.append(
        f'<text x="16" y="{middle:.0f}" text-anchor="middle" transform="rotate(-90 16 {middle:.0f})">'
        f"{html.escape(unit)}</text>"
    )
    for at, name in x.ticks:
        px = box.x(at, x.lo, x.hi)
        marks.append(f"M{px:.1f} {box.bottom}v4")
        if rotated:  # ending under its point, rising 30° from the lower left: long names stay apart
            place, turn = f'x="{px + 2:.1f}" y="{box.bottom + 17}"', f"rotate(-30 {px + 2:.1f} {box.bottom + 17})"
            parts.append(f'<text {place} text-anchor="end" transform="{turn}">{html.escape(name)}</text>')
        else:
            parts.append(f'<text x="{px:.1f}" y="{box.bottom + 17}" text-anchor="middle">{html.escape(name)}</text>')
    if offset:
        parts.append(f'<text x="{box.right}" y="{box.bottom + 34}" text-anchor="end">{html.escape(offset)}</text>')
    parts.append(f'<path d="{"".join(marks)}" fill="none" stroke="#333"/>')
    for i, line in enumerate(lines):
        colour = _PALETTE[i % len(_PALETTE)]
        dots = "".join(
            f'<circle cx="{box.x(at, x.lo, x.hi):.1f}" cy="{box.y(v, y.lo, y.hi):.1f}" r="{line.dot}"/>'
            for at, v in line.dots
        )
        parts.append(
            f'<g id="{html.escape(line.gid)}" fill="{colour}"><path d="{line_path(line, x, y, box)}" fill="none" '
            f'stroke="{colour}" stroke-width="{line.width}" stroke-linejoin="round"/>{dots}</g>'
        )
    parts.extend(_legend(names, marked, box))
    parts.append("</svg>")
    return "".join(parts)


#: The most points a trend's axis names (every other, every third… beyond): rotated, they stay apart.
TREND_TICKS = 8
#: The step from one trend point to the next.
_STEPS = {"daily": "1d", "weekly": "1w", "monthly": "1mo"}


def trend_lines(trends: pl.DataFrame, measure: Measure, brands: list[str], kind: PublishedKind = "daily") -> str:
    """One line per brand over the points of `trends` (brand, date, the measure's column; `date` a
    day, or a week's or month's first day for `kind` weekly or monthly): a point without a value
    breaks the line, so a gap shows as a gap."""
    values = trends.select(pl.col(measure.column).drop_nulls())
    if trends.is_empty() or values.is_empty():
        return ""
    first, last = cast(date, trends["date"].min()), cast(date, trends["date"].max())
    days = pl.date_range(first, last, _STEPS[kind], eager=True).to_list()
    shown = set(brands)
    known: dict[tuple[str, date], float] = {}
    for brand, day, value in trends.select("brand", "date", pl.col(measure.column) * measure.scale).iter_rows():
        if brand in shown and value is not None and not math.isnan(value):
            known[brand, day] = value
    lines = []
    for i, brand in enumerate(brands):
        points = [(float(n), known.get((brand, day))) for n, day in enumerate(days)]
        dots = [(at, v) for at, v in points if v is not None]
        # named by measure too: a page holds three trend charts
        lines.append(Line(f"{measure.column}-{i}", points, dots))
    if measure.limits is not None:
        lo, hi = measure.limits
    else:  # from 0 to a little past the highest value (matplotlib's 5 % margin, as drawn before)
        lo, hi = 0.0, 1.05 * max(known.values(), default=0.0) or 1.0
    y = Axis(lo, hi, [(v, value_label(v)) for v in nice_ticks(lo, hi)])
    # Every point of the page's periods, whichever have values (one day of SPS would otherwise span
    # years), named as their reports are (2017-10-31, 2017-W44, 2017-10), at most TREND_TICKS evenly spaced.
    every = -(-len(days) // TREND_TICKS)
    x = Axis(-0.5, len(days) - 0.5, [(float(n), period_of(kind, days[n]).label) for n in range(0, len(days), every)])
    return line_plot(measure.title, measure.unit, lines, brands, x, y, rotated=True)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The hours axis's steps, smallest first: hours (dividing a day), days (of a month), months (of a year).
_HOURS, _DAYS, _MONTH_STEPS = (1, 2, 3, 4, 6, 12), (1, 2, 3, 4, 7, 14), (1, 2, 3, 6)
#: The most intervals between the hours axis's ticks ("Nov-03" and "12:00" stay apart).
HOUR_TICKS = 10
_HOUR = timedelta(hours=1)


def _month_day(t: datetime) -> str:
    return f"{_MONTHS[t.month - 1]}-{t.day:02d}"


def hour_ticks(lo: datetime, hi: datetime, most: int = HOUR_TICKS) -> tuple[list[datetime], list[str], str]:
    """Round times on [lo, hi] (UTC), at most `most`, and their names as matplotlib's concise dates
    named them: hours 06:00 (midnight Oct-31) with the day 2017-Oct-31 beside the axis, or days 08
    (the first of a month Nov) with the month 2017-Nov, or months Nov (January 2018) with the year."""
    hours = (hi - lo) / _HOUR
    start = lo.replace(minute=0, second=0, microsecond=0)
    start += _HOUR if start < lo else timedelta(0)
    for step in _HOURS:
        if hours / step <= most:
            count = int((hi - start) / _HOUR) + 1
            ticks = [t for t in (start + n * _HOUR for n in range(count)) if t.hour % step == 0]
            names = [_month_day(t) if t.hour == 0 else f"{t:%H:%M}" for t in ticks]
            return ticks, names, f"{ticks[-1]:%Y}-{_month_day(ticks[-1])}" if ticks else ""
    midnight = start.replace(hour=0)
    midnight += timedelta(days=1) if midnight < lo else timedelta(0)
    days = [midnight + timedelta(days=n) for n in range(int((hi - midnight) / timedelta(days=1)) + 1)]
    for step in _DAYS:
        if hours / (24 * step) <= most:
            # a day of the step's rhythm in its month, not so late that the next month's first comes sooner
            ticks = [d for d in days if (d.day - 1) % step == 0 and (d + timedelta(days=step - 1)).month == d.month]
            names = [_MONTHS[t.month - 1] if t.day == 1 else f"{t.day:02d}" for t in ticks]
            return ticks, names, f"{ticks[-1]:%Y}-{_MONTHS[ticks[-1].month - 1]}" if ticks else ""
    firsts = [d for d in days if d.day == 1]
    step = next((s for s in _MONTH_STEPS if len(firsts) / s <= most), _MONTH_STEPS[-1])
    ticks = [d for d in firsts if (d.month - 1) % step == 0]
    names = [f"{t:%Y}" if t.month == 1 else _MONTHS[t.month - 1] for t in ticks]
    return ticks, names, "" if any(t.month == 1 for t in ticks) or not ticks else f"{ticks[-1]:%Y}"


def backlog_lines(backlog: pl.DataFrame, brands: list[str]) -> str:
    """Mentions open per hour (UTC), one step line per brand, a dot on each brand's peak
    (backlog.parquet's rows: brand, hour, open, peak)."""
    shown = backlog.filter(pl.col("brand").is_in(brands)).sort("hour")
    rows: dict[str, list[tuple[datetime, int, bool]]] = {}
    for brand, hour, count, peak in shown.select("brand", "hour", "open", "peak").iter_rows():
        rows.setdefault(brand, []).append((hour, count, peak))
    present = [b for b in brands if b in rows]
    if not present:
        return ""
    first, last = cast(datetime, shown["hour"].min()), cast(datetime, shown["hour"].max())
    span = (last - first) / _HOUR or 2.0  # one hour alone: an hour either side
    lines = []
    for i, brand in enumerate(present):
        points: list[tuple[float, float | None]] = [((hour - first) / _HOUR, float(n)) for hour, n, _ in rows[brand]]
        peaks = [((hour - first) / _HOUR, float(n)) for hour, n, peak in rows[brand] if peak]
        # a step: open during the hour that starts there
        lines.append(Line(f"backlog-{i}", points, peaks, step=True, width=1.8, dot=3.2))
    top = 1.05 * float(cast(int, shown["open"].max()) or 0) or 1.0
    y = Axis(0.0, top, [(v, value_label(v)) for v in nice_ticks(0.0, top, integer=True)])
    lo, hi = first - 0.05 * span * _HOUR, last + 0.05 * span * _HOUR  # matplotlib's margins, as drawn before
    if last == first:
        lo, hi = first - _HOUR, last + _HOUR
    ticks, names, offset = hour_ticks(lo, hi)
    x = Axis(
        (lo - first) / _HOUR,
        (hi - first) / _HOUR,
        [((t - first) / _HOUR, n) for t, n in zip(ticks, names, strict=True)],
    )
    title = "Mentions open by hour (UTC)"
    return line_plot(title, "mentions open", lines, present, x, y, offset=offset, marked=False)
