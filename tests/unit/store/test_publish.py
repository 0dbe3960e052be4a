"""Publishing order, idempotence, and what a crash mid-publish leaves behind."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from tasks.render.columns import Column, for_people
from tasks.render.files import brand_order, defuse_csv_cells, people_csv, to_csv
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.publish import publish_report, read_manifest

DAY = date(2017, 10, 31)
FOLDER = layout.report_folder(DAY)
FILES = {"metrics.csv": b"a,b\n1,2\n", "report.html": b"<html></html>"}


class FailingOnWrite:
    """Real local storage whose n-th write raises, as a dying process would."""

    def __init__(self, inner, fail_at: int):
        self.inner, self.fail_at, self.writes = inner, fail_at, 0
        self.url = inner.url

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def write(self, key, data):
        self.writes += 1
        if self.writes == self.fail_at:
            raise OSError("disk full")
        self.inner.write(key, data)


def test_manifest_lists_every_file_and_latest_points_at_it(tmp_path):
    store = open_storage(str(tmp_path))
    assert publish_report(store, FOLDER, FILES, {"run_id": "r1"}, latest_day=DAY) == "published"
    manifest = read_manifest(store, FOLDER)
    assert manifest["run_id"] == "r1"
    assert sorted(manifest["files"]) == ["metrics.csv", "report.html"]
    # sha256 of b"a,b\n1,2\n", computed with `printf 'a,b\n1,2\n' | sha256sum`
    assert manifest["files"]["metrics.csv"] == {
        "sha256": "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470",
        "bytes": 8,
    }
    latest = json.loads(store.read(layout.LATEST))
    assert latest == {
        "date": "2017-10-31",
        "path": "reports/daily/dt=2017-10-31/",
        "manifest": "reports/daily/dt=2017-10-31/manifest.json",
    }


def test_same_files_again_is_a_no_op(tmp_path):
    store = open_storage(str(tmp_path))
    publish_report(store, FOLDER, FILES, {"run_id": "r1"}, latest_day=DAY)
    assert publish_report(store, FOLDER, FILES, {"run_id": "r2"}, latest_day=DAY) == "unchanged"
    assert read_manifest(store, FOLDER)["run_id"] == "r1"


def test_latest_never_moves_backwards(tmp_path):
    store = open_storage(str(tmp_path))
    publish_report(store, layout.report_folder(date(2017, 11, 1)), FILES, {}, latest_day=date(2017, 11, 1))
    publish_report(store, FOLDER, FILES, {}, latest_day=DAY)
    assert json.loads(store.read(layout.LATEST))["date"] == "2017-11-01"


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_crash_mid_publish_leaves_no_complete_looking_report(tmp_path, fail_at):
    store = open_storage(str(tmp_path))
    publish_report(store, FOLDER, FILES, {"run_id": "old"}, latest_day=DAY)
    latest_before = store.read(layout.LATEST)
    changed = {"metrics.csv": b"a,b\n3,4\n", "report.html": b"<html>new</html>"}
    with pytest.raises(OSError, match="disk full"):
        # writes: 1 metrics.csv, 2 report.html, 3 manifest.json
        publish_report(FailingOnWrite(store, fail_at), FOLDER, changed, {"run_id": "new"}, latest_day=DAY)
    assert read_manifest(store, FOLDER) is None  # the old manifest no longer vouches for mixed files
    assert not store.exists(layout.LATEST)  # never a pointer to a folder without a manifest
    assert publish_report(store, FOLDER, changed, {"run_id": "retry"}, latest_day=DAY) == "published"
    assert read_manifest(store, FOLDER)["run_id"] == "retry"
    assert store.read(layout.LATEST) == latest_before  # back once the folder is complete again


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    frame = pl.DataFrame(
        {
            "brand": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "AcmeHelp"],
            "n": [1, 2, 3, 4, 5, 6, -7],
        }
    )
    assert defuse_csv_cells(frame)["brand"].to_list() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
        "AcmeHelp",
    ]
    assert to_csv(frame).endswith(b"AcmeHelp,-7\n")  # numbers stay numbers


def test_spreadsheet_csv_has_minutes_percentages_and_the_page_order():
    """7926 s = 132.1 min; 0.615 = 61.5 %; 1/3 = 33.3 %; brands busiest first, ties by name (A 9, B 5, C 5)."""
    columns = [
        Column("brand", pl.String(), "", "b"),
        Column("inbound", pl.Int64(), "mentions", "i"),
        Column("frt_median_s", pl.Float64(), "seconds", "f"),
        Column("response_rate", pl.Float64(), "share 0–1", "r"),
        Column("sps", pl.Float64(), "points −100…100", "s"),
    ]
    table = pl.DataFrame(
        {
            "brand": ["C", "B", "A"],
            "inbound": [5, 5, 9],
            "frt_median_s": [None, 7926.0, 90.0],
            "response_rate": [0.0, 0.615, 1 / 3],
            "sps": [None, 12.345, -50.0],
        }
    )
    assert people_csv(table, columns, brand_order(table)).decode() == (
        "brand,inbound,frt_median_min,response_rate_pct,sps\nA,9,1.5,33.3,-50.0\nB,5,132.1,61.5,12.3\nC,5,,0.0,\n"
    )
    assert [for_people(c).unit for c in columns] == ["", "mentions", "minutes", "percent", "points −100…100"]
