"""Storage against servers on 127.0.0.1: moto's S3, and a faulty proxy in front of it that drops or cuts connections."""

from __future__ import annotations

import pytest

from tasks.storage.backends import open_storage


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
