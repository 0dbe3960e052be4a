"""A downloaded report links only what travels with it (a published month)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tasks.store.fetch import download


@pytest.mark.usefixtures("prefect_harness")
def test_a_downloaded_report_links_only_what_travels_with_it(published_sample, tmp_path):
    """`download --format all`: every link of report.html that is not to storage's Data Docs opens a
    file of the download; the Data quality table holds validation.json's counts inline."""
    folder = "reports/daily/dt=2017-10-31/"
    got = download(published_sample, folder, "all", tmp_path)
    names = {p.name for p in got}
    page = (tmp_path / "report.html").read_text()
    hrefs = re.findall(r'<a href="([^"]+)"', page)
    local = [h for h in hrefs if not h.startswith("../../data_docs/")]
    # 14: the day's 16 files (agents.parquet and backlog.parquet the newest) less the page and its manifest
    assert set(local) == names - {"report.html", "manifest.json"} and len(local) == 14
    assert all((tmp_path / h).is_file() for h in local)
    assert all(Path(h).name.endswith(".html") for h in hrefs if h not in local)
    validation = json.loads((tmp_path / "validation.json").read_text())
    (source,) = validation["sources"]
    assert f"<tr><td>{source['key']}</td><td>{source['rows_read']}</td><td>{source['rows_accepted']}</td>" in page
    assert "Data Docs pages stay in storage, under reports/data_docs/" in page
