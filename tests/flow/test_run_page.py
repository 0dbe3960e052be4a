"""A run's page in Prefect, read back through Prefect's client: its name, its artifacts, its log.

The nightly runs on a copy of the backfilled sample (`published_sample`), as a
nightly runs after `sps demo`: what it publishes, what it leaves without a page
and why, and whether the run page's numbers are the page's numbers.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import polars as pl
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
from prefect.client.schemas.sorting import LogSort
from prefect.logging.handlers import APILogWorker

from flows.pipeline import nightly
from flows.summary import LINK_EXPIRES_S, _latest_report
from tasks.store.backends import open_storage
from tests.synthetic import archive_days

pytestmark = pytest.mark.usefixtures("prefect_harness")

REPO = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def nightly_run(published_sample, tmp_path_factory):
    """`sps run --date 2017-12-03` after the demo's backfill, on a copy of its storage."""
    root = tmp_path_factory.mktemp("after-demo") / "storage"
    shutil.copytree(published_sample.url, root)
    state = nightly(day=date(2017, 12, 3), storage=str(root), return_state=True)
    APILogWorker.drain_all(timeout=30)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])), sort=LogSort.TIMESTAMP_ASC
        )
    return run, state.result(), {a.key: a for a in found}, logs, open_storage(str(root))


def _of_run(flow_run_id) -> ArtifactFilter:
    return ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))


def test_the_run_is_named_after_what_it_was_asked(nightly_run):
    run, *_ = nightly_run
    assert run.name == "nightly 2017-12-03"


def test_the_daily_metrics_are_the_pages_numbers(nightly_run):
    """Per brand and day, the published metrics.csv's numbers (the page's, rounded as it rounds them);
    a day's mentions add up to its page's headline, unattributed mentions left out on both."""
    _, summary, artifacts, _, store = nightly_run
    rows = pl.DataFrame(json.loads(artifacts["daily-metrics"].data))
    pages = summary["published"] + summary["unchanged"] + summary["skipped"]
    assert sorted(set(rows["day"])) == sorted(pages)
    day = rows.filter(pl.col("day") == "2017-10-31")
    # The hand check (tests/fixtures/hand_check_twcs.py): Tesco 55 in, 36 answered, median 5435.5 s.
    # 36 / 55 = 65.45 % → 65.5; 5435.5 s / 60 = 90.59 min → 90.6.
    tesco = day.filter(pl.col("brand") == "Tesco").row(0, named=True)
    assert (tesco["mentions"], tesco["answered"]) == (55, 36)
    assert (tesco["response rate %"], tesco["first response median (min)"]) == (65.5, 90.6)
    folder = "reports/daily/dt=2017-10-31/"
    headline = json.loads(store.read(folder + "manifest.json"))["headline"]
    assert day["mentions"].sum() == headline["mentions"]
    manifest_rows = json.loads(store.read(folder + "manifest.json"))["rows"]
    assert headline["mentions"] == manifest_rows["inbound"] - manifest_rows["unattributed"]
    page = pl.read_csv(io.BytesIO(store.read(folder + "metrics.csv")), infer_schema_length=None).sort("brand")
    assert day["response rate %"].to_list() == page["response_rate_pct"].to_list()
    assert day["first response median (min)"].to_list() == page["frt_median_min"].to_list()
    assert day["SLA attainment %"].to_list() == page["sla_attainment_pct"].to_list()
    sps = pl.read_parquet(io.BytesIO(store.read(folder + "sps.parquet"))).sort("brand")
    shown = [round(s) if r else None for s, r in zip(sps["sps"], sps["readable"], strict=True)]
    assert day["SPS"].to_list() == shown


