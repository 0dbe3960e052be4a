"""Both storage backends through one interface; S3 against moto's server on 127.0.0.1."""

from __future__ import annotations

import hashlib

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
