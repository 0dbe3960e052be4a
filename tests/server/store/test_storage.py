"""Storage against servers on 127.0.0.1: moto's S3, and a faulty proxy in front of it that drops or cuts connections."""

from __future__ import annotations

import boto3
import pytest

from tasks.store import layout
from tasks.store.backends import open_storage
from tests.archives import jsonl
from tests.unit.store.test_storage import (  # noqa: F401 (the interface tests, collected here against S3)
    _DOTTED,
    PART,
    test_etag_changes_with_content,
    test_missing_object_error_names_the_key,
    test_prefix_is_a_key_prefix_not_a_folder,
    test_write_read_list_delete_round_trip,
)


@pytest.mark.parametrize("how", ["drop", "cut"])
def test_a_dropped_or_cut_connection_is_a_transient_error_naming_the_object(s3_bucket, s3_endpoint, monkeypatch, how):
    from tasks.store.backends import TransientStorageError
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


@pytest.fixture
def storage(s3_bucket):
    """The S3 backend under a prefix, for the interface tests imported above."""
    return open_storage(f"s3://{s3_bucket}/some/prefix")


def test_s3_objects_land_under_the_prefix(s3_bucket, s3_endpoint):
    store = open_storage(f"s3://{s3_bucket}/team/sps")
    store.write("reports/latest.json", b"{}")
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == ["team/sps/reports/latest.json"]


def test_every_s3_upload_says_what_it_holds(s3_bucket, s3_endpoint):
    """A pre-signed report.html must open in the browser, so every PUT carries its Content-Type."""
    store = open_storage(f"s3://{s3_bucket}/p")
    store.write("reports/daily/x/report.html", b"<p>")
    store.write("reports/daily/x/metrics.csv", b"a")
    store.write("reports/daily/x/metrics.parquet", b"PAR1")
    assert store.create_exclusive("locks/day.json", b"{}")
    etag = store.list("locks/day.json")[0].etag
    assert store.replace_if("locks/day.json", etag, b'{"a": 1}')
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    types = {
        key: client.head_object(Bucket=s3_bucket, Key=f"p/{key}")["ContentType"]
        for key in (
            "reports/daily/x/report.html",
            "reports/daily/x/metrics.csv",
            "reports/daily/x/metrics.parquet",
            "locks/day.json",
        )
    }
    assert types == {
        "reports/daily/x/report.html": "text/html; charset=utf-8",
        "reports/daily/x/metrics.csv": "text/csv; charset=utf-8",
        "reports/daily/x/metrics.parquet": "application/vnd.apache.parquet",
        "locks/day.json": "application/json",
    }


def test_d5_local_and_s3_list_tmp_named_objects_alike(tmp_path, s3_bucket):
    local = open_storage(str(tmp_path))
    s3 = open_storage(f"s3://{s3_bucket}/sps")
    for store in (local, s3):
        for key in _DOTTED:
            store.write(key, b"x")
    assert local.keys("archives/") == s3.keys("archives/") == sorted(_DOTTED)  # all 5, on both


def test_d12_s3_folder_markers_are_not_misplaced(s3_bucket, s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    for marker in ("sps/archives/", "sps/archives/twitter/", f"sps/{PART}"):  # "Create folder", zero bytes
        client.put_object(Bucket=s3_bucket, Key=marker, Body=b"")
    client.put_object(Bucket=s3_bucket, Key="sps/archives/facebook_$folder$", Body=b"")  # Hadoop's marker
    client.put_object(Bucket=s3_bucket, Key="sps/archives/odd/", Body=b"data")  # not empty: an object
    store = open_storage(f"s3://{s3_bucket}/sps")
    store.write(f"{PART}a.jsonl", jsonl())
    listed = store.list("archives/")
    assert [o.key for o in listed] == ["archives/odd/", f"{PART}a.jsonl"]
    assert [o.key for o in listed if layout.misplaced(o)] == ["archives/odd/"]
