"""The trend and backlog charts (SVG written as text): a gap in the data is a gap in the line, each
measure in one unit on a fixed scale where it has one, brand names are text (never markup), nothing
but static shapes and text, and the same trends give the same bytes, drawn one by one or side by side."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from tasks.render import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>x()</script>", "=cmd|' /C calc'!A0", "_hidden", "$AAPL$ & co"]
FIRST = date(2017, 10, 9)


def trends(brands: list[str], present: dict[str, list[int]]) -> pl.DataFrame:
    """Rows for each brand on the day offsets it has data (others: no row at all, as on a quiet day)."""
    rows = [
        {
            "brand": b,
            "date": FIRST + timedelta(days=n),
            "response_rate": 0.5 + 0.01 * n,
            "frt_median_s": 1800.0 * (n % 4 + 1),
            "sps": -40.0 + 2 * n,
        }
        for b in brands
        for n in present[b]
    ]
    return pl.DataFrame(
        rows,
        schema={
            "brand": pl.String,
            "date": pl.Date,
            **dict.fromkeys(("response_rate", "frt_median_s", "sps"), pl.Float64),
        },
    )


def texts(svg: str) -> list[str]:
    """Every text the chart shows, as a reader sees it (the XML parsed: escapes undone)."""
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def line_segments(svg: str, gid: str) -> int:
    """How many pieces a brand's line is drawn in: each piece of an SVG path starts with a move (M)."""
    group = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("id") == gid)
    path = next(group.iter(f"{SVG}path"))
    return len(re.findall(r"\bM\b", path.get("d", "")))


def test_a_day_without_data_breaks_the_line():
    # "@A" has days 0..2 and 25..27 (a 22-day gap), "@B" every day 0..27.
    frame = trends(["@A", "@B"], {"@A": [0, 1, 2, 25, 26, 27], "@B": list(range(28))})
    svg = charts.trend_lines(frame, charts.RESPONSE_RATE, ["@A", "@B"])
    assert line_segments(svg, "response_rate-0") == 2  # days 0–2, then 25–27: nothing drawn across the gap
    assert line_segments(svg, "response_rate-1") == 1


@pytest.mark.parametrize(
    ("measure", "ticks", "unit"),
    [
        # a rate is drawn in % on 0–100 whatever the data (here 50–77 %): ticks every 20 points
        (charts.RESPONSE_RATE, ["0", "20", "40", "60", "80", "100"], "%"),
        # SPS on its whole scale, −100…100 points (data −40…14), never `1e-09`: ticks every 50
        (charts.SPS, ["-100", "-50", "0", "50", "100"], "points"),
    ],
)
def test_each_measure_has_one_unit_and_its_own_scale(measure, ticks, unit):
    frame = trends(["@A"], {"@A": list(range(28))})
    shown = texts(charts.trend_lines(frame, measure, ["@A"]))
    assert [t for t in shown if re.fullmatch(r"-?[\d,.]+", t)] == ticks
    assert unit in shown and measure.title in shown
    assert not any("e-" in t or "e+" in t for t in shown)


def test_first_response_is_drawn_in_hours():
    # frt_median_s = 1800 × (n mod 4 + 1): 0.5, 1, 1.5 and 2 hours; the axis starts at 0 hours.
    frame = trends(["@A"], {"@A": list(range(28))})
    shown = texts(charts.trend_lines(frame, charts.FIRST_RESPONSE, ["@A"]))
    assert "hours" in shown and "Median first response (hours)" in shown
    numbers = [float(t) for t in shown if re.fullmatch(r"[\d.]+", t)]
    assert numbers[0] == 0.0 and 2.0 <= numbers[-1] <= 2.5  # 0 up to just past the 2 h peak


def test_brand_names_are_text_never_markup_and_all_named():
    frame = trends(HOSTILE, dict.fromkeys(HOSTILE, list(range(5))))
    svg = charts.trend_lines(frame, charts.SPS, HOSTILE)
    assert "<script" not in svg and "&lt;script&gt;x()&lt;/script&gt;" in svg
    shown = texts(svg)  # parses: the escapes kept the document well formed
    for brand in HOSTILE:  # each in the legend as written, "_hidden" and "$AAPL$" included
        assert brand in shown


def test_a_long_brand_name_is_cut_in_the_legend():
    long = "a" * 30
    frame = trends([long], {long: [0, 1]})
    assert "a" * 23 + "…" in texts(charts.trend_lines(frame, charts.SPS, [long]))  # 24 characters with "…"


