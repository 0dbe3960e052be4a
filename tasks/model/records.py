"""The records that cross every stage: what storage lists, what ingest did to an archive, which brand
posts a window's attribution needs. Plain values, so every layer can name them without importing the
layer that makes them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: every command lists storage through these records, `sps --help` too
    import polars as pl


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str
    #: Why the backend will not read this object (a symbolic link, not a regular file, unreadable):
    #: listed so that it is reported like a misplaced archive, never skipped without a word.
    refused: str | None = None


@dataclass
class IngestRecord:
    """What happened to one archive object; stored beside the warehouse as JSON."""

    key: str
    etag: str
    size: int
    fingerprint: str
    collected: str
    platform: str = ""
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    duplicates_dropped: int = 0
    quarantined_by_rule: dict[str, int] = field(default_factory=dict)
    warned_by_rule: dict[str, int] = field(default_factory=dict)
    brand_posts: int = 0
    brand_handles: list[str] = field(default_factory=list)  # who posted as a brand in it
    brand_post_ids: list[str] = field(default_factory=list)  # its brand posts' lowest and highest id (id_range)
    # other archives holding a copy of one of its mentions when it was ingested (warehouse.index_mention_ids)
    shared_with: list[str] = field(default_factory=list)
    unattributable: int = 0
    days: dict[str, int] = field(default_factory=dict)
    rejected: bool = False
    failed_rules: list[str] = field(default_factory=list)
    error: str | None = None
    data_docs: str | None = None
    run_id: str = ""  # the flow run that ingested it ("" when not run by a flow, or by older code)
    skipped: bool = False  # ingested by an earlier run: this one found it done

    def to_json(self) -> bytes:
        body = asdict(self)
        body.pop("skipped")
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> IngestRecord:
        body = json.loads(data)
        body.pop("mention_ids", None)  # the id range records held before the id index
        return cls(**body)


def by_rule(counts: dict[str, int]) -> str:
    """Counts per rule as people read them, `row_id_present (3), text_present (1)`: a log line or a
    table cell, never a Python dict."""
    return ", ".join(f"{rule} ({n})" for rule, n in counts.items())


@dataclass(frozen=True)
class BrandPosts:
    """The brand posts a window's attribution needs from the whole history, not the history itself:
    the index of every brand post ever grows with the archive, what one report reads does not."""

    posts: pl.DataFrame  # platform, mention_id, author_id: the posts the window's mentions reply to
    handles: list[str]  # every author seen posting as a brand, in any archive (sorted)
