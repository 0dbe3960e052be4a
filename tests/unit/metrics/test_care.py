"""Taken-offline rate and response rates to praise and to complaints, on a hand-made day."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.metrics.attribution import attribute
from tasks.metrics.channels import reply_channel
from tasks.metrics.definitions import daily_metrics, mention_facts
from tests.frames import at, frame, post

ACME = "AcmeHelp"


def test_care_metrics_match_the_hand_count():
    """Labelled mentions (the archive's label decides the stance):

    m1 positive, answered "Glad we could help!"          → answered, in public
    m2 positive, unanswered                               → praise left without a reply
    m3 negative, answered "Sorry! Please DM us …"         → taken offline
    m4 negative, answered "Please call us on 0800 …"      → taken offline
    m5 negative, unanswered
    m6 neutral,  answered "It is on its way."             → in public
    responded 4; taken offline 2 → 2/4 (1 by DM, 1 by phone, 0 by the other five channels);
    praise 2, 1 answered → 1/2; complaints 3, 2 answered → 2/3.
    """
    day = frame(
        post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp thanks", sentiment="positive"),
        post("r1", ACME, "2017-10-31 10:05", "Glad we could help!", brand_post=True, reply_to="m1"),
        post("m2", "c2", "2017-10-31 10:10", "@AcmeHelp love it", sentiment="positive"),
        post("m3", "c3", "2017-10-31 11:00", "@AcmeHelp parcel lost", sentiment="negative"),
        post("r3", ACME, "2017-10-31 11:30", "Sorry! Please DM us your order number", brand_post=True, reply_to="m3"),
        post("r3b", ACME, "2017-10-31 11:40", "Here is the answer", brand_post=True, reply_to="m3"),
        post("m4", "c4", "2017-10-31 12:00", "@AcmeHelp still broken", sentiment="negative"),
        post("r4", ACME, "2017-10-31 12:01", "Please call us on 0800 123", brand_post=True, reply_to="m4"),
        post("m5", "c5", "2017-10-31 13:00", "@AcmeHelp awful", sentiment="negative"),
        post("m6", "c6", "2017-10-31 14:00", "@AcmeHelp where is it?", sentiment="neutral"),
        post("r6", ACME, "2017-10-31 15:00", "It is on its way.", brand_post=True, reply_to="m6"),
    )
    facts, _ = mention_facts(attribute(day, {}))
    row = daily_metrics(
        facts, horizon_s=72 * 3600, sla_targets={}, default_sla_s=3600, watermark=at("2017-11-05 00:00")
    ).row(0, named=True)
    assert row["responded"] == 4
    assert (row["taken_offline"], row["taken_offline_rate"]) == (2, pytest.approx(0.5))
    per_channel = {
        c: row[f"taken_offline_{c}"] for c in ("dm", "email", "phone", "chat", "form", "store", "other_company")
    }
    assert per_channel == {"dm": 1, "email": 0, "phone": 1, "chat": 0, "form": 0, "store": 0, "other_company": 0}
    assert facts.sort("mention_id")["first_response_channel"].to_list() == [None, None, "dm", "phone", None, None]
    assert (row["praise_inbound"], row["praise_response_rate"]) == (2, pytest.approx(1 / 2))
    assert (row["complaint_inbound"], row["complaint_response_rate"]) == (3, pytest.approx(2 / 3))
    # only the first response counts: m3's later public answer does not undo the DM
    assert facts.filter(pl.col("mention_id") == "m3")["first_response_text"].item().startswith("Sorry! Please DM")


def test_a_window_reads_the_channels_of_its_periods_mentions_only():
    """Issue 32: a day's window holds 3 days before it and the horizon after, each read by its own
    day's measure; `read_within` reads first responses only for the mentions posted in the span
    given (DM for m1 on 10-31; m2's call-back on 11-02 stays unread: null, not taken offline)."""
    day = frame(
        post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp parcel lost"),
        post("r1", ACME, "2017-10-31 10:05", "Sorry! Please DM us your order number", brand_post=True, reply_to="m1"),
        post("m2", "c2", "2017-11-02 09:00", "@AcmeHelp still broken"),
        post("r2", ACME, "2017-11-02 09:01", "Please call us on 0800 123", brand_post=True, reply_to="m2"),
    )
    facts, _ = mention_facts(attribute(day, {}), (at("2017-10-31 00:00"), at("2017-11-01 00:00")))
    read = facts.sort("mention_id").select("first_response_channel", "first_response_offline", "first_response_id")
    assert read.rows() == [("dm", True, "r1"), (None, False, "r2")]  # m2 still has its first response


def test_with_nothing_answered_the_offline_rate_is_null_not_nan():
    """0 taken offline of 0 answered is no rate at all: null (an empty CSV cell), as the schema says,
    never NaN (found on a 2-mention day of untuned data)."""
    day = frame(
        post("m1", "c1", "2017-10-31 10:00", "@AcmeHelp hello"),
        post("r0", ACME, "2017-10-30 09:00", "Hi", brand_post=True),
    )
    facts, _ = mention_facts(attribute(day, {}))
    row = (
        daily_metrics(facts, horizon_s=72 * 3600, sla_targets={}, default_sla_s=3600, watermark=at("2017-11-05 00:00"))
        .filter(pl.col("date") == at("2017-10-31 00:00").date())
        .row(0, named=True)
    )
    assert (row["brand"], row["inbound"], row["responded"]) == (ACME, 1, 0)
    assert (row["taken_offline"], row["taken_offline_rate"], row["taken_offline_dm"]) == (0, None, 0)


@pytest.mark.parametrize(
    "reply",
    [  # first responses from the twcs sample
        "Please send me a DM and I can help you further. ^GA",
        "We'd like to take a further look into this with you! Please reach us by phone or chat here: https://t.co/x",
        "Here to help. Send us a note at https://t.co/QsI1vsvcif so our team can connect.",
        "Oh no! We're sorry about that! Please direct message us and we'll inform you",
        "Hi Stephen, follow and DM us more info along with your mum's contact details. ^Helen",
    ],
)
def test_replies_that_move_the_customer_elsewhere_are_offline(reply):
    assert pl.select(reply_channel(pl.lit(reply))).item() is not None


@pytest.mark.parametrize(
    "reply",
    [
        "We should have a couple of those available. -Becky",
        "Let's take a look. Have you had a chance to run a tracert? ^RMD",
        "I admit the admin page is slow; it is fixed now.",  # 'dm' inside words does not count
        "Congrats on getting married! That's a fantastic deal!",
    ],
)
def test_answers_in_public_are_not_offline(reply):
    assert pl.select(reply_channel(pl.lit(reply))).item() is None
