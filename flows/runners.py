"""The task runner a run uses: Prefect's thread pool, or a Dask cluster."""

from __future__ import annotations

from tasks.jobs.settings import Settings


def task_runner_for(settings: Settings):
    """Threads (bounded by max_concurrent_days) or prefect-dask's DaskTaskRunner."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.dask_workers,
                "processes": True,
                "threads_per_worker": 1,
                "dashboard_address": None,
            }
        )
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.max_concurrent_days)


def configured(flow_fn, settings: Settings):
    """`flow_fn` with the task runner the settings ask for."""
    return flow_fn.with_options(task_runner=task_runner_for(settings))
