"""Ingest one archive object: inspect → file suite → row suite → split → warehouse.

Nothing is lost: every row read ends in the warehouse, in quarantine with its
rule, or is an exact repeat of a row kept (the same id and the same value in
every field: paginated exports and re-deliveries repeat rows), and the
per-object record says so (rows_read = rows_accepted + duplicates_dropped +
rows_quarantined). An object that cannot be read is copied to quarantine as
it was. The raw archive itself is only ever read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from tasks.ingest.adapters import (
    TEXT_FIELDS,
    ArchiveError,
    Inspection,
    ReadLimits,
    inspect_archive,
    platform_from_key,
    unread_facts,
)
from tasks.ingest.data_docs import data_docs_page
from tasks.ingest.evidence import share_above_limit
from tasks.ingest.mapping import ColumnMapping, MappingError, parse_mapping
from tasks.ingest.policy import Policy, Severity
from tasks.ingest.validation import ROW, SuiteRun, load_suite, run_suite, split_run, with_check_columns
from tasks.model.parquet import to_parquet
from tasks.model.records import IngestRecord, ObjectInfo, by_rule
from tasks.model.version import code_version
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.ledger import read_records
from tasks.store.warehouse import (
    id_range,
    index_mention_ids,
    remove_mention_index,
    remove_parts,
    write_brand_posts,
    write_parts,
)

ARCHIVE_REJECTED = "archive_rejected"
INGEST_FAILED = "ingest_failed"  # the rule a record names when its archive could not be ingested at all


def ingest_fingerprint(settings_fingerprint: str) -> str:
    """Changes when the code, a suite or the settings could change the result."""
    suites = json.dumps([load_suite(n) for n in ("file", "mentions", "batch")], sort_keys=True)
    return hashlib.sha256(f"{code_version()}|{suites}|{settings_fingerprint}".encode()).hexdigest()[:16]


def ingest_object(
    storage: Storage,
    obj: ObjectInfo,
    *,
    policy: Policy,
    quarantine_threshold: float,
    fingerprint: str,
    force: bool = False,
) -> IngestRecord:
    """Ingest `obj` unless the same bytes were already ingested by the same code and config."""
    (outcome,) = ingest_objects(
        storage, [obj], policy=policy, quarantine_threshold=quarantine_threshold, fingerprint=fingerprint, force=force
    )  # no run: a record found done is always an earlier one's
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass
class _Reading:
    """An archive read and parsed, waiting for the suites' verdict."""

    obj: ObjectInfo
    slug: str
    collected: date
    previous: IngestRecord | None
    record: IngestRecord
    raw: bytes | None
    inspection: Inspection


def ingest_objects(
    storage: Storage,
    objects: list[ObjectInfo],
    *,
    policy: Policy,
    quarantine_threshold: float,
    fingerprint: str,
    force: bool = False,
    run_id: str = "",
) -> list[IngestRecord | Exception]:
    """Ingest each of `objects` (unless its bytes were already ingested by the same code and config),
    the archives judged together: one run of the file suite and one of the row suite per platform
    (`validation.split_run`: GX's cost is per run). Each outcome is its record, or what stopped
    that archive alone, a transient storage error too: an object that cannot be read fails as
    itself, never the archives judged beside it (the caller decides whether to try again).

    `run_id` names the flow run: a batch retried within it finds the archives its first attempt
    wrote, and those count as ingested by this run, not skipped."""
    outcomes: dict[int, IngestRecord | Exception] = {}
    readings: dict[int, _Reading] = {}
    for i, obj in enumerate(objects):
        try:
            read = _read(storage, obj, fingerprint, force, policy, run_id)
        except Exception as exc:  # this archive only: the others go on
            outcomes[i] = exc
            continue
        if isinstance(read, IngestRecord):
            outcomes[i] = read
        else:
            readings[i] = read
    file_runs = _judged(
        {i: pl.DataFrame([r.inspection.facts]) for i, r in readings.items()}, "file", lambda i: policy.parameters
    )
    checked: dict[int, pl.DataFrame] = {}
    for i, reading in readings.items():
        if file_runs[i].failures.height or reading.inspection.frame is None:
            outcomes[i] = _attempt(_reject, storage, reading, file_runs[i])
            continue
        parsed, reading.record.duplicates_dropped = drop_exact_duplicates(reading.inspection.frame)
        reading.raw, reading.inspection = None, Inspection(facts=reading.inspection.facts)  # release the bytes
        checked[i] = with_check_columns(parsed, reading.collected, policy.parameters["max_age_days"])
    row_runs = _judged(
        checked, "mentions", lambda i: {"max_text_chars": policy.text_limit(readings[i].record.platform)}
    )
    for i in list(checked):  # each archive's rows released once written
        frame = checked.pop(i)
        outcomes[i] = _attempt(_accept, storage, readings[i], frame, row_runs[i], policy, quarantine_threshold)
    for i, outcome in outcomes.items():
        if isinstance(outcome, Exception):
            _record_failure(storage, objects[i], outcome, run_id)
    return [outcomes[i] for i in range(len(objects))]


