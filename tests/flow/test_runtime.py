"""The temporary Prefect server a command starts before its imports (flows/cli/runtime.py).

Real processes on 127.0.0.1: Prefect's own server for the happy path, and stand-ins that exit at
once for the two ways a start goes wrong (the port taken meanwhile: exit code 3; anything else).
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from flows.cli import runtime

REAL_POPEN = subprocess.Popen


@pytest.fixture
def prefect_home(tmp_path, monkeypatch):
    """A Prefect home of its own, and no server named: neither in the environment nor by the session's
    test harness (its temporary settings name one for the tests that run flows in-process)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield
    os.environ.pop("PREFECT_API_URL", None)  # what a started server leaves for the rest of the process


def test_the_run_is_pointed_at_a_server_that_answers_and_it_stops_with_the_process(prefect_home, monkeypatch):
    made: list[runtime._TemporaryServer] = []
    real = runtime._TemporaryServer
    monkeypatch.setattr(runtime, "_TemporaryServer", lambda: made.append(real()) or made[-1])
    with runtime.server_starting():
        pass
    url = os.environ["PREFECT_API_URL"]
    assert url == made[0].api_url and url.startswith("http://127.0.0.1:") and url.endswith("/api")
    assert httpx.get(f"{url}/health", timeout=5).json() is True
    made[0].stop()  # what atexit does when the command ends
    assert made[0].process.returncode is not None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)


def _stand_in(exit_codes: list[int], started: list[list[str]]):
    """Popen for `_TemporaryServer._start`: each start runs a process that exits with the next code."""

    def popen(command, env, preexec_fn=None, start_new_session=False):
        started.append(command)
        return REAL_POPEN([sys.executable, "-c", f"raise SystemExit({exit_codes.pop(0)})"])

    return popen


def test_a_server_that_dies_is_left_to_prefect_and_a_port_taken_meanwhile_is_tried_again(prefect_home, monkeypatch):
    """Exit 3 (uvicorn: the port was taken) starts it again on another port; exit 1 gives up:
    no API URL is set, so the flow run's own start (Prefect's) reports what is wrong."""
    started: list[list[str]] = []
    monkeypatch.setattr(runtime.subprocess, "Popen", _stand_in([3, 1], started))
    with runtime.server_starting():
        pass
    assert "PREFECT_API_URL" not in os.environ
    assert len(started) == 2
    assert started[0][started[0].index("--factory") + 1] == "prefect.server.api.server:create_app"


def test_a_standing_server_starts_nothing(prefect_home, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    started: list[list[str]] = []
    monkeypatch.setattr(runtime.subprocess, "Popen", _stand_in([], started))
    with runtime.server_starting():
        pass
    assert started == [] and os.environ["PREFECT_API_URL"] == "http://127.0.0.1:9/api"


def test_a_block_that_fails_stops_the_server_without_waiting_for_it(prefect_home, monkeypatch):
    made: list[runtime._TemporaryServer] = []
    real = runtime._TemporaryServer
    monkeypatch.setattr(runtime, "_TemporaryServer", lambda: made.append(real()) or made[-1])
    with pytest.raises(ImportError), runtime.server_starting():
        raise ImportError("a module the run needs")
    assert made[0].process.returncode is not None and "PREFECT_API_URL" not in os.environ
