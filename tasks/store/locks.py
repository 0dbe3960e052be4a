"""A lease on one report day, so two runs never interleave writes to its folder.

The lock is an object created only if absent (a linked-in file locally, a
conditional PUT on S3), holding its owner, host, process and an expiry. The
holder renews the lease while it works; a run that died holding it blocks the
day only until the lease runs out, or at once for a restart on the same host
(its dead process is seen to be gone). Taking over a lapsed lock is itself
conditional (replace only the very body that was read), so of many waiters
exactly one wins; a lock body that cannot be read (a torn write) counts as lapsed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tasks.store.backends import Storage, StorageError


class LockTimeout(RuntimeError):
    """Another run held the lock for longer than we were willing to wait."""


@dataclass(frozen=True)
class _Holding:
    """One taking of a lock: its label, a token no other taking shares, its lease."""

    owner: str
    lease_s: float
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def body(self) -> bytes:
        expires = datetime.now(UTC) + timedelta(seconds=self.lease_s)
        return json.dumps(
            {
                "owner": self.owner,
                "token": self.token,
                "expires": expires.isoformat(),
                "host": socket.gethostname(),
                "pid": os.getpid(),
            }
        ).encode()

    def etag_if_mine(self, storage: Storage, key: str) -> str | None:
        current = _read(storage, key)
        return current[1] if current and _parse(current[0]).get("token") == self.token else None


@contextlib.contextmanager
def held(
    storage: Storage, key: str, *, owner: str, lease_s: float = 60, wait_s: float = 900, poll_s: float = 0.2
) -> Iterator[None]:
    holding = _Holding(owner, lease_s)
    deadline = time.monotonic() + wait_s
    while not _try_acquire(storage, key, holding):
        if time.monotonic() > deadline:
            raise LockTimeout(f"{key}: still held by another run after {wait_s:.0f} s")
        time.sleep(poll_s)
    done = threading.Event()
    renewer = threading.Thread(target=_renew, args=(storage, key, holding, done), daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()
        etag = holding.etag_if_mine(storage, key)
        if etag:
            storage.delete_if(key, etag)


def _renew(storage: Storage, key: str, holding: _Holding, done: threading.Event) -> None:
    while not done.wait(holding.lease_s / 3):
        etag = holding.etag_if_mine(storage, key)
        if etag:
            storage.replace_if(key, etag, holding.body())


def _try_acquire(storage: Storage, key: str, holding: _Holding) -> bool:
    if storage.create_exclusive(key, holding.body()):
        return True
    current = _read(storage, key)
    if current is None:  # released meanwhile: try again at the next poll
        return False
    data, etag = current
    return _lapsed(_parse(data)) and storage.replace_if(key, etag, holding.body())


def _lapsed(holder: dict) -> bool:
    """Expired, unreadable, or held by a process of this host that no longer exists."""
    try:
        if datetime.fromisoformat(holder["expires"]) < datetime.now(UTC):
            return True
    except (KeyError, TypeError, ValueError):
        return True
    return holder.get("host") == socket.gethostname() and not _alive(holder.get("pid"))


def _alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return True  # cannot tell: trust the lease
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(storage: Storage, key: str) -> tuple[bytes, str] | None:
    try:
        return storage.read_tagged(key)
    except StorageError:
        return None


def _parse(data: bytes) -> dict:
    try:
        body = json.loads(data)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
