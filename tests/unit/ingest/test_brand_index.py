"""An ingest record says what its brand-post index part holds, so reports need not read it to know."""

from __future__ import annotations

import polars as pl

from tasks.ingest.policy import load_policy
from tasks.jobs.ingest_archive import ingest_object
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.codecs import read_frame
from tasks.store.ledger import read_records

TWCS = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,cust1,True,Tue Oct 31 10:00:00 +0000 2017,@AcmeHelp where is my parcel,20,
20,AcmeHelp,False,Tue Oct 31 10:05:00 +0000 2017,@cust1 sorry about that,,1
3,cust2,True,Tue Oct 31 11:00:00 +0000 2017,@ZedCare hi,100,
100,ZedCare,False,Tue Oct 31 11:05:00 +0000 2017,@cust2 hello,,3
"""


def test_the_record_names_the_handles_and_the_id_range_of_the_part(tmp_path):
    store = open_storage(str(tmp_path))
    key = "archives/twitter/dt=2017-11-01/x.csv"
    store.write(key, TWCS.encode())
    record = ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert (record.rows_accepted, record.brand_posts) == (4, 2)
    assert record.brand_handles == ["AcmeHelp", "ZedCare"]
    assert record.brand_post_ids == ["20", "100"]  # lowest and highest in number order, though text sorts "100" first
    part = read_frame(store, layout.brand_posts(layout.source_slug(key)))
    assert part["mention_id"].to_list() == ["100", "20"]
    assert read_records(store)[0].brand_post_ids == ["20", "100"]  # and the stored record says so


def test_an_archive_without_brand_posts_names_none(tmp_path):
    store = open_storage(str(tmp_path))
    key = "archives/twitter/dt=2017-11-01/y.csv"
    store.write(key, "\n".join(TWCS.splitlines()[:2] + [TWCS.splitlines()[3]]).encode() + b"\n")
    record = ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert (record.rows_accepted, record.brand_posts, record.brand_handles, record.brand_post_ids) == (2, 0, [], [])
    assert not store.exists(layout.brand_posts(layout.source_slug(key)))
    assert pl.DataFrame(read_records(store)[0].days, strict=False).width == 1  # one created day
