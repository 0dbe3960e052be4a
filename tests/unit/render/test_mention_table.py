"""mentions.parquet: every cell of a tiny day known by hand, its order, its bytes, its authors."""

from __future__ import annotations

import hashlib
from datetime import date

import polars as pl

from tasks.metrics.mention_table import mention_table
from tasks.metrics.period import MeasureRules, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.parquet import to_parquet
from tasks.model.periods import period_of
from tasks.render.columns import schema_of
from tasks.render.environment import render
from tasks.render.page import queue_rows
from tasks.store.backends import open_storage
from tasks.store.fetch import download
from tasks.store.publish import publish_report
from tests.frames import at, frame, post

DAY = period_of("daily", date(2017, 10, 31))
RULES = MeasureRules(BrandRegistry(), 72 * 3600, 3600, at("2017-11-20 00:00"))
ACME, BETA = "AcmeHelp", "BetaCare"


def _posts():
    return [
        # m1: a labelled complaint, urgent (hacked), answered in 5 min by a reply sending the customer to DM
        post(
            "m1",
            "c1",
            "2017-10-31 10:00",
            "@AcmeHelp my account was hacked, mail jane@x.com",
            brand=ACME,
            sentiment="negative",
        ),
        post("r1", ACME, "2017-10-31 10:05", "@c1 Sorry! Please send us a DM", brand_post=True, reply_to="m1"),
        # m2: answered 73 h later, past the 72 h horizon: not answered, its late reply still shown
        post("m2", "c2", "2017-10-31 09:00", "@AcmeHelp where is my parcel", brand=ACME, sentiment="neutral"),
        post("r2", ACME, "2017-11-03 10:00", "@c2 give us a call", brand_post=True, reply_to="m2"),
        # m3: no archive label, the model reads praise (+1); never answered
        post("m3", "c1", "2017-10-31 11:00", "@AcmeHelp thank you so much, love it, you are the best", brand=ACME),
        # m4: the same author c1 writing to another brand; a phone number masked
        post("m4", "c1", "2017-10-31 08:00", "@BetaCare call +1 415 555 0100", brand=BETA, sentiment="neutral"),
        post("r4", BETA, "2017-10-31 08:30", "@c1 Happy to help", brand_post=True, reply_to="m4"),
        # not in the table: unattributed (no brand, no handle), and the day before
        post("m5", "c3", "2017-10-31 12:00", "hello"),
        post("m6", "c2", "2017-10-30 12:00", "@AcmeHelp hi", brand=ACME, sentiment="neutral"),
    ]


def _pseudonym(brand: str, author: str) -> str:
    """The documented recipe, computed here on its own: SHA-256 of scope, platform, brand, author."""
    return hashlib.sha256("\x1f".join(("sps-author-v1", "twitter", brand, author)).encode()).hexdigest()[:16]


def test_every_cell_of_a_tiny_day():
    table = measure_period(frame(*_posts()), DAY, RULES).mention_table
    assert table is not None
    assert table.schema == pl.Schema(schema_of("mentions.parquet"))
    # brand, then time: AcmeHelp 09:00 (m2), 10:00 (m1), 11:00 (m3); BetaCare 08:00 (m4)
    assert table.rows() == [
        # m2: delivery (parcel), neutral by label, in a category → minor; reply 3 d 1 h = 262,800 s after: late
        ("m2", "twitter", ACME, _pseudonym(ACME, "c2"), at("2017-10-31 09:00"), "delivery", "text", None, "minor",
         False,
         0, "archive_label", False, 262800.0, "r2", False, None, "@AcmeHelp where is my parcel"),
        # m1: hacked → account_security, urgent; −1 by label; answered in 300 s by r1, which says "send us
        # a DM": offline, channel dm
        ("m1", "twitter", ACME, _pseudonym(ACME, "c1"), at("2017-10-31 10:00"), "account_security", "text", None,
         "urgent", True, -1, "archive_label", True, 300.0, "r1", True, "dm",
         "@AcmeHelp my account was hacked, mail [email]"),
        # m3: praise by the model: +1, "other", not a complaint → none; no reply at all
        ("m3", "twitter", ACME, _pseudonym(ACME, "c1"), at("2017-10-31 11:00"), "other", None, None, "none", False,
         1, "model", False, None, None, False, None, "@AcmeHelp thank you so much, love it, you are the best"),
        # m4: c1 again, but for BetaCare another pseudonym; answered in 1,800 s in public
        ("m4", "twitter", BETA, _pseudonym(BETA, "c1"), at("2017-10-31 08:00"), "other", None, None, "none", False,
         0, "archive_label", True, 1800.0, "r4", False, None, "@BetaCare call [phone]"),
    ]  # fmt: skip
    assert _pseudonym(ACME, "c1") != _pseudonym(BETA, "c1") and "c1" not in table["author_id"].to_list()


