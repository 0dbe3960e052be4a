"""The validated-mentions layer: Parquet per (created day, source archive).

One file per source and day means concurrent ingests never write the same
object, and re-ingesting an archive replaces exactly its own rows. Duplicates
across archives are resolved on read (first `source_file` in name order wins),
so every reader sees each (platform, mention_id) once and the choice is
deterministic. Ids are unique only within a platform: the same id on twitter
and facebook is two mentions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import polars as pl

from tasks.ingest.schema import MENTION_SCHEMA
from tasks.storage import layout
from tasks.storage.backends import Storage
from tasks.storage.codecs import parquet_frame, read_frame, to_parquet

if TYPE_CHECKING:  # the records only describe the index parts: tasks.ingest.archive imports this module
    from tasks.ingest.archive import IngestRecord


def write_parts(storage: Storage, slug: str, mentions: pl.DataFrame) -> dict[str, int]:
    """Write one Parquet per created day; returns {day: rows}."""
    days = mentions.select(pl.col("created_at").dt.date().alias("day"), pl.int_range(pl.len()).alias("row"))
    written: dict[str, int] = {}
    # one day's rows gathered at a time: sorting the whole archive by day would copy all of it at once
    groups = days.group_by("day").agg("row").sort("day")
    for day, rows in zip(groups["day"], groups["row"], strict=True):
        part = mentions[rows].select(list(MENTION_SCHEMA)).sort("mention_id")
        storage.write(layout.warehouse_part(day, slug), to_parquet(part))
        written[day.isoformat()] = part.height
    return written


def write_brand_posts(storage: Storage, slug: str, accepted: pl.DataFrame | None) -> pl.DataFrame | None:
    """Index this archive's brand posts ((platform, id) → brand), or drop the index when it has none;
    returns the index written."""
    posts = (
        accepted.filter(pl.col("is_brand_author"))
        .select("platform", "mention_id", "author_id")
        .sort("platform", "mention_id")
        if accepted is not None
        else None
    )
    if posts is None or posts.is_empty():
        storage.delete(layout.brand_posts(slug))
        return None
    storage.write(layout.brand_posts(slug), to_parquet(posts))
    return posts


_BRAND_POST_SCHEMA = {"platform": pl.String, "mention_id": pl.String, "author_id": pl.String}


def _id_order(ids: pl.Expr) -> pl.Expr:
    """Ids ordered by length, then text: numeric ids (tweet ids of any length) in number order, so an
    archive's range stays narrow where text order would put "999843" above "1000040"."""
    return ids.str.len_bytes().cast(pl.String).str.zfill(6) + ids


def id_range(posts: pl.DataFrame) -> list[str]:
    """The lowest and highest `mention_id` of `posts` in id order; empty when there is none."""
    ranked = posts.select("mention_id").drop_nulls().sort(_id_order(pl.col("mention_id")))
    return [ranked["mention_id"][0], ranked["mention_id"][-1]] if ranked.height else []


@dataclass(frozen=True)
class BrandPosts:
    """The brand posts a window's attribution needs from the whole history, not the history itself:
    the index of every brand post ever grows with the archive, what one report reads does not."""

    posts: pl.DataFrame  # platform, mention_id, author_id: the posts the window's mentions reply to
    handles: list[str]  # every author seen posting as a brand, in any archive (sorted)


