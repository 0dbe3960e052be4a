"""An S3 listing that pages past 1,000 objects (moto's server on 127.0.0.1: tens of seconds of uploads)."""

from __future__ import annotations

from tasks.store.backends import open_storage


def test_s3_listing_pages_past_1000_objects(s3_bucket):
    store = open_storage(f"s3://{s3_bucket}")
    client = store._client
    for i in range(1005):
        client.put_object(Bucket=s3_bucket, Key=f"many/{i:05d}", Body=b"")
    assert len(store.keys("many/")) == 1005
