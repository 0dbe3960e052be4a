"""Finding and fetching published reports, checking every byte against its manifest."""

from __future__ import annotations

import difflib
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tasks.model.parquet import parquet_frame
from tasks.model.periods import Period
from tasks.store import layout
from tasks.store.backends import S3Storage, Storage
from tasks.store.codecs import read_json
from tasks.store.publish import file_digests

FORMATS = {
    "parquet": [
        "metrics.parquet",
        "platforms.parquet",
        "hours.parquet",
        "backlog.parquet",
        "sps.parquet",
        "mentions.parquet",
        "agents.parquet",
    ],
    "csv": ["metrics.csv", "sps.csv"],
    "html": ["report.html"],
}


class ChecksumMismatch(RuntimeError):
    """A downloaded file is not the one its manifest vouches for."""


class UnknownBrand(ValueError):
    """`--brand` names no brand of the report: says which ones come close."""

    def __init__(self, brand: str, brands: list[str]) -> None:
        close = close_brands(brand, brands)
        hint = f"; did you mean {', '.join(close)}?" if close else f" ({len(brands)} brands in it)"
        super().__init__(f"no brand {brand!r} in this report{hint}")


def close_brands(brand: str, brands: list[str]) -> list[str]:
    """Brands a mistyped handle probably meant: the same but for case, else the nearest spellings."""
    return [b for b in brands if b.lower() == brand.lower()] or difflib.get_close_matches(brand, brands, n=3)


class UnsafeManifest(RuntimeError):
    """A manifest (or latest.json) that cannot be trusted: not the JSON a report publishes, or naming
    a file no report holds (a path, `..`, an unknown name). Nothing is written."""


