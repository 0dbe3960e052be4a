"""Issue 33 (items 1, 3, 9, 12, 13): the command line as a new user meets it, `sps` run as a process.

A wrong storage, a report not published, a night or a range without archives each end in one
sentence with the README's exit code, before Prefect starts; tables go to stdout whole.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from flows.plan import can_hold, collection_days
from tasks.model.records import IngestRecord, ObjectInfo
from tests.flow.test_cli import REPO, sps

SAMPLE_KEY = "archives/twitter/dt=2017-12-03/twcs_sample.csv"
LONG_DAY = "reports/daily/dt=2017-10-31/"


def _sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a user reads: no traceback, no Prefect log."""
    text = result.stderr + result.stdout
    assert "Traceback" not in text and "ERROR" not in text and "EventsWorker" not in text, text
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _manifest_store(root: Path) -> Path:
    """A storage holding one daily report's manifest (what `reports list` reads)."""
    folder = root / LONG_DAY
    folder.mkdir(parents=True)
    manifest = {"date": "2017-10-31", "status": "final", "files": {"report.html": {"sha256": "0" * 64}}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return root


# Item 1: every command says when its storage is not there.


@pytest.mark.parametrize(
    "command",
    [
        ["reports", "list"],
        ["reports", "download", "--latest", "--to", "out"],
        ["reports", "url", "--latest"],
        ["quarantine", "list"],
        ["run", "--date", "2017-12-03"],
        ["backfill", "--start", "2017-10-25", "--end", "2017-11-05"],
    ],
)
def test_a_missing_storage_is_named_with_exit_3(tmp_path, command):
    missing = tmp_path / "no" / "such" / "dir"
    result = sps(*command, "--storage", str(missing), env={}, tmp_path=tmp_path)
    assert result.returncode == 3
    assert _sentence(result).startswith(f"storage {missing} does not exist: give --storage")
    assert not missing.exists()


def test_a_file_as_storage_and_the_default_storage_elsewhere_are_named(tmp_path):
    a_file = tmp_path / "export.csv"
    a_file.write_text("id\n")
    result = sps("reports", "list", "--storage", str(a_file), env={}, tmp_path=tmp_path)
    assert result.returncode == 3 and _sentence(result).startswith(f"storage {a_file} is not a folder")
    env = {k: v for k, v in os.environ.items() if k != "SPS_STORAGE"} | {"PREFECT_HOME": str(tmp_path / "p")}
    elsewhere = subprocess.run(
        [sys.executable, "-c", "from flows.cli.app import app; app()", "reports", "list"],
        env=env | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        cwd=tmp_path,  # another folder: ./sps-data is not there
        timeout=120,
    )
    assert elsewhere.returncode == 3
    assert _sentence(elsewhere).startswith(
        f"storage {tmp_path / 'sps-data'} does not exist (the default, ./sps-data in the current folder)"
    )


# Item 9: exit codes as the README documents; tables on stdout, whole; --json.


def test_reports_exit_codes_are_the_readmes(tmp_path):
    store = str(_manifest_store(tmp_path / "store"))
    cases = {
        ("reports", "url", "--latest"): (2, "pre-signed links need S3 storage (s3://bucket/prefix)"),
        ("reports", "download", "--date", "2017-11-01", "--to", str(tmp_path / "out")): (
            4,
            f"{store}: no complete daily report for 2017-11-01",
        ),
        ("reports", "list", "--kind", "yearly"): (2, "'yearly' is not one of 'daily', 'weekly', 'monthly'"),
    }
    for args, (code, said) in cases.items():
        result = sps(*args, "--storage", store, env={}, tmp_path=tmp_path)
        assert (result.returncode, said in " ".join(result.stderr.split())) == (code, True), (args, result.stderr)
    ftp = sps("reports", "list", "--storage", "ftp://host/x", env={}, tmp_path=tmp_path)
    assert ftp.returncode == 2
    assert _sentence(ftp) == (
        "unsupported storage URL scheme 'ftp' in 'ftp://host/x': storage is a path, file:///path or s3://bucket/prefix."
    )


def test_reports_list_goes_to_stdout_whole_and_as_json(tmp_path):
    store = str(_manifest_store(tmp_path / "store"))
    piped = sps("reports", "list", "--kind", "Daily", "--storage", store, env={"COLUMNS": "40"}, tmp_path=tmp_path)
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout.splitlines() == ["period\tstatus\tfiles\tfolder", f"2017-10-31\tfinal\t1\t{LONG_DAY}"]
    as_json = sps("reports", "list", "--json", "--storage", store, env={}, tmp_path=tmp_path)
    (row,) = json.loads(as_json.stdout)
    assert (row["period"], row["folder"], row["names"]) == ("2017-10-31", LONG_DAY, ["report.html"])
    empty = sps("reports", "list", "--kind", "weekly", "--storage", store, env={}, tmp_path=tmp_path)
    assert (empty.returncode, empty.stdout) == (0, "")
    assert _sentence(empty) == f"no weekly report is published in {store} yet"


# Item 12: flags show no `<bool>`; the set-up's filter drops setuptools' editable notice only.


def test_help_shows_no_bool_metavar(tmp_path):
    for command in (["run"], ["backfill"], ["reports", "download"], ["--help"]):
        result = sps(*command, "--help", env={}, tmp_path=tmp_path)
        assert result.returncode == 0 and "--help" in result.stdout
        assert "<bool>" not in result.stdout, command


def test_the_setup_filters_the_editable_notice_and_nothing_else():
    setup = (REPO / ".ci" / "setup").read_text()
    (value,) = re.findall(r'PYTHONWARNINGS="([^"]+)" \.venv/bin/python -m pip install --quiet -e', setup)
    code = (
        "import warnings\n"
        "warnings.warn('Editable installation.\\n!!\\nPlease be careful', UserWarning)\n"
        "warnings.warn('a real warning', UserWarning)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONWARNINGS": value}, capture_output=True, text=True
    ).stderr
    assert "a real warning" in shown and "Editable installation" not in shown


