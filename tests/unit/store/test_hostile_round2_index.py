"""reports/index.html is rewritten at the end of every run: a malformed manifest.json or FAILED.json
leaves its own report out, named in the run's warnings, and never breaks the page (a traceback
ended the run before)."""

from __future__ import annotations

import json

from flows.summary import Published, summarise
from tasks.model.records import IngestRecord
from tasks.store.backends import open_storage
from tasks.store.index import publish_index


def _manifest(day: str, mentions: object) -> bytes:
    return json.dumps(
        {
            "date": day,
            "status": "final",
            "files": {"report.html": {"sha256": "0" * 64}},
            "headline": {"mentions": mentions},
        }
    ).encode()


def test_a_malformed_manifest_or_marker_is_left_out_of_the_index_by_name(tmp_path):
    """Three reports and a marker: 10-30 is whole; 10-31's manifest is not JSON; 11-01's period is
    a string where a mapping belongs; 11-02's FAILED.json is cut short. The page lists 10-30 (3
    mentions) and 11-03's headline 'many' (not a number) as –; three warnings, one per bad file."""
    store = open_storage(str(tmp_path))
    store.write("reports/daily/dt=2017-10-30/manifest.json", _manifest("2017-10-30", 3))
    store.write("reports/daily/dt=2017-10-31/manifest.json", b'{"date": "2017-10-31", "status":')
    bad_period = json.loads(_manifest("2017-11-01", 1)) | {"period": "2017-11-01"}
    store.write("reports/daily/dt=2017-11-01/manifest.json", json.dumps(bad_period).encode())
    store.write("reports/daily/dt=2017-11-02/FAILED.json", b'{"date": "2017-11-02", "reas')
    store.write("reports/daily/dt=2017-11-03/manifest.json", _manifest("2017-11-03", "many"))

    skipped = publish_index(store)

    assert [w.split(" ", 1)[0] for w in skipped] == [
        "reports/daily/dt=2017-10-31/manifest.json",
        "reports/daily/dt=2017-11-01/manifest.json",
        "reports/daily/dt=2017-11-02/FAILED.json",
    ]
    page = store.read("reports/index.html").decode()
    assert 'href="daily/dt=2017-10-30/report.html" aria-label="2017-10-30" title="2017-10-30: 3 mentions' in page
    assert 'href="daily/dt=2017-11-03/report.html">2017-11-03<' in page  # the newest, under Latest
    assert '<td class="n">–</td>' in page and "many" not in page
    assert "2017-10-31" not in page and "2017-11-01" not in page


def test_an_archive_sharing_mentions_is_a_warning_of_the_run_summary():
    """b (ingested by this run) shares mentions with a; c shares too but was found done (skipped):
    only b's conflict is this run's news."""
    b = IngestRecord("archives/twitter/dt=2017-11-05/b.jsonl", "e", 1, "f", "2017-11-05")
    b.shared_with = ["archives/twitter/dt=2017-10-30/a.jsonl"]
    c = IngestRecord("archives/twitter/dt=2017-11-06/c.jsonl", "e", 1, "f", "2017-11-06", skipped=True)
    c.shared_with = ["archives/twitter/dt=2017-10-30/a.jsonl"]
    (warning,) = summarise([b, c], Published(), [])["warnings"]
    assert warning.startswith(f"{b.key} holds mentions also in archives/twitter/dt=2017-10-30/a.jsonl:")