def test_the_same_trends_give_the_same_bytes():
    frame = trends(HOSTILE[:2] + ["@B"], dict.fromkeys([*HOSTILE[:2], "@B"], [0, 3, 4, 9]))
    brands = [*HOSTILE[:2], "@B"]
    first = [charts.trend_lines(frame, m, brands) for m in charts.TRENDS]
    assert first == [charts.trend_lines(frame, m, brands) for m in charts.TRENDS]
    assert all(svg.startswith('<svg class="chart" role="img" aria-label=') for svg in first)


def test_the_axis_spans_the_days_of_the_trends_whatever_has_a_value():
    # SPS readable on day 20 only (2017-10-29): the axis still runs 2017-10-09 .. 2017-11-05 (days 0..27).
    frame = trends(["@A"], {"@A": list(range(28))}).with_columns(
        pl.when(pl.col("date") == FIRST + timedelta(days=20)).then(pl.col("sps")).alias("sps")
    )
    shown = [t for t in texts(charts.trend_lines(frame, charts.SPS, ["@A"])) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t)]
    assert shown and all("2017-10-09" <= t <= "2017-11-05" for t in shown), shown


@pytest.mark.parametrize(
    ("kind", "starts", "names"),
    [
        # a week's page: W41, W42, W44 have rows, W43 none; every week named on the axis, one point each
        (
            "weekly",
            [date(2017, 10, 9), date(2017, 10, 16), date(2017, 10, 30)],
            ["2017-W41", "2017-W42", "2017-W43", "2017-W44"],
        ),
        # a month's page: 2017-08 and 2017-10 have rows, September none
        ("monthly", [date(2017, 8, 1), date(2017, 10, 1)], ["2017-08", "2017-09", "2017-10"]),
    ],
)
def test_weeks_and_months_are_one_point_each_named_by_their_report_and_a_gap_breaks_the_line(kind, starts, names):
    frame = pl.DataFrame(
        {"brand": ["@A"] * len(starts), "date": starts, "response_rate": [0.5] * len(starts)},
        schema={"brand": pl.String, "date": pl.Date, "response_rate": pl.Float64},
    )
    svg = charts.trend_lines(frame, charts.RESPONSE_RATE, ["@A"], kind)
    assert [t for t in texts(svg) if re.fullmatch(r"\d{4}-(W\d{2}|\d{2})", t)] == names
    assert line_segments(svg, "response_rate-0") == 2  # nothing drawn across the empty week or month


def test_the_axis_names_at_most_eight_points_as_their_reports_are_named():
    # 28 days: every 4th named (ceil(28 / 8) = 4): 2017-10-09, -13, -17, -21, -25, -29, 11-02: 7 names
    frame = trends(["@A"], {"@A": list(range(28))})
    shown = [t for t in texts(charts.trend_lines(frame, charts.RESPONSE_RATE, ["@A"])) if t.startswith("2017-")]
    assert shown == ["2017-10-09", "2017-10-13", "2017-10-17", "2017-10-21", "2017-10-25", "2017-10-29", "2017-11-02"]
    # a lone day is named as a day, not as the hours around it
    lone = trends(["@A"], {"@A": [0]})
    assert [t for t in texts(charts.trend_lines(lone, charts.RESPONSE_RATE, ["@A"])) if "-" in t] == ["2017-10-09"]


def test_no_values_no_chart():
    frame = trends(["@A"], {"@A": [0, 1]}).with_columns(pl.lit(None, pl.Float64).alias("sps"))
    assert charts.trend_lines(frame, charts.SPS, ["@A"]) == ""
    # values, but no brand asked for: axes without lines or legend
    svg = charts.trend_lines(trends(["@A"], {"@A": [0, 1]}), charts.SPS, [])
    assert texts(svg)[0] == charts.SPS.title and not list(ET.fromstring(svg).iter(f"{SVG}g"))


def backlog(brands: list[str], hours: int) -> pl.DataFrame:
    """backlog.parquet's rows the chart reads: `open` 0, 1, 2, … per hour from 2017-10-31 22:00, the last the peak."""
    start = datetime(2017, 10, 31, 22, tzinfo=UTC)
    return pl.DataFrame(
        [
            {"brand": b, "hour": start + timedelta(hours=n), "open": n, "peak": n == hours - 1}
            for b in brands
            for n in range(hours)
        ],
        schema={"brand": pl.String, "hour": pl.Datetime("us", "UTC"), "open": pl.Int64, "peak": pl.Boolean},
    )


