"""The validated-mentions layer: Parquet per (created day, source archive).

One file per source and day means concurrent ingests never write the same
object, and re-ingesting an archive replaces exactly its own rows. Duplicates
across archives are resolved on read, wherever their copies' created days
fall: the copy from the archive collected last wins (its `dt=` partition, then
the later key in name order, `precedence`: a re-delivery or correction
replaces what came before), so every reader sees each (platform, mention_id)
once, on one day, and the choice does not depend on which run read it. Ids
are unique only within a platform: the same id on twitter and facebook is two
mentions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import polars as pl

from tasks.model.parquet import parquet_frame, to_parquet
from tasks.model.records import BrandPosts, IngestRecord
from tasks.model.schema import MENTION_SCHEMA
from tasks.store import layout
from tasks.store.backends import Storage
from tasks.store.codecs import read_frame
from tasks.store.id_hashes import indexes_meeting


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


def precedence(source_file: pl.Expr) -> pl.Expr:
    """The rank of an archive among those holding copies of one mention: the highest wins. Its
    collection day (the `dt=` partition) first, then its key: the archive collected last wins."""
    return source_file.str.extract(r"dt=(\d{4}-\d{2}-\d{2})/").fill_null("") + "|" + source_file


def id_range(posts: pl.DataFrame) -> list[str]:
    """The lowest and highest `mention_id` of `posts` in id order; empty when there is none."""
    ranked = posts.select("mention_id").drop_nulls().sort(_id_order(pl.col("mention_id")))
    return [ranked["mention_id"][0], ranked["mention_id"][-1]] if ranked.height else []


_ID_INDEX_SCHEMA = {"mention_id": pl.String, "source_file": pl.String}


def index_mention_ids(storage: Storage, key: str, platform: str, accepted: pl.DataFrame | None) -> list[str]:
    """Write the ids of archive `key`'s accepted mentions (`layout.mention_index`) and return the keys
    of the other archives on its platform that hold one of them: the archives whose copies compete
    with its own (`precedence`). Ids, not id ranges: where ids do not follow time (the twcs corpus
    numbers its posts in sequence) every range overlaps every other, and each archive would compete
    with all. Only the indexes whose id hashes meet its own are read (`id_hashes`). The index of an
    archive ingested before there were indexes is built from its parts."""
    _index_unindexed(storage)
    ids = (
        pl.DataFrame(schema=_ID_INDEX_SCHEMA)
        if accepted is None
        else accepted.select(pl.col("mention_id").cast(pl.String), pl.lit(key).alias("source_file"))
    )
    ids = ids.drop_nulls().unique().sort("mention_id")
    own = layout.mention_index(platform, layout.source_slug(key))
    shared: set[str] = set()
    others = [i for i in storage.list(layout.mention_ids(platform)) if i.key != own and i.key.endswith(".parquet")]
    for other in indexes_meeting(storage, others, ids["mention_id"]) if ids.height else []:
        found = read_frame(storage, other, schema=_ID_INDEX_SCHEMA).join(ids, on="mention_id", how="semi")
        shared.update(found["source_file"].unique())
    storage.write(own, to_parquet(ids))  # written even when empty: an archive without one predates the index
    return sorted(shared - {key})


def _index_unindexed(storage: Storage) -> None:
    """Build the id index of each ingested archive that has none (ingested by code before the index),
    from the id columns of its parts: once, then it is found like any other."""
    indexed = {k.rsplit("/", 1)[-1].removesuffix(".parquet") for k in storage.keys(layout.MENTION_IDS)}
    for record_key in storage.keys(layout.SOURCES):
        slug = record_key.removeprefix(layout.SOURCES).removesuffix(".json")
        if not record_key.endswith(".json") or slug in indexed:
            continue
        record = json.loads(storage.read(record_key))
        parts = [layout.warehouse_part(date.fromisoformat(d), slug) for d in record.get("days", {})]
        ids = pl.concat(
            [
                pl.DataFrame(schema=_ID_INDEX_SCHEMA),
                *(
                    read_frame(storage, p, columns=list(_ID_INDEX_SCHEMA)).cast(pl.String)
                    for p in parts
                    if storage.exists(p)
                ),
            ]
        )
        storage.write(
            layout.mention_index(record.get("platform", ""), slug), to_parquet(ids.unique().sort("mention_id"))
        )


def remove_mention_index(storage: Storage, key: str, platform: str) -> None:
    storage.delete(layout.mention_index(platform, layout.source_slug(key)))


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


_KEY = ["platform", "mention_id"]


def _rival_copies(
    storage: Storage,
    rivals: list[IngestRecord],
    start: date,
    end: date,
    keys: pl.DataFrame,
    held: Callable[[str], pl.DataFrame | None] = lambda key: None,
):
    """(platform, mention_id, source_file) of the copies of `keys` that `rivals` hold on days outside
    [start, end] (ids only: a part's other columns are not read; a part `held` has read is not read again)."""
    found = [pl.DataFrame(schema={"platform": pl.String, "mention_id": pl.String, "source_file": pl.String})]
    for record in rivals:
        slug = layout.source_slug(record.key)
        for day in sorted(d for d in record.days if not start.isoformat() <= d <= end.isoformat()):
            key = layout.warehouse_part(date.fromisoformat(day), slug)
            if (part := held(key)) is not None:
                found.append(part.select(*_KEY, "source_file").cast(pl.String).join(keys, on=_KEY, how="semi"))
            elif storage.exists(key):
                part = parquet_frame(storage.read(key), columns=[*_KEY, "source_file"])
                found.append(part.cast(pl.String).join(keys, on=_KEY, how="semi"))
    return pl.concat(found)


def copy_conflicts(storage: Storage, start: date, end: date, rivals: list[IngestRecord] | None = None) -> pl.DataFrame:
    """Mentions created in [start, end] that several archives hold: (platform, mention_id, kept, dropped)
    with the archive whose copy counts and one each it replaced, in key order (ids only are read)."""
    parts = [
        parquet_frame(storage.read(k), columns=[*_KEY, "source_file"]).cast(pl.String)
        for day in _days(start, end)
        for k in storage.keys(layout.warehouse_day(day))
        if k.endswith(".parquet")
    ]
    schema = {"platform": pl.String, "mention_id": pl.String, "source_file": pl.String}
    inside = pl.concat([pl.DataFrame(schema=schema), *parts])
    copies = pl.concat([inside, _rival_copies(storage, rivals or [], start, end, inside.select(_KEY).unique())])
    ranked = copies.unique().with_columns(precedence(pl.col("source_file")).alias("_rank"))
    kept = ranked.sort("_rank", descending=True).unique(_KEY, keep="first").select(*_KEY, kept="source_file")
    return (
        ranked.join(kept, on=_KEY)
        .filter(pl.col("source_file") != pl.col("kept"))
        .select(*_KEY, "kept", dropped="source_file")
        .sort(*_KEY, "dropped")
    )


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


class HeldDays:
    """Warehouse parts by created day, each read (and passed through `part_hook`) once while held: a
    run measuring days one after another cuts each day's window from them (`window`) instead of
    reading every part once per window that holds it (8 times for a 72-hour horizon), and lets go
    of the days behind it (`forget_before`), so it holds about one window at a time."""

    def __init__(self, storage: Storage, part_hook: PartHook | None = None) -> None:
        self.storage, self.part_hook = storage, part_hook
        self.parts: dict[date, dict[str, pl.DataFrame]] = {}

    def _day(self, day: date) -> dict[str, pl.DataFrame]:
        if day not in self.parts:
            self.parts[day] = {}
            for key in self.storage.keys(layout.warehouse_day(day)):
                if key.endswith(".parquet"):
                    data = self.storage.read(key)
                    part = parquet_frame(data, schema=MENTION_SCHEMA)
                    self.parts[day][key] = self.part_hook(key, data, part) if self.part_hook else part
        return self.parts[day]

    def forget_before(self, day: date) -> None:
        """Let go of the parts of the days before `day` (read again should a window reach them)."""
        for held in [d for d in self.parts if d < day]:
            del self.parts[held]

    def _held(self, key: str) -> pl.DataFrame | None:
        day = layout.partition_day(key)
        return None if day is None else self.parts.get(day, {}).get(key)

    def window(self, start: date, end: date, rivals: list[IngestRecord] | None = None) -> pl.DataFrame:
        """All mentions created in [start, end] (its days read unless held), each (platform,
        mention_id) once: the copy `precedence` ranks highest, which may be a copy `rivals` (archives
        with rows outside the window whose ids may overlap its own) hold on another day, and then the
        mention is not in this window at all."""
        parts = [part for day in _days(start, end) for part in self._day(day).values()]
        if not parts:
            return pl.DataFrame(schema=MENTION_SCHEMA)
        whole = pl.concat(parts, how="diagonal")
        del parts
        outside = (
            _rival_copies(self.storage, rivals, start, end, whole.select(_KEY).unique(), self._held) if rivals else None
        )
        if (outside is None or outside.is_empty()) and not whole.select(_key_hash().is_duplicated().any()).item():
            # no mention in two archives (the usual case): nothing to choose; one contiguous copy (what
            # reads it next joins and sorts it), not the sort of every key that chose among duplicates
            return whole.rechunk()
        # the highest precedence wins; ranking the keys alone and gathering once holds one copy of the
        # window's text, not two (sort, then unique); a copy outside the window has no row here
        ranked = pl.concat(
            [
                whole.select(*_KEY, "source_file").with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64)),
                *([outside.with_columns(pl.lit(None, pl.Int64).alias("_row"))] if outside is not None else []),
            ],
            how="diagonal",
        )
        first = (
            ranked.sort(precedence(pl.col("source_file")), descending=True)
            .unique(_KEY, keep="first")
            .drop_nulls("_row")
            .sort("_row")
        )
        return whole[first["_row"]]


def load_window(
    storage: Storage,
    start: date,
    end: date,
    part_hook: PartHook | None = None,
    rivals: list[IngestRecord] | None = None,
) -> pl.DataFrame:
    """All mentions created in [start, end], each (platform, mention_id) once (`HeldDays.window`).

    `part_hook` may add columns to each part before the parts are merged (tasks/store/stance_store.py
    adds each customer mention's stored stance)."""
    return HeldDays(storage, part_hook).window(start, end, rivals)
