"""Complaint categories and severity: each rule on a hand-written mention, the queue's order,
the per-category figures, and the hand-labelled twcs slice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from tasks.metrics.categories import (
    Taxonomy,
    category_metrics,
    default_taxonomy,
    parse_taxonomy,
    taxonomy_for,
    unanswered_queue,
    with_categories,
)
from tasks.metrics.registry import load_registry
from tasks.metrics.urgent import urgent_unanswered
from tasks.render.formats import waited
from tests.research.stance_training import DATA

T0 = datetime(2017, 10, 31, 9, tzinfo=UTC)


def facts(rows: list[tuple[str, str, int, bool, float | None]]) -> pl.DataFrame:
    """(brand, text, stance, responded, frt_s) per mention, one author each, 10 minutes apart."""
    return pl.DataFrame(
        {
            "mention_id": [str(i) for i in range(len(rows))],
            "brand": [r[0] for r in rows],
            "author_id": [f"a{i}" for i in range(len(rows))],
            "date": [T0.date()] * len(rows),
            "created_at": [T0 + timedelta(minutes=10 * i) for i in range(len(rows))],
            "text": [r[1] for r in rows],
            "stance": pl.Series([r[2] for r in rows], dtype=pl.Int8),
            "responded": [r[3] for r in rows],
            "frt_s": [r[4] for r in rows],
        }
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("@AcmeHelp my account was hacked", "account_security"),
        ("@AcmeHelp the site is down again", "outage"),
        ("@AcmeHelp still waiting for my refund", "refund_return"),  # refund wins over waiting: it comes first
        ("@AcmeHelp you charged me twice", "billing_payment"),
        ("@AcmeHelp where is my parcel", "delivery"),
        ("@AcmeHelp on hold for 2 hours", "waiting_delay"),
        ("@AcmeHelp my phone keeps freezing", "product_defect"),
        ("@AcmeHelp the cashier was rude", "staff_service"),
        ("@AcmeHelp thanks so much", "other"),
    ],
)
def test_each_category_rule(text, category):
    assert (
        with_categories(facts([("A", text, 0, False, None)]), Taxonomy(default_taxonomy()))["category"].item()
        == category
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # gaming's categories follow people's reasons (REASONS.md): what was paid for and not received
        ("@PlayHelp I bought the season pass yesterday and the new maps never showed up", "purchase_download"),
        ("@PlayHelp my gift card code says it was already used", "purchase_download"),
        ("@PlayHelp the download is stuck at 40% for hours", "purchase_download"),
        ("@PlayHelp cancel my subscription please", "billing_subscription"),
        ("@PlayHelp the servers keep dropping me mid match", "outage_server"),
        ("@PlayHelp can't get into a lobby with my friends tonight", "outage_server"),
        ("@PlayHelp the game freezes every time I open the inventory", "game_bug"),
        ("@PlayHelp lost all my progress after the patch", "game_bug"),
        ("@PlayHelp I can't play any game since yesterday", "game_bug"),  # not a stream's "play"
        ("@PlayHelp my headset mic stopped picking up my voice", "device_compat"),
        ("@PlayHelp I was banned for no reason", "ban_suspension"),
        ("@PlayHelp someone changed my password and I can't sign in", "account_security"),
        ("@MusicHelp the same three songs keep repeating on shuffle", "streaming_playback"),
        ("@MusicHelp this album vanished from the catalogue in my country", "content_availability"),
        ("@MusicHelp please add an option to hide podcasts", "feature_request"),
        ("@MusicHelp the app crashes when I open it", "website_app"),  # no game named: the app
        # a second reviewer's probes: what was not received is what was bought; downloads of songs are playback
        ("@PlayHelp I still haven't received my refund for the game pass charge", "billing_subscription"),
        ("@PlayHelp I never received the DLC I pre-ordered", "purchase_download"),
        ("@MusicHelp my downloaded songs won't play offline", "streaming_playback"),
        ("@MusicHelp can't download playlists for offline listening anymore", "streaming_playback"),
        ("@PlayHelp unplugged my console reinstalled the game still nothing", "purchase_download"),
        ("@PlayHelp my xbox keeps going offline mid match", "outage_server"),
        ("@PlayHelp how do I get my psn account unbanned", "ban_suspension"),
        ("@PlayHelp how do I change my display name", "account_security"),
    ],
)
def test_gaming_categories(text, category):
    gaming = taxonomy_for("gaming_streaming_entertainment")
    assert with_categories(facts([("A", text, 0, False, None)]), gaming)["category"].item() == category


def test_a_bare_failure_in_gaming_takes_its_threads_category():
    """ "didn't work" names no gaming category: the post that started its thread decides (a redeemed code)."""
    rows = facts([("A", "@PlayHelp didn't work", -1, False, None)]).with_columns(
        pl.Series("thread_text", ["@PlayHelp redeemed a code and never got the points"])
    )
    categorised = with_categories(rows, taxonomy_for("gaming_streaming_entertainment"))
    assert categorised.select("category", "category_source").row(0) == ("purchase_download", "thread")


def test_words_that_name_no_category_take_the_category_of_the_threads_first_post():
    """Row 1 names its own (charged → billing) and keeps it whatever its thread says; row 2 names none, its thread's
    first post does (parcel → delivery); row 3 names none and neither does its thread's; row 4 has no thread text.
    Severity: a complaint in a thread about money is major (row 5, −1); a neutral "done, sent you a DM" there is no
    new question (row 6: none), where the same words naming it themselves would be (row 1's kind)."""
    rows = facts(
        [
            ("A", "@AcmeHelp you charged me twice", -1, False, None),
            ("A", "@AcmeHelp still nothing??", -1, False, None),
            ("A", "@AcmeHelp any news?", 0, False, None),
            ("A", "@AcmeHelp still nothing??", -1, False, None),
            ("A", "@AcmeHelp still nothing??", -1, False, None),
            ("A", "@AcmeHelp done, sent you a DM", 0, False, None),
        ]
    ).with_columns(
        pl.Series(
            "thread_text",
            [
                "@AcmeHelp where is my parcel",
                "@AcmeHelp where is my parcel",
                "@AcmeHelp hello",
                None,
                "@AcmeHelp you charged me twice",
                "@AcmeHelp you charged me twice",
            ],
        )
    )
    categorised = with_categories(rows, Taxonomy(default_taxonomy()))
    assert categorised.select("category", "category_source", "severity").rows() == [
        ("billing_payment", "text", "major"),
        ("delivery", "thread", "minor"),
        ("other", None, "none"),
        ("other", None, "minor"),
        ("billing_payment", "thread", "major"),
        ("billing_payment", "thread", "none"),
    ]
    assert "thread_text" not in categorised.columns


def test_severity_and_the_queue_order_severity_first_then_the_longest_waiting():
    rows = [
        ("A", "@AcmeHelp thanks so much", 1, False, None),  # none: praise, not queued
        ("A", "@AcmeHelp where is my parcel", 0, False, None),  # minor (a question in a category)
        ("A", "@AcmeHelp you charged me twice", -1, False, None),  # major
        ("A", "@AcmeHelp my account was hacked", -1, False, None),  # urgent
        ("A", "@AcmeHelp you charged me again", -1, True, 60.0),  # major but answered: not queued
        ("A", "@AcmeHelp opening times?", 0, False, None),  # none: "other" and not a complaint
    ]
    categorised = with_categories(facts(rows), Taxonomy(default_taxonomy()))
    assert categorised["severity"].to_list() == ["none", "minor", "major", "urgent", "major", "none"]
    queue = unanswered_queue(categorised, T0 + timedelta(hours=2), 72 * 3600)
    assert queue.select("mention_id", "severity", "age_h").rows() == [
        ("3", "urgent", 1.5),  # created at 09:30, the newest archive ends 11:00
        ("2", "major", 1.7),
        ("1", "minor", 1.8),
    ]


def test_per_category_figures_and_their_sps_floor():
    rows = [("A", "@AcmeHelp where is my parcel", -1, True, 60.0)] * 3 + [
        ("A", "@AcmeHelp where is my order", 1, True, 180.0),
        ("A", "@AcmeHelp parcel lost", 0, False, None),
        ("A", "@AcmeHelp thanks", 1, False, None),
    ]
    out = category_metrics(with_categories(facts(rows), Taxonomy(default_taxonomy())), min_authors=5).sort("category")
    # delivery: 5 mentions, 4 answered (median of 60, 60, 60, 180 = 60), authors 5: P 1, D 3 → SPS −40.
    delivery = out.row(0, named=True)
    assert (delivery["category"], delivery["inbound"], delivery["responded"], delivery["frt_median_s"]) == (
        "delivery",
        5,
        4,
        60.0,
    )
    assert (delivery["authors"], delivery["promoters"], delivery["detractors"], delivery["sps"]) == (5, 1, 3, -40.0)
    other = out.row(1, named=True)
    assert (other["category"], other["inbound"], other["response_rate"], other["sps"]) == ("other", 1, 0.0, None)


def test_a_registry_taxonomy_with_a_bad_pattern_is_refused_by_name():
    with pytest.raises(ValueError, match="brands.toml: category 'billing' has a bad pattern"):
        parse_taxonomy([{"name": "billing", "pattern": "(unclosed"}], "brands.toml")


def test_a_brand_puts_its_own_categories_first_and_may_replace_or_drop_a_shared_one(tmp_path):
    registry = tmp_path / "brands.toml"
    registry.write_text(
        """
[brands.Tesco]
[[brands.Tesco.category]]
name = "clubcard"
pattern = 'club ?card'
[[brands.Tesco.category]]
name = "delivery"
pattern = 'click (and|&) collect'
[[brands.Tesco.category]]
name = "refund_return"
drop = true
[brands.Argos]
""",
        encoding="utf-8",
    )
    texts = [
        "my clubcard points are gone, refund me",  # Tesco's own category comes before refund_return
        "click & collect slot missing",  # Tesco's delivery is its own pattern
        "where is my parcel",  # ...which replaced the shared delivery pattern for Tesco
        "I want a refund",  # Tesco dropped refund_return
    ]
    rows = [(brand, text, 0, False, None) for brand in ("Tesco", "Argos") for text in texts]
    out = with_categories(facts(rows), load_registry(registry).taxonomy)["category"].to_list()
    assert out[:4] == ["clubcard", "delivery", "other", "other"]
    assert out[4:] == ["refund_return", "other", "delivery", "refund_return"]  # Argos keeps the shared list


@pytest.mark.parametrize("pattern", ["(oops", "refund(?! me)"])  # the second: Python's re takes it, polars not
def test_a_brand_category_with_a_bad_pattern_is_refused_naming_the_brand(tmp_path, pattern):
    registry = tmp_path / "brands.toml"
    entry = f"[brands.Tesco]\n[[brands.Tesco.category]]\nname = 'x'\npattern = '{pattern}'\n"
    registry.write_text(entry, encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[brands.Tesco\]: category 'x' has a bad pattern"):
        load_registry(registry)


@pytest.mark.parametrize(
    ("fixture", "right", "named", "named_right"),
    [
        # every 27th inbound mention by id: labelled first, then used to write the rules
        ("category_labels.csv", 77, 48, 37),
        # every 27th from the 14th on: labelled after the rules were final, never used to change them
        # (65 and 21 until round 3 gave the general set quality and claim words, read from other texts)
        ("category_heldout.csv", 66, 45, 22),
    ],
)
def test_the_hand_labelled_twcs_slices(fixture, right, named, named_right):
    """How often the rules agree with people on 100 twcs mentions, overall and on the mentions
    people put in a named category (the rest they called "other"). Rules miss most complaints that
    name no keyword: on held-out mentions a named category is found 22 times in 45."""
    labels = pl.read_csv(
        Path(__file__).parents[2] / "fixtures" / fixture, schema={"tweet_id": pl.String, "category": pl.String}
    ).rename({"category": "people"})
    texts = pl.read_csv(DATA / "twcs_sample.csv", infer_schema=False).select("tweet_id", "text")
    judged = with_categories(
        labels.join(texts, on="tweet_id").with_columns(pl.lit(0, dtype=pl.Int8).alias("stance")),
        Taxonomy(default_taxonomy()),
    )
    assert judged.height == 100
    assert int((judged["people"] == judged["category"]).sum()) == right
    in_named = judged.filter(pl.col("people") != "other")
    assert (in_named.height, int((in_named["people"] == in_named["category"]).sum())) == (named, named_right)


def test_the_queue_shows_the_real_wait_to_the_cut_off_and_past_the_horizon_says_so():
    """Three unanswered complaints (major) and a question (minor), 0, 10, 30 and 40 min after 09:00;
    the newest archive ends 72 h 05 min after 09:00, the horizon is 72 h. Waited to that cut-off:
    72 h 05 → past the horizon (shown "> 72 h"); 71 h 55 = 71.92 → 71.9; 71 h 35 = 71.58 → 71.6;
    71 h 25 = 71.42 → 71.4. Order: severity first, then the longest waiting."""
    rows = [
        ("A", "@AcmeHelp you charged me twice", -1, False, None),
        ("A", "@AcmeHelp you charged me again", -1, False, None),
        ("A", "@AcmeHelp placeholder", 0, True, 60.0),  # 09:20, answered: not queued
        ("A", "@AcmeHelp billed twice, fix it", -1, False, None),
        ("A", "@AcmeHelp where is my parcel", 0, False, None),
    ]
    categorised = with_categories(facts(rows), Taxonomy(default_taxonomy()))
    cut_off = T0 + timedelta(hours=72, minutes=5)
    queue = unanswered_queue(categorised.reverse(), cut_off, 72 * 3600)
    assert queue.select("mention_id", "severity", "age_h", "beyond_horizon").rows() == [
        ("0", "major", 72.0, True),
        ("1", "major", 71.9, False),
        ("3", "major", 71.6, False),
        ("4", "minor", 71.4, False),
    ]
    assert [waited(r["age_h"], r["beyond_horizon"]) for r in queue.iter_rows(named=True)] == [
        "> 72 h",
        "71.9 h",
        "71.6 h",
        "71.4 h",
    ]
    urgent = urgent_unanswered(
        facts([("A", "@AcmeHelp my account was hacked", -1, False, None)]), T0 + timedelta(hours=80), 72 * 3600
    )
    assert urgent.select("age_h", "beyond_horizon").row(0) == (72.0, True)  # waited 80 h: more than the horizon
