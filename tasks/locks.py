"""A lease on one report day, so two runs never interleave writes to its folder.

The lock is an object created only if absent (O_EXCL locally, a conditional
PUT on S3), holding its owner and an expiry. The holder renews the lease while
it works; a run that died holding it blocks the day only until the lease runs
out, so an interrupted backfill can be resumed within a minute.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from tasks.storage import Storage, StorageError


class LockTimeout(RuntimeError):
    """Another run held the lock for longer than we were willing to wait."""


@contextlib.contextmanager
def held(
    storage: Storage, key: str, *, owner: str, lease_s: float = 60, wait_s: float = 900, poll_s: float = 0.2
) -> Iterator[None]:
    deadline = time.monotonic() + wait_s
    while not _try_acquire(storage, key, owner, lease_s):
        if time.monotonic() > deadline:
            raise LockTimeout(f"{key}: still held by another run after {wait_s:.0f} s")
        time.sleep(poll_s)
    done = threading.Event()
    renewer = threading.Thread(target=_renew, args=(storage, key, owner, lease_s, done), daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()
        if _holder(storage, key).get("owner") == owner:
            storage.delete(key)


def _body(owner: str, lease_s: float) -> bytes:
    expires = datetime.now(UTC) + timedelta(seconds=lease_s)
    return json.dumps({"owner": owner, "expires": expires.isoformat()}).encode()


def _renew(storage: Storage, key: str, owner: str, lease_s: float, done: threading.Event) -> None:
    while not done.wait(lease_s / 3):
        if _holder(storage, key).get("owner") == owner:
            storage.write(key, _body(owner, lease_s))


def _try_acquire(storage: Storage, key: str, owner: str, lease_s: float) -> bool:
    if storage.create_exclusive(key, _body(owner, lease_s)):
        return True
    holder = _holder(storage, key)
    if holder and datetime.fromisoformat(holder["expires"]) < datetime.now(UTC):
        storage.delete(key)  # the holder died; its lease is over
    return False


def _holder(storage: Storage, key: str) -> dict:
    try:
        return json.loads(storage.read(key))
    except (StorageError, ValueError):
        return {}
