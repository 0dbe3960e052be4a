"""Where everything lives in storage: one place for every key pattern."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from tasks.model.records import ObjectInfo
from tasks.render.folder import DOCS_COPY

ARCHIVES = "archives/"
WAREHOUSE = "warehouse/mentions/"
SOURCES = "warehouse/_sources/"
BRAND_POSTS = "warehouse/_brand_posts/"
MENTION_IDS = "warehouse/_mention_ids/"
DAY_MEASURES = "warehouse/_day_measures/"
QUARANTINE = "quarantine/"
REPORTS = "reports/"
DAILY_REPORTS = REPORTS + "daily/"
LATEST = "reports/latest.json"
DATA_DOCS = "reports/data_docs/"
LATEST_LOCK = "locks/reports-latest.json"
REPORTS_INDEX = "reports/index.html"
MANIFEST = "manifest.json"
#: Every file a report folder may hold besides its manifest: downloads fetch no other name.
REPORT_FILES = frozenset(
    {
        "metrics.parquet",
        "metrics.csv",
        "platforms.parquet",
        "hours.parquet",
        "backlog.parquet",
        "categories.parquet",
        "themes.parquet",
        "agents.parquet",
        "mentions.parquet",
        "sps.parquet",
        "sps.csv",
        "alerts.json",
        "summary.json",
        "report.html",
        "validation.json",
    }
)


def is_report_file(name: str) -> bool:
    """A name a report folder may hold besides its manifest: downloads fetch no other."""
    return name in REPORT_FILES or DOCS_COPY.fullmatch(name) is not None


MISPLACED = "warehouse/_misplaced/"

_DT = re.compile(r"(?:^|/)dt=(\d{4}-\d{2}-\d{2})/")
_ARCHIVE_PLACE = re.compile(r"archives/([^/]+)/dt=([^/]*)/(.*[^/])")


def partition_day(key: str) -> date | None:
    """The `dt=YYYY-MM-DD` partition a key sits in, if any (an impossible date is none)."""
    match = _DT.search(key)
    try:
        return date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def archive_day(obj: ObjectInfo) -> date | None:
    """The collection day of an archive in its right place; None for any other object."""
    return None if misplaced(obj) else partition_day(obj.key)


def misplaced(obj: ObjectInfo) -> str | None:
    """Why a listed object is not an archive to read: the backend refused it (a link), or its key."""
    return obj.refused or misplacement(obj.key)


def misplacement(key: str) -> str | None:
    """Why an object under archives/ is not where an archive must be, or None when it is."""
    match = _ARCHIVE_PLACE.fullmatch(key)
    if not match or match.group(1).startswith("dt="):
        return "not under archives/<platform>/dt=YYYY-MM-DD/"
    if partition_day(f"dt={match.group(2)}/") is None:
        return f"dt={match.group(2)} is not a calendar date (YYYY-MM-DD)"
    return None


def source_slug(key: str) -> str:
    """A stable, readable, collision-free file stem for an archive object."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", key.removeprefix(ARCHIVES))[-80:]
    return f"{readable}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def warehouse_part(day: date, slug: str) -> str:
    return f"{WAREHOUSE}dt={day.isoformat()}/{slug}.parquet"


def warehouse_day(day: date) -> str:
    return f"{WAREHOUSE}dt={day.isoformat()}/"


def source_record(slug: str) -> str:
    return f"{SOURCES}{slug}.json"


def quarantine_rows(collected: date, slug: str) -> str:
    return f"{QUARANTINE}dt={collected.isoformat()}/{slug}.parquet"


def mapping_file(platform: str) -> str:
    """The column mapping for a platform's exports (tasks/ingest/mapping.py); not an archive itself."""
    return f"{ARCHIVES}{platform}/_mapping.toml"


def misplaced_record(slug: str) -> str:
    return f"{MISPLACED}{slug}.json"


def quarantine_misplaced(slug: str) -> str:
    """A copy of an object found outside any archive partition."""
    return f"{QUARANTINE}misplaced/{slug}"


def quarantine_object(collected: date, slug: str, name: str) -> str:
    return f"{QUARANTINE}dt={collected.isoformat()}/{slug}/{name}"


def report_folder(day: date) -> str:
    """The daily report folder (tasks.model.periods.Period.folder covers weeks and months too)."""
    return f"{DAILY_REPORTS}dt={day.isoformat()}/"


def data_docs(slug: str) -> str:
    """GX's Data Docs page for one archive's validation, published beside the reports."""
    return f"{DATA_DOCS}{slug}.html"


def failed_marker(day: date) -> str:
    """Why a day's latest inputs could not be published; removed when it publishes."""
    return f"{report_folder(day)}FAILED.json"


def delivery_record(platform: str, collected: str) -> str:
    """Batch-suite verdict for one platform's archives of one collection day."""
    return f"warehouse/_deliveries/{platform}/dt={collected}.json"


def report_lock(period) -> str:
    """Lock of one report folder (`period` is a tasks.model.periods.Period)."""
    return f"locks/reports-{period.kind}-{period.label}.json"


def day_measures(day: date) -> str:
    return f"{DAY_MEASURES}dt={day.isoformat()}/"


def day_measure(day: date, fingerprint: str, name: str) -> str:
    """One file of a day's stored measure, computed from the inputs `fingerprint` names."""
    return f"{day_measures(day)}{fingerprint}/{name}"


def mention_ids(platform: str) -> str:
    """The folder of one platform's id indexes: ids are unique only within a platform."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", platform)[:40]
    return f"{MENTION_IDS}{readable}-{hashlib.sha256(platform.encode()).hexdigest()[:8]}/"


def mention_index(platform: str, slug: str) -> str:
    """The ids of one archive's accepted mentions: which archives share a mention, without reading them."""
    return f"{mention_ids(platform)}{slug}.parquet"


def brand_posts(slug: str) -> str:
    """Ids of one archive's brand posts: followed by attribution however old the chain."""
    return f"{BRAND_POSTS}{slug}.parquet"
