"""Issue 29, D9: a brand whose handle starts like a formula is cut alike in every format."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import polars as pl
import pytest

from tasks.render.files import to_csv
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.fetch import UnknownBrand, download
from tasks.store.publish import publish_report

DAY = date(2017, 11, 1)


def _publish(store, brands: list[str]) -> str:
    """A day whose metrics and sps tables hold one row per brand (inbound 3, 4, 5 …), as the pipeline
    writes them: parquet as the data is, CSV through to_csv (formula-like cells defused)."""
    metrics = pl.DataFrame({"brand": brands, "inbound": [3 + i for i in range(len(brands))]})
    sps = pl.DataFrame({"brand": brands, "sps": [10.0 * (i + 1) for i in range(len(brands))]})
    files = {"metrics.csv": to_csv(metrics), "sps.csv": to_csv(sps), "report.html": b"<p>every brand</p>"}
    tables = {"metrics": metrics, "sps": sps, "platforms": metrics, "hours": sps}  # each cut by its brand column
    for name, frame in ((f"{table}.parquet", frame) for table, frame in tables.items()):
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        files[name] = buffer.getvalue()
    folder = layout.report_folder(DAY)
    publish_report(store, folder, files, {"date": DAY.isoformat(), "status": "final"}, latest_day=DAY)
    return folder


@pytest.mark.parametrize("handle", ["=AcmeHelp", "+AcmeHelp", "-AcmeHelp", "@AcmeHelp"])
@pytest.mark.parametrize("fmt", ["all", "parquet", "csv"])
def test_d9_a_formula_like_handle_is_accepted_and_cut_alike_in_every_format(tmp_path, handle, fmt):
    store = open_storage(str(tmp_path / "store"))
    folder = _publish(store, [handle, "OtherCo"])
    to = tmp_path / "to"
    written = {p.name: p.read_bytes() for p in download(store, folder, fmt, to, brand=handle)}
    for name, data in written.items():
        if name.endswith(".parquet"):
            # the real handle's one row (of two)
            assert pl.read_parquet(io.BytesIO(data))["brand"].to_list() == [handle]
        elif name.endswith(".csv"):
            # the CSV keeps its defused spelling (a quote before the formula character), one row
            assert pl.read_csv(io.BytesIO(data), infer_schema=False)["brand"].to_list() == [f"'{handle}"]
    if fmt == "all":
        manifest = json.loads(written[layout.MANIFEST])
        assert manifest["brand"] == handle
        for name, entry in manifest["files"].items():
            assert hashlib.sha256(written[name]).hexdigest() == entry["sha256"]


def test_d9_the_defused_spelling_is_not_a_brand_and_the_hint_names_the_real_one(tmp_path):
    store = open_storage(str(tmp_path / "store"))
    folder = _publish(store, ["=AcmeHelp", "OtherCo"])
    for fmt in ("csv", "parquet"):
        with pytest.raises(UnknownBrand) as refused:
            download(store, folder, fmt, tmp_path / fmt, brand="'=AcmeHelp")
        assert str(refused.value).endswith("did you mean =AcmeHelp?")
        assert not (tmp_path / fmt).exists()  # nothing written


def _published(store, day: date, files: dict[str, bytes]) -> str:
    from tasks.store.publish import publish_report

    publish_report(
        store, layout.report_folder(day), files, {"date": day.isoformat(), "status": "final"}, latest_day=day
    )
    return layout.report_folder(day)


@pytest.mark.parametrize("name", ["../../evil.sh", "/tmp/evil.sh", "sub/evil.sh", "..", "evil.sh"])
def test_download_refuses_a_manifest_naming_any_other_file(tmp_path, name):
    import hashlib

    from tasks.store.fetch import UnsafeManifest, download

    store = open_storage(str(tmp_path / "store"))
    folder = _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n"})
    manifest = json.loads(store.read(folder + layout.MANIFEST))
    manifest["files"][name] = {"sha256": hashlib.sha256(b"#!/bin/sh\n").hexdigest(), "bytes": 10}
    store.write(folder + layout.MANIFEST, json.dumps(manifest).encode())
    to = tmp_path / "a" / "b" / "to"
    with pytest.raises(UnsafeManifest, match="names files no report holds"):
        download(store, folder, "all", to)
    assert not (tmp_path / "a").exists()  # nothing written anywhere, not even the folder


def test_download_writes_nothing_when_one_checksum_fails(tmp_path):
    from tasks.store.fetch import ChecksumMismatch, download

    store = open_storage(str(tmp_path / "store"))
    folder = _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n", "report.html": b"<p>x</p>"})
    store.write(folder + "report.html", b"<p>tampered</p>")
    with pytest.raises(ChecksumMismatch, match="report.html"):
        download(store, folder, "all", tmp_path / "to")
    assert not (tmp_path / "to").exists()


def test_latest_is_withdrawn_while_its_report_is_republished_and_readers_fall_back(tmp_path):
    from tasks.store.fetch import resolve_folder

    store = open_storage(str(tmp_path))
    older = _published(store, date(2017, 10, 31), {"metrics.csv": b"brand\nA\n"})
    newest = _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n"})
    assert resolve_folder(store, None) == newest

    class DiesOnTheFirstFile:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def write(self, key, data):
            if key.endswith("metrics.csv"):
                raise OSError("killed")
            self.inner.write(key, data)

    from tasks.store.publish import publish_report

    with pytest.raises(OSError, match="killed"):
        publish_report(
            DiesOnTheFirstFile(store), newest, {"metrics.csv": b"brand\nB\n"}, {}, latest_day=date(2017, 11, 1)
        )
    assert not store.exists(layout.LATEST)
    assert resolve_folder(store, None) == older  # --latest still answers, with the newest complete report


def test_a_brand_download_holds_only_its_tables_and_a_manifest_that_vouches_for_them(tmp_path):
    import hashlib

    import polars as pl

    from tasks.store.fetch import download

    store = open_storage(str(tmp_path / "store"))
    table = pl.DataFrame({"brand": ["AcmeHelp", "OtherCo"], "inbound": [3, 4]})
    buffer = io.BytesIO()
    table.write_parquet(buffer)
    folder = _published(
        store,
        date(2017, 11, 1),
        {
            "metrics.parquet": buffer.getvalue(),
            "metrics.csv": b"brand,inbound\nAcmeHelp,3\nOtherCo,4\n",
            "report.html": b"<p>every brand</p>",
        },
    )
    written = download(store, folder, "all", tmp_path / "to", brand="AcmeHelp")
    assert sorted(p.name for p in written) == ["manifest.json", "metrics.csv", "metrics.parquet"]
    manifest = json.loads((tmp_path / "to" / layout.MANIFEST).read_bytes())
    assert manifest["brand"] == "AcmeHelp"
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((tmp_path / "to" / name).read_bytes()).hexdigest() == entry["sha256"]
    assert (tmp_path / "to" / "metrics.csv").read_text() == "brand,inbound\nAcmeHelp,3\n"
