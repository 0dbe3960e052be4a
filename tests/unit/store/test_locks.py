"""Locks (issue 18's hostile cases 3 and 10): a full disk leaves none behind, a takeover has one
winner, a restart is not kept waiting."""

from __future__ import annotations

import json
import time

import pytest

from tasks.store.backends import open_storage
from tasks.store.locks import LockTimeout


def test_a_full_disk_leaves_no_lock_that_outlives_its_lease(tiny_disk):
    from tasks.store.backends import StorageError
    from tasks.store.locks import held

    store = open_storage(str(tiny_disk / "store"))
    filler = tiny_disk / "filler"
    with filler.open("wb", buffering=0) as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 4096)
    with pytest.raises(StorageError, match="cannot write locks/day.json: No space left on device"):
        with held(store, "locks/day.json", owner="run", wait_s=1):
            pass
    assert [p.name for p in (tiny_disk / "store" / "locks").iterdir()] == []  # no empty lock, no temp file
    filler.unlink()  # space is back: the next run takes the lock at once
    with held(store, "locks/day.json", owner="run", wait_s=0.5):
        assert json.loads(store.read("locks/day.json"))["owner"] == "run"


def test_an_empty_lock_left_by_an_older_version_is_taken_over(tmp_path):
    from tasks.store.locks import held

    store = open_storage(str(tmp_path))
    store.write("locks/day.json", b"")
    with held(store, "locks/day.json", owner="run", wait_s=0.5):
        pass
    assert not store.exists("locks/day.json")


def test_of_six_waiters_on_an_expired_lock_exactly_one_holds_it_at_a_time(tmp_path):
    """30 trials of six threads on a lock whose lease ran out; each holds it 5 ms."""
    import threading

    from tasks.store.locks import held

    store = open_storage(str(tmp_path))
    expired = json.dumps({"owner": "dead", "expires": "2000-01-01T00:00:00+00:00"}).encode()
    for _ in range(30):
        store.write("locks/day.json", expired)
        inside, most, guard = [0], [0], threading.Lock()

        def hold(inside=inside, most=most, guard=guard):
            with held(store, "locks/day.json", owner="t", wait_s=30, poll_s=0.001):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.005)
                with guard:
                    inside[0] -= 1

        threads = [threading.Thread(target=hold) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert most[0] == 1


def test_a_restart_on_the_same_host_takes_its_dead_runs_lock_at_once(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    from tasks.store.locks import held

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    store = open_storage(str(tmp_path))
    body = {
        "owner": "killed",
        "expires": "2999-01-01T00:00:00+00:00",
        "host": socket.gethostname(),
        "pid": int(dead.stdout),
    }
    store.write("locks/day.json", json.dumps(body).encode())
    started = time.monotonic()
    with held(store, "locks/day.json", owner="restart", wait_s=5):
        waited = time.monotonic() - started
    assert waited < 1  # not the lease (centuries) nor the 5 s wait
    store.write("locks/day.json", json.dumps(body | {"host": "another-host"}).encode())
    with pytest.raises(LockTimeout):  # elsewhere, the lease decides
        with held(store, "locks/day.json", owner="restart", wait_s=0.3):
            pass
