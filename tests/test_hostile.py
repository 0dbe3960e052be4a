"""The hostile corpus of issue 18: each case reproduces one defect a hostile test pass found.

Every test here failed before its fix. They use real parts: a local store on
disk, moto's S3 server on 127.0.0.1, subprocesses with resource limits, and
the flows run in-process.
"""

from __future__ import annotations

import json
from datetime import date

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
