"""Locks on S3 (issue 18's hostile case 10): a takeover is conditional on the body it read, against
moto's server on 127.0.0.1."""

from __future__ import annotations

from tasks.store.backends import open_storage


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
