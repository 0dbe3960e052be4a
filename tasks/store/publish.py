"""Publishing a report folder so that no reader ever sees a half-written report.

Order matters: if `reports/latest.json` points at the folder it is taken
away first, then the old manifest goes (the folder now reads as incomplete),
then the data files, then the new manifest, and only then does latest.json
move. A crash anywhere leaves a folder without a manifest, which consumers
ignore by contract, and never a pointer to one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Literal

from tasks.store import layout
from tasks.store.backends import Storage, StorageError
from tasks.store.codecs import read_json
from tasks.store.locks import held


def file_digests(files: dict[str, bytes]) -> dict[str, dict]:
    return {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} for name, data in sorted(files.items())
    }


def read_manifest(storage: Storage, folder: str) -> dict | None:
    key = folder + layout.MANIFEST
    return read_json(storage, key) if storage.exists(key) else None


def publish_report(
    storage: Storage, folder: str, files: dict[str, bytes], manifest: dict, *, latest_day: date | None = None
) -> Literal["published", "unchanged"]:
    """Write `files` then `manifest.json` into `folder`; skip when the published files are already these.

    `latest_day` (daily reports) moves reports/latest.json once the manifest exists.
    """
    digests = file_digests(files)
    existing = read_manifest(storage, folder)
    if existing is not None and existing.get("files") == digests:
        if existing.get("input_fingerprint") != manifest.get("input_fingerprint"):
            # Same bytes from newer inputs: vouch for them under the new fingerprint.
            storage.write(folder + layout.MANIFEST, _manifest_bytes({**existing, **_provenance(manifest)}, digests))
        return "unchanged"
    _withdraw_latest(storage, folder)
    storage.delete(folder + layout.MANIFEST)
    for name, data in sorted(files.items()):
        storage.write(folder + name, data)
    storage.write(folder + layout.MANIFEST, _manifest_bytes(manifest, digests))
    if latest_day is not None:
        _advance_latest(storage, latest_day)
    return "published"


def withdraw_report(storage: Storage, day: date) -> None:
    """Take a day's report down (its day is blocked now: a rejected archive holds its rows): the
    manifest goes, so its folder reads as incomplete, and latest.json moves back to the newest
    day still complete, never to this one."""
    folder = layout.report_folder(day)
    if not storage.exists(folder + layout.MANIFEST):
        return
    _withdraw_latest(storage, folder)
    storage.delete(folder + layout.MANIFEST)
    complete = [
        d
        for k in storage.keys(layout.DAILY_REPORTS)
        if k.endswith("/" + layout.MANIFEST) and (d := layout.partition_day(k)) is not None
    ]
    if complete and not storage.exists(layout.LATEST):
        _advance_latest(storage, max(complete))


def _provenance(manifest: dict) -> dict:
    keys = ("input_fingerprint", "inputs", "code_version", "settings_fingerprint", "watermark")
    return {k: manifest[k] for k in keys if k in manifest}


def _manifest_bytes(manifest: dict, digests: dict) -> bytes:
    return json.dumps({**manifest, "files": digests}, indent=2, sort_keys=True).encode()


def _withdraw_latest(storage: Storage, folder: str) -> None:
    """Remove latest.json while it points at `folder`: it must never name an incomplete report."""
    if not _points_at(storage, folder):  # the common case needs no lock
        return
    with held(storage, layout.LATEST_LOCK, owner="withdraw-latest"):
        if _points_at(storage, folder):
            storage.delete(layout.LATEST)


def _points_at(storage: Storage, folder: str) -> bool:
    try:  # read without the lock first: another day may take the pointer away meanwhile
        return read_json(storage, layout.LATEST).get("path") == folder
    except StorageError:
        return False


def _advance_latest(storage: Storage, day: date) -> None:
    """Point latest.json at `day` unless a newer complete report already holds it.

    Days publish concurrently, so the read-compare-write happens under a lock.
    """
    with held(storage, layout.LATEST_LOCK, owner=f"advance-latest-{day.isoformat()}"):
        if storage.exists(layout.LATEST):
            current = read_json(storage, layout.LATEST)
            if current.get("date", "") > day.isoformat():
                return
        pointer = {
            "date": day.isoformat(),
            "path": layout.report_folder(day),
            "manifest": layout.report_folder(day) + layout.MANIFEST,
        }
        storage.write(layout.LATEST, json.dumps(pointer, indent=2, sort_keys=True).encode())
