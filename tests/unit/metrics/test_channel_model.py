"""The channel reader's learned half (tasks/metrics/channels.py `read_channels`, tasks/sps/models/channel.parquet):
a reply the rules leave public but the model scores as a move is moved, with the channel its cues name."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.metrics import channels
from tasks.metrics.channels import model_channel, model_text, read_channels, reply_channel, rules_channel
from tasks.sps.stance_model import BIAS, channel_model, scores


def _read(text: str | None) -> str | None:
    return pl.select(reply_channel(pl.lit(text, dtype=pl.String))).item()


def _rules(text: str | None) -> str | None:
    return pl.select(rules_channel(pl.lit(text, dtype=pl.String))).item()


def _score(text: str) -> int:
    unaddressed = pl.select(model_text(pl.lit(text)))[:, 0]
    return scores(unaddressed, channel_model(), ["moved"], lexicon=False)["moved"].item()


def test_a_score_is_the_sum_of_the_weights_of_the_words_the_pairs_and_the_bias():
    """By hand: "Please DM us" is the words please, dm, us, the pairs "please dm", "dm us" and the bias."""
    weights = dict(channel_model().iter_rows())
    by_hand = sum(weights.get(f, 0) for f in ["please", "dm", "us", "please dm", "dm us", BIAS])
    assert _score("Please DM us") == by_hand
    assert _score("@4711 @Acme Please DM us") == by_hand  # the handles a reply opens with are not read


def test_a_move_the_rules_miss_is_caught_by_the_model():
    """A team reached through a link with no verb of contact the rules key on: the model's words ("team", "via",
    the link) read it as a move; no cue names a channel, so a form (the contact page)."""
    reply = "@12345 Our team can take a look at your order details via https://t.co/abc"
    assert _rules(reply) is None
    assert _score(reply) > 0
    assert _read(reply) == "form"


def test_the_rules_channel_wins_over_the_model():
    reply = "@12345 Please check your mailbox for the revised itinerary. Thanks"
    assert _rules(reply) == "email" and _read(reply) == "email"


@pytest.mark.parametrize(
    "reply",
    [
        "@12345 Be sure to add your email at https://t.co/abc /PL",  # the model alone scores it a move
        "@12345 You can find the steps to reset your password here: https://t.co/abc",
        "@12345 This help article walks you through it: https://t.co/abc",
    ],
)
def test_a_self_service_link_stays_public(reply):
    assert _read(reply) is None


def test_a_self_service_link_the_model_scores_as_a_move_is_still_public():
    reply = "@12345 Be sure to add your email at https://t.co/abc /PL"
    assert _rules(reply) is None and _score(reply) > 0 and _read(reply) is None


@pytest.mark.parametrize("reply", [None, "", "   ", "https://t.co/abc", "😀😀", "@12345 🙏", "@12345"])
def test_empty_a_bare_link_or_emoji_stay_public(reply):
    assert _read(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        ("@1 Please check your mailbox", "email"),
        ("@1 We'll get back to you soon", "email"),
        ("@1 The payment can be done at the check-in counter", "store"),
        ("@1 If you were delayed on a @Northern service, claim through them", "other_company"),
        ("@1 The Aftersales team would be best placed to assist", "other_company"),
        ("@1 @2 Please pass your order details to our team", "form"),  # the opening handles name no company
        ("@1 Our team can take a look via https://t.co/abc", "form"),
        ("@1 Our chat is open 24/7", "chat"),
        ("@1 A direct message works best", "dm"),
        ("@1 Our phone lines are open", "phone"),
    ],
)
def test_a_model_only_move_gets_the_channel_its_cue_names_else_a_form(reply, channel):
    assert pl.select(model_channel(pl.lit(reply))).item() == channel


def test_the_reading_is_deterministic_whatever_the_order_repeats_or_chunks(monkeypatch):
    replies = [
        "@12345 Our team can take a look at your order details via https://t.co/abc",
        "Please send us a DM.",
        "Thanks for the kind words!",
        None,
        "@12345 Be sure to add your email at https://t.co/abc /PL",
        "@9 We'd like to look into this. Please pass your order details to us here: https://t.co/abc",
    ]
    once = read_channels(pl.Series(replies, dtype=pl.String)).to_list()
    assert once == [_read(reply) for reply in replies]
    twice = read_channels(pl.Series(replies[::-1] * 2, dtype=pl.String)).to_list()
    assert twice == once[::-1] * 2
    monkeypatch.setattr(channels, "CHUNK", 1)
    assert read_channels(pl.Series(replies, dtype=pl.String)).to_list() == once
