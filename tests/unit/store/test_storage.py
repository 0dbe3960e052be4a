"""Both storage backends through one interface; S3 against moto's server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tasks.storage.backends import LocalStorage, S3Storage, StorageError, open_storage


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return open_storage(str(tmp_path / "store"))
    bucket = request.getfixturevalue("s3_bucket")
    return open_storage(f"s3://{bucket}/some/prefix")


def test_write_read_list_delete_round_trip(storage):
    storage.write("archives/twitter/dt=2017-10-31/a.csv", b"hello")
    storage.write("archives/twitter/dt=2017-10-31/b.csv", b"world!")
    storage.write("reports/latest.json", b"{}")

    assert storage.read("archives/twitter/dt=2017-10-31/a.csv") == b"hello"
    listed = storage.list("archives/")
    assert [o.key for o in listed] == [
        "archives/twitter/dt=2017-10-31/a.csv",
        "archives/twitter/dt=2017-10-31/b.csv",
    ]
    assert [o.size for o in listed] == [5, 6]
    assert listed[0].etag == hashlib.md5(b"hello").hexdigest()  # S3's ETag of a single PUT
    assert storage.keys("reports/") == ["reports/latest.json"]
    assert storage.exists("reports/latest.json")

    storage.delete("reports/latest.json")
    assert not storage.exists("reports/latest.json")
    assert storage.keys("reports/") == []
    storage.delete("reports/latest.json")  # deleting twice is not an error


def test_etag_changes_with_content(storage):
    storage.write("x/obj", b"one")
    first = storage.list("x/")[0].etag
    storage.write("x/obj", b"two")
    assert storage.list("x/")[0].etag != first


def test_missing_object_error_names_the_key(storage):
    with pytest.raises(StorageError, match="archives/nope.csv"):
        storage.read("archives/nope.csv")


def test_prefix_is_a_key_prefix_not_a_folder(storage):
    storage.write("dt=2017-10-31/a", b"1")
    storage.write("dt=2017-10-310/b", b"2")
    assert storage.keys("dt=2017-10-31/") == ["dt=2017-10-31/a"]


def test_s3_objects_land_under_the_prefix(s3_bucket, s3_endpoint):
    store = open_storage(f"s3://{s3_bucket}/team/sps")
    store.write("reports/latest.json", b"{}")
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == ["team/sps/reports/latest.json"]


def test_s3_listing_pages_past_1000_objects(s3_bucket):
    store = open_storage(f"s3://{s3_bucket}")
    client = store._client
    for i in range(1005):
        client.put_object(Bucket=s3_bucket, Key=f"many/{i:05d}", Body=b"")
    assert len(store.keys("many/")) == 1005


def test_open_storage_understands_every_url_form(tmp_path):
    assert isinstance(open_storage(str(tmp_path)), LocalStorage)
    assert open_storage(f"file://{tmp_path}").url == str(tmp_path)
    s3 = open_storage("s3://bucket/a/b/")
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("bucket", "a/b")
    with pytest.raises(StorageError, match="unsupported storage URL scheme 'ftp'"):
        open_storage("ftp://host/x")
    with pytest.raises(StorageError, match="no bucket"):
        open_storage("s3:///x")


def test_local_keys_cannot_escape_the_root(tmp_path):
    store = open_storage(str(tmp_path / "root"))
    with pytest.raises(StorageError, match="escapes the storage root"):
        store.write("../outside", b"x")


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_local_files_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    """mkstemp alone makes every file 0600; a shared reports folder needs what `open()` would give."""
    script = (
        f"import os; os.umask({umask:#o}); from tasks.storage.backends import open_storage; "
        f"s = open_storage({str(tmp_path)!r}); s.write('reports/a.html', b'x'); "
        "s.create_exclusive('locks/b.json', b'y')"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[3])
    assert stat.S_IMODE((tmp_path / "reports" / "a.html").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "locks" / "b.json").stat().st_mode) == mode


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
