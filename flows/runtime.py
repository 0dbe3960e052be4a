"""Running Prefect in-process (no server to install) without its slow defaults.

With no PREFECT_API_URL, Prefect starts a temporary local server on the first
flow run; on a fresh PREFECT_HOME that can take longer than its 20 s default.
Heartbeats exist for zombie detection by a server's automations, which
interactive and test runs do not use; they add ~1 s to every sync (sub)flow,
so runs started through `in_process` switch them off unless the user has set
PREFECT_FLOWS_HEARTBEAT_FREQUENCY (deployments keep Prefect's default).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
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
    os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(Path(__file__).with_name("logging.yml")))


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
    """Start Prefect's temporary server in the background while this block works (imports, say),
    and wait for it at the end: the server's start (seconds, in its own process) and the block's
    work then overlap instead of adding up. With a standing server (PREFECT_API_URL) there is
    nothing to start. A failed start is left for the first flow run to report, as Prefect does."""
    configure_environment()
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield
        return
    server = threading.Thread(target=_start_quietly, args=(SubprocessASGIServer(),), daemon=True)
    server.start()
    try:
        yield
    finally:
        server.join()


def _start_quietly(server) -> None:
    with contextlib.suppress(Exception):  # `start` resets itself: the flow run's own start raises it again
        server.start()
