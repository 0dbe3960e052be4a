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
import os
from collections.abc import Iterator

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LOG_PRINTS": "true",
}


def configure_environment() -> None:
    """Set defaults the user has not set; call before Prefect is imported."""
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)


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
