"""Running it like production: schedules, locks, concurrency, transient failures, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import boto3
import pytest

from flows.deployments import deployments
from flows.pipeline import PipelineFailed, backfill, nightly
from flows.runners import configured
from tasks.jobs.settings import Settings
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.locks import LockTimeout, held
from tasks.store.publish import file_digests
from tests.faulty_proxy import FaultyProxy
from tests.synthetic import archive_days

FIRST = date(2017, 11, 1)


def _seed(store, days: int = 4) -> list[str]:
    archives = archive_days(FIRST, days)
    for key, data in archives.items():
        store.write(key, data)
    return sorted(archives)


def _report_files(store) -> dict[str, bytes]:
    return {k: store.read(k) for k in store.keys(layout.DAILY_REPORTS) if not k.endswith("manifest.json")}


def _assert_complete(store) -> None:
    folders = {layout.report_folder(day) for k in store.keys(layout.DAILY_REPORTS) if (day := layout.partition_day(k))}
    for folder in folders:
        manifest = json.loads(store.read(folder + "manifest.json"))
        files = {name: store.read(folder + name) for name in manifest["files"]}
        assert manifest["files"] == file_digests(files), folder


def test_deployments_declare_the_documented_schedule(monkeypatch):
    nightly_dep, backfill_dep = deployments(Settings())
    (schedule,) = nightly_dep.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "UTC")
    assert backfill_dep.schedules in (None, [])
    assert backfill_dep.parameters["force"] is False

    monkeypatch.setenv("SPS_NIGHTLY_TIMEZONE", "Europe/London")
    monkeypatch.setenv("SPS_NIGHTLY_CRON", "30 3 * * *")
    (schedule,) = deployments(Settings())[0].schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 3 * * *", "Europe/London")


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_a_lock_is_held_by_one_run_at_a_time(tmp_path, backend, request):
    url = str(tmp_path) if backend == "local" else f"s3://{request.getfixturevalue('s3_bucket')}/p"
    store = open_storage(url)
    order: list[str] = []
    with held(store, "locks/x.json", owner="first"):
        waiter = threading.Thread(target=lambda: _take(store, order))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive()  # the second run waits
        order.append("first done")
    waiter.join(5)
    assert order == ["first done", "second"]
    assert store.keys("locks/") == []
    with held(store, "locks/x.json", owner="a"):
        with pytest.raises(LockTimeout, match="still held"):
            with held(store, "locks/x.json", owner="b", wait_s=0.3):
                pass


def _take(store, order: list[str]) -> None:
    with held(store, "locks/x.json", owner="second"):
        order.append("second")


def test_an_expired_lease_is_taken_over(tmp_path):
    store = open_storage(str(tmp_path))
    store.write("locks/x.json", json.dumps({"owner": "dead", "expires": "2017-01-01T00:00:00+00:00"}).encode())
    with held(store, "locks/x.json", owner="alive", wait_s=2):
        assert json.loads(store.read("locks/x.json"))["owner"] == "alive"


@pytest.mark.usefixtures("prefect_harness")
def test_nightly_and_backfill_on_the_same_days_end_with_one_complete_report(tmp_path):
    store = open_storage(str(tmp_path))
    _seed(store)
    last = FIRST + timedelta(days=3)
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(nightly, day=last, storage=store.url)
        b = pool.submit(backfill, FIRST, last, storage=store.url)
        a.result(), b.result()
    _assert_complete(store)
    assert store.keys("locks/") == []
    assert json.loads(store.read(layout.LATEST))["date"] == last.isoformat()

    # And the result is what a lone backfill makes.
    alone = open_storage(str(tmp_path / "alone"))
    _seed(alone)
    backfill(FIRST, last, storage=alone.url)
    assert _report_files(alone) == {k: v for k, v in _report_files(store).items()}


@pytest.mark.usefixtures("prefect_harness")
def test_transient_s3_errors_are_retried_and_bad_data_is_not(s3_bucket, s3_endpoint, monkeypatch):
    with FaultyProxy(s3_endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # boto3 gives up at once: our task retries must act
        monkeypatch.setenv("SPS_RETRY_DELAYS", "[0.1, 0.1, 0.1]")
        url = f"s3://{s3_bucket}/sps"
        store = open_storage(url)
        keys = _seed(store, days=2)
        store.write("archives/twitter/dt=2017-11-02/broken.jsonl.gz", b"\x1f\x8b not gzip")
        proxy.fail("GET", keys[0], times=2)  # throttled twice, then fine
        proxy.fail("PUT", "dt=2017-11-01/metrics.parquet", times=1)

        with pytest.raises(PipelineFailed) as failure:
            backfill(FIRST, FIRST + timedelta(days=2), storage=url)

        assert proxy.count("GET", keys[0]) == 3  # 2 throttled + 1 good
        assert proxy.count("PUT", "dt=2017-11-01/metrics.parquet") == 2
        assert proxy.count("GET", "broken.jsonl.gz") == 1  # bad data: read once, never retried
        assert "broken.jsonl.gz: file_decompresses" in str(failure.value)
        client = boto3.client("s3", endpoint_url=s3_endpoint)
        manifest = client.get_object(Bucket=s3_bucket, Key="sps/reports/daily/dt=2017-11-01/manifest.json")
        assert json.loads(manifest["Body"].read())["rows"]["inbound"] == 12


@pytest.mark.usefixtures("prefect_harness")
def test_dask_cluster_with_worker_processes_gives_the_same_files(tmp_path):
    threads = open_storage(str(tmp_path / "threads"))
    _seed(threads)
    backfill(FIRST, FIRST + timedelta(days=3), storage=threads.url)

    on_dask = open_storage(str(tmp_path / "dask"))
    _seed(on_dask)
    settings = Settings(storage=on_dask.url, task_runner="dask", dask_workers=2)
    summary = configured(backfill, settings)(FIRST, FIRST + timedelta(days=3), storage=on_dask.url)
    assert len(summary["published"]) == 4
    assert _report_files(on_dask) == _report_files(threads)


def test_a_lease_is_renewed_while_its_holder_works(tmp_path):
    store = open_storage(str(tmp_path))
    with held(store, "locks/x.json", owner="slow", lease_s=0.6):
        first = json.loads(store.read("locks/x.json"))["expires"]
        time.sleep(1.0)  # longer than the lease: only renewal keeps it
        assert json.loads(store.read("locks/x.json"))["expires"] > first
        with pytest.raises(LockTimeout):
            with held(store, "locks/x.json", owner="thief", wait_s=0.5):
                pass


@pytest.mark.usefixtures("prefect_harness")
def test_an_interrupted_backfill_resumes_to_the_files_of_an_uninterrupted_one(tmp_path):
    days = 8
    last = FIRST + timedelta(days=days - 1)
    whole = open_storage(str(tmp_path / "whole"))
    _seed(whole, days=days)
    backfill(FIRST, last, storage=whole.url)

    cut = open_storage(str(tmp_path / "cut"))
    _seed(cut, days=days)
    env = os.environ | {
        "SPS_MAX_CONCURRENT_DAYS": "1",
        "SPS_LOCK_LEASE_SECONDS": "2",
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    env.pop("PREFECT_API_URL", None)
    command = [
        sys.executable,
        "-c",
        "from flows.cli.app import app; app()",
        "backfill",
        "--start",
        FIRST.isoformat(),
        "--end",
        last.isoformat(),
        "--storage",
        cut.url,
    ]
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 180
    while len([k for k in cut.keys(layout.DAILY_REPORTS) if k.endswith("manifest.json")]) < 3:
        assert process.poll() is None and time.monotonic() < deadline, "backfill ended before it could be cut"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # as a lost machine would
    process.wait()
    published_before = len([k for k in cut.keys(layout.DAILY_REPORTS) if k.endswith("manifest.json")])
    assert 3 <= published_before < days

    summary = backfill(FIRST, last, storage=cut.url)
    assert len(summary["skipped"]) >= 3 and len(summary["skipped"]) + len(summary["published"]) == days
    assert _report_files(cut) == _report_files(whole)
    _assert_complete(cut)
