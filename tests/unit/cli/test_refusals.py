"""What the command line refuses, in one sentence with an exit code and no traceback (the hostile
corpus of issues 18 and 29: each case failed before its fix). In-process: no flow runs."""

from __future__ import annotations

import os
from datetime import date

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tasks.store import layout
from tasks.store.backends import open_storage
from tests.archives import DAY, jsonl
from tests.unit.store.test_downloads import _published

D1 = date(2017, 11, 1)


@pytest.mark.parametrize("expires", ["0", "-5", "604801", "1000000000"])
def test_presigned_link_lifetime_outside_1_s_to_7_days_is_refused(tmp_path, expires):
    from typer.testing import CliRunner

    from flows.cli.app import app

    result = CliRunner().invoke(app, ["reports", "url", "--latest", "--expires", expires, "--storage", str(tmp_path)])
    assert result.exit_code == 2
    assert "--expires" in result.output and "Traceback" not in result.output


def test_a_bad_setting_is_named_in_one_sentence(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli.app import app

    monkeypatch.setenv("SPS_SLA_TARGET_SECONDS", "abc")
    result = CliRunner().invoke(app, ["reports", "list", "--storage", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad setting SPS_SLA_TARGET_SECONDS='abc': Input should be a valid integer" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output


def test_a_download_never_silently_overwrites(tmp_path):
    from typer.testing import CliRunner

    from flows.cli.app import app

    store = open_storage(str(tmp_path / "store"))
    _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n"})
    to = tmp_path / "to"
    to.mkdir()
    (to / "metrics.csv").write_text("my edits")
    runner = CliRunner()
    refused = runner.invoke(app, ["reports", "download", "--latest", "--to", str(to), "--storage", store.url])
    assert refused.exit_code == 2 and "already holds metrics.csv: use --overwrite to replace them" in " ".join(
        refused.output.split()
    )
    assert (to / "metrics.csv").read_text() == "my edits" and not (to / "manifest.json").exists()
    replaced = runner.invoke(
        app, ["reports", "download", "--latest", "--overwrite", "--to", str(to), "--storage", store.url]
    )
    assert replaced.exit_code == 0 and (to / "metrics.csv").read_text() == "brand\nA\n"
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    onto_file = runner.invoke(app, ["reports", "download", "--latest", "--to", str(a_file), "--storage", store.url])
    assert onto_file.exit_code == 2 and "Traceback" not in onto_file.output and a_file.read_text() == "x"


@pytest.mark.parametrize(
    ("setting", "content", "said"),
    [
        ("SPS_POLICY_FILE", None, "policy file {path}: No such file or directory"),
        ("SPS_POLICY_FILE", "{not json", "policy file {path}: JSONDecodeError"),
        ("SPS_POLICY_FILE", '{"rules": {"a": {"severity": "loud"}}, "parameters": {}}', "'loud' is not a valid"),
        ("SPS_POLICY_FILE", '{"rules": {}, "parameters": {}}', "parameters collapse_max_ratio, "),
        ("SPS_BRANDS_FILE", '[brands.Acme]\ntimezone = "Mars/Olympus"\n', "Acme: unknown time zone 'Mars/Olympus'"),
        ("SPS_BRANDS_FILE", "[brands.Acme]\ntimezone = 5\n", "Acme: unknown time zone 5"),
        ("SPS_BRANDS_FILE", None, "brand registry {path}: [Errno 2] No such file"),
    ],
    ids=["policy missing", "policy not json", "policy bad severity", "policy lacks parameters", "tz", "tz 5", "none"],
)
def test_d14_a_bad_settings_file_is_one_sentence_and_exit_code_2(tmp_path, monkeypatch, setting, content, said):
    path = tmp_path / "settings-file"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv(setting, str(path))
    result = CliRunner().invoke(app, ["reports", "list", "--storage", str(tmp_path / "store")])
    output = " ".join(result.output.split())
    assert (result.exit_code, "Traceback" in output) == (2, False), output
    assert f"bad setting {setting}=" in output and said.format(path=path) in output, output


def test_d14_a_negative_retry_delay_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SPS_RETRY_DELAYS", "[2, -5]")
    result = CliRunner().invoke(app, ["reports", "list", "--storage", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad setting SPS_RETRY_DELAYS[1]=-5: Input should be greater than or equal to 0" in " ".join(
        result.output.split()
    )


@pytest.mark.parametrize(
    ("key", "body", "command"),
    [
        ("reports/daily/dt=2017-11-01/manifest.json", b"{torn", ["reports", "list"]),
        ("reports/daily/dt=2017-11-01/manifest.json", b'{"date": "2017-11-01"}', ["reports", "list"]),
        ("reports/daily/dt=2017-11-01/manifest.json", b"[1, 2]", ["reports", "download", "--date", DAY]),
        ("reports/daily/dt=2017-11-01/manifest.json", b'{"date": "x", "status": "ok", "files": {"a": 1}}', None),
        ("reports/latest.json", b"{torn", ["reports", "download", "--latest"]),
        ("reports/latest.json", b'{"path": "/etc/"}', ["reports", "download", "--latest"]),
    ],
)
def test_d14_a_malformed_manifest_or_latest_json_is_refused_in_one_sentence(tmp_path, key, body, command):
    store = open_storage(str(tmp_path / "store"))
    store.write(key, body)
    command = command or ["reports", "download", "--date", DAY]
    if command[1] == "download":
        command += ["--to", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*command, "--storage", store.url])
    output = " ".join(result.output.split())
    assert (result.exit_code, "Traceback" in output) == (2, False), (output, result.exception)
    assert f"refused: {key} " in output
    assert not (tmp_path / "out").exists()  # nothing written


LONG = "archives/twitter/dt=2017-11-01/support-export-2017-11-01-europe-west.jsonl"


def _quarantined_store(tmp_path):
    from tasks.ingest.policy import load_policy
    from tasks.jobs.ingest_archive import ingest_object
    from tests.archives import jsonl_row

    store = open_storage(str(tmp_path / "store"))
    store.write(LONG, jsonl(jsonl_row(31, text="x" * 5000)))  # 1 of 31 rows too long: quarantined, not rejected
    record = ingest_object(store, store.list(LONG)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert (record.rows_read, record.rows_quarantined, record.rejected) == (31, 1, False)
    return store


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--source", LONG.replace("west", "wset")],
            f"no quarantined archive matches --source {LONG.replace('west', 'wset')}; did you mean {LONG}?",
        ),
        (
            ["--date", "2017-11-02"],
            "no quarantined archive matches --date 2017-11-02 (`sps quarantine list` shows them)",
        ),
        (
            ["--source", "nothing/like/it"],
            "no quarantined archive matches --source nothing/like/it (`sps quarantine list`",
        ),
    ],
    ids=["typo", "other day", "far off"],
)
def test_d20_a_replay_that_matches_nothing_says_so_with_exit_code_2(tmp_path, options, said):
    store = _quarantined_store(tmp_path)
    result = CliRunner().invoke(app, ["quarantine", "replay", *options, "--storage", store.url])
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split())


