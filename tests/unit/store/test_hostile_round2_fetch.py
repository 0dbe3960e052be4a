"""Issue 29, D9: a brand whose handle starts like a formula is cut alike in every format."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import polars as pl
import pytest

from tasks.reports.fetch import UnknownBrand, download
from tasks.reports.files import to_csv
from tasks.reports.publish import publish_report
from tasks.storage import layout
from tasks.storage.backends import open_storage

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
