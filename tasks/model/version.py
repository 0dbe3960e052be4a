"""The code version stamped into manifests and ingest fingerprints."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def code_version() -> str:
    try:
        return version("sps-pipeline")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