def test_the_summary_says_which_days_have_no_page_and_why(nightly_run):
    """The sample's stray timestamps (2011-08-29: 1 post, 2016-08-06: 2, 2017-08-08: 4, 2017-08-15: 1; all
    more than 92 days before 2017-12-03) and its days without an attributed mention are lines, not pages."""
    _, summary, artifacts, _, store = nightly_run
    assert list(summary["not_published"]) == [
        "2011-08-29",
        "2016-08-06",
        "2017-08-08",
        "2017-08-15",
        "2017-10-04",
        "2017-10-05",
        "2017-10-06",
        "2017-10-16",
        "2017-10-17",
        "2017-10-18",
    ]
    assert summary["not_published"]["2016-08-06"].startswith(
        "2 post(s) stamped 484 days before their archive's collection day 2017-12-03: a stray timestamp"
    )
    assert summary["not_published"]["2017-10-05"].startswith("no customer mention, only brand posts")
    assert summary["not_published"]["2017-10-04"].startswith("1 customer mention(s), none attributed to a brand")
    # Within reach and attributed: 2017-09-06 (GloCare), 2017-09-26 and 2017-09-27 are new pages.
    assert summary["published"] == ["2017-09-06", "2017-09-26", "2017-09-27"]
    for day in summary["not_published"]:
        assert not store.exists(f"reports/daily/dt={day}/manifest.json")
    weeks = {k.split("/")[2] for k in store.keys("reports/weekly/")}
    assert "week=2011-W35" not in weeks and "week=2016-W31" not in weeks
    markdown = str(artifacts["run-summary"].data)
    assert markdown.startswith("# nightly 2017-12-03\n\nWall time: ")
    assert (
        "A nightly publishes the days its archives hold posts for, from 92 days before its collection day" in markdown
    )
    assert "## Days without a page" in markdown and "- 2017-10-05: no customer mention" in markdown
    assert summary["warnings"][0].startswith(
        "4 day(s) hold posts stamped more than 92 days before their archive's collection day "
        "(2011-08-29, 2016-08-06, 2017-08-08, 2017-08-15)"
    )


def test_the_latest_report_on_a_folder_is_a_path_in_words(nightly_run):
    _, _, artifacts, _, store = nightly_run
    text = str(artifacts["latest-report"].data)
    assert "file://" not in text
    assert f"`{store.url}/reports/daily/dt=2017-12-03/report.html`" in text


def test_task_chatter_is_not_in_the_runs_log(nightly_run):
    """One "Finished in state" line, the flow's own; a task's is DEBUG, left out at Prefect's INFO."""
    *_, logs, _ = nightly_run
    first = logs[:200]
    finished = [log for log in first if log.message.startswith("Finished in state")]
    assert [log.task_run_id for log in finished] == [None]
    assert len(logs) < 200, [log.message for log in logs]  # 3 pages, 10 days without one: little to say
    # The numbers: 1,636 mentions on 2017-10-31, 86 of them unattributed: the page's 1,550.
    said = "daily/2017-10-31: skipped (1550 mentions attributed to a brand, as the page counts them; 86 unattributed)"
    assert said in [log.message for log in logs]


def test_the_latest_report_on_s3_is_a_link_that_opens(s3_bucket):
    """A pre-signed HTTPS link (here moto's http on 127.0.0.1) a browser opens without credentials."""
    store = open_storage(f"s3://{s3_bucket}/sps")
    store.write("reports/daily/dt=2017-12-03/report.html", b"<!doctype html><p>the page</p>")
    flow_run_id = _in_a_flow(lambda: _latest_report(store, date(2017, 12, 3)))
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(artifact_filter=_of_run(flow_run_id))
    assert artifact.key == "latest-report" and artifact.type == "markdown"
    link = str(artifact.data).split("](", 1)[1].split(")", 1)[0]
    assert link.startswith("http://127.0.0.1:") and f"X-Amz-Expires={LINK_EXPIRES_S}" in link
    assert httpx.get(link).content == b"<!doctype html><p>the page</p>"


def _in_a_flow(work):
    """Run `work` inside a flow of its own; returns the flow run's id."""
    from prefect import flow
    from prefect.runtime import flow_run

    @flow(name="artifact-probe")
    def probe() -> str:
        work()
        return str(flow_run.id)

    return probe()


def test_the_cli_prints_the_runs_page_with_a_standing_server(tmp_path):
    """PREFECT_API_URL names a standing server (here the harness's): the run's page is worth opening."""
    from prefect.settings import PREFECT_API_URL

    store = open_storage(str(tmp_path / "storage"))
    for key, data in archive_days(date(2018, 3, 1), 2, per_day=3).items():
        store.write(key, data)
    env = os.environ | {"PREFECT_API_URL": str(PREFECT_API_URL.value()), "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-c", "from flows.cli.app import app; app()", "backfill"]
        + ["--start", "2018-03-01", "--end", "2018-03-02", "--storage", store.url],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ui = str(PREFECT_API_URL.value()).removesuffix("/api")
    said = result.stdout + result.stderr
    lines = [line for line in said.splitlines() if line.startswith("Prefect run: ")]
    assert len(lines) == 1 and lines[0].startswith(f"Prefect run: {ui}/runs/flow-run/"), said