def _record_failure(storage: Storage, obj: ObjectInfo, error: Exception, run_id: str) -> None:
    """Store a rejected record for an archive whose ingest failed outright, holding the days its
    previous record fed (their parts go): a verdict only the failing run knew of let the next run
    publish those days. Its empty fingerprint has every later run try it again; a good read, a
    replay or the object's removal replaces the record. Storage that failed the ingest may fail
    this too: then the failing run's own block is all there is, as before."""
    slug = layout.source_slug(obj.key)
    collected = layout.partition_day(obj.key)
    if collected is None:
        return
    try:
        previous = _previous_record(storage, slug)
        record = IngestRecord(
            obj.key,
            obj.etag,
            obj.size,
            fingerprint="",
            collected=collected.isoformat(),
            platform=previous.platform if previous else platform_from_key(obj.key),
            days=dict(previous.days) if previous else {},
            rejected=True,
            failed_rules=[INGEST_FAILED],
            error=f"{obj.key}: {INGEST_FAILED}: {error}",
            run_id=run_id,
        )
        _replace(storage, slug, previous, record, accepted=None)
    except Exception:  # noqa: BLE001 - the run that saw the failure blocks the day itself
        return


def _attempt(step: Callable[..., IngestRecord], *args: Any) -> IngestRecord | Exception:
    """One archive's step; a failure of its own (storage's too) is its outcome."""
    try:
        return step(*args)
    except Exception as exc:
        return exc


def _read(
    storage: Storage, obj: ObjectInfo, fingerprint: str, force: bool, policy: Policy, run_id: str
) -> IngestRecord | _Reading:
    """The previous record when the same bytes were ingested by the same code and config, else the
    archive read and parsed."""
    slug = layout.source_slug(obj.key)
    collected = layout.partition_day(obj.key)
    if collected is None:
        raise ArchiveError(obj.key, "file_format_known", "not in a dt=YYYY-MM-DD partition")
    mapping = _mapping_for(storage, obj.key)
    if isinstance(mapping, ColumnMapping):  # a changed mapping reads the archive again
        fingerprint = f"{fingerprint}+{mapping.digest}"
    previous = _previous_record(storage, slug)
    if (
        not force
        and previous
        and (previous.etag, previous.size, previous.fingerprint) == (obj.etag, obj.size, fingerprint)
    ):
        previous.skipped = not run_id or previous.run_id != run_id
        return previous
    record = IngestRecord(obj.key, obj.etag, obj.size, fingerprint, collected.isoformat(), run_id=run_id)
    record.data_docs = layout.data_docs(slug)
    raw, inspection = _inspect(storage, obj, policy, record, mapping)
    return _Reading(obj, slug, collected, previous, record, raw, inspection)


