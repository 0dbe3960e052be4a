"""The ingest ledger: every archive's ingest record, as stored beside the warehouse."""

from __future__ import annotations

from tasks.model.records import IngestRecord
from tasks.store import layout
from tasks.store.backends import Storage


def read_misplaced(storage: Storage) -> list[IngestRecord]:
    return [IngestRecord.from_json(storage.read(k)) for k in storage.keys(layout.MISPLACED) if k.endswith(".json")]


def read_records(storage: Storage) -> list[IngestRecord]:
    """Every ingest record, for batch checks, manifests and the quarantine commands."""
    return [IngestRecord.from_json(storage.read(k)) for k in storage.keys(layout.SOURCES) if k.endswith(".json")]