def load_brand_posts(storage: Storage, window: pl.DataFrame, index: list[IngestRecord]) -> BrandPosts:
    """The brand posts outside `window` its customer mentions reply to (each (platform, id) once, as
    across the whole index), and every brand handle, from the index parts of the archives `index`
    records. A record that names its handles and id range (`IngestRecord.brand_post_ids`, `id_range`) spares
    reading its part unless a replied-to id falls in that range: a nightly's reports then read the
    few recent parts, not the whole history; a part is read one at a time."""
    key = ["platform", "mention_id"]
    replied_to = (
        window.filter(~pl.col("is_brand_author").fill_null(False))
        .select("platform", pl.col("in_reply_to_id").alias("mention_id"))
        .drop_nulls()
        .join(window.filter(pl.col("is_brand_author").fill_null(False)).select(key), on=key, how="anti")
        .unique()
        .with_columns(_id_order(pl.col("mention_id")).alias("order"))  # once, not once per record
    )
    posts = [pl.DataFrame(schema=_BRAND_POST_SCHEMA)]
    handles: set[str] = set()
    for record in index:
        if len(record.brand_post_ids) == 2:
            handles.update(record.brand_handles)
            lowest, highest = record.brand_post_ids
            wanted = (pl.col("platform") == record.platform) & pl.col("order").is_between(
                _id_order(pl.lit(lowest)), _id_order(pl.lit(highest))
            )
            if replied_to.filter(wanted).is_empty():
                continue
        part = _brand_post_part(storage, layout.brand_posts(layout.source_slug(record.key)))
        posts.append(part.join(replied_to, on=key, how="semi"))
        handles.update(part["author_id"].drop_nulls().unique())
    found = pl.concat(posts).sort(*key, "author_id").unique(key, keep="first", maintain_order=True)
    return BrandPosts(found, sorted(handles))


def _brand_post_part(storage: Storage, key: str) -> pl.DataFrame:
    """One archive's index; parts written before ids were per platform take it from their name."""
    part = read_frame(storage, key)
    if "platform" not in part.columns:  # `<platform>_dt=YYYY-MM-DD_…` (layout.source_slug)
        part = part.with_columns(pl.lit(key.removeprefix(layout.BRAND_POSTS).split("_dt=")[0]).alias("platform"))
    return part.select(list(_BRAND_POST_SCHEMA))


def remove_parts(storage: Storage, slug: str, days: list[str]) -> None:
    for day in days:
        storage.delete(layout.warehouse_part(date.fromisoformat(day), slug))


def days_with_mentions(storage: Storage, start: date, end: date) -> list[date]:
    days = {layout.partition_day(k) for k in storage.keys(layout.WAREHOUSE)}
    return sorted(d for d in days if d is not None and start <= d <= end)


#: A hook that sees each warehouse part as it is read: its key, its bytes and its frame.
PartHook = Callable[[str, bytes, pl.DataFrame], pl.DataFrame]


def _key_hash() -> pl.Expr:
    """One number per (platform, mention_id): equal keys hash alike; a rare collision of unequal
    keys only sends the window through the exact path below."""
    return pl.col("mention_id").hash() ^ pl.col("platform").hash(seed=1)


def load_window(storage: Storage, start: date, end: date, part_hook: PartHook | None = None) -> pl.DataFrame:
    """All mentions created in [start, end], each (platform, mention_id) once.

    `part_hook` may add columns to each part before the parts are merged (tasks/sps/stance_store.py
    adds each customer mention's stored stance)."""
    parts = []
    day = start
    while day <= end:
        for key in storage.keys(layout.warehouse_day(day)):
            if key.endswith(".parquet"):
                data = storage.read(key)
                part = parquet_frame(data, schema=MENTION_SCHEMA)
                parts.append(part_hook(key, data, part) if part_hook else part)
        day += timedelta(days=1)
    if not parts:
        return pl.DataFrame(schema=MENTION_SCHEMA)
    whole = pl.concat(parts, how="diagonal")
    del parts
    if not whole.select(_key_hash().is_duplicated().any()).item():
        # no mention in two archives (the usual case): nothing to choose; one contiguous copy (what
        # reads it next joins and sorts it), not the sort of every key that chose among duplicates
        return whole.rechunk()
    # the first source in name order wins; sorting the keys alone and gathering once holds one copy
    # of the window's text, not two (sort, then unique)
    first = (
        whole.select("platform", "mention_id", "source_file")
        .with_row_index("_row")
        .sort("platform", "mention_id", "source_file")
        .unique(["platform", "mention_id"], keep="first", maintain_order=True)
    )
    return whole[first["_row"]]
