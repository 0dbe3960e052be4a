"""A downloaded report links only what travels with it (a published month)."""

from __future__ import annotations

import json
import re

import pytest

from tasks.store.fetch import download


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