# Items 3 and 13: no data is found before Prefect starts, in one sentence, exit 4.


def test_a_night_without_an_archive_exits_4_before_prefect_starts(tmp_path):
    root = tmp_path / "store"
    (root / "archives/twitter/dt=2017-12-03").mkdir(parents=True)
    (root / SAMPLE_KEY).write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    )
    result = sps("run", "--date", "2017-12-04", "--storage", str(root), env={}, tmp_path=tmp_path)
    assert result.returncode == 4
    assert _sentence(result) == (
        f"no data for 2017-12-04: no archive under archives/<platform>/dt=2017-12-04/ in {root}. "
        "Is the feed delivering? For a day known to be quiet, run again with --allow-empty."
    )
    assert not (tmp_path / "prefect").exists()  # Prefect never started: its home was not made


def test_a_backfill_no_archive_can_hold_names_the_collection_days_with_exit_4(tmp_path):
    root = tmp_path / "store"
    (root / "archives/twitter/dt=2017-12-03").mkdir(parents=True)
    (root / SAMPLE_KEY).write_text("x\n")
    result = sps(
        "backfill", "--start", "2018-01-01", "--end", "2018-01-05", "--storage", str(root), env={}, tmp_path=tmp_path
    )
    assert result.returncode == 4
    assert f"archives exist for collection day(s) 2017-12-03 ({SAMPLE_KEY})" in _sentence(result)
    assert not (tmp_path / "prefect").exists()