def _judged(frames: dict[int, pl.DataFrame], suite: str, parameters) -> dict[int, SuiteRun]:
    """Each frame's verdict from one run of `suite` per set of parameters, its rows numbered anew."""
    runs: dict[int, SuiteRun] = {}
    groups: dict[str, list[int]] = {}
    for i in frames:
        groups.setdefault(json.dumps(parameters(i), sort_keys=True), []).append(i)
    for members in groups.values():
        together = pl.concat([frames[i] for i in members], how="diagonal_relaxed").drop(ROW, strict=False)
        run = run_suite(together.with_row_index(ROW), suite, parameters(members[0]))
        runs |= dict(zip(members, split_run(run, [frames[i].height for i in members]), strict=True))
    return runs


def _accept(
    storage: Storage, reading: _Reading, checked: pl.DataFrame, run: SuiteRun, policy: Policy, threshold: float
) -> IngestRecord:
    """An archive the file suite let through: its rows split by the row suite's verdict."""
    storage.write(reading.record.data_docs or "", data_docs_page(run.result, reading.obj.key))
    _split(
        storage,
        reading.slug,
        reading.collected,
        reading.previous,
        reading.record,
        checked,
        run.failures,
        policy,
        threshold,
    )
    return reading.record


def _reject(storage: Storage, reading: _Reading, file_run: SuiteRun) -> IngestRecord:
    """An archive the file suite refused (or that could not be read): kept whole in quarantine."""
    record, inspection, obj = reading.record, reading.inspection, reading.obj
    storage.write(record.data_docs or "", data_docs_page(file_run.result, obj.key))
    rules = file_run.failures["rule"].to_list() or ([inspection.error.rule] if inspection.error else [])
    detail = inspection.error.detail if inspection.error else f"broke {', '.join(rules)}"
    if reading.raw is not None:  # keep the object itself: there are no rows to keep
        storage.write(
            layout.quarantine_object(reading.collected, reading.slug, obj.key.rsplit("/", 1)[-1]), reading.raw
        )
    storage.delete(layout.quarantine_rows(reading.collected, reading.slug))
    record.rejected, record.failed_rules = True, rules
    record.error = f"{obj.key}: {', '.join(rules)}: {detail}"
    _replace(storage, reading.slug, reading.previous, record, accepted=None)
    return record


#: What two rows must share to be one row delivered twice: every field as parsed and as read.
_SAME_ROW = [c for c in TEXT_FIELDS] + ["raw_created_at", "raw_is_brand_author", "raw_author_followers", "raw_line"]


