"""Shared test fixtures: real parts on loopback only.

- `s3_endpoint`: moto's S3 server in this process, bound to 127.0.0.1.
- `prefect_harness`: a throw-away Prefect database and temporary server,
  with the same in-process settings the CLI uses.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from flows.cli.runtime import configure_environment

configure_environment()

SAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "sample" / "twcs_sample.csv"
SHARED_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "twcs_sample.csv"


#: The tiers, by folder: each runs alone (`pytest tests/unit` or `pytest -m unit` select the same tests).
TIERS = ("unit", "server", "flow", "browser", "slow")
#: What a tier's tests may not ask for: a fixture that makes a test belong to a slower tier.
_BARRED = {"unit": {"prefect_harness", "s3_endpoint"}, "server": {"prefect_harness"}}


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the marks
def pytest_collection_modifyitems(items) -> None:
    """Mark each test with its folder's tier, so `-m` and the folder agree: `unit` (pure and
    in-process, under a minute in all), `server` (a server on loopback), `flow` (Prefect flows,
    or `sps` as a process), `browser` (headless Chromium), `slow` (retraining, bombs, large listings)."""
    tests = Path(__file__).parent
    for item in items:
        tier = item.path.relative_to(tests).parts[0]
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: a test lives in a tier's folder, tests/{'|'.join(TIERS)}/")
        barred = sorted(_BARRED.get(tier, set()) & set(item.fixturenames))
        marked = {mark.name for mark in item.iter_markers()} & set(TIERS) - {tier}
        if barred or marked:
            raise pytest.UsageError(
                f"{item.nodeid} uses {barred or sorted(marked)}: it belongs to a tier other than {tier}"
            )
        item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def twcs_bytes() -> bytes:
    """The real sample; the shared copy when it is beside the repo, else the bundled one."""
    return (SHARED_SAMPLE if SHARED_SAMPLE.exists() else SAMPLE).read_bytes()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 protocol server (moto server mode) on 127.0.0.1, with dummy credentials."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    saved = {k: os.environ.get(k) for k in _S3_ENV}
    os.environ.update(
        {
            "AWS_ENDPOINT_URL_S3": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    yield endpoint
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


_S3_ENV = ("AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    """A fresh bucket per test; returns its name."""
    import boto3

    name = f"sps-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


def _tmpfs(tmp_path: Path, size: str):
    """A tmpfs of `size` mounted for the test: a disk that really fills (mounting needs root)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """64 KiB: full before a lock or a run's first write."""
    yield from _tmpfs(tmp_path, "64k")


@pytest.fixture
def small_disk(tmp_path):
    """4 MiB: room for a run to start, full while it publishes."""
    yield from _tmpfs(tmp_path, "4m")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.logging.configuration import setup_logging
    from prefect.testing.utilities import prefect_test_harness

    from flows.cli.runtime import in_process

    # Prefect sets up logging at its first flow run and binds its console to the
    # sys.stderr of that moment: if that run is inside CliRunner, later runs would
    # write to CliRunner's closed stream. Set it up now, on the real stderr.
    setup_logging()
    with prefect_test_harness(server_startup_timeout=180), in_process():
        yield


@pytest.fixture(scope="session")
def published_month(tmp_path_factory, prefect_harness):
    """A synthetic month (tests/synthetic.py: a third of replies land the next day) in one backfill."""
    from flows.pipeline import backfill
    from tasks.store.backends import open_storage
    from tests.synthetic import MONTH_DAYS, MONTH_FIRST, archive_days

    store = open_storage(str(tmp_path_factory.mktemp("month")))
    for key, data in archive_days(MONTH_FIRST, MONTH_DAYS, per_day=6).items():
        store.write(key, data)
    summary = backfill(MONTH_FIRST, MONTH_FIRST + timedelta(days=MONTH_DAYS - 1), storage=store.url)
    assert len(summary["published"]) == MONTH_DAYS
    return store


@pytest.fixture(scope="session")
def published_sample(tmp_path_factory, twcs_bytes, prefect_harness):
    """The real sample backfilled once through the CLI, as issue #2's acceptance command."""
    from typer.testing import CliRunner

    from flows.cli.app import app
    from tasks.store.backends import open_storage

    root = tmp_path_factory.mktemp("sample")
    store = open_storage(str(root))
    store.write("archives/twitter/dt=2017-12-03/twcs_sample.csv", twcs_bytes)
    result = CliRunner().invoke(
        app, ["backfill", "--start", "2017-10-01", "--end", "2017-12-03", "--storage", str(root)]
    )
    assert result.exit_code == 0, result.output
    return store