def test_a_backfill_before_the_export_publishes_the_range_from_the_later_archive(tmp_path, twcs_bytes):
    root = tmp_path / "store"
    (root / "archives/twitter/dt=2017-12-03").mkdir(parents=True)
    (root / SAMPLE_KEY).write_bytes(twcs_bytes)
    result = sps(
        *("backfill", "--start", "2017-10-25", "--end", "2017-11-05", "--storage", str(root)),
        env={},
        tmp_path=tmp_path,
        timeout=900,  # ingesting and publishing 11 days: ~70 s alone, minutes on a shared machine
    )
    assert result.returncode == 0, result.stderr
    # item 8: the summary is titled by what ran, with its wall time (not "sps run")
    assert re.search(r"^ *backfill 2017-10-25…2017-11-05 in (\d+ s|\d+ min \d\d s) *$", result.stderr, re.M), (
        result.stderr
    )
    assert "sps run" not in result.stderr
    published = sorted(p.name for p in (root / "reports/daily").iterdir() if (p / "manifest.json").exists())
    # the sample's mentions of those days (2017-11-05 has none): 11 days, all read from the 2017-12-03 export
    assert published == [f"dt=2017-{d}" for d in ("10-25", "10-26", "10-27", "10-28", "10-29", "10-30", "10-31")] + [
        f"dt=2017-11-0{d}" for d in range(1, 5)
    ]
    scored = sps(
        "score",
        "--start",
        "2017-10-31",
        "--end",
        "2017-10-31",
        "--json",
        "--storage",
        str(root),
        env={},
        tmp_path=tmp_path,
    )
    numbers = [v for row in json.loads(scored.stdout) for v in row.values() if isinstance(v, float)]
    assert numbers and all(round(v, 1) == v for v in numbers)  # rounded as sps.csv: 0.1


@pytest.mark.usefixtures("prefect_harness")
def test_a_nightly_flow_without_an_archive_ends_failed_with_a_message_not_a_traceback(tmp_path):
    """Run by a deployment (no CLI check before it), the flow's run shows a state message in the UI;
    Prefect logs no ERROR and no traceback; the caller still gets NoData."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    from flows.pipeline import NoData, nightly

    (tmp_path / "archives").mkdir()
    said = "no data for 2017-12-04: no archive under archives/<platform>/dt=2017-12-04/"
    with pytest.raises(NoData, match=re.escape(said)):
        nightly(date(2017, 12, 4), storage=str(tmp_path))
    APILogWorker.drain_all()
    with get_client(sync_client=True) as client:
        (run,) = [r for r in client.read_flow_runs(limit=200) if r.parameters.get("storage") == str(tmp_path)]
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    assert run.state is not None and run.state.is_failed() and run.state.message == said
    assert logs and [log.message for log in logs if log.level >= 40] == []
    assert not any("Traceback" in log.message for log in logs)


# can_hold and collection_days, on hand-made listings.


def _obj(key: str, etag: str = "e") -> ObjectInfo:
    return ObjectInfo(key, 1, etag)


def _record(key: str, days: list[str], etag: str = "e") -> IngestRecord:
    return IngestRecord(key, etag, 1, "f", key.split("dt=")[1][:10], "twitter", days=dict.fromkeys(days, 1))


def test_can_hold_takes_the_range_and_later_exports_that_may_hold_it():
    inside, before = _obj("archives/t/dt=2017-10-26/a.csv"), _obj("archives/t/dt=2017-10-01/b.csv")
    new_later, old_later = _obj("archives/t/dt=2017-12-03/c.csv"), _obj("archives/t/dt=2017-12-04/d.csv")
    holding, changed = _obj("archives/t/dt=2017-12-05/e.csv"), _obj("archives/t/dt=2017-12-06/f.csv", "new")
    records = [
        _record(old_later.key, ["2017-12-01"]),  # ingested: holds no day of the range
        _record(holding.key, ["2017-11-05", "2017-12-05"]),  # ingested: holds the range's last day
        _record(changed.key, ["2017-12-06"], etag="old"),  # changed since: may hold any earlier day
    ]
    objects = [inside, before, new_later, old_later, holding, changed, _obj("archives/misplaced.csv")]
    held = can_hold(objects, records, date(2017, 10, 25), date(2017, 11, 5))
    assert held == [inside, new_later, holding, changed]


def test_collection_days_names_an_archive_of_each_of_the_last_days():
    objects = [_obj(f"archives/t/dt=2017-12-0{d}/x{n}.csv") for d in range(1, 8) for n in range(1 + (d == 7))]
    assert collection_days(objects, shown=2) == (
        "archives exist for collection day(s) 5 earlier day(s) and 2017-12-06 (archives/t/dt=2017-12-06/x0.csv), "
        "2017-12-07 (archives/t/dt=2017-12-07/x0.csv and 1 more)"
    )
    assert collection_days([]) == "there is no archive under archives/<platform>/dt=YYYY-MM-DD/"
