"""`sps serve` as a terminal, `timeout`, systemd and docker stop it: the whole process group gets
SIGINT (Ctrl-C) or SIGTERM; the command stops in one line with exit 128 + the signal, and its
temporary Prefect server with it. Each wait is bounded, so a hang fails the test instead of holding it."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).parents[2]
#: Starting takes 10–50 s on a loaded 2-core machine (imports, the server's first migration).
START_BOUND_SECONDS = 240
#: Stopping is a few seconds; this bound only keeps a hang (a minute of retries) from passing.
STOP_BOUND_SECONDS = 45


def start_serving(prefect_home: Path, storage: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """`sps serve` in a session of its own (as a terminal's job), and its banner, once printed."""
    environment = os.environ | {"PREFECT_HOME": str(prefect_home), "SPS_STORAGE": str(storage)}
    environment.pop("PREFECT_API_URL", None)
    serve = subprocess.Popen(
        [sys.executable, "-c", "from flows.cli.app import app; app()", "serve"],
        env=environment,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert serve.stdout is not None
    stdout = serve.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    banner: list[str] = []
    while not banner or not banner[-1].startswith("Stop with"):
        try:
            banner.append(lines.get(timeout=START_BOUND_SECONDS).rstrip("\n"))
        except queue.Empty:
            os.killpg(serve.pid, signal.SIGKILL)
            pytest.fail(f"no banner from sps serve in {START_BOUND_SECONDS} s: {banner}")
    return serve, banner


def stop_serving(serve: subprocess.Popen[str], signum: int) -> str:
    """Signal the whole group, as a terminal or `timeout` does; the command's stderr."""
    os.killpg(serve.pid, signum)
    try:
        serve.wait(timeout=STOP_BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        pytest.fail(f"sps serve still running {STOP_BOUND_SECONDS} s after {signal.Signals(signum).name}")
    assert serve.stderr is not None
    return serve.stderr.read()


def deployments(api_url: str) -> dict[str, bool]:
    """Served deployments by name, and whether each is paused."""
    found = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=30).json()
    return {d["name"]: d["paused"] for d in found}


def test_serve_stops_on_ctrl_c_and_sigterm_in_one_line_and_serves_again(tmp_path):
    home, storage = tmp_path / "prefect", tmp_path / "store"

    serve, banner = start_serving(home, storage)
    api_url = re.search(r"PREFECT_API_URL=(\S+) prefect deployment run backfill/backfill", "\n".join(banner))
    assert api_url is not None, banner  # the banner says how to trigger a backfill from another shell
    # The URL it prints is the API serving both: another shell can trigger through it.
    assert deployments(api_url[1]) == {"nightly": False, "backfill": False}
    err = stop_serving(serve, signal.SIGINT)
    assert serve.returncode == 130  # 128 + SIGINT (2)
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "stopped serving (Ctrl-C): no scheduled run starts until `sps serve` runs again"
    ]
    with pytest.raises(httpx.ConnectError):  # its temporary server stopped with it
        httpx.get(f"{api_url[1]}/health", timeout=5)

    # Stopping paused the nightly's schedule; serving again (same Prefect home) resumes it.
    serve, banner = start_serving(home, storage)
    api_url = re.search(r"PREFECT_API_URL=(\S+) prefect", "\n".join(banner))
    assert api_url is not None, banner
    assert deployments(api_url[1]) == {"nightly": False, "backfill": False}
    err = stop_serving(serve, signal.SIGTERM)
    assert serve.returncode == 143  # 128 + SIGTERM (15)
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "stopped serving (SIGTERM): no scheduled run starts until `sps serve` runs again"
    ]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{api_url[1]}/health", timeout=5)
