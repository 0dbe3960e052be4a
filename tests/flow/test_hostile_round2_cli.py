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

from flows.cli import app
from tasks.ingest.archive import INGEST_FAILED, read_misplaced, read_records
from tasks.ingest.warehouse import load_window
from tasks.storage import layout
from tasks.storage.backends import open_storage
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


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs mounted for the test: a disk that really fills."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


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


@pytest.mark.parametrize(
    ("setting", "content", "said"),
    [
        ("SPS_POLICY_FILE", None, "policy file {path}: No such file or directory"),
        ("SPS_POLICY_FILE", "{not json", "policy file {path}: JSONDecodeError"),
        ("SPS_POLICY_FILE", '{"rules": {"a": {"severity": "loud"}}, "parameters": {}}', "'loud' is not a valid"),
        ("SPS_POLICY_FILE", '{"rules": {}, "parameters": {}}', "parameters collapse_max_ratio, "),
        ("SPS_BRANDS_FILE", '[brands.Acme]\ntimezone = "Mars/Olympus"\n', "Acme: unknown time zone 'Mars/Olympus'"),
        ("SPS_BRANDS_FILE", "[brands.Acme]\ntimezone = 5\n", "Acme: unknown time zone 5"),
        ("SPS_BRANDS_FILE", None, "brand registry {path}: [Errno 2] No such file"),
    ],
    ids=["policy missing", "policy not json", "policy bad severity", "policy lacks parameters", "tz", "tz 5", "none"],
)
def test_d14_a_bad_settings_file_is_one_sentence_and_exit_code_2(tmp_path, monkeypatch, setting, content, said):
    path = tmp_path / "settings-file"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv(setting, str(path))
    result = CliRunner().invoke(app, ["reports", "list", "--storage", str(tmp_path / "store")])
    output = " ".join(result.output.split())
    assert (result.exit_code, "Traceback" in output) == (2, False), output
    assert f"bad setting {setting}=" in output and said.format(path=path) in output, output


def test_d14_a_negative_retry_delay_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SPS_RETRY_DELAYS", "[2, -5]")
    result = CliRunner().invoke(app, ["reports", "list", "--storage", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad setting SPS_RETRY_DELAYS[1]=-5: Input should be greater than or equal to 0" in " ".join(
        result.output.split()
    )


@pytest.mark.parametrize(
    ("key", "body", "command"),
    [
        ("reports/daily/dt=2017-11-01/manifest.json", b"{torn", ["reports", "list"]),
        ("reports/daily/dt=2017-11-01/manifest.json", b'{"date": "2017-11-01"}', ["reports", "list"]),
        ("reports/daily/dt=2017-11-01/manifest.json", b"[1, 2]", ["reports", "download", "--date", DAY]),
        ("reports/daily/dt=2017-11-01/manifest.json", b'{"date": "x", "status": "ok", "files": {"a": 1}}', None),
        ("reports/latest.json", b"{torn", ["reports", "download", "--latest"]),
        ("reports/latest.json", b'{"path": "/etc/"}', ["reports", "download", "--latest"]),
    ],
)
def test_d14_a_malformed_manifest_or_latest_json_is_refused_in_one_sentence(tmp_path, key, body, command):
    store = open_storage(str(tmp_path / "store"))
    store.write(key, body)
    command = command or ["reports", "download", "--date", DAY]
    if command[1] == "download":
        command += ["--to", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*command, "--storage", store.url])
    output = " ".join(result.output.split())
    assert (result.exit_code, "Traceback" in output) == (2, False), (output, result.exception)
    assert f"refused: {key} " in output
    assert not (tmp_path / "out").exists()  # nothing written


# D20. A replay that matches nothing says so (exit code 2, close keys); keys stay whole at 80 columns.

LONG = "archives/twitter/dt=2017-11-01/support-export-2017-11-01-europe-west.jsonl"


def _quarantined_store(tmp_path):
    from tasks.ingest.archive import ingest_object
    from tasks.ingest.policy import load_policy
    from tests.archives import jsonl_row

    store = open_storage(str(tmp_path / "store"))
    store.write(LONG, jsonl(jsonl_row(31, text="x" * 5000)))  # 1 of 31 rows too long: quarantined, not rejected
    record = ingest_object(store, store.list(LONG)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert (record.rows_read, record.rows_quarantined, record.rejected) == (31, 1, False)
    return store


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--source", LONG.replace("west", "wset")],
            f"no quarantined archive matches --source {LONG.replace('west', 'wset')}; did you mean {LONG}?",
        ),
        (
            ["--date", "2017-11-02"],
            "no quarantined archive matches --date 2017-11-02 (`sps quarantine list` shows them)",
        ),
        (
            ["--source", "nothing/like/it"],
            "no quarantined archive matches --source nothing/like/it (`sps quarantine list`",
        ),
    ],
    ids=["typo", "other day", "far off"],
)
def test_d20_a_replay_that_matches_nothing_says_so_with_exit_code_2(tmp_path, options, said):
    store = _quarantined_store(tmp_path)
    result = CliRunner().invoke(app, ["quarantine", "replay", *options, "--storage", store.url])
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split())


def test_d20_quarantine_list_keeps_keys_whole_at_80_columns(tmp_path, monkeypatch):
    from rich.console import Console

    import flows.cli

    store = _quarantined_store(tmp_path)
    # a terminal 80 columns wide: the table folds long cells over lines
    monkeypatch.setattr(flows.cli, "Console", lambda: Console(width=80, force_terminal=True, color_system=None))
    result = CliRunner().invoke(app, ["quarantine", "list", "--storage", store.url])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.count("│") == 7]  # the table's body lines
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    cells = ["".join(line.split("│")[column].strip() for line in lines) for column in (2, 6)]
    assert cells == [LONG, "text_length_within_limit (1)"]  # each folded over lines, nothing cut


def test_d20_quarantine_list_into_a_pipe_is_one_tab_separated_line_a_row(tmp_path):
    store = _quarantined_store(tmp_path)
    result = CliRunner().invoke(app, ["quarantine", "list", "--storage", store.url])
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == ["collected", "archive", "read", "accepted", "quarantined", "rules"]
    assert [(r.split("\t")[1], r.split("\t")[5]) for r in rows] == [(LONG, "text_length_within_limit (1)")]


# D21. kill -9 of a command that started Prefect's temporary server takes the server with it.

_STARTS_A_SERVER = """
import os, time
from flows.runtime import server_starting
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


@pytest.mark.flow
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


def test_d15_a_download_into_a_full_folder_is_one_sentence(tmp_path, small_disk):
    import hashlib
    import json

    store = open_storage(str(tmp_path / "store"))
    data = b"brand,inbound\nAcme,1\n" * 4096  # 84 KiB: more than the 4 KiB left below
    files = {"metrics.csv": {"sha256": hashlib.sha256(data).hexdigest()}}
    store.write(layout.report_folder(D1) + "metrics.csv", data)
    manifest = {"date": DAY, "status": "ok", "files": files}
    store.write(layout.report_folder(D1) + layout.MANIFEST, json.dumps(manifest).encode())
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 1024)
    os.truncate(filler, filler.stat().st_size - 4096)
    to = small_disk / "out"
    result = CliRunner().invoke(app, ["reports", "download", "--date", DAY, "--to", str(to), "--storage", store.url])
    output = " ".join(result.output.split())
    assert (result.exit_code, "Traceback" in output) == (2, False), (output, result.exception)
    assert f"cannot write into {to}: No space left on device" in output
