"""Both storage backends through one interface: here the local one (tests/server/store/test_storage.py
runs the interface tests against S3 on moto's server, 127.0.0.1)."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tasks.ingest.policy import load_policy
from tasks.jobs.ingest_archive import set_aside_misplaced
from tasks.store import layout
from tasks.store.backends import LocalStorage, S3Storage, StorageError, open_storage
from tests.archives import DAY, jsonl


@pytest.fixture
def storage(tmp_path):
    """The local backend; tests/server/store/test_storage.py runs the same tests against S3."""
    return open_storage(str(tmp_path / "store"))


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
        f"import os; os.umask({umask:#o}); from tasks.store.backends import open_storage; "
        f"s = open_storage({str(tmp_path)!r}); s.write('reports/a.html', b'x'); "
        "s.create_exclusive('locks/b.json', b'y')"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[3])
    assert stat.S_IMODE((tmp_path / "reports" / "a.html").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "locks" / "b.json").stat().st_mode) == mode


# The hostile corpus of issue 29 (D4, D5): every object under archives/ is listed, by both backends
# alike (names that begin with `.tmp-` are a user's like any other); links and special files are
# listed as refused, never skipped nor followed.

PART = f"archives/twitter/dt={DAY}/"


_DOTTED = [
    f"{PART}.tmp-a.jsonl",  # a file named .tmp-*
    f"{PART}.tmp-x/b.jsonl",  # a folder named .tmp-*
    f"archives/.tmp-twitter/dt={DAY}/c.jsonl",
    f"{PART}.tmp-abcdefgh",  # as long as a temp name of mkstemp's: still the user's
    f"{PART}d.jsonl",
]


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
