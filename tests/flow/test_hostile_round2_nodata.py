"""Issue 29, D11: one rule for "no rows arrived", whatever the archive's format.

An archive object that holds no record (a header-only CSV, blank or 0-byte JSON lines) is a
failed export: the nightly exits 1 naming it and its rule, and publishes nothing for the day.
Only a day with no archive object at all is "no data" (exit 4, or --allow-empty: pinned in
tests/flows/test_contract_flows.py). Other empty forms (blank lines, a 0-row Parquet) are pinned
at the ingest in tests/ingest/test_hostile_round2_ingest.py.
"""

from __future__ import annotations

import pytest

from tasks.storage.backends import open_storage
from tests.archives import DAY, TWCS_HEADER
from tests.flows.test_hostile import _sps


@pytest.mark.flow
@pytest.mark.parametrize(
    ("name", "data"),
    [("a.csv", TWCS_HEADER.encode()), ("a.jsonl", b"")],
    ids=["header-only CSV", "0-byte JSONL"],
)
def test_d11_a_nightly_whose_only_archive_holds_no_rows_exits_1_naming_it(tmp_path, name, data):
    store = open_storage(str(tmp_path / "store"))
    key = f"archives/twitter/dt={DAY}/{name}"
    store.write(key, data)
    run = _sps("run", "--date", DAY, "--storage", store.url, home=tmp_path / "home")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    assert f"{key}: file_not_empty" in " ".join(output.split())
    assert not store.exists(f"reports/daily/dt={DAY}/manifest.json")