def test_the_backlog_chart_draws_each_brand_with_rows_names_them_as_text_and_repeats_its_bytes():
    frame = backlog(HOSTILE[:2], 5)
    svg = charts.backlog_lines(frame, [*HOSTILE[:2], "@quiet"])  # @quiet has no rows: no line, no legend entry
    shown = texts(svg)
    assert HOSTILE[0] in shown and HOSTILE[1] in shown and "@quiet" not in shown
    assert "<script" not in svg and "Mentions open by hour (UTC)" in shown
    assert {line_segments(svg, "backlog-0"), line_segments(svg, "backlog-1")} == {1}
    assert svg == charts.backlog_lines(frame, [*HOSTILE[:2], "@quiet"])
    assert charts.backlog_lines(frame, ["@quiet"]) == ""


def test_the_backlog_axis_names_hours_as_before_with_the_day_beside_it():
    # 2017-10-31 22:00 … 11-01 02:00 (4 hours, 5 % margins): every hour named, midnight by its day
    svg = charts.backlog_lines(backlog(["@A"], 5), ["@A"])
    assert [t for t in texts(svg) if re.fullmatch(r"\d{2}:\d{2}|[A-Z][a-z]{2}-\d{2}|\d{4}-.*", t)] == [
        "22:00",
        "23:00",
        "Nov-01",
        "01:00",
        "02:00",
        "2017-Nov-01",
    ]
    # open 0…4: the axis from 0 to just past 4, whole numbers only
    assert [t for t in texts(svg) if t.isdigit()] == ["0", "1", "2", "3", "4"]


def test_charts_are_static_shapes_and_text_only():
    """No script, link, style sheet, image or event handler, whatever the names: nothing to fetch or run."""
    frame = trends(HOSTILE, dict.fromkeys(HOSTILE, [0, 2, 3]))
    drawn = [charts.trend_lines(frame, m, HOSTILE) for m in charts.TRENDS]
    drawn.append(charts.backlog_lines(backlog(HOSTILE, 6), HOSTILE))
    for svg in drawn:
        elements = list(ET.fromstring(svg).iter())
        assert {e.tag.removeprefix(SVG) for e in elements} <= {"svg", "g", "path", "circle", "text"}
        attributes = {name for e in elements for name in e.attrib}
        assert not any(name.startswith("on") or "href" in name for name in attributes), attributes
        assert "url(" not in svg and "<script" not in svg


def test_charts_drawn_side_by_side_in_threads_give_the_bytes_drawn_one_by_one():
    frames = [trends(["@A", "@B"], {"@A": list(range(0, 28, k)), "@B": list(range(k, 28))}) for k in (1, 2, 3, 5)]
    jobs = [(frame, m) for frame in frames for m in charts.TRENDS] * 3
    alone = [charts.trend_lines(frame, m, ["@A", "@B"]) for frame, m in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda job: charts.trend_lines(job[0], job[1], ["@A", "@B"]), jobs))
    assert together == alone


def test_a_value_lands_where_its_axes_put_it():
    """The axes box runs x 62…572 (510 wide) and y 184 (bottom) … 28 (top; 156 high). A rate of 50 % on
    0…100 is half way up, 184 − 156 × 0.5 = 106; day 0 of 28 points (the axis from −0.5 to 27.5) is
    half a day's width in, 62 + 510 × 0.5 / 28 = 71.11; SPS −100 on −100…100 is the bottom, 184."""
    box = charts.AXES
    assert (box.y(50, 0, 100), box.y(0, 0, 100), box.y(100, 0, 100)) == (106, 184, 28)
    assert box.y(-100, -100, 100) == 184 and box.y(0, -100, 100) == 106
    assert box.x(0, -0.5, 27.5) == pytest.approx(71.107, abs=1e-3)
    assert box.x(13.5, -0.5, 27.5) == 317  # the middle: 62 + 510 / 2
    frame = trends(["@A"], {"@A": list(range(28))})  # day 0's rate 0.5, day 27's 0.77
    svg = charts.trend_lines(frame, charts.RESPONSE_RATE, ["@A"])
    dots = [(c.get("cx"), c.get("cy")) for c in ET.fromstring(svg).iter(f"{SVG}circle") if c.get("r") == "2.4"]
    # day 27: x 62 + 510 × 27.5 / 28 = 562.89, y 184 − 156 × 0.77 = 63.88
    assert len(dots) == 28 and dots[0] == ("71.1", "106.0") and dots[27] == ("562.9", "63.9")


