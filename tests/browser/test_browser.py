"""Reports opened in a real browser: Debian's Chromium, headless, no network.

Screenshots go to $SPS_SCREENSHOT_DIR when set (else the test's tmp folder),
so a person can look at what a manager would see.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from tasks.render import formats

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.usefixtures("prefect_harness"),
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium); .ci/run installs it"
    ),
]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def _open(browser, path: Path, width: int, height: int, shot: Path):
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.route("http*://**", lambda route: (problems.append(f"network: {route.request.url}"), route.abort()))
    page.goto(path.as_uri())
    page.screenshot(path=str(shot), full_page=False)
    return page, problems


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SPS_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cut_texts(page) -> list[str]:
    """Texts of the page's charts that stick out of their chart's box (a browser clips them there)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(t => {
                const r = t.getBoundingClientRect();
                return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                    || r.top < box.top - 1 || r.bottom > box.bottom + 1);
            }).map(t => t.textContent);
        })"""
    )


def _overlapping_texts(page) -> list[list[str]]:
    """Pairs of texts of one chart whose boxes overlap (by more than a pixel each way), by chart."""
    return page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
            const boxes = [...svg.querySelectorAll('text')]
                .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([_, r]) => r.width > 0);
            return boxes.flatMap(([a, r], i) => boxes.slice(i + 1)
                .filter(([_, q]) => Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1
                    && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1)
                .map(([b]) => [svg.getAttribute('aria-label'), a, b]));
        })"""
    )


def _plot_sizes(page) -> set[tuple[int, int]]:
    """The on-screen sizes of the page's line plots (the trends and the backlog)."""
    return {
        tuple(size)
        for size in page.evaluate(
            """() => [...document.querySelectorAll('svg.chart[data-chart="lines"]')]
                .map(s => s.getBoundingClientRect()).map(r => [Math.round(r.width), Math.round(r.height)])"""
        )
    }


@pytest.mark.parametrize(
    "report",
    [
        "daily/dt=2017-10-31",  # the busiest day: 66 brands
        "daily/dt=2017-10-02",  # one mention, answered: a bar at 100 % beside the reference lines
        "weekly/week=2017-W44",
        "monthly/month=2017-10",
    ],
)
def test_charts_of_a_kind_are_one_size_and_no_label_overlaps_another(browser, published_sample, tmp_path, report):
    path = Path(published_sample.url) / "reports" / report / "report.html"
    page, problems = _open(browser, path, 1280, 900, _shots(tmp_path) / f"{report.replace('/', '-')}-charts.png")
    plots = page.locator("svg.chart[data-chart='lines']").count()
    assert plots >= 3  # the backlog and the trends (a one-mention day has no readable SPS: no SPS trend)
    assert len(_plot_sizes(page)) == 1  # the backlog drawn as large as each trend chart, not twice as wide
    assert _overlapping_texts(page) == []
    assert _cut_texts(page) == []
    assert problems == []


def test_daily_report_renders_offline_on_laptop_and_phone(browser, published_sample, tmp_path):
    report = Path(published_sample.url) / "reports/daily/dt=2017-10-31/report.html"
    shots = _shots(tmp_path)
    page, problems = _open(browser, report, 1280, 1500, shots / "daily-2017-10-31-laptop.png")
    assert page.title() == "Customer care report 2017-10-31"
    assert page.locator("h1").inner_text().startswith("Customer care report — 2017-10-31")
    assert page.locator("svg.chart").count() == 7  # rates, distribution, heatmap, backlog + 3 trend charts
    assert page.get_by_text("Last 28 days, busiest brands").count() == 1
    summary = json.loads(published_sample.read("reports/daily/dt=2017-10-31/summary.json"))
    assert page.locator("#brands tbody tr").count() == len(summary["brands"]) == 66  # one row per brand
    assert page.locator("#top-brands tbody tr").count() == 66
    tiles = page.locator("#headline .tile")
    assert tiles.count() == 5
    assert tiles.first.bounding_box()["y"] + tiles.first.bounding_box()["height"] < 900  # the headline is on screen
    metrics = pl.read_parquet(io.BytesIO(published_sample.read("reports/daily/dt=2017-10-31/metrics.parquet")))
    inbound, responded, met = (int(metrics[c].sum()) for c in ("inbound", "responded", "sla_met"))
    values = tiles.locator(".value").all_inner_texts()
    assert values[0] == f"{inbound:,}"
    assert values[1] == f"{100 * responded / inbound:.1f}%" and values[3] == f"{100 * met / inbound:.1f}%"
    lines = page.locator("svg.chart g[id^='response_rate-'] path")
    colours = {lines.nth(i).evaluate("p => getComputedStyle(p).stroke") for i in range(lines.count())}
    assert len(colours) == 6  # six brands, six colours the page's CSS does not grey out
    assert _cut_texts(page) == []  # every label (a bar's "100%", a legend entry) inside its chart
    assert page.locator("#urgent tbody tr").count() == len(summary["urgent_unanswered"]) > 0
    assert page.get_by_text("Data quality").count() == 1
    assert page.get_by_text("Maritz Research").count() == 1 and page.get_by_text("Sprout Social Index").count() == 1
    assert problems == []

    phone, problems = _open(browser, report, 390, 844, shots / "daily-2017-10-31-phone.png")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # the wide table scrolls inside its box, the page does not
    assert problems == []


