"""Names inside a report folder that its page links to: the copies of its archives' Data Docs pages.

A page names its Data Docs copies relative to itself, so the same name must be chosen where the copy
is written (tasks/jobs/period_report.py), where the page links it (the template's `docs_copy` filter)
and where a download decides what it may fetch (tasks/store/layout.py, `is_report_file`).
"""

from __future__ import annotations

import re

#: A report's copy of the Data Docs page of an archive behind it (`docs_copy`): it travels with
#: the page in a download, so the page's link to it works in storage and in the download alike.
DOCS_COPY = re.compile(r"data_docs/[A-Za-z0-9._-]+-[0-9a-f]{12}\.html")


def docs_copy(data_docs_key: str) -> str:
    """The name in a report folder of the copy of a Data Docs page (`data_docs(slug)`)."""
    return "data_docs/" + data_docs_key.rsplit("/", 1)[-1]