def read_manifest(storage: Storage, key: str) -> tuple[dict, bytes]:
    """A manifest and its bytes, checked for what readers use (date, status, each file's sha256)."""
    data = storage.read(key)
    try:
        manifest = json.loads(data)
        valid = (
            isinstance(manifest["date"], str)
            and isinstance(manifest["status"], str)
            and all(isinstance(entry["sha256"], str) for entry in manifest["files"].values())
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise UnsafeManifest(f"{key} is not a report manifest (malformed JSON or fields missing)")
    return manifest, data


def _latest_folder(storage: Storage) -> str:
    try:
        folder = read_json(storage, layout.LATEST)["path"]
    except (ValueError, KeyError, TypeError):
        folder = None
    if not isinstance(folder, str) or not folder.startswith(layout.DAILY_REPORTS) or not folder.endswith("/"):
        raise UnsafeManifest(f"{layout.LATEST} does not name a daily report folder (malformed JSON or no path)")
    return folder


@dataclass(frozen=True)
class Published:
    kind: str
    period: str  # as readers name it: 2017-10-31, 2017-W44, 2017-10
    status: str
    folder: str
    data_warnings: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # the files the manifest vouches for
    headline: dict | None = None  # the page's headline numbers (manifests from 0.2 on)
    start: str = ""  # the period's first day, for ordering

    @property
    def files(self) -> int:
        return len(self.names)


def list_reports(storage: Storage, kind: str = "daily") -> list[Published]:
    """Complete reports (those with a manifest) of one kind, oldest first; a manifest that cannot be
    read stops the listing (UnsafeManifest)."""
    found, unreadable = readable_reports(storage, kind)
    if unreadable:
        raise unreadable[0]
    return found


def readable_reports(storage: Storage, kind: str) -> tuple[list[Published], list[UnsafeManifest]]:
    """Complete reports of one kind, oldest first, and why each report whose manifest cannot be
    read was left out: one bad manifest hides its report, not every other."""
    found, unreadable = [], []
    for key in storage.keys(f"reports/{kind}/"):
        if key.endswith("/" + layout.MANIFEST):
            try:
                found.append(_published(storage, kind, key))
            except UnsafeManifest as exc:
                unreadable.append(exc)
    return sorted(found, key=lambda p: p.start), unreadable


def _published(storage: Storage, kind: str, key: str) -> Published:
    manifest = read_manifest(storage, key)[0]
    try:
        return Published(
            kind,
            str((manifest.get("period") or {}).get("label", manifest["date"])),
            manifest["status"],
            key.removesuffix(layout.MANIFEST),
            tuple(str(w) for w in manifest.get("data_warnings") or []),
            tuple(sorted(manifest["files"])),
            dict(manifest["headline"]) if manifest.get("headline") is not None else None,
            manifest["date"],
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise UnsafeManifest(f"{key} is not a report manifest (fields of the wrong kind)") from exc


def resolve_folder(storage: Storage, period: Period | None) -> str:
    """The folder of `period`'s report (a day, week or month), or of the newest complete daily one.

    latest.json names the newest; while that report is being republished the
    pointer is away, and the newest folder with a manifest is the answer."""
    if period is None:
        if storage.exists(layout.LATEST):
            folder = _latest_folder(storage)
            if storage.exists(folder + layout.MANIFEST):
                return folder
        complete = list_reports(storage, "daily")
        if not complete:
            raise FileNotFoundError("no report has been published yet (no daily folder has a manifest)")
        return complete[-1].folder
    folder = period.folder
    if not storage.exists(folder + layout.MANIFEST):
        raise FileNotFoundError(f"no complete {period.kind} report for {period.label} (no {folder}{layout.MANIFEST})")
    return folder


def wanted_files(manifest: dict, fmt: str) -> list[str]:
    """The format's files this report holds (a week's has no mentions.parquet); the page comes with
    the Data Docs pages it links (its copies, `tasks.render.folder.docs_copy`)."""
    if fmt == "all":
        names = sorted(manifest["files"])
    else:
        docs = (
            sorted(n for n in manifest["files"] if n.startswith("data_docs/")) if "report.html" in FORMATS[fmt] else []
        )
        names = [n for n in FORMATS[fmt] if n in manifest["files"]] + docs
    unsafe = [n for n in names if not layout.is_report_file(n)]
    if unsafe:
        raise UnsafeManifest(f"the manifest names files no report holds: {', '.join(map(repr, unsafe[:5]))}")
    return names


def download(
    storage: Storage, folder: str, fmt: str, to: Path, brand: str | None = None, overwrite: bool = False
) -> list[Path]:
    """Verify every file's SHA-256 against the manifest first, then write them all.

    Only the plain names a report holds are fetched, so a crafted manifest cannot
    write outside `to`; a mismatch anywhere, or a file already in `to` (unless
    `overwrite`), writes nothing. With `brand`, only the tables are fetched, cut
    to that brand (the page and summary cover every brand), and the manifest
    written beside them vouches for the cut files."""
    manifest, manifest_bytes = read_manifest(storage, folder + layout.MANIFEST)
    names = wanted_files(manifest, fmt)
    if brand:
        names = [n for n in names if n.endswith(_TABLES)]
        if not names:
            raise ValueError("--brand cuts the tables (parquet, csv); the page covers every brand")
    fetched: dict[str, bytes] = {}
    for name in names:
        data = storage.read(folder + name)
        expected = manifest["files"][name]["sha256"]
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise ChecksumMismatch(f"{folder}{name}: sha256 {actual} does not match the manifest's {expected}")
        fetched[name] = data
    if brand:
        brands = sorted(_brands(fetched))
        if brand not in brands:  # an empty file would look like a quiet brand
            raise UnknownBrand(brand, brands)
        fetched = {name: _only_brand(data, name, brand) for name, data in fetched.items()}
    if fmt == "all":
        fetched[layout.MANIFEST] = (
            manifest_bytes
            if not brand
            else json.dumps(
                {
                    **manifest,
                    "files": file_digests(fetched),
                    "brand": brand,
                    "source_manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
                },
                indent=2,
                sort_keys=True,
            ).encode()
        )
    present = sorted(name for name in fetched if (to / name).exists())
    if present and not overwrite:
        raise FileExistsError(f"{to} already holds {', '.join(present)}: use --overwrite to replace them")
    to.mkdir(parents=True, exist_ok=True)
    for name, data in fetched.items():
        (to / name).parent.mkdir(exist_ok=True)  # data_docs/: the page's Data Docs copies
        (to / name).write_bytes(data)
    return [to / name for name in fetched]


_TABLES = (".parquet", ".csv")


def _brands(tables: dict[str, bytes]) -> set[str]:
    """Every brand of the report as it is named (a handle, not its CSV spelling), from its metrics
    table (parquet or csv: whichever was fetched)."""
    name = next(n for n in tables if n.startswith("metrics."))
    data = tables[name]
    if name.endswith(".parquet"):
        return set(parquet_frame(data, columns=["brand"])["brand"].drop_nulls().to_list())
    spelled = pl.read_csv(io.BytesIO(data), columns=["brand"], infer_schema=False)["brand"].drop_nulls()
    return {_handle_of(b) for b in spelled.to_list()}


def _csv_spelling(brand: str) -> str:
    """How a CSV writes this brand: a handle starting like a formula (`=`, `+`, `-`, `@`) defused."""
    from tasks.render.files import defuse_csv_cells  # the whole report stack: `reports list` need not import it

    return defuse_csv_cells(pl.DataFrame({"brand": [brand]}))["brand"][0]


def _handle_of(spelled: str) -> str:
    """The handle a CSV cell spells: the quote defusing put before a formula-like handle taken off."""
    bare = spelled[1:]
    return bare if spelled.startswith("'") and bare and _csv_spelling(bare) == spelled else spelled


def _only_brand(data: bytes, name: str, brand: str) -> bytes:
    """One table cut to `brand` (a handle): matched as the table spells it, every format alike."""
    buffer = io.BytesIO()
    if name.endswith(".parquet"):
        parquet_frame(data).filter(pl.col("brand") == brand).write_parquet(buffer)
    else:
        table = pl.read_csv(io.BytesIO(data), infer_schema=False)
        table.filter(pl.col("brand") == _csv_spelling(brand)).write_csv(buffer)
    return buffer.getvalue()


def presigned_urls(storage: Storage, folder: str, fmt: str, expires_s: int) -> dict[str, str]:
    """HTTPS links that work without credentials until they expire (S3 storage only)."""
    if not isinstance(storage, S3Storage):
        raise ValueError("pre-signed links need S3 storage (s3://bucket/prefix)")
    manifest = read_manifest(storage, folder + layout.MANIFEST)[0]
    return {name: storage.presigned_get(folder + name, expires_s) for name in wanted_files(manifest, fmt)}
