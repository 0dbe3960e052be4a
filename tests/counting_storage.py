"""A local store that records every key read: what a test or benchmark counts to show reads saved."""

from __future__ import annotations

from typing import Any

from tasks.store.backends import open_storage


class CountingStorage:
    """`open_storage(root)` with each `read` / `read_tagged` key appended to `reads`, in order."""

    def __init__(self, root: str) -> None:
        self.inner, self.reads = open_storage(root), list[str]()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def read(self, key: str) -> bytes:
        self.reads.append(key)
        return self.inner.read(key)

    def read_tagged(self, key: str) -> tuple[bytes, str]:
        self.reads.append(key)
        return self.inner.read_tagged(key)
