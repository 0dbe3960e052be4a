"""The hostile corpus of issue 29, storage side: each test reproduces one defect (D4, D5, D12, D13,
D14, D15) at the level of one module, with real parts (a folder on disk, moto's S3 on 127.0.0.1)."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from tasks.ingest.archive import set_aside_misplaced
from tasks.ingest.policy import load_policy
from tasks.storage import layout
from tasks.storage.backends import StorageError, open_storage
from tests.archives import DAY, jsonl

PART = f"archives/twitter/dt={DAY}/"

# D5. Every object under archives/ is listed, by both backends alike: names that begin with
# `.tmp-` are a user's like any other.

_DOTTED = [
    f"{PART}.tmp-a.jsonl",  # a file named .tmp-*
    f"{PART}.tmp-x/b.jsonl",  # a folder named .tmp-*
    f"archives/.tmp-twitter/dt={DAY}/c.jsonl",
    f"{PART}.tmp-abcdefgh",  # as long as a temp name of mkstemp's: still the user's
    f"{PART}d.jsonl",
]


def test_d5_local_and_s3_list_tmp_named_objects_alike(tmp_path, s3_bucket):
    local = open_storage(str(tmp_path))
    s3 = open_storage(f"s3://{s3_bucket}/sps")
    for store in (local, s3):
        for key in _DOTTED:
            store.write(key, b"x")
    assert local.keys("archives/") == s3.keys("archives/") == sorted(_DOTTED)  # all 5, on both


def test_d5_the_local_backends_own_writes_leave_nothing_listed(tmp_path):
    store = open_storage(str(tmp_path))
    for n in range(3):
        store.write(f"{PART}a.jsonl", b"x" * n)
        assert store.create_exclusive(f"{PART}b{n}.jsonl", b"y")
        assert store.replace_if(f"{PART}b{n}.jsonl", store.read_tagged(f"{PART}b{n}.jsonl")[1], b"z")
    # a.jsonl and b0..b2 only: no staged file was left beside them
    assert store.keys("archives/") == [f"{PART}a.jsonl"] + [f"{PART}b{n}.jsonl" for n in range(3)]
    assert sorted(p.name for p in (tmp_path / PART).iterdir()) == ["a.jsonl", "b0.jsonl", "b1.jsonl", "b2.jsonl"]


def _linked_tree(tmp_path: Path) -> tuple[object, dict[str, str]]:
    """A store holding one good archive and every kind of entry a local listing must not skip."""
    root, outside = tmp_path / "store", tmp_path / "outside"
    store = open_storage(str(root))
    store.write(f"{PART}good.jsonl", jsonl())
    store.write(f"elsewhere/dt={DAY}/inside.jsonl", jsonl(good=5))
    outside.mkdir()
    (outside / "secret.jsonl").write_bytes(jsonl(good=7))
    (outside / f"dt={DAY}").mkdir()
    (outside / f"dt={DAY}" / "e.jsonl").write_bytes(jsonl(good=3))
    links = {
        f"{PART}out.jsonl": str(outside / "secret.jsonl"),  # D4: a file outside storage
        f"{PART}in.jsonl": str(root / f"elsewhere/dt={DAY}/inside.jsonl"),  # a file inside storage
        f"{PART}dangling.jsonl": str(tmp_path / "gone.jsonl"),
        "archives/twitter/dt=2017-11-02": str(outside / f"dt={DAY}"),  # a linked partition
        "archives/facebook": str(root / "elsewhere"),  # a linked platform folder, inside storage
    }
    for key, target in links.items():
        os.symlink(target, root / key)
    os.mkfifo(root / PART / "pipe.jsonl")  # reading it would wait for ever
    return store, links


def test_d5_links_and_special_files_are_listed_as_refused_never_skipped(tmp_path):
    store, links = _linked_tree(tmp_path)
    listed = {o.key: o for o in store.list("archives/")}
    # good.jsonl readable; the 5 links and the pipe refused; nothing behind a linked folder listed
    assert sorted(listed) == sorted([f"{PART}good.jsonl", f"{PART}pipe.jsonl", *links])
    assert listed[f"{PART}good.jsonl"].refused is None
    for key in links:
        assert listed[key].refused.startswith("a symbolic link"), key
    assert listed[f"{PART}pipe.jsonl"].refused.startswith("not a regular file")
    assert store.keys("archives/") == sorted(listed)


def test_d4_a_link_out_of_storage_is_set_aside_as_misplaced_and_never_read(tmp_path):
    store, links = _linked_tree(tmp_path)
    refused = [o for o in store.list("archives/") if layout.misplaced(o)]
    assert layout.misplaced(next(o for o in store.list("archives/") if o.key == f"{PART}good.jsonl")) is None
    records = set_aside_misplaced(store, refused, load_policy())
    assert sorted(r.key for r in records) == sorted([f"{PART}pipe.jsonl", *links])  # 6 refused, each recorded
    for record in records:
        assert record.rejected and record.failed_rules == ["file_location_known"]
        assert record.error.startswith(f"{record.key}: file_location_known: ")
    assert store.keys("quarantine/misplaced/") == []  # nothing copied: a link is never followed
    assert layout.archive_day(refused[0]) is None  # a refused object has no collection day to ingest
    assert not store.exists(f"{PART}out.jsonl")  # no object of this storage, and not read to find out
    with pytest.raises(StorageError, match="escapes the storage root"):
        store.read(f"{PART}out.jsonl")


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens any folder")
def test_d5_a_folder_that_cannot_be_opened_is_listed_as_refused(tmp_path):
    store = open_storage(str(tmp_path))
    store.write(f"{PART}locked/a.jsonl", jsonl())
    (tmp_path / PART / "locked").chmod(0)
    try:
        listed = store.list("archives/")
    finally:
        (tmp_path / PART / "locked").chmod(0o755)
    assert [(o.key, o.refused is not None) for o in listed] == [(f"{PART}locked", True)]


# D12. The S3 console's folder markers are folders, not misplaced objects.


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
