"""The two deployments: `nightly` on a cron schedule and `backfill` on demand.

`sps serve` serves both from one process (no work pool needed); for a work
pool, `infra/prefect.yaml` declares the same two deployments.
"""

from __future__ import annotations

from prefect.schedules import Cron

from flows.pipeline import backfill, nightly
from flows.runners import configured
from tasks.jobs.settings import Settings


def deployments(settings: Settings) -> list:
    """Deployment objects for `prefect.serve`, with the settings' schedule and task runner."""
    return [
        configured(nightly, settings).to_deployment(
            name="nightly",
            schedule=Cron(settings.nightly_cron, timezone=settings.nightly_timezone),
            parameters={"storage": settings.storage},
            paused=False,  # serving stops by pausing its schedule: serving again resumes it
            description="Yesterday's archives (UTC): ingest, validate, re-measure and publish what changed.",
            tags=["sps", "nightly"],
        ),
        configured(backfill, settings).to_deployment(
            name="backfill",
            parameters={"storage": settings.storage, "force": False},
            description="Run on demand with start and end (YYYY-MM-DD); force=true redoes unchanged days.",
            tags=["sps", "backfill"],
        ),
    ]
