"""How a run ends when its input or its storage is hostile (issues 18 and 29, hostile corpus): every
test here failed before its fix. Flows run in-process, or `sps` as a process, with real parts (a
folder on disk, a tmpfs that fills, moto's S3 on 127.0.0.1 behind a faulty proxy).
"""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.warehouse import load_window
from tests.archives import ACME, DAY, TWCS_HEADER, jsonl

# 9. The first archive listing is retried (a dropped or cut connection is transient:
# tests/server/store/test_storage.py).


@pytest.mark.usefixtures("prefect_harness")
def test_the_first_archive_listing_of_a_flow_is_retried(s3_bucket, s3_endpoint, monkeypatch):
    from flows.pipeline import backfill
    from tests.faulty_proxy import FaultyProxy

    url = f"s3://{s3_bucket}/sps"
    open_storage(url).write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl(**ACME))
    with FaultyProxy(s3_endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        proxy.fail("GET", f"/{s3_bucket}", times=2, how="drop")  # list_objects_v2: GET /bucket?list-type=2
        summary = backfill(date(2017, 11, 1), date(2017, 11, 1), storage=url)
    assert summary["published"] == ["2017-11-01"]
    assert proxy.count("GET", f"/{s3_bucket}") >= 3  # two dropped, then the listing went through


# 6 and 11. Every object under archives/ is ingested or reported; a bad key takes nothing else down.

_MISPLACED = [
    "archives/twitter/dt=2017-02-30/a.jsonl",
    "archives/twitter/dt=notadate/a.jsonl",
    "archives/x.jsonl",
    "archives/twitter/y.jsonl",
    "archives/dt=2017-11-01/y.jsonl",
]


@pytest.mark.usefixtures("prefect_harness")
def test_misplaced_objects_are_reported_quarantined_and_the_rest_publishes(tmp_path):
    from flows.pipeline import PipelineFailed, backfill, nightly
    from tasks.store.ledger import read_misplaced

    store = open_storage(str(tmp_path))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl(**ACME))
    store.write(f"archives/twitter/dt={DAY}/..jsonl", jsonl(good=40, **ACME))  # an odd name, but a real archive
    store.write(f"archives/twitter/dt={DAY}/_SUCCESS", b"")  # a marker: not an archive
    for key in _MISPLACED:
        store.write(key, jsonl())
    for run in (
        lambda: backfill(date(2017, 11, 1), date(2017, 11, 1), storage=store.url),
        lambda: nightly(day=date(2017, 11, 1), storage=store.url),
    ):
        with pytest.raises(PipelineFailed) as failure:
            run()
        for key in _MISPLACED:
            assert f"\n{key}: file_location_known: " in str(failure.value)
        assert "dt=2017-02-30 is not a calendar date" in str(failure.value)
        assert store.exists(layout.report_folder(date(2017, 11, 1)) + layout.MANIFEST)
    assert sorted(r.key for r in read_misplaced(store)) == sorted(_MISPLACED)
    assert len(store.keys("quarantine/misplaced/")) == len(_MISPLACED)
    assert (
        load_window(store, date(2017, 11, 1), date(2017, 11, 1)).height == 40
    )  # a.jsonl's 30 ids are among ..jsonl's 40

    for key in _MISPLACED:
        store.delete(key)
    backfill(date(2017, 11, 1), date(2017, 11, 1), storage=store.url)  # clean again: no failure
    assert read_misplaced(store) == [] and store.keys("quarantine/misplaced/") == []


# 9 and 11. What a person at the terminal sees: one sentence per failure, no traceback.


def _sps(*args: str, env: dict | None = None, home) -> subprocess.CompletedProcess[str]:
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = os.environ | {"PREFECT_HOME": str(home), "COLUMNS": "200"} | (env or {})
    environment.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from flows.cli.app import app; app()", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=300,
    )


def test_failed_runs_end_in_one_summary_without_a_traceback(tmp_path):
    import socket

    store = open_storage(str(tmp_path / "store"))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl())
    store.write(f"archives/twitter/dt={DAY}/b.jsonl.gz", b"not gzip")
    store.write("archives/twitter/dt=2017-02-30/a.jsonl", jsonl())
    bad_data = _sps("backfill", "--start", DAY, "--end", DAY, "--storage", store.url, home=tmp_path / "home")
    output = bad_data.stdout + bad_data.stderr
    assert bad_data.returncode == 1, output
    assert "Traceback" not in output and "Error flushing" not in output
    assert output.count("b.jsonl.gz: file_decompresses") == 2  # the rejection as it happens, then the summary
    assert output.count("dt=2017-02-30/a.jsonl") == 1  # named once, in the table: day or object, why, what to do
    assert "what to do" in output and "move the object into archives/<platform>/dt=YYYY-MM-DD/" in output
    assert "replace or remove the archive" in output

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    unreachable = _sps(
        "run",
        "--date",
        DAY,
        "--storage",
        "s3://nowhere/sps",
        home=tmp_path / "home",
        env={
            "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{closed}",
            "AWS_ACCESS_KEY_ID": "x",
            "AWS_SECRET_ACCESS_KEY": "y",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "1",
            "SPS_RETRY_DELAYS": "[0.1]",
        },
    )
    output = unreachable.stdout + unreachable.stderr
    assert unreachable.returncode == 3, output
    assert "Traceback" not in output
    assert "storage failed: S3 list failed for s3://nowhere/sps/archives/" in " ".join(output.split())


def test_a_full_disk_ends_the_run_in_one_sentence_naming_the_cause(tiny_disk, tmp_path):
    store = open_storage(str(tiny_disk / "store"))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl())
    with (tiny_disk / "filler").open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 1024)
    run = _sps("backfill", "--start", DAY, "--end", DAY, "--storage", store.url, home=tmp_path / "home")
    output = run.stdout + run.stderr
    assert run.returncode == 3, output
    assert "Traceback" not in output
    assert "storage failed: cannot write " in output and "No space left on device" in output
    assert not [p for p in (tiny_disk / "store").rglob("*") if p.is_file() and p.stat().st_size == 0]  # no torn files


# Issue 29, D11: one rule for "no rows arrived", whatever the archive's format. An archive object that
# holds no record (a header-only CSV, blank or 0-byte JSON lines) is a failed export: the nightly exits
# 1 naming it and its rule, and publishes nothing for the day. Only a day with no archive object at all
# is "no data" (exit 4, or --allow-empty: tests/flow/test_contract_flows.py); other empty forms are
# pinned at the ingest (tests/slow/test_ingest_hostile_round2.py).


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
