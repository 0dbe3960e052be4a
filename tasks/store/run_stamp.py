"""A clean run's stamp: what storage held when it ended, so asking again answers at once.

A nightly or backfill with nothing to do still pays for starting Prefect and for
fingerprinting every page (12 s and more). A run that ended without a failure
records what it was asked, the settings, code and schema it ran with, a digest
of the archives it started from, and one of every ingest record, quarantined row
and published object when it ended (keys, sizes, ETags). The same request finding
the same digests has nothing to do: no archive, mapping, setting or code changed,
and nobody touched a report since. An archive that arrived while the run ran is
not in its first digest, so the next run does not skip it. Anything else, or
`--force`, runs the flow.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from tasks.model.records import ObjectInfo
from tasks.model.schema import SCHEMA_VERSION
from tasks.model.version import code_version
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.codecs import read_json

#: What a run leaves that decides the next one's outcome (locks and stamps are not).
OUTPUTS = (layout.SOURCES, layout.MISPLACED, layout.QUARANTINE, "reports/")
STAMPS = "warehouse/_runs/"


@dataclass(frozen=True)
class RunStamp:
    request: str  # request_of(): "backfill end=2017-11-30 start=2017-10-01"
    settings: str  # Settings.fingerprint()
    code: str
    schema: str
    archives: str  # digest of archives/ when the run started
    outputs: str  # digest of OUTPUTS when it ended
    finished_at: str
    days: list[str]  # the daily pages that stand as published
    periods: list[str]  # and the weekly and monthly ones ("weekly/2017-W44")


def listing_digest(objects: list[ObjectInfo]) -> str:
    """One hash over every object's key, size and ETag: any write, removal or edit moves it."""
    digest = hashlib.sha256()
    for info in objects:
        digest.update(f"{info.key}\0{info.size}\0{info.etag}\n".encode())
    return digest.hexdigest()


def storage_digest(storage: Storage, prefixes: tuple[str, ...]) -> str:
    return listing_digest([info for prefix in prefixes for info in storage.list(prefix)])


def request_of(flow: str, **params: object) -> str:
    """What a run was asked, as the stamp's key: 'backfill end=2017-11-30 start=2017-10-01'."""
    return " ".join([flow, *(f"{k}={v}" for k, v in sorted(params.items()))])


def _key(request: str) -> str:
    return f"{STAMPS}{hashlib.sha256(request.encode()).hexdigest()[:24]}.json"


def archives_digest(storage: Storage) -> str:
    """Taken as a run starts: what it was given."""
    return storage_digest(storage, (layout.ARCHIVES,))


def stamp_run(
    storage: Storage, request: str, settings_fingerprint: str, archives: str, days: list[str], periods: list[str]
) -> RunStamp:
    """Record a run that ended clean (call after its last write: the index)."""
    stamp = RunStamp(
        request=request,
        settings=settings_fingerprint,
        code=code_version(),
        schema=SCHEMA_VERSION,
        archives=archives,
        outputs=storage_digest(storage, OUTPUTS),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        days=sorted(days),
        periods=sorted(periods),
    )
    storage.write(_key(request), json.dumps(asdict(stamp), indent=1).encode())
    return stamp


def up_to_date(storage: Storage, request: str, settings_fingerprint: str) -> RunStamp | None:
    """The stamp of the same request if nothing it depends on has changed since; else None.

    archives/ is listed first: storage that cannot be reached is then named by what a run
    reads first, not by a stamp's key."""
    archives = archives_digest(storage)
    if not storage.exists(_key(request)):
        return None
    try:
        stamp = RunStamp(**read_json(storage, _key(request)))
    except (TypeError, ValueError):  # a stamp from another version, or torn: run the flow
        return None
    same = (stamp.request, stamp.settings, stamp.code, stamp.schema, stamp.archives) == (
        request,
        settings_fingerprint,
        code_version(),
        SCHEMA_VERSION,
        archives,
    )
    return stamp if same and stamp.outputs == storage_digest(storage, OUTPUTS) else None
