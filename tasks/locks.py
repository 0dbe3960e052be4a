"""A lease on one report day, so two runs never interleave writes to its folder.

The lock is an object created only if absent (O_EXCL locally, a conditional
PUT on S3), holding its owner and an expiry: a run that died holding it
blocks the day only until the lease runs out.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from tasks.storage import Storage, StorageError


class LockTimeout(RuntimeError):
    """Another run held the lock for longer than we were willing to wait."""


@contextlib.contextmanager
def held(
    storage: Storage, key: str, *, owner: str, lease_s: float = 900, wait_s: float = 900, poll_s: float = 0.2
) -> Iterator[None]:
    deadline = time.monotonic() + wait_s
    while not _try_acquire(storage, key, owner, lease_s):
        if time.monotonic() > deadline:
            raise LockTimeout(f"{key}: still held by another run after {wait_s:.0f} s")
        time.sleep(poll_s)
    try:
        yield
    finally:
        if _holder(storage, key).get("owner") == owner:
            storage.delete(key)


def _try_acquire(storage: Storage, key: str, owner: str, lease_s: float) -> bool:
    expires = datetime.now(UTC) + timedelta(seconds=lease_s)
    body = json.dumps({"owner": owner, "expires": expires.isoformat()}).encode()
    if storage.create_exclusive(key, body):
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
