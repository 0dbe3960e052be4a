"""The hostile corpus of issue 18: each case reproduces one defect a hostile test pass found.

Every test here failed before its fix. They use real parts: a local store on
disk, moto's S3 server on 127.0.0.1, subprocesses with resource limits, and
the flows run in-process.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from tasks.ingest import ingest_object
from tasks.policy import load_policy
from tasks.storage import open_storage
from tasks.warehouse import load_window
from tests.test_bad_inputs import DAY, jsonl, jsonl_row


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
    from tasks.attribution import attribute
    from tasks.metrics import mention_facts
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
from tasks.ingest import ingest_object
from tasks.policy import load_policy
from tasks.storage import open_storage
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
        capture_output=True, text=True, cwd=Path(__file__).parents[1], check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_decompression_bombs_stay_within_a_memory_bound_and_are_rejected(tmp_path):
    """Limit 64 MiB: a 1 GiB CSV of zeros and a 1 GiB single JSON line (each about 1 MB
    gzipped) cost at most 3 × 64 MiB above an ordinary 30-row archive's peak. Before the
    limit, gzip.decompress alone held the whole gibibyte."""
    _policy_with(tmp_path, max_decompressed_bytes=64 << 20)
    policy_file = tmp_path / "policy.json"
    gib = 1 << 30
    baseline = _peak_of_ingest(tmp_path, "ok.jsonl.gz", __import__("gzip").compress(jsonl()), policy_file)
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

    body = json.loads((Path(__file__).parents[1] / "expectations" / "policy.json").read_text())
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
    line = f'{{"mention_id": {big}, "author_id": 98765432109876543210987, "is_brand_author": false, ' \
           f'"created_at": "{DAY}T10:00:00Z", "text": "@AcmeHelp hi"}}'
    store = open_storage(str(tmp_path))
    assert _ingest(store, f"archives/twitter/dt={DAY}/a.jsonl", jsonl(line)).rows_accepted == 31
    row = load_window(store, date(2017, 11, 1), date(2017, 11, 1)).filter(pl.col("mention_id") == big)
    assert row["author_id"].to_list() == ["98765432109876543210987"]


def test_objects_and_arrays_in_text_fields_are_malformed_records(tmp_path):
    store = open_storage(str(tmp_path))
    record = _ingest(
        store, f"archives/twitter/dt={DAY}/a.jsonl",
        jsonl(jsonl_row(61, text={"html": "<b>hi</b>"}), jsonl_row(62, sentiment=["positive"]), jsonl_row(63, text="{fine}"),
              good=60),
    )
    assert (record.rows_read, record.rows_accepted) == (63, 61)
    assert record.quarantined_by_rule == {"record_well_formed": 2, "sentiment_label_known": 1}


def test_a_parquet_column_of_lists_is_a_recorded_rejection(tmp_path):
    import io

    buffer = io.BytesIO()
    pl.DataFrame({"mention_id": ["1"], "author_id": ["c"], "is_brand_author": [False],
                  "created_at": [f"{DAY}T10:00:00Z"], "text": [["a", "list"]]}).write_parquet(buffer)
    store = open_storage(str(tmp_path))
    key = f"archives/twitter/dt={DAY}/a.parquet"
    record = _ingest(store, key, buffer.getvalue())
    assert (record.rejected, record.failed_rules) == (True, ["file_parses"])
    assert "text (List(String))" in record.error
    assert store.exists(f"quarantine/dt={DAY}/{__import__('tasks.layout').layout.source_slug(key)}/a.parquet")