def test_a_later_turn_whose_words_name_nothing_takes_its_threads_category():
    """c2 follows m2 ("where is my parcel": delivery) with "still nothing??" in reply to it: its own words name no
    category, the post that started its thread does → delivery, from the thread; negative by label, in a
    category → minor. A reply to the brand's post r9 (a brand started that thread) names nothing → other."""
    posts = [
        *_posts(),
        post(
            "m7", "c2", "2017-10-31 13:00", "@AcmeHelp still nothing??", brand=ACME, reply_to="m2", sentiment="negative"
        ),
        post("r9", ACME, "2017-10-31 07:00", "New opening hours from today", brand_post=True),
        post(
            "m8", "c4", "2017-10-31 14:00", "@AcmeHelp still nothing??", brand=ACME, reply_to="r9", sentiment="neutral"
        ),
    ]
    table = measure_period(frame(*posts), DAY, RULES).mention_table
    assert table is not None
    assert table.filter(pl.col("mention_id").is_in(["m2", "m7", "m8"])).select(
        "mention_id", "category", "category_source", "severity"
    ).rows() == [
        ("m2", "delivery", "text", "minor"),
        ("m7", "delivery", "thread", "minor"),
        ("m8", "other", None, "none"),
    ]


def test_readings_other_stages_add_are_carried_when_the_facts_have_them():
    """A theme on the mention and a channel on its first response (other readers add them): the
    channel only where the mention was answered within the horizon (m2's reply came too late)."""
    inside = measure_period(frame(*_posts()), DAY, RULES).source
    assert inside is not None
    read = inside.mentions.with_columns(
        pl.when(pl.col("mention_id") == "m3").then(pl.lit("praise")).alias("theme"),
        pl.when(pl.col("first_response_id").is_not_null()).then(pl.lit("dm")).alias("first_response_channel"),
    )
    table = mention_table(read)
    assert table.select("mention_id", "theme", "channel").rows() == [
        ("m2", None, None),
        ("m1", None, "dm"),
        ("m3", "praise", None),
        ("m4", None, "dm"),
    ]


def test_the_same_day_gives_the_same_bytes_whatever_the_order_rows_came_in():
    posts = frame(*_posts())
    once = measure_period(posts, DAY, RULES).mention_table
    again = measure_period(posts.reverse(), DAY, RULES).mention_table
    assert once is not None and again is not None
    assert to_parquet(once) == to_parquet(again)


def test_a_week_publishes_no_mention_table():
    """Only a day holds every text (a week sums its days' facts): its readings are in its days' tables."""
    week = measure_period(frame(*_posts()), period_of("weekly", date(2017, 10, 30)), RULES)
    assert week.mention_table is None


def test_download_brand_cuts_the_mention_table_to_that_brand(tmp_path):
    """A day's published files (metrics and mentions of two brands) fetched with --brand BetaCare:
    mentions.parquet holds m4 only, and the manifest written beside it vouches for the cut file."""

    measure = measure_period(frame(*_posts()), DAY, RULES)
    assert measure.mention_table is not None
    store = open_storage(str(tmp_path / "store"))
    files = {
        "metrics.parquet": to_parquet(measure.metrics),
        "mentions.parquet": to_parquet(measure.mention_table),
    }
    publish_report(store, DAY.folder, files, {"date": "2017-10-31", "status": "final"})  # as a manifest holds
    got = download(store, DAY.folder, "all", tmp_path / "out", brand=BETA)
    assert sorted(p.name for p in got) == ["manifest.json", "mentions.parquet", "metrics.parquet"]
    cut = pl.read_parquet(tmp_path / "out" / "mentions.parquet")
    assert cut.select("mention_id", "brand").rows() == [("m4", BETA)]
    assert cut.equals(measure.mention_table.filter(pl.col("brand") == BETA))


def test_a_final_days_queue_says_past_the_horizon_not_72_0_h():
    """The tiny day is final (its cut-off, 11-20, is weeks later): m2 (minor, its reply came 73 h
    later) waited past the 72 h horizon, and the page says so and what "waiting" is measured to."""
    page = render("sections/queue.html", queue=queue_rows(measure_period(frame(*_posts()), DAY, RULES)))
    assert "<td>minor</td><td>AcmeHelp</td><td>delivery</td><td>&gt; 72 h</td>" in page
    assert "72.0 h" not in page and "the end of the newest archive collected" in page
