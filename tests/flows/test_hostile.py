"""The hostile corpus of issue 18: each case reproduces one defect a hostile test pass found.

Every test here failed before its fix. They use real parts: a local store on
disk, moto's S3 server on 127.0.0.1, subprocesses with resource limits, and
the flows run in-process.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import time
from datetime import date

import polars as pl
import pytest

from tasks.ingest.archive import ingest_object
from tasks.ingest.policy import load_policy
from tasks.ingest.warehouse import load_window
from tasks.storage import layout
from tasks.storage.backends import open_storage
from tasks.storage.locks import LockTimeout
from tests.ingest.test_bad_inputs import ACME, DAY, TWCS_HEADER, jsonl, jsonl_row, twcs, twcs_row


def _ingest(store, key: str, data: bytes):
    store.write(key, data)
    return ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")


# 1. The same id on two platforms is two mentions.


def test_same_ids_on_two_platforms_are_both_kept(tmp_path):
    store = open_storage(str(tmp_path))
    for platform in ("twitter", "facebook"):
        assert _ingest(store, f"archives/{platform}/dt={DAY}/a.jsonl", jsonl(good=60)).rows_accepted == 60
    window = load_window(store, date(2017, 11, 1), date(2017, 11, 1))
    assert window.height == 120
    assert window.group_by("platform").len().sort("platform").rows() == [("facebook", 60), ("twitter", 60)]


def test_a_reply_answers_only_the_mention_on_its_own_platform():
    """m1 exists on twitter and facebook; the brand answers only the facebook one (after 60 s)."""
    from tasks.metrics.attribution import attribute
    from tasks.metrics.definitions import mention_facts
    from tests.frames import frame, post

    rows = [
        post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp hi"),
        post("m1", "c2", "2017-10-31 10:00", "@AcmeHelp hi"),
        post("r1", "AcmeHelp", "2017-10-31 10:01", "hello", brand_post=True, reply_to="m1"),
    ]
    rows[1]["platform"] = rows[2]["platform"] = "facebook"
    facts, _ = mention_facts(attribute(frame(*rows), {}))
    answered = dict(facts.select("platform", "frt_s").iter_rows())
    assert answered == {"facebook": 60.0, "twitter": None}


# 2. Small objects that inflate: memory stays bounded, the rejection is recorded.

_INGEST_AND_REPORT_PEAK = """
import json, resource, sys
from pathlib import Path
from tasks.ingest.archive import ingest_object
from tasks.ingest.policy import load_policy
from tasks.storage.backends import open_storage
store = open_storage(sys.argv[1])
obj = store.list("archives/")[0]
record = ingest_object(store, obj, policy=load_policy(Path(sys.argv[2])), quarantine_threshold=0.05, fingerprint="t")
print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "failed": record.failed_rules, "read": record.rows_read}))
"""


def _gzip_of(parts, total: int) -> bytes:
    """A gzip stream of `total` bytes built from repeated chunks, without holding them."""
    import zlib

    head, chunk, tail = parts
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [packer.compress(head)]
    for _ in range((total - len(head) - len(tail)) // len(chunk)):
        out.append(packer.compress(chunk))
    out += [packer.compress(tail), packer.flush()]
    return b"".join(out)


def _peak_of_ingest(tmp_path, name: str, data: bytes, policy_file) -> dict:
    import subprocess
    import sys
    from pathlib import Path

    root = tmp_path / name.replace(".", "_")
    open_storage(str(root)).write(f"archives/twitter/dt={DAY}/{name}", data)
    done = subprocess.run(
        [sys.executable, "-c", _INGEST_AND_REPORT_PEAK, str(root), str(policy_file)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_decompression_bombs_stay_within_a_memory_bound_and_are_rejected(tmp_path):
    """Limit 64 MiB: a 1 GiB CSV of zeros and a 1 GiB single JSON line (each about 1 MB
    gzipped) cost at most 3 × 64 MiB above an ordinary 30-row archive's peak. Before the
    limit, gzip.decompress alone held the whole gibibyte."""
    _policy_with(tmp_path, max_decompressed_bytes=64 << 20)
    policy_file = tmp_path / "policy.json"
    gib = 1 << 30
    baseline = _peak_of_ingest(tmp_path, "ok.jsonl.gz", gzip.compress(jsonl()), policy_file)
    assert baseline["failed"] == [] and baseline["read"] == 30
    bombs = {
        "zeros.csv.gz": _gzip_of((b"tweet_id,author_id\n", b"0" * (1 << 20), b"\n"), gib),
        "line.jsonl.gz": _gzip_of((b'{"mention_id": "1", "text": "', b"x" * (1 << 20), b'"}\n'), gib),
    }
    for name, data in bombs.items():
        assert len(data) < 2 << 20  # a small object by the stored-size limit
        run = _peak_of_ingest(tmp_path, name, data, policy_file)
        assert run["failed"] == ["file_inflates_within_limit"], name
        assert (run["peak_kib"] - baseline["peak_kib"]) * 1024 < 3 * (64 << 20), (name, run, baseline)


def test_an_inflating_object_is_recorded_and_not_read_again(tmp_path):
    policy = _policy_with(tmp_path, max_decompressed_bytes=1 << 20)
    store = open_storage(str(tmp_path / "store"))
    key = f"archives/twitter/dt={DAY}/a.jsonl.gz"
    store.write(key, _gzip_of((b"", b"\n" * 4096, b""), (1 << 20) + 4096))
    for skipped in (False, True):
        record = ingest_object(store, store.list(key)[0], policy=policy, quarantine_threshold=0.05, fingerprint="t")
        assert (record.skipped, record.rejected, record.failed_rules) == (skipped, True, ["file_inflates_within_limit"])


def _policy_with(tmp_path, **parameters):
    from pathlib import Path

    body = json.loads((Path(__file__).parents[2] / "expectations" / "policy.json").read_text())
    body["parameters"].update(parameters)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(body))
    return load_policy(path)


def test_a_json_line_over_the_line_limit_is_quarantined_unread(tmp_path):
    store = open_storage(str(tmp_path))
    huge = jsonl_row(31, text="@AcmeHelp " + "x" * (17 << 20))
    record = _ingest(store, f"archives/twitter/dt={DAY}/a.jsonl", jsonl(huge))
    assert (record.rows_read, record.rows_accepted) == (31, 30)
    assert record.quarantined_by_rule["record_well_formed"] == 1


# 11. Smaller reading defects.


def test_json_number_ids_past_2_64_keep_their_digits(tmp_path):
    big = "123456789012345678901234567890"
    line = (
        f'{{"mention_id": {big}, "author_id": 98765432109876543210987, "is_brand_author": false, '
        f'"created_at": "{DAY}T10:00:00Z", "text": "@AcmeHelp hi"}}'
    )
    store = open_storage(str(tmp_path))
    assert _ingest(store, f"archives/twitter/dt={DAY}/a.jsonl", jsonl(line)).rows_accepted == 31
    row = load_window(store, date(2017, 11, 1), date(2017, 11, 1)).filter(pl.col("mention_id") == big)
    assert row["author_id"].to_list() == ["98765432109876543210987"]


def test_objects_and_arrays_in_text_fields_are_malformed_records(tmp_path):
    store = open_storage(str(tmp_path))
    record = _ingest(
        store,
        f"archives/twitter/dt={DAY}/a.jsonl",
        jsonl(
            jsonl_row(61, text={"html": "<b>hi</b>"}),
            jsonl_row(62, sentiment=["positive"]),
            jsonl_row(63, text="{fine}"),
            good=60,
        ),
    )
    assert (record.rows_read, record.rows_accepted) == (63, 61)
    assert record.quarantined_by_rule == {"record_well_formed": 2, "sentiment_label_known": 1}


def test_a_parquet_column_of_lists_is_a_recorded_rejection(tmp_path):
    import io

    buffer = io.BytesIO()
    pl.DataFrame(
        {
            "mention_id": ["1"],
            "author_id": ["c"],
            "is_brand_author": [False],
            "created_at": [f"{DAY}T10:00:00Z"],
            "text": [["a", "list"]],
        }
    ).write_parquet(buffer)
    store = open_storage(str(tmp_path))
    key = f"archives/twitter/dt={DAY}/a.parquet"
    record = _ingest(store, key, buffer.getvalue())
    assert (record.rejected, record.failed_rules) == (True, ["file_parses"])
    assert "text (List(String))" in record.error
    assert store.exists(f"quarantine/dt={DAY}/{layout.source_slug(key)}/a.parquet")


# 3 and 10. Locks: a full disk leaves none behind, a takeover has one winner, a restart is not kept waiting.


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs mounted for the test: a disk that really fills."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_leaves_no_lock_that_outlives_its_lease(tiny_disk):
    from tasks.storage.backends import StorageError
    from tasks.storage.locks import held

    store = open_storage(str(tiny_disk / "store"))
    filler = tiny_disk / "filler"
    with filler.open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 4096)
    with pytest.raises(StorageError, match="cannot write locks/day.json: No space left on device"):
        with held(store, "locks/day.json", owner="run", wait_s=1):
            pass
    assert [p.name for p in (tiny_disk / "store" / "locks").iterdir()] == []  # no empty lock, no temp file
    filler.unlink()  # space is back: the next run takes the lock at once
    with held(store, "locks/day.json", owner="run", wait_s=0.5):
        assert json.loads(store.read("locks/day.json"))["owner"] == "run"


def test_an_empty_lock_left_by_an_older_version_is_taken_over(tmp_path):
    from tasks.storage.locks import held

    store = open_storage(str(tmp_path))
    store.write("locks/day.json", b"")
    with held(store, "locks/day.json", owner="run", wait_s=0.5):
        pass
    assert not store.exists("locks/day.json")


def test_of_six_waiters_on_an_expired_lock_exactly_one_holds_it_at_a_time(tmp_path):
    """30 trials of six threads on a lock whose lease ran out; each holds it 5 ms."""
    import threading

    from tasks.storage.locks import held

    store = open_storage(str(tmp_path))
    expired = json.dumps({"owner": "dead", "expires": "2000-01-01T00:00:00+00:00"}).encode()
    for _ in range(30):
        store.write("locks/day.json", expired)
        inside, most, guard = [0], [0], threading.Lock()

        def hold(inside=inside, most=most, guard=guard):
            with held(store, "locks/day.json", owner="t", wait_s=30, poll_s=0.001):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.005)
                with guard:
                    inside[0] -= 1

        threads = [threading.Thread(target=hold) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert most[0] == 1


def test_a_restart_on_the_same_host_takes_its_dead_runs_lock_at_once(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    from tasks.storage.locks import held

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    store = open_storage(str(tmp_path))
    body = {
        "owner": "killed",
        "expires": "2999-01-01T00:00:00+00:00",
        "host": socket.gethostname(),
        "pid": int(dead.stdout),
    }
    store.write("locks/day.json", json.dumps(body).encode())
    started = time.monotonic()
    with held(store, "locks/day.json", owner="restart", wait_s=5):
        waited = time.monotonic() - started
    assert waited < 1  # not the lease (centuries) nor the 5 s wait
    store.write("locks/day.json", json.dumps(body | {"host": "another-host"}).encode())
    with pytest.raises(LockTimeout):  # elsewhere, the lease decides
        with held(store, "locks/day.json", owner="restart", wait_s=0.3):
            pass


def test_s3_takeover_is_conditional_on_the_body_that_was_read(s3_bucket):
    store = open_storage(f"s3://{s3_bucket}/sps")
    store.write("locks/day.json", b"old")
    _, etag = store.read_tagged("locks/day.json")
    assert store.replace_if("locks/day.json", etag, b"first taker")
    assert not store.replace_if("locks/day.json", etag, b"second taker")  # it read the old body too
    assert not store.delete_if("locks/day.json", etag)
    assert store.read("locks/day.json") == b"first taker"
    assert store.delete_if("locks/day.json", store.read_tagged("locks/day.json")[1])
    assert not store.exists("locks/day.json")


# 4. A crafted manifest cannot write outside --to.


def _published(store, day: date, files: dict[str, bytes]) -> str:
    from tasks.reports.publish import publish_report

    publish_report(
        store, layout.report_folder(day), files, {"date": day.isoformat(), "status": "final"}, latest_day=day
    )
    return layout.report_folder(day)


@pytest.mark.parametrize("name", ["../../evil.sh", "/tmp/evil.sh", "sub/evil.sh", "..", "evil.sh"])
def test_download_refuses_a_manifest_naming_any_other_file(tmp_path, name):
    import hashlib

    from tasks.reports.fetch import UnsafeManifest, download

    store = open_storage(str(tmp_path / "store"))
    folder = _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n"})
    manifest = json.loads(store.read(folder + layout.MANIFEST))
    manifest["files"][name] = {"sha256": hashlib.sha256(b"#!/bin/sh\n").hexdigest(), "bytes": 10}
    store.write(folder + layout.MANIFEST, json.dumps(manifest).encode())
    to = tmp_path / "a" / "b" / "to"
    with pytest.raises(UnsafeManifest, match="names files no report holds"):
        download(store, folder, "all", to)
    assert not (tmp_path / "a").exists()  # nothing written anywhere, not even the folder


def test_the_names_downloads_accept_are_exactly_the_files_a_report_publishes(published_sample):
    manifest = json.loads(published_sample.read(layout.report_folder(date(2017, 10, 31)) + layout.MANIFEST))
    docs = {n for n in manifest["files"] if n.startswith("data_docs/")}
    assert set(manifest["files"]) - docs == layout.REPORT_FILES
    assert len(docs) == 1 and all(layout.is_report_file(n) for n in docs)  # the sample archive's Data Docs page
    for unsafe in ("data_docs/../x.html", "data_docs/x.html", "data_docs/a/b-0123456789ab.html", "../report.html"):
        assert not layout.is_report_file(unsafe)


def test_download_writes_nothing_when_one_checksum_fails(tmp_path):
    from tasks.reports.fetch import ChecksumMismatch, download

    store = open_storage(str(tmp_path / "store"))
    folder = _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n", "report.html": b"<p>x</p>"})
    store.write(folder + "report.html", b"<p>tampered</p>")
    with pytest.raises(ChecksumMismatch, match="report.html"):
        download(store, folder, "all", tmp_path / "to")
    assert not (tmp_path / "to").exists()


# 7. latest.json never points at a folder without a manifest.


def test_latest_is_withdrawn_while_its_report_is_republished_and_readers_fall_back(tmp_path):
    from tasks.reports.fetch import resolve_folder

    store = open_storage(str(tmp_path))
    older = _published(store, date(2017, 10, 31), {"metrics.csv": b"brand\nA\n"})
    newest = _published(store, date(2017, 11, 1), {"metrics.csv": b"brand\nA\n"})
    assert resolve_folder(store, None) == newest

    class DiesOnTheFirstFile:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def write(self, key, data):
            if key.endswith("metrics.csv"):
                raise OSError("killed")
            self.inner.write(key, data)

    from tasks.reports.publish import publish_report

    with pytest.raises(OSError, match="killed"):
        publish_report(
            DiesOnTheFirstFile(store), newest, {"metrics.csv": b"brand\nB\n"}, {}, latest_day=date(2017, 11, 1)
        )
    assert not store.exists(layout.LATEST)
    assert resolve_folder(store, None) == older  # --latest still answers, with the newest complete report


# 11. `--expires` within what S3 allows.


@pytest.mark.parametrize("expires", ["0", "-5", "604801", "1000000000"])
def test_presigned_link_lifetime_outside_1_s_to_7_days_is_refused(tmp_path, expires):
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["reports", "url", "--latest", "--expires", expires, "--storage", str(tmp_path)])
    assert result.exit_code == 2
    assert "--expires" in result.output and "Traceback" not in result.output


# 5 and 8. Archive text in Data Docs and validation.json: no markup, no personal data.

_XSS = "<img src=x onerror=alert(7)>"
_PII = "call +1 555 123 4567 or bob@example.com"


def test_data_docs_and_validation_examples_carry_no_markup_and_no_personal_data(tmp_path):
    from tasks.reports.validation_summary import masked_examples

    store = open_storage(str(tmp_path))
    record = _ingest(
        store,
        f"archives/twitter/dt={DAY}/a.jsonl",
        jsonl(
            jsonl_row(101, mention_id=_XSS),
            jsonl_row(102, sentiment=_XSS),
            jsonl_row(103, mention_id=_PII),
            jsonl_row(104, sentiment="Positive!"),
            good=100,
        ),
    )
    assert record.quarantined_by_rule == {"mention_id_well_formed": 2, "sentiment_label_known": 2}
    page = store.read(record.data_docs).decode()
    for leak in (_XSS, "onerror", "alert(7)", "555 123", "bob@example.com"):
        assert leak not in page
    assert "«masked: 28 characters»" in page  # the value is withheld, its length is said
    examples = {(e["source_row"], e["value"]) for e in masked_examples(store, record)}
    assert examples == {
        (101, "«masked: 28 characters»"),
        (102, "«masked: 28 characters»"),
        (103, "«masked: 39 characters»"),
        (104, "«masked: 9 characters»"),  # not a plain token: has "!"
    }


@pytest.mark.parametrize(
    ("value", "shown_as"),
    [
        ("12345abc", "12345abc"),
        ("posititve", "posititve"),
        ("1.5e+18", "1.5e+18"),
        ("bob@example.com", "«masked: 15 characters»"),
        ("+15551234567", "«masked: 12 characters»"),
        ("a b", "«masked: 3 characters»"),
        ("x" * 41, "«masked: 41 characters»"),
        (7, 7),
        (None, None),
    ],
)
def test_an_example_value_is_shown_only_when_it_is_a_plain_token(value, shown_as):
    from tasks.masking import example_value, shown

    assert shown(value) == shown_as
    if isinstance(value, str):
        assert pl.select(example_value(pl.lit(value))).item() == shown_as


# 9. Dropped connections are transient, a body cut mid-way too, and the first listing is retried.


@pytest.mark.parametrize("how", ["drop", "cut"])
def test_a_dropped_or_cut_connection_is_a_transient_error_naming_the_object(s3_bucket, s3_endpoint, monkeypatch, how):
    from tasks.storage.backends import TransientStorageError
    from tests.faulty_proxy import FaultyProxy

    open_storage(f"s3://{s3_bucket}/sps").write("archives/a.jsonl", b"x" * 100_000)
    with FaultyProxy(s3_endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        store = open_storage(f"s3://{s3_bucket}/sps")
        proxy.fail("GET", "archives/a.jsonl", times=1, how=how)
        with pytest.raises(TransientStorageError, match=f"s3://{s3_bucket}/sps/archives/a.jsonl"):
            store.read("archives/a.jsonl")
        assert store.read("archives/a.jsonl") == b"x" * 100_000  # the next attempt is fine


@pytest.mark.usefixtures("prefect_harness")
def test_the_first_archive_listing_of_a_flow_is_retried(s3_bucket, s3_endpoint, monkeypatch):
    from flows.pipeline import backfill
    from tests.faulty_proxy import FaultyProxy

    url = f"s3://{s3_bucket}/sps"
    open_storage(url).write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl(**ACME))
    with FaultyProxy(s3_endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        proxy.fail("GET", f"/{s3_bucket}", times=2, how="drop")  # list_objects_v2: GET /bucket?list-type=2
        summary = backfill(date(2017, 11, 1), date(2017, 11, 1), storage=url)
    assert summary["published"] == ["2017-11-01"]
    assert proxy.count("GET", f"/{s3_bucket}") >= 3  # two dropped, then the listing went through


# 6 and 11. Every object under archives/ is ingested or reported; a bad key takes nothing else down.

_MISPLACED = [
    "archives/twitter/dt=2017-02-30/a.jsonl",
    "archives/twitter/dt=notadate/a.jsonl",
    "archives/x.jsonl",
    "archives/twitter/y.jsonl",
    "archives/dt=2017-11-01/y.jsonl",
]


@pytest.mark.usefixtures("prefect_harness")
def test_misplaced_objects_are_reported_quarantined_and_the_rest_publishes(tmp_path):
    from flows.pipeline import PipelineFailed, backfill, nightly
    from tasks.ingest.archive import read_misplaced

    store = open_storage(str(tmp_path))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl(**ACME))
    store.write(f"archives/twitter/dt={DAY}/..jsonl", jsonl(good=40, **ACME))  # an odd name, but a real archive
    store.write(f"archives/twitter/dt={DAY}/_SUCCESS", b"")  # a marker: not an archive
    for key in _MISPLACED:
        store.write(key, jsonl())
    for run in (
        lambda: backfill(date(2017, 11, 1), date(2017, 11, 1), storage=store.url),
        lambda: nightly(day=date(2017, 11, 1), storage=store.url),
    ):
        with pytest.raises(PipelineFailed) as failure:
            run()
        for key in _MISPLACED:
            assert f"\n{key}: file_location_known: " in str(failure.value)
        assert "dt=2017-02-30 is not a calendar date" in str(failure.value)
        assert store.exists(layout.report_folder(date(2017, 11, 1)) + layout.MANIFEST)
    assert sorted(r.key for r in read_misplaced(store)) == sorted(_MISPLACED)
    assert len(store.keys("quarantine/misplaced/")) == len(_MISPLACED)
    assert (
        load_window(store, date(2017, 11, 1), date(2017, 11, 1)).height == 40
    )  # a.jsonl's 30 ids are among ..jsonl's 40

    for key in _MISPLACED:
        store.delete(key)
    backfill(date(2017, 11, 1), date(2017, 11, 1), storage=store.url)  # clean again: no failure
    assert read_misplaced(store) == [] and store.keys("quarantine/misplaced/") == []


@pytest.mark.parametrize(
    ("data", "quarantined"),
    [
        (lambda: twcs() + b"\n", {}),  # one trailing blank line
        (lambda: twcs() + b"\n \n\r\n", {}),  # several, one with a space, one CRLF
        (lambda: (TWCS_HEADER + "".join(twcs_row(i) + ("\n" if i == 10 else "") for i in range(1, 31))).encode(), {}),
        (
            lambda: (
                TWCS_HEADER
                + "".join(twcs_row(i) for i in range(1, 31))
                + "\n"
                + '31,c31,True,Wed Nov 01 10:31:00 +0000 2017,"hi",,,EXTRA\n'
            ).encode(),
            {"record_well_formed": 1},
        ),  # the row-by-row reader too
    ],
    ids=["trailing", "several trailing", "between rows", "ragged file"],
)
def test_blank_lines_in_a_csv_are_not_rows(tmp_path, data, quarantined):
    record = _ingest(open_storage(str(tmp_path)), f"archives/twitter/dt={DAY}/a.csv", data())
    assert (record.rows_read, record.rows_accepted, record.rejected) == (30 + len(quarantined), 30, False)
    assert record.quarantined_by_rule == quarantined


# 11. The IAM policies cover exactly the storage the compose file names.


def test_iam_policies_match_the_compose_storage_and_the_layout():
    import re
    from pathlib import Path

    infra = Path(__file__).parents[2] / "infra"
    storage = re.search(r"SPS_STORAGE: s3://([^/\s]+)/(\S+)", (infra / "docker-compose.yml").read_text())
    bucket, prefix = storage.groups()

    def grants(name: str) -> dict[str, set[str]]:
        """Action → object-key prefixes (relative to the storage root) it is allowed on."""
        out: dict[str, set[str]] = {}
        for statement in json.loads((infra / name).read_text())["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in statement["Action"]:
                for resource in resources:
                    if action == "s3:ListBucket":
                        assert resource == f"arn:aws:s3:::{bucket}"
                        keys = statement["Condition"]["StringLike"]["s3:prefix"]
                    else:
                        keys = [resource.removeprefix(f"arn:aws:s3:::{bucket}/")]
                    for key in keys:
                        assert key.startswith(f"{prefix}/") and key.endswith("*"), (name, key)
                        out.setdefault(action, set()).add(key.removeprefix(f"{prefix}/").removesuffix("*"))
        return out

    owned = {"warehouse/", layout.QUARANTINE, "reports/", "locks/"}
    for written in (
        layout.WAREHOUSE,
        layout.SOURCES,
        layout.MISPLACED,
        layout.BRAND_POSTS,
        layout.DAILY_REPORTS,
        layout.DATA_DOCS,
        layout.LATEST_LOCK,
        layout.QUARANTINE,
    ):
        assert any(written.startswith(p) for p in owned), written  # every place the pipeline writes is granted
    assert grants("iam-policy.json") == {
        "s3:ListBucket": {""},
        "s3:GetObject": {layout.ARCHIVES} | owned,
        "s3:PutObject": owned,
        "s3:DeleteObject": owned,
    }
    assert grants("iam-policy-reader.json") == {"s3:ListBucket": {"reports/"}, "s3:GetObject": {"reports/"}}


# 9 and 11. What a person at the terminal sees: one sentence per failure, no traceback.


def _sps(*args: str, env: dict | None = None, home) -> subprocess.CompletedProcess[str]:
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = os.environ | {"PREFECT_HOME": str(home), "COLUMNS": "200"} | (env or {})
    environment.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from flows.cli import app; app()", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=300,
    )


@pytest.mark.flow
def test_failed_runs_end_in_one_summary_without_a_traceback(tmp_path):
    import socket

    store = open_storage(str(tmp_path / "store"))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl())
    store.write(f"archives/twitter/dt={DAY}/b.jsonl.gz", b"not gzip")
    store.write("archives/twitter/dt=2017-02-30/a.jsonl", jsonl())
    bad_data = _sps("backfill", "--start", DAY, "--end", DAY, "--storage", store.url, home=tmp_path / "home")
    output = bad_data.stdout + bad_data.stderr
    assert bad_data.returncode == 1, output
    assert "Traceback" not in output and "Error flushing" not in output
    assert output.count("b.jsonl.gz: file_decompresses") == 2  # the rejection as it happens, then the summary
    assert output.count("dt=2017-02-30/a.jsonl") == 1  # named once, in the table: day or object, why, what to do
    assert "what to do" in output and "move the object into archives/<platform>/dt=YYYY-MM-DD/" in output
    assert "replace or remove the archive" in output

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    unreachable = _sps(
        "run",
        "--date",
        DAY,
        "--storage",
        "s3://nowhere/sps",
        home=tmp_path / "home",
        env={
            "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{closed}",
            "AWS_ACCESS_KEY_ID": "x",
            "AWS_SECRET_ACCESS_KEY": "y",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "1",
            "SPS_RETRY_DELAYS": "[0.1]",
        },
    )
    output = unreachable.stdout + unreachable.stderr
    assert unreachable.returncode == 3, output
    assert "Traceback" not in output
    assert "storage failed: S3 list failed for s3://nowhere/sps/archives/" in " ".join(output.split())


@pytest.mark.flow
def test_a_full_disk_ends_the_run_in_one_sentence_naming_the_cause(tiny_disk, tmp_path):
    store = open_storage(str(tiny_disk / "store"))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", jsonl())
    with (tiny_disk / "filler").open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 1024)
    run = _sps("backfill", "--start", DAY, "--end", DAY, "--storage", store.url, home=tmp_path / "home")
    output = run.stdout + run.stderr
    assert run.returncode == 3, output
    assert "Traceback" not in output
    assert "storage failed: cannot write " in output and "No space left on device" in output
    assert not [p for p in (tiny_disk / "store").rglob("*") if p.is_file() and p.stat().st_size == 0]  # no torn files


def test_a_bad_setting_is_named_in_one_sentence(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app

    monkeypatch.setenv("SPS_SLA_TARGET_SECONDS", "abc")
    result = CliRunner().invoke(app, ["reports", "list", "--storage", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad setting SPS_SLA_TARGET_SECONDS='abc': Input should be a valid integer" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output


# Issue 15, in part: what a download leaves on an analyst's disk is what its manifest says.


def test_a_brand_download_holds_only_its_tables_and_a_manifest_that_vouches_for_them(tmp_path):
    import hashlib

    import polars as pl

    from tasks.reports.fetch import download

    store = open_storage(str(tmp_path / "store"))
    table = pl.DataFrame({"brand": ["AcmeHelp", "OtherCo"], "inbound": [3, 4]})
    buffer = io.BytesIO()
    table.write_parquet(buffer)
    folder = _published(
        store,
        date(2017, 11, 1),
        {
            "metrics.parquet": buffer.getvalue(),
            "metrics.csv": b"brand,inbound\nAcmeHelp,3\nOtherCo,4\n",
            "report.html": b"<p>every brand</p>",
        },
    )
    written = download(store, folder, "all", tmp_path / "to", brand="AcmeHelp")
    assert sorted(p.name for p in written) == ["manifest.json", "metrics.csv", "metrics.parquet"]
    manifest = json.loads((tmp_path / "to" / layout.MANIFEST).read_bytes())
    assert manifest["brand"] == "AcmeHelp"
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((tmp_path / "to" / name).read_bytes()).hexdigest() == entry["sha256"]
    assert (tmp_path / "to" / "metrics.csv").read_text() == "brand,inbound\nAcmeHelp,3\n"


def test_a_download_never_silently_overwrites(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

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
