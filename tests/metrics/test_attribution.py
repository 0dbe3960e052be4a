"""Brand attribution order of DESIGN.md, one rule at a time."""

from __future__ import annotations

import polars as pl

from tasks.ingest.warehouse import BrandPosts, load_brand_posts
from tasks.metrics.attribution import attribute
from tasks.storage import layout
from tasks.storage.backends import open_storage
from tasks.storage.codecs import to_parquet
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


def test_a_window_loads_only_the_brand_posts_it_replies_to_and_every_brand_handle(tmp_path):
    """Two archives' brand-post indexes: b-old is in both (AcmeHelp and, conflicting, ZzzHelp: the
    first author in name order wins, as over the whole index); b-unrelated is not replied to and stays
    on disk; ZedCare posted only in the second archive, yet a mention addressing @zedcare finds it."""
    storage = open_storage(str(tmp_path))
    index = {
        "a": [("b-old", "AcmeHelp"), ("b-unrelated", "AcmeHelp")],
        "b": [("b-old", "ZzzHelp"), ("b-x", "ZedCare")],
    }
    for slug, rows in index.items():
        part = pl.DataFrame(
            {"platform": "twitter", "mention_id": [i for i, _ in rows], "author_id": [a for _, a in rows]}
        )
        storage.write(layout.brand_posts(slug), to_parquet(part))
    window = frame(
        post("m1", "c", "2017-10-31 10:00", "thanks for the follow-up", reply_to="b-old"),
        post("m2", "d", "2017-10-31 11:00", "@zedcare where is my parcel"),
    )
    loaded = load_brand_posts(storage, window)
    assert loaded.posts.rows() == [("twitter", "b-old", "AcmeHelp")]
    assert loaded.handles == ["AcmeHelp", "ZedCare", "ZzzHelp"]
    out = attribute(window, {}, loaded)
    assert dict(zip(out["mention_id"], out["brand"], strict=True)) == {"m1": "AcmeHelp", "m2": "ZedCare"}