def test_d20_quarantine_list_keeps_keys_whole_at_80_columns(tmp_path, monkeypatch):
    from rich.console import Console

    import flows.cli.app

    store = _quarantined_store(tmp_path)
    # a terminal 80 columns wide: the table folds long cells over lines
    monkeypatch.setattr(flows.cli.app, "Console", lambda: Console(width=80, force_terminal=True, color_system=None))
    result = CliRunner().invoke(app, ["quarantine", "list", "--storage", store.url])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.count("│") == 7]  # the table's body lines
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    cells = ["".join(line.split("│")[column].strip() for line in lines) for column in (2, 6)]
    assert cells == [LONG, "text_length_within_limit (1)"]  # each folded over lines, nothing cut


def test_d20_quarantine_list_into_a_pipe_is_one_tab_separated_line_a_row(tmp_path):
    store = _quarantined_store(tmp_path)
    result = CliRunner().invoke(app, ["quarantine", "list", "--storage", store.url])
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == ["collected", "archive", "read", "accepted", "quarantined", "rules"]
    assert [(r.split("\t")[1], r.split("\t")[5]) for r in rows] == [(LONG, "text_length_within_limit (1)")]


def test_d15_a_download_into_a_full_folder_is_one_sentence(tmp_path, small_disk):
    import hashlib
    import json

    store = open_storage(str(tmp_path / "store"))
    data = b"brand,inbound\nAcme,1\n" * 4096  # 84 KiB: more than the 4 KiB left below
    files = {"metrics.csv": {"sha256": hashlib.sha256(data).hexdigest()}}
    store.write(layout.report_folder(D1) + "metrics.csv", data)
    manifest = {"date": DAY, "status": "ok", "files": files}
    store.write(layout.report_folder(D1) + layout.MANIFEST, json.dumps(manifest).encode())
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 1024)
    os.truncate(filler, filler.stat().st_size - 4096)
    to = small_disk / "out"
    result = CliRunner().invoke(app, ["reports", "download", "--date", DAY, "--to", str(to), "--storage", store.url])
    output = " ".join(result.output.split())
    assert (result.exit_code, "Traceback" in output) == (2, False), (output, result.exception)
    assert f"cannot write into {to}: No space left on device" in output
