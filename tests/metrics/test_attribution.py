"""Brand attribution order of DESIGN.md, one rule at a time."""

from __future__ import annotations

from tasks.metrics.attribution import attribute
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
    import polars as pl

    index = pl.DataFrame({"platform": ["twitter"], "mention_id": ["b-old"], "author_id": ["AcmeHelp"]})
    out = attribute(frame(post("m", "c", "2017-10-31 10:00", "thanks for the follow-up", reply_to="b-old")), {}, index)
    assert out["brand"].to_list() == ["AcmeHelp"]
