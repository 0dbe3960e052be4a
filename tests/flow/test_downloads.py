"""What downloads accept, against a published sample: exactly the files a report publishes."""

from __future__ import annotations

import json
from datetime import date

from tasks.store import layout


def test_the_names_downloads_accept_are_exactly_the_files_a_report_publishes(published_sample):
    manifest = json.loads(published_sample.read(layout.report_folder(date(2017, 10, 31)) + layout.MANIFEST))
    docs = {n for n in manifest["files"] if n.startswith("data_docs/")}
    assert set(manifest["files"]) - docs == layout.REPORT_FILES
    assert len(docs) == 1 and all(layout.is_report_file(n) for n in docs)  # the sample archive's Data Docs page
    for unsafe in ("data_docs/../x.html", "data_docs/x.html", "data_docs/a/b-0123456789ab.html", "../report.html"):
        assert not layout.is_report_file(unsafe)
