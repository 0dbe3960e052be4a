"""Brand attribution order of DESIGN.md, one rule at a time."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.metrics.attribution import attribute
from tasks.model.parquet import to_parquet
from tasks.model.records import BrandPosts, IngestRecord
from tasks.store import layout
from tasks.store.backends import StorageError, open_storage
from tasks.store.warehouse import id_range, load_brand_posts
from tests.frames import frame, post


def brands_of(*posts, registry=None) -> dict[str, str | None]:
    out = attribute(frame(*posts), registry or {})
    return dict(zip(out["mention_id"].to_list(), out["brand"].to_list(), strict=False))


def test_archive_brand_wins_over_everything():
    got = brands_of(
        post("m", "c", "2017-10-31 10:00", "@OtherCo help", brand="AcmeHelp"),
        post("r", "OtherCo", "2017-10-31 10:01", "hi", brand_post=True, reply_to="m"),
    )
    assert got["m"] == "AcmeHelp"


def test_earliest_answering_brand_wins_over_addressed_handle():
    got = brands_of(
        post("m", "c", "2017-10-31 10:00", "@AcmeHelp help"),
        post("late", "AcmeHelp", "2017-10-31 10:30", "hi", brand_post=True, reply_to="m"),
        post("early", "OtherCo", "2017-10-31 10:05", "hi", brand_post=True, reply_to="m"),
    )
    assert got["m"] == "OtherCo"
    assert got["late"] == "AcmeHelp"  # a brand's own post is always its author's


def test_reply_to_a_brand_post_belongs_to_that_brand():
    got = brands_of(
        post("b", "AcmeHelp", "2017-10-31 09:00", "@c DM us", brand_post=True),
        post("m", "c", "2017-10-31 10:00", "done, @OtherCo is faster", reply_to="b"),
        post("o", "OtherCo", "2017-10-31 08:00", "ad", brand_post=True),
    )
    assert got["m"] == "AcmeHelp"


def test_first_addressed_known_brand_ignoring_case_and_unknown_handles():
    got = brands_of(
        post("m", "c", "2017-10-31 10:00", "@friend @ACMEHELP @OtherCo why"),
        post("a", "AcmeHelp", "2017-10-31 08:00", "ad", brand_post=True),
        post("o", "OtherCo", "2017-10-31 08:00", "ad", brand_post=True),
    )
    assert got["m"] == "AcmeHelp"


def test_registry_aliases_map_to_the_handle():
    got = brands_of(post("m", "c", "2017-10-31 10:00", "@Acme my order"), registry={"acme": "AcmeHelp"})
    assert got["m"] == "AcmeHelp"


def test_nothing_reaches_it_stays_unattributed():
    got = brands_of(post("m", "c", "2017-10-31 10:00", "@friend lunch?"))
    assert got["m"] is None


def test_a_reply_to_an_old_brand_post_outside_the_frame_follows_the_index():
    index = BrandPosts(
        pl.DataFrame({"platform": ["twitter"], "mention_id": ["b-old"], "author_id": ["AcmeHelp"]}), ["AcmeHelp"]
    )
    out = attribute(frame(post("m", "c", "2017-10-31 10:00", "thanks for the follow-up", reply_to="b-old")), {}, index)
    assert out["brand"].to_list() == ["AcmeHelp"]


def _indexed(storage, name: str, rows: list[tuple[str, str]], summarised: bool) -> IngestRecord:
    """An archive's brand-post index part and its record; `summarised` as ingest writes records
    now (handles and id range), else as records written before they carried them."""
    record = IngestRecord(f"archives/twitter/dt=2017-10-01/{name}.json", "e", 1, "f", "2017-10-01", "twitter")
    part = pl.DataFrame({"platform": "twitter", "mention_id": [i for i, _ in rows], "author_id": [a for _, a in rows]})
    storage.write(layout.brand_posts(layout.source_slug(record.key)), to_parquet(part))
    if summarised:
        record.brand_handles = sorted({a for _, a in rows})
        record.brand_post_ids = id_range(part)
    return record


def test_a_window_loads_only_the_brand_posts_it_replies_to_and_every_brand_handle(tmp_path):
    """Two archives' brand-post indexes: b-old is in both (AcmeHelp and, conflicting, ZzzHelp: the
    first author in name order wins, as over the whole index); b-unrelated is not replied to and stays
    on disk; ZedCare posted only in the second archive, yet a mention addressing @zedcare finds it."""
    storage = open_storage(str(tmp_path))
    index = [
        _indexed(storage, "a", [("b-old", "AcmeHelp"), ("b-unrelated", "AcmeHelp")], summarised=False),
        _indexed(storage, "b", [("b-old", "ZzzHelp"), ("b-x", "ZedCare")], summarised=True),
    ]
    window = frame(
        post("m1", "c", "2017-10-31 10:00", "thanks for the follow-up", reply_to="b-old"),
        post("m2", "d", "2017-10-31 11:00", "@zedcare where is my parcel"),
    )
    loaded = load_brand_posts(storage, window, index)
    assert loaded.posts.rows() == [("twitter", "b-old", "AcmeHelp")]
    assert loaded.handles == ["AcmeHelp", "ZedCare", "ZzzHelp"]
    out = attribute(window, {}, loaded)
    assert dict(zip(out["mention_id"], out["brand"], strict=True)) == {"m1": "AcmeHelp", "m2": "ZedCare"}


def test_a_part_whose_id_range_misses_every_reply_is_not_read(tmp_path):
    """Archive "old" holds ids 100…199, "new" 500…599; the window replies to 510 only. The old part is
    deleted after its record is written: were it read, the load would fail; its handle still counts."""
    storage = open_storage(str(tmp_path))
    old = _indexed(storage, "old", [("100", "OldCare"), ("199", "OldCare")], summarised=True)
    new = _indexed(storage, "new", [("500", "NewCare"), ("510", "NewCare"), ("599", "NewCare")], summarised=True)
    storage.delete(layout.brand_posts(layout.source_slug(old.key)))
    window = frame(post("m1", "c", "2017-10-31 10:00", "ok", reply_to="510"))
    loaded = load_brand_posts(storage, window, [old, new])
    assert loaded.posts.rows() == [("twitter", "510", "NewCare")]
    assert loaded.handles == ["NewCare", "OldCare"]
    with pytest.raises(StorageError):  # the same load with a reply inside the old range reads it
        load_brand_posts(storage, frame(post("m2", "c", "2017-10-31 10:00", "ok", reply_to="150")), [old, new])


def test_id_ranges_follow_number_order_so_a_part_of_long_ids_is_not_read_for_a_short_one(tmp_path):
    """In text order "5000" lies between "1000040" and "999843"; as numbers it is below both."""
    storage = open_storage(str(tmp_path))
    late = _indexed(storage, "late", [("999843", "AcmeHelp"), ("1000040", "AcmeHelp")], summarised=True)
    assert late.brand_post_ids == ["999843", "1000040"]
    early = _indexed(storage, "early", [("4990", "ZedCare"), ("5000", "ZedCare")], summarised=True)
    storage.delete(layout.brand_posts(layout.source_slug(late.key)))  # reading it would fail
    loaded = load_brand_posts(storage, frame(post("m1", "c", "2017-10-31 10:00", "ok", reply_to="5000")), [late, early])
    assert loaded.posts.rows() == [("twitter", "5000", "ZedCare")]


def test_a_reply_answers_only_the_mention_on_its_own_platform():
    """m1 exists on twitter and facebook; the brand answers only the facebook one (after 60 s)."""
    from tasks.metrics.attribution import attribute
    from tasks.metrics.definitions import mention_facts
    from tests.frames import frame, post

    rows = [
        post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp hi"),
        post("m1", "c2", "2017-10-31 10:00", "@AcmeHelp hi"),
        post("r1", "AcmeHelp", "2017-10-31 10:01", "hello", brand_post=True, reply_to="m1"),
    ]
    rows[1]["platform"] = rows[2]["platform"] = "facebook"
    facts, _ = mention_facts(attribute(frame(*rows), {}))
    answered = dict(facts.select("platform", "frt_s").iter_rows())
    assert answered == {"facebook": 60.0, "twitter": None}
