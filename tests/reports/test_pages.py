"""The pages' own rules: one duration format everywhere, a post's text decoded once then escaped,
the index latest first with days one line a week (a warned day marked in its cell), and a
downloaded page whose links work."""

from __future__ import annotations

import json
import re

import pytest

from tasks.reports import formats
from tasks.reports.fetch import download
from tasks.reports.index import publish_index
from tasks.reports.render import render
from tasks.storage.backends import open_storage


def test_one_duration_format_for_pages_and_index():
    """1,686.7 min = 101,202 s → 1,687 min = 28 h 07 min; 59.94 min rounds to 60 min = 1 h 00 min;
    under an hour one decimal of minutes: 740.4 s = 12.34 min → 12.3 min."""
    assert formats.duration(1686.7 * 60) == "28 h 07 min"
    assert formats.duration(59.94 * 60) == "1 h 00 min"
    assert formats.duration(740.4) == "12.3 min"
    assert formats.duration(None) == "–"


def test_a_posts_entities_are_decoded_once_then_escaped():
    """Twitter delivers "&amp;" for "&": the page shows "&" (written &amp; once in HTML), a raw "<b>"
    stays text, and a doubly encoded "&amp;amp;" is decoded once only (it reads "&amp;")."""
    row = {"severity": "major", "brand": "A&B", "category": "billing", "age_h": 2.0, "beyond_horizon": False}
    text = "fees &amp; charges &lt;3 <b>bold</b> &amp;amp;"
    page = render("sections/queue.html", queue=[row | {"text": text}])
    assert '<td class="text">fees &amp; charges &lt;3 &lt;b&gt;bold&lt;/b&gt; &amp;amp;</td>' in page
    assert "<td>A&amp;B</td>" in page  # a brand is a name, escaped as it is


def _manifest(kind: str, label: str, start: str, mentions: int, frt_min: float) -> bytes:
    headline = {
        "mentions": mentions,
        "response_rate_pct": 86.1,
        "frt_median_min": frt_min,
        "sla_attainment_pct": 40.0,
        "sps": -11.25,
    }
    period = {"kind": kind, "label": label}
    files = {"report.html": {"sha256": "0" * 64}, "metrics.csv": {"sha256": "0" * 64}}
    body = {"date": start, "status": "final", "period": period, "files": files, "headline": headline}
    return json.dumps(body).encode()


def test_the_index_reads_latest_first_then_months_weeks_and_days_one_line_a_week(tmp_path):
    """Days 2017-10-30 (Mon), 10-31 and 11-06 (the next Monday), 11-01 failed; week 2017-W44, month
    2017-10. Latest: 11-06, W44, 2017-10. Days: two lines (W45 first, then W44), seven cells each;
    10-31's median first response 1,686.7 min reads 28 h 07 min, as on its page."""
    store = open_storage(str(tmp_path))
    for day, mentions, frt in (("2017-10-30", 3, 5.5), ("2017-10-31", 1550, 1686.7), ("2017-11-06", 7, 61.0)):
        store.write(f"reports/daily/dt={day}/manifest.json", _manifest("daily", day, day, mentions, frt))
    warned = json.loads(store.read("reports/daily/dt=2017-10-30/manifest.json")) | {"data_warnings": ["few rows"]}
    store.write("reports/daily/dt=2017-10-30/manifest.json", json.dumps(warned).encode())
    store.write("reports/weekly/week=2017-W44/manifest.json", _manifest("weekly", "2017-W44", "2017-10-30", 1560, 30))
    store.write("reports/monthly/month=2017-10/manifest.json", _manifest("monthly", "2017-10", "2017-10-01", 1560, 30))
    store.write("reports/daily/dt=2017-11-01/FAILED.json", b'{"date": "2017-11-01", "reasons": ["schema <drift>"]}')

    assert publish_index(store) == []
    page = store.read("reports/index.html").decode()

    sections = [m for m in re.findall(r"<h2>([^<]+)</h2>", page)]
    assert sections == ["Latest", "Months", "Weeks", "Days", "Days not published (validation)"]
    latest = page.split('id="latest"')[1].split("</table>")[0]
    assert re.findall(r'href="([^"]+)report.html">', latest) == [
        "daily/dt=2017-11-06/",
        "weekly/week=2017-W44/",
        "monthly/month=2017-10/",
    ]
    days = page.split('id="days"')[1].split("</table>")[0]
    lines = days.split("<tbody>")[1].split("</tr>")[:-1]
    assert [re.search(r"20\d\d-W\d\d", line).group(0) for line in lines] == ["2017-W45", "2017-W44"]
    assert all(line.count('<td class="day') == 7 for line in lines)
    assert '<a href="daily/dt=2017-10-31/report.html" aria-label="2017-10-31"' in days
    assert "median first response 28 h 07 min" in days and "1,550" in days
    assert days.count('<span class="warning" title="few rows">data warning</span>') == 1  # 10-30's, in its cell
    assert 'class="day failed" title="2017-11-01 not published: schema &lt;drift&gt;"' in days
    assert page.count('href="daily/') == 3 + 1  # one link a day (calendar), the newest also under Latest
    assert '<td class="n">1 h 01 min</td>' in latest  # 11-06's 61.0 min, the newest day
    assert "1,686.7" not in page


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("fmt", ["all", "html"])
def test_a_downloaded_report_links_only_what_travels_with_it(published_sample, tmp_path, fmt):
    """`download --format all` (or `html`): every link of report.html opens a file of the download,
    the archive's Data Docs page among them (checksummed as the rest); the Data quality table holds
    validation.json's counts inline."""
    folder = "reports/daily/dt=2017-10-31/"
    got = download(published_sample, folder, fmt, tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in got}
    page = (tmp_path / "report.html").read_text()
    hrefs = re.findall(r'<a href="([^"]+)"', page)
    (docs,) = [h for h in hrefs if h.startswith("data_docs/")]  # one archive behind the day: one page
    assert docs in names and "<h1>Data Docs</h1>" in (tmp_path / docs).read_text()
    assert not [h for h in hrefs if h.startswith(("../", "/", "http:", "https:", "file:"))]
    if fmt == "all":
        # the day's 16 files less the page and its manifest, and its Data Docs page
        assert set(hrefs) == names - {"report.html", "manifest.json"} and len(hrefs) == 15
        manifest = json.loads((tmp_path / "manifest.json").read_text())
        assert set(manifest["files"]) == names - {"manifest.json"}  # the Data Docs copy vouched for as the rest
        assert all((tmp_path / h).is_file() for h in hrefs)  # every link resolves in the download
        validation = json.loads((tmp_path / "validation.json").read_text())
        (source,) = validation["sources"]
        assert f"<tr><td>{source['key']}</td><td>{source['rows_read']}</td><td>{source['rows_accepted']}</td>" in page
    else:  # the page and its Data Docs (its tables, linked too, come with --format all)
        assert names == {"report.html", docs}
