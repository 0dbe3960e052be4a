"""Running Prefect in-process (no server to install) without its slow defaults.

With no PREFECT_API_URL, Prefect starts a temporary local server on the first
flow run; on a fresh PREFECT_HOME that can take longer than its 20 s default.
Heartbeats exist for zombie detection by a server's automations, which
interactive and test runs do not use; they add ~1 s to every sync (sub)flow,
so runs started through `in_process` switch them off unless the user has set
PREFECT_FLOWS_HEARTBEAT_FREQUENCY (deployments keep Prefect's default).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LOG_PRINTS": "true",
}


def configure_environment() -> None:
    """Set defaults the user has not set; call before Prefect is imported."""
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(Path(__file__).parent.parent / "logging.yml"))


class OneLineFailures(logging.Filter):
    """Console records lose their traceback and all but their first line (unless SPS_TRACEBACKS=1).

    An expected failure (bad data, storage down) is told once, in full, in the
    run's summary; a traceback under every failed task buries it. Runs a Prefect
    API handler sees first (flow and task loggers) keep everything there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if os.environ.get("SPS_TRACEBACKS") == "1":
            return True
        if record.exc_info and type(record.exc_info[1]).__name__ == "PipelineFailed":
            return False  # the command prints that list itself
        message = record.getMessage()
        if record.exc_info:
            message = f"{message} ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        lines = message.replace("\\n", "\n").splitlines() or [""]  # a state's repr escapes its newlines
        record.msg = lines[0] + (f" (+{len(lines) - 1} more lines)" if len(lines) > 1 else "")
        record.args, record.exc_info, record.exc_text = None, None, None
        return True


class TaskChatterAtDebug(logging.Filter):
    """A task run's "Finished in state Completed()" is logged at DEBUG, not INFO.

    A backfill ran a task per day and per page: at INFO those lines were 159 of
    the first 200 of a run's log in the UI, burying what the run said. Shown
    again with PREFECT_LOGGING_LEVEL=DEBUG; a task that fails still logs ERROR."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not str(record.msg).startswith("Finished in state Completed"):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


@contextlib.contextmanager
def in_process() -> Iterator[None]:
    """Flow runs in this block use the in-process engine's fast settings."""
    configure_environment()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if "PREFECT_FLOWS_HEARTBEAT_FREQUENCY" in os.environ:
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def server_starting() -> Iterator[None]:
    """Start Prefect's temporary server in a process of its own while this block works (imports,
    say), and point the run at it once it answers: the server's start and the block's work overlap
    instead of adding up. The server is the one Prefect itself would start (its app under uvicorn,
    as `SubprocessASGIServer` runs it), launched here so that this process never imports the
    server's code (~2 s): Prefect's client then sees an API URL, as with a standing server. With a
    standing server (PREFECT_API_URL) nothing starts. A server that does not come up is stopped
    and left to Prefect, whose own start reports what is wrong."""
    configure_environment()
    server = None if os.environ.get("PREFECT_API_URL") else _TemporaryServer()  # before importing Prefect (~1.4 s)
    from prefect.settings import PREFECT_API_URL

    if server is None or PREFECT_API_URL.value():  # a profile may name a standing server too
        if server is not None:
            server.stop()
        yield
        return
    try:
        yield
    except BaseException:  # the block failed: no run follows
        server.stop()
        raise
    if server.ready():
        os.environ["PREFECT_API_URL"] = server.api_url  # read when Prefect's settings load, after this
    else:
        server.stop()


@contextlib.contextmanager
def api_for_serving() -> Iterator[tuple[str, bool]]:
    """The API `sps serve` registers its deployments with, and whether it is temporary: a standing
    server (PREFECT_API_URL), or a temporary one in a session of its own, stopped when serving stops.

    A terminal's Ctrl-C and `timeout` signal the whole process group: a temporary server in it
    stops with the runner, whose own shutdown (pausing its schedules) then retries against nothing
    for over a minute. The server is stopped once the runner has finished with it."""
    configure_environment()
    server = None if os.environ.get("PREFECT_API_URL") else _TemporaryServer(own_session=True)
    from prefect.settings import PREFECT_API_URL

    if server is None or PREFECT_API_URL.value():  # a profile may name a standing server too
        if server is not None:
            server.stop()
        yield str(PREFECT_API_URL.value()), False
        return
    try:
        if not server.ready():
            raise RuntimeError(f"Prefect's temporary server did not start on {server.api_url}")
        os.environ["PREFECT_API_URL"] = server.api_url
        yield server.api_url, True
    finally:
        server.stop()


class _TemporaryServer:
    """Prefect's API in a child process on a free loopback port, stopped when this process exits.

    `own_session`: out of this process group, so the signals a terminal or a supervisor sends the
    group reach this process only, which stops the server when it is done with it."""

    _ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}

    def __init__(self, own_session: bool = False) -> None:
        spec = importlib.util.find_spec("prefect")  # where it is, without importing it
        assert spec is not None and spec.origin is not None
        self._app_dir = str(Path(spec.origin).parent.parent)
        self._own_session = own_session
        self._start()
        atexit.register(self.stop)  # before Prefect's log and event workers register: they flush first

    def _start(self) -> None:
        with contextlib.closing(socket.socket()) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = [sys.executable, "-m", "uvicorn", "--app-dir", self._app_dir, "--factory"]
        command += ["prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--log-level", "error", "--lifespan", "on"]
        self.process = subprocess.Popen(
            command,
            env=os.environ | self._ENV,
            start_new_session=self._own_session,
            preexec_fn=_dies_with(os.getpid()),
        )

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def ready(self) -> bool:
        """Wait until the server answers (a port taken meanwhile, exit code 3: another port)."""
        import httpx

        deadline = time.monotonic() + float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() == 3:
                    self._start()
                elif self.process.poll() is not None:
                    return False
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.api_url}/health", timeout=5).status_code == 200:
                        return True
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)


#: prctl(2) option: the signal the kernel sends a process when the thread that started it ends.
_PR_SET_PDEATHSIG = 1


def _dies_with(parent: int) -> Callable[[], None] | None:
    """What the server's process runs before the server (Linux): it is sent SIGTERM when the command
    that started it ends, even by kill -9, when atexit never runs. Elsewhere, None: atexit only.

    The kernel watches the thread that called Popen: server_starting runs on the command's main
    thread, which ends only with the command."""
    if not sys.platform.startswith("linux"):
        return None

    def set_death_signal() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the command died before the signal was set
            os._exit(0)

    return set_death_signal