def test_index_renders_and_links_resolve(browser, published_sample, tmp_path):
    """Latest first, then months, weeks and the days one line a week: the 49 days with a page fit a screen's
    height or two (the list of 55 daily rows was 5,136 px), and every number reads as on its page."""
    index = Path(published_sample.url) / "reports/index.html"
    page, problems = _open(browser, index, 1280, 900, _shots(tmp_path) / "index.png")
    assert page.locator("h2").all_inner_texts()[:4] == ["Latest", "Months", "Weeks", "Days"]
    assert page.locator("#latest tbody tr").count() == 3  # the newest day, week and month
    assert page.locator("#months tbody tr").count() == 3 and page.locator("#weeks tbody tr").count() == 9
    assert page.locator("#days tbody tr").count() == 9  # W40 … W48, one line a week
    assert page.locator("#days td.day a").count() == 49  # every published day, one link each
    assert page.evaluate("document.documentElement.scrollHeight") < 2600
    assert page.locator("a[href*='data_docs/']").count() == 0  # a report's Data Docs copies are linked from its page
    assert page.get_by_role("link", name="2017-W44", exact=True).count() == 2  # its Weeks row, its calendar line
    assert page.get_by_role("link", name="2017-10", exact=True).count() == 1
    day = page.get_by_role("link", name="2017-10-31", exact=True)
    head = json.loads(published_sample.read("reports/daily/dt=2017-10-31/summary.json"))["headline"]
    assert day.count() == 1 and f"{head['mentions']:,} mentions" in day.get_attribute("title")
    assert formats.duration(head["frt_median_min"] * 60) in day.get_attribute("title")
    target = day.get_attribute("href")
    assert (index.parent / target).exists()
    daily = _open(browser, index.parent / target, 1280, 900, _shots(tmp_path) / "daily-from-index.png")[0]
    tile = daily.locator("#headline .tile").nth(2).locator(".value").inner_text()
    assert tile in day.get_attribute("title")  # the page's median first response, as the index says it
    week = page.locator("#weeks tr", has=page.get_by_role("link", name="2017-W44", exact=True))
    weekly = json.loads(published_sample.read("reports/weekly/week=2017-W44/summary.json"))["headline"]
    assert week.locator("td.n").all_inner_texts() == [
        f"{weekly['mentions']:,}",
        f"{weekly['response_rate_pct']:.1f}%",
        formats.duration(weekly["frt_median_min"] * 60),
        f"{weekly['sla_attainment_pct']:.1f}%",
        f"{weekly['sps']:+.0f}" if weekly["sps"] is not None else "–",
    ]
    assert problems == []


def test_monthly_report_shows_trends(browser, published_sample, tmp_path):
    report = Path(published_sample.url) / "reports/monthly/month=2017-10/report.html"
    page, problems = _open(browser, report, 1280, 1900, _shots(tmp_path) / "monthly-2017-10-laptop.png")
    assert page.title() == "Monthly Customer care report 2017-10"
    assert "2017-10-01 to 2017-10-31" in page.locator("p.note", has_text="Inbound customer mentions").inner_text()
    assert page.locator("#headline .tile").count() == 5
    assert page.locator("svg.chart").count() == 7  # 4 as on a daily page (backlog among them) + 3 trend charts
    assert page.get_by_text("Last 12 months, busiest brands").count() == 1  # month by month
    ticks = page.locator("svg.chart[aria-label='Response rate (%)'] text").all_text_contents()
    # one point a month, from the busiest brands' first month with mentions: September's are thread roots
    # the export holds from before its October (no day page: outside the backfill's range)
    assert [t for t in ticks if re.fullmatch(r"\d{4}-\d{2}", t)] == ["2017-09", "2017-10"]
    assert _cut_texts(page) == []
    assert problems == []