def test_a_path_moves_at_each_gap_and_steps_level_then_up():
    """x on 0…3 spans 62…572 (170 a unit), y on 0…20 spans 184…28 (7.8 a unit): (0, 0) is at
    (62, 184); (2, 10) at (402, 106); (3, 20) at (572, 28). A step holds its level to the next x."""
    x, y = charts.Axis(0, 3, []), charts.Axis(0, 20, [])
    line = charts.Line("a", [(0, 0), (1, None), (2, 10), (3, 20)], [])
    assert charts.line_path(line, x, y) == "M 62.0 184.0 M 402.0 106.0 L 572.0 28.0"
    step = charts.Line("b", [(0, 0), (3, 20)], [], step=True)
    assert charts.line_path(step, x, y) == "M 62.0 184.0 H 572.0 V 28.0"


def test_a_legend_name_too_wide_for_its_column_is_squeezed_into_it():
    """A name "@A" is 11 + 7.7 = 18.7 wide, "til" 3 × 3.9 = 11.7, "Wé中" 11 + 6.6 + 11 = 28.6. Twenty-four
    W's (264) exceed the widest column's room for text (195 − 36 = 159): squeezed to 159; a name
    that fits is drawn as it is."""
    assert charts.text_width("@A") == pytest.approx(18.7)
    assert charts.text_width("til") == pytest.approx(11.7)
    assert charts.text_width("Wé中") == pytest.approx(28.6)
    wide = "W" * 24
    svg = charts.trend_lines(trends([wide, "@A"], {wide: [0], "@A": [0]}), charts.SPS, [wide, "@A"])
    names = {"".join(t.itertext()): t for t in ET.fromstring(svg).iter(f"{SVG}text")}
    assert names[wide].get("textLength") == "159" and names[wide].get("lengthAdjust") == "spacingAndGlyphs"
    assert names["@A"].get("textLength") is None


@pytest.mark.parametrize(
    ("lo", "hi", "integer", "ticks"),
    [
        (0, 100, False, [0, 20, 40, 60, 80, 100]),  # 100 / 7 = 14.3: the next round step is 20
        (-100, 100, False, [-100, -50, 0, 50, 100]),  # 200 / 7 = 28.6: 25 is short, 50
        (0, 2.1, False, [0, 0.5, 1, 1.5, 2]),  # 2.1 / 7 = 0.3: 0.5 (0.25 is short)
        (0, 6.3, True, [0, 1, 2, 3, 4, 5, 6]),  # 0.9 a step: whole numbers, 1
        (0, 1.05, True, [0, 1]),  # never 0.2 mentions
        (0, 47.25, True, [0, 10, 20, 30, 40]),  # 6.75: 10
    ],
)
def test_value_ticks_are_round_steps(lo, hi, integer, ticks):
    assert charts.nice_ticks(lo, hi, integer=integer) == pytest.approx(ticks)


def test_value_ticks_are_named_whole_from_ten_else_in_three_digits():
    assert [charts.value_label(v) for v in charts.nice_ticks(0, 2.1)] == ["0", "0.5", "1", "1.5", "2"]
    assert [charts.value_label(v) for v in (1500, -50, 0.3 * 3, 0.005)] == ["1,500", "-50", "0.9", "0.005"]


def test_the_hours_axis_steps_up_to_days_for_a_month():
    # 2017-10-30 12:00 … 12-02 00:00 (33.5 days): days every 4 (8.4 steps), never 29 beside next month's 1st
    ticks, names, offset = charts.hour_ticks(datetime(2017, 10, 30, 12, tzinfo=UTC), datetime(2017, 12, 2, tzinfo=UTC))
    assert names == ["Nov", "05", "09", "13", "17", "21", "25", "Dec"] and offset == "2017-Dec"
    assert ticks[0] == datetime(2017, 11, 1, tzinfo=UTC) and ticks[-1] == datetime(2017, 12, 1, tzinfo=UTC)
    # a day and a bit: every 3 hours
    _, names, offset = charts.hour_ticks(datetime(2017, 10, 31, 1, tzinfo=UTC), datetime(2017, 11, 1, 4, tzinfo=UTC))
    assert names == ["03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "Nov-01", "03:00"]
    assert offset == "2017-Nov-01"