def drop_exact_duplicates(parsed: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Keep the first of rows that repeat one another exactly; the same id with other content stays (a conflict)."""
    if not parsed.select(pl.col("mention_id").drop_nulls().is_duplicated().any()).item():
        return parsed, 0  # no id repeats: neither the whole-row comparison nor a copy is needed
    repeat = ~pl.struct(_SAME_ROW).is_first_distinct() & pl.col("mention_id").is_not_null()
    kept = parsed.filter(~repeat)
    return kept, parsed.height - kept.height


def _mapping_for(storage: Storage, key: str) -> ColumnMapping | ArchiveError | None:
    """The platform's column mapping (archives/<platform>/_mapping.toml), if it has one."""
    try:
        where = layout.mapping_file(platform_from_key(key))
    except ArchiveError:
        return None
    if not storage.exists(where):
        return None
    try:
        return parse_mapping(storage.read(where).decode("utf-8", errors="replace"), where)
    except MappingError as exc:
        return ArchiveError(key, "file_format_known", str(exc))


def _inspect(
    storage: Storage,
    obj: ObjectInfo,
    policy: Policy,
    record: IngestRecord,
    mapping: ColumnMapping | ArchiveError | None,
) -> tuple[bytes | None, Inspection]:
    """Read and parse the object, unless its listed size is already over the limit."""
    if obj.size > policy.parameters["max_object_bytes"]:
        return None, Inspection(facts=unread_facts(obj.size))
    raw = storage.read(obj.key)
    try:
        record.platform = platform_from_key(obj.key)
    except ArchiveError as exc:
        return raw, Inspection(facts=unread_facts(len(raw), format_known=False), error=exc)
    if isinstance(mapping, ArchiveError):  # the mapping itself cannot be used
        return raw, Inspection(facts=unread_facts(len(raw), format_known=False), error=mapping)
    return raw, inspect_archive(raw, obj.key, record.platform, ReadLimits.of(policy.parameters), mapping)


def _split(
    storage: Storage,
    slug: str,
    collected: date,
    previous: IngestRecord | None,
    record: IngestRecord,
    checked: pl.DataFrame,
    failures: pl.DataFrame,
    policy: Policy,
    quarantine_threshold: float,
) -> None:
    """Apply each broken rule's severity: warn (count), quarantine (row), fail (archive)."""
    severity = pl.col("rule").replace_strict(policy.severities, default=Severity.QUARANTINE.value)
    warned = failures.filter(severity == Severity.WARN.value)
    blocking = failures.filter(severity != Severity.WARN.value)
    rows = checked.height
    record.rows_read = rows + record.duplicates_dropped
    record.warned_by_rule = _counts(warned)
    record.quarantined_by_rule = _counts(blocking)
    record.unattributable = record.warned_by_rule.get("brand_attributable", 0)
    bad_rows = blocking.group_by(ROW).agg(
        pl.col("rule").sort().str.join("; ").alias("rule"), pl.col("value").sort_by("rule").first()
    )
    alpha = policy.parameters["rejection_false_alarm_rate"]
    failed_rules = sorted(
        {r for r in record.quarantined_by_rule if policy.severity(r) == Severity.FAIL}
        | {
            r
            for r, n in record.quarantined_by_rule.items()
            if share_above_limit(n, rows, policy.max_shares.get(r, 1.0), alpha)
        }
    )
    over_threshold = share_above_limit(bad_rows.height, rows, quarantine_threshold, alpha)
    if failed_rules or over_threshold:
        record.rejected = True
        record.failed_rules = failed_rules or sorted(record.quarantined_by_rule)
        record.error = (
            f"{record.key}: {bad_rows.height} of {rows} rows broke the suite, evidence that more than "
            f"{quarantine_threshold:.1%} are bad (false-alarm rate {alpha:g}); rules: "
            + by_rule(record.quarantined_by_rule)
        )
        bad_rows = (
            checked.select(pl.col(ROW).cast(pl.UInt32))
            .join(bad_rows, on=ROW, how="left")
            .with_columns(pl.col("rule").fill_null(ARCHIVE_REJECTED))
        )
    keyed = checked.with_columns(pl.col(ROW).cast(pl.UInt32))
    record.rows_quarantined = bad_rows.height  # one row each, every one a row of `checked`
    if bad_rows.height:
        quarantined = keyed.join(bad_rows, on=ROW, how="inner")
        storage.write(layout.quarantine_rows(collected, slug), to_parquet(_quarantine_frame(quarantined)))
        accepted = keyed.filter(~pl.col(ROW).is_in(bad_rows[ROW].implode()))
    else:  # a clean archive's rows are accepted as they are: a join or filter would copy every one
        storage.delete(layout.quarantine_rows(collected, slug))
        accepted = keyed
    record.rows_accepted = 0 if record.rejected else accepted.height
    record.brand_posts = int(accepted["is_brand_author"].sum())
    # Days the archive speaks about, even when rejected: those days must not be published.
    record.days = _day_counts(checked if record.rejected else accepted)
    _replace(storage, slug, previous, record, accepted=None if record.rejected else accepted)


def _counts(failures: pl.DataFrame) -> dict[str, int]:
    return dict(sorted(failures.group_by("rule").len().iter_rows()))


def _day_counts(frame: pl.DataFrame) -> dict[str, int]:
    counts = (
        frame.select(pl.col("created_at").drop_nulls())
        .group_by(pl.col("created_at").dt.date().cast(pl.String).alias("day"))
        .len()
        .sort("day")
    )
    return dict(counts.iter_rows())


_QUARANTINE_LEAD = ["source_file", "source_row", "rule", "value"]


def _quarantine_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Rejected rows with their reason; every original field kept, as text."""
    originals = [c for c in TEXT_FIELDS if c not in _QUARANTINE_LEAD] + [
        "raw_created_at",
        "raw_is_brand_author",
        "raw_author_followers",
        "raw_line",
    ]
    return rows.select(*_QUARANTINE_LEAD, *[pl.col(c).cast(pl.String) for c in originals]).sort("source_row")


def _previous_record(storage: Storage, slug: str) -> IngestRecord | None:
    key = layout.source_record(slug)
    return IngestRecord.from_json(storage.read(key)) if storage.exists(key) else None


def _replace(
    storage: Storage,
    slug: str,
    previous: IngestRecord | None,
    record: IngestRecord,
    accepted: pl.DataFrame | None,
) -> None:
    """Swap this source's warehouse parts (and brand-post index) for the new ones, then write its record."""
    written = write_parts(storage, slug, accepted) if accepted is not None and accepted.height else {}
    stale = [day for day in (previous.days if previous else {}) if day not in written]
    remove_parts(storage, slug, stale)
    record.shared_with = index_mention_ids(storage, record.key, record.platform, accepted)
    posts = write_brand_posts(storage, slug, accepted)
    if posts is not None:  # what a report needs to know of the part without reading it
        record.brand_handles = sorted(posts["author_id"].drop_nulls().unique())
        record.brand_post_ids = id_range(posts)
    storage.write(layout.source_record(slug), record.to_json())


MISPLACED_RULE = "file_location_known"


def set_aside_misplaced(storage: Storage, objects: list[ObjectInfo], policy: Policy) -> list[IngestRecord]:
    """Objects under archives/ but outside archives/<platform>/dt=YYYY-MM-DD/, or that storage refused
    to read (a link: never followed, so never copied), each recorded as rejected.

    Each is copied to quarantine once (same etag: not again) and reported by every run
    until it is moved or removed; then its record and copy go too."""
    listed = {layout.misplaced_record(layout.source_slug(o.key)): o for o in objects}
    for stale in set(storage.keys(layout.MISPLACED)) - set(listed):
        storage.delete(layout.quarantine_misplaced(stale.removeprefix(layout.MISPLACED).removesuffix(".json")))
        storage.delete(stale)
    records = []
    for key, obj in sorted(listed.items()):
        previous = IngestRecord.from_json(storage.read(key)) if storage.exists(key) else None
        if previous and (previous.etag, previous.size) == (obj.etag, obj.size):
            previous.skipped = True
            records.append(previous)
            continue
        where = layout.misplaced(obj)
        record = IngestRecord(
            obj.key,
            obj.etag,
            obj.size,
            fingerprint="",
            collected="",
            rejected=True,
            failed_rules=[MISPLACED_RULE],
            error=f"{obj.key}: {MISPLACED_RULE}: {where}",
        )
        if obj.refused is None and obj.size <= policy.parameters["max_object_bytes"]:  # a link is not followed
            storage.write(layout.quarantine_misplaced(layout.source_slug(obj.key)), storage.read(obj.key))
        storage.write(key, record.to_json())
        records.append(record)
    return records


def forget_removed(storage: Storage, listed: set[str], start: date, end: date) -> list[IngestRecord]:
    """Records of archives collected in [start, end] whose object is gone: their warehouse rows
    and brand-post index go with them (quarantined copies stay). Returns the forgotten records."""
    gone = [
        r for r in read_records(storage) if r.key not in listed and start.isoformat() <= r.collected <= end.isoformat()
    ]
    for record in gone:
        slug = layout.source_slug(record.key)
        remove_parts(storage, slug, list(record.days))
        write_brand_posts(storage, slug, None)
        remove_mention_index(storage, record.key, record.platform)
        storage.delete(layout.source_record(slug))
    return gone
