"""The hostile corpus of issue 29, flows and command line: each test reproduces one defect (D4, D5,
D12–D15, D20, D21) through the flows run in-process, the `sps` command (CliRunner), or `sps` as a
process, with real parts (a folder on disk, a tmpfs that fills, moto's S3 behind a faulty proxy)."""

from __future__ import annotations

import os
import subprocess
from datetime import date

import boto3
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tasks.jobs.ingest_archive import INGEST_FAILED
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.ledger import read_misplaced, read_records
from tasks.store.warehouse import load_window
from tests.archives import ACME, DAY, jsonl

D1, D2 = date(2017, 11, 1), date(2017, 11, 2)
PART = f"archives/twitter/dt={DAY}/"


def _sps(*args: str) -> tuple[int, str]:
    """`sps …` in this process (the test harness's Prefect): exit code and output, on one line."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


# D4 and D5: links, and objects named .tmp-*, are reported or read; the rest of the run goes on.


@pytest.mark.usefixtures("prefect_harness")
def test_d4_d5_links_are_refused_as_misplaced_and_tmp_named_archives_are_read(tmp_path):
    root, outside = tmp_path / "store", tmp_path / "outside"
    store = open_storage(str(root))
    store.write(f"{PART}a.jsonl", jsonl(good=10, **ACME))  # ids 1..10
    store.write(f"{PART}.tmp-b.jsonl", jsonl(good=20, **ACME))  # ids 1..20: 10 more mentions
    store.write(f"{PART}.tmp-x/c.jsonl", jsonl(good=25, **ACME))  # ids 1..25: 5 more
    outside.mkdir()
    (outside / "d.jsonl").write_bytes(jsonl(good=40))
    links = {
        f"{PART}out.jsonl": outside / "d.jsonl",  # D4: out of storage
        f"{PART}dangling.jsonl": tmp_path / "gone.jsonl",
        "archives/twitter/dt=2017-11-02": outside,  # a linked partition
    }
    for key, target in links.items():
        os.symlink(target, root / key)
    code, output = _sps("backfill", "--start", DAY, "--end", "2017-11-02", "--storage", str(root))
    assert code == 1, output  # a misplaced object fails the run, as before: not 3 (storage is fine)
    for key in links:
        assert f"{key}: file_location_known: a symbolic link" in output, key
    assert sorted(r.key for r in read_misplaced(store)) == sorted(links)
    # 25 mentions: the union of ids 1..25 of the three real archives; nothing of the 40 behind the link
    assert load_window(store, D1, D1).height == 25
    assert store.exists(layout.report_folder(D1) + layout.MANIFEST)


# D12. The S3 console's folder markers do not fail every run.


@pytest.mark.usefixtures("prefect_harness")
def test_d12_s3_folder_markers_do_not_fail_the_run(s3_bucket, s3_endpoint):
    from flows.pipeline import backfill

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    for marker in ("sps/archives/", "sps/archives/twitter/", f"sps/{PART}"):
        client.put_object(Bucket=s3_bucket, Key=marker, Body=b"")
    url = f"s3://{s3_bucket}/sps"
    open_storage(url).write(f"{PART}a.jsonl", jsonl(**ACME))
    summary = backfill(D1, D1, storage=url)  # raised PipelineFailed (3 misplaced objects) before
    assert summary["published"] == [DAY] and summary["failed"] == {}


# D13. One S3 object whose body keeps dropping fails alone, named as itself, exit code 3.


@pytest.mark.usefixtures("prefect_harness")
def test_d13_an_unreadable_s3_object_fails_alone_with_exit_code_3(s3_bucket, s3_endpoint, monkeypatch):
    from tests.faulty_proxy import FaultyProxy

    url = f"s3://{s3_bucket}/sps"
    store = open_storage(url)
    store.write(f"{PART}a.jsonl", jsonl(**ACME))
    bad = "archives/twitter/dt=2017-11-02/b.jsonl"
    store.write(bad, jsonl())
    with FaultyProxy(s3_endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        monkeypatch.setenv("SPS_RETRY_DELAYS", "[0.1]")
        proxy.fail("GET", bad, times=1000, how="drop")
        code, output = _sps("backfill", "--start", DAY, "--end", "2017-11-02", "--storage", url)
        # one batch of 2, tried twice (1 retry): b read twice, a once (the retry finds it done)
        assert (proxy.count("GET", bad), proxy.count("GET", f"{PART}a.jsonl")) == (2, 1)
    assert code == 3, output
    assert f"{bad}: storage failed: S3 get failed for s3://{s3_bucket}/sps/{bad}" in output
    assert f"{PART}a.jsonl: storage failed" not in output
    # a ingested; b stored as rejected (ingest_failed), so later runs keep its day blocked until it reads
    records = {r.key: r for r in read_records(store)}
    assert sorted(records) == [f"{PART}a.jsonl", bad]
    assert not records[f"{PART}a.jsonl"].rejected
    assert records[bad].rejected and records[bad].failed_rules == [INGEST_FAILED]
    assert store.exists(layout.report_folder(D1) + layout.MANIFEST)  # a's day published
    assert not store.exists(layout.report_folder(D2) + layout.MANIFEST)


# D15. A disk that fills while a run publishes is a storage failure: exit code 3, one sentence.


@pytest.mark.usefixtures("prefect_harness")
def test_d15_a_disk_that_fills_while_publishing_ends_with_exit_code_3(small_disk):
    from flows.pipeline import backfill

    store = open_storage(str(small_disk / "store"))
    store.write(f"{PART}a.jsonl", jsonl(**ACME))
    backfill(D1, D1, storage=store.url)
    store.delete(layout.report_folder(D1) + layout.MANIFEST)  # the day must publish again
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 1024)
    # 8 KiB left: room for the delivery verdict the ingest half writes, not for a report's files
    os.truncate(filler, filler.stat().st_size - 8192)
    code, output = _sps("backfill", "--start", DAY, "--end", DAY, "--storage", store.url)
    assert code == 3, output
    assert f"{DAY} storage failed: cannot write reports/" in output or f"{DAY}: storage failed" in output
    assert "No space left on device" in output and "Traceback" not in output


# D14. A bad settings file, a negative retry delay, a malformed manifest or latest.json: one sentence,
# exit code 2, no traceback.


# D20. A replay that matches nothing says so (exit code 2, close keys); keys stay whole at 80 columns.


# D21. kill -9 of a command that started Prefect's temporary server takes the server with it.

_STARTS_A_SERVER = """
import os, time
from flows.cli.runtime import server_starting
with server_starting():
    pass
print(os.environ["PREFECT_API_URL"], flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running, not gone and not a zombie waiting for a parent to reap it."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads /proc (Linux)")
def test_d21_the_temporary_server_does_not_outlive_a_killed_command(tmp_path):
    import signal
    import sys
    import time
    from pathlib import Path

    import httpx

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(tmp_path / "home")}
    command = subprocess.Popen(
        [sys.executable, "-c", _STARTS_A_SERVER],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        url = command.stdout.readline().strip()
        assert httpx.get(f"{url}/health", timeout=5).json() is True
        servers = [int(p) for p in Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()]
        assert len(servers) == 1 and _alive(servers[0])
    finally:
        os.kill(command.pid, signal.SIGKILL)
        command.wait()
    deadline = time.monotonic() + 30  # uvicorn's shutdown on SIGTERM; not a speed claim
    while _alive(servers[0]) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = _alive(servers[0])
    if alive:  # leave nothing behind, whatever the outcome
        os.kill(servers[0], signal.SIGKILL)
    assert not alive
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)
