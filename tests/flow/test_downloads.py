"""What downloads accept, against a published sample: exactly the files a report publishes."""

from __future__ import annotations

import json
from datetime import date

from tasks.store import layout


def test_the_names_downloads_accept_are_exactly_the_files_a_report_publishes(published_sample):
    manifest = json.loads(published_sample.read(layout.report_folder(date(2017, 10, 31)) + layout.MANIFEST))
    assert set(manifest["files"]) == layout.REPORT_FILES
