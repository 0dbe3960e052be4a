"""Complaints without negative words are detractors (issue 28, item 6), and bad input is neutral."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.sps.lexicon import complaint_cues
from tasks.sps.stance_model import predict


def _cue(text: str | None) -> bool:
    return pl.select(complaint_cues(pl.lit(text, dtype=pl.String))).item()


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeHelp still no refund",
        "@AcmeHelp on hold since 9am",
        "@AcmeHelp 3rd time I ask for this",
        "@AcmeHelp my order never came",
        "@AcmeHelp the app keeps crashing when I open it",
        "@AcmeHelp my parcel hasn't arrived yet",
        "@AcmeHelp I was charged twice for one ticket",
        "@AcmeHelp the touch no longer works since the update",
        "@AcmeHelp it's not showing up in Windows Explorer",
    ],
)
def test_complaints_without_negative_words_are_cued(text):
    assert _cue(text)


@pytest.mark.parametrize(
    "text",
    [
        # something in the food that should not be there
        "@AcmeFood I find plastic in my food 😷",
        "I opened a pack of pennies (50) and there was a battery in it.",
        "Dear @AcmeFood I found a hair in food I bought from you.",
        # a thing that broke within days, a wrong number, waiting on an order
        "I bought @AcmeCam & sensor crapped w/in 6 months.",
        "I got this #gaming mouse and my scroll broke in less than 2hrs of usage.",
        "i paid money to a wrong till number please help to reverse",
        "At least I'm being productive and grading while waiting for my food to get here.",
    ],
)
def test_more_complaints_without_negative_words_are_cued(text):
    """Phrasings read in development brands' mentions labelled complaints by people (issue 28, item 6)."""
    assert _cue(text)


@pytest.mark.parametrize(
    "text",
    [
        # chasing an answer that has not come
        "@AcmeHelp Responded 45minutes ago...",
        "@AcmeHelp how long does a refund take, it's been 10 days",  # read by the complaint model alone before
        "Its been 4-hours and I'm at 57% of the update",
        "@AcmeHelp Hello??? What's going on????",
        "@AcmeHelp are you ever going to patch this?",
        # tried and failed, a manager or an explanation asked for, a complaint named
        "@AcmeHelp Tried 3 stores several times. Nada",
        "@AcmeHelp can you get a manager to call me back",
        "@AcmeHelp how do I get help from you?",
        "@AcmeHelp please explain how an offer of $165 changes to $198 today",
        "@AcmeHelp any chance of getting the complaints procedure today",
        # what a customer cannot do, in any industry
        "@AcmeHelp ps+ wasn't able to renew",
        "@AcmeHelp I can't use my card abroad",
        "@AcmeHelp it keeps buffering",
        "@AcmeHelp no option to set the hotspot timeout",
        # money or services taken unasked, a service down, something lost
        "@AcmeHelp delete the services I didnt subscribe to",
        "@AcmeHelp you charged me twice",
        "@AcmeHelp I got charged for a ride I never took",
        "@AcmeHelp servers are down again",
        "@AcmeHelp my wifi is down again",  # read by the complaint model alone before
        "@AcmeHelp error code CE-34878-0 when I start the game",
        "@AcmeHelp page not found when I open the link",
        "@AcmeHelp I lost all my progress after the update",
        "@AcmeHelp phone lost but the line is still on",
    ],
)
def test_complaints_of_every_industry_without_negative_words_are_cued(text):
    """Round 5 of people's readings (issue 28): chasing, failing to do something, money taken unasked, a
    service down; each a complaint by people's reading, each a detractor once cued."""
    assert _cue(text)
    assert predict(pl.Series([text], dtype=pl.String)).to_list() == [-1]


@pytest.mark.parametrize(
    "text",
    [
        "Can't wait to play the new season",  # eager, not failing to play (cued before)
        "Don't forget to download the app!",  # a reminder (cued before)
        "Why not pop up a store everywhere?",  # a suggestion
        "Why don't you update your life!",
        "The iPad only charged to 81% last night",  # a battery, not money (cued before)
        "Both cameras charged and ready",
        "Keep track of where the bands are",
        "Will it ever arrive?",  # looking forward to a product
        "We were lucky Microsoft didn't buy Yahoo",  # a choice, not an inability
        "@AcmeHelp how do I get to the store?",  # directions, not help that cannot be reached
    ],
)
def test_cheers_reminders_batteries_and_choices_are_not_cued(text):
    """Traps read in the labelled brand sets (SXSW, Sanders, Apple 2014): a cue there flips an author to
    detractor and moves a brand's SPS."""
    assert not _cue(text)


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeHelp what time does the store open tomorrow?",
        "@AcmeHelp can I change my seat?",
        "@AcmeHelp do you deliver on Sundays?",
        "@AcmeHelp where do I find the error log?",  # 'error' asked about, not suffered
        "@AcmeHelp where can I find the metal straws in store?",  # an object asked about, not found in food
        "@AcmeHelp which number do I call for lost property?",  # a number asked for, not a wrong one
        "@AcmeHelp waiting for the new menu to drop!",  # looking forward, not waiting on an order
        "@AcmeHelp thanks, works now",
    ],
)
def test_questions_and_praise_are_not_cued(text):
    assert not _cue(text)


def test_the_model_calls_keywordless_complaints_detractors_and_keeps_the_rest():
    """By hand: the model alone reads "3rd time I ask for this", "my order never came" and "the app keeps
    crashing when I open it" as neutral (no negative word); the cues make them detractors (−1). A question
    stays neutral (0), praise stays a promoter (+1): the cues only ever turn a neutral into a detractor."""
    texts = pl.Series(
        [
            "@AcmeHelp 3rd time I ask for this",
            "@AcmeHelp my order never came",
            "@AcmeHelp the app keeps crashing when I open it",
            "@AcmeHelp do you deliver on Sundays?",
            "@AcmeHelp thanks, works now",
        ],
        dtype=pl.String,
    )
    assert predict(texts).to_list() == [-1, -1, -1, 0, 1]


@pytest.mark.parametrize(
    "text", [None, "", "   ", "https://t.co/Ax7W1Dx3Y9", "🎃🎃", "👻", "Hola, necesito cambiar mi reserva"]
)
def test_bad_input_is_neutral_and_never_an_error(text):
    """Empty, null, only a link, only (neutral) emoji, another language: stance 0, no cue, no error."""
    assert predict(pl.Series([text], dtype=pl.String)).to_list() == [0]
    assert _cue(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeHelp why is my order not here yet",  # a question that presupposes a failure
        "@AcmeHelp the app logs me out every time I open it",
        "@AcmeHelp I was told someone would call me back yesterday",  # a promise not kept
        "@AcmeHelp my package was delivered to the wrong house",
        "@AcmeHelp I ordered a large and got a small",
    ],
)
def test_the_complaint_model_reads_complaints_the_cues_miss(text):
    """No negative word and no cue: the shipped complaint model alone makes these detractors."""
    assert not _cue(text)
    assert predict(pl.Series([text], dtype=pl.String)).to_list() == [-1]


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeHelp what time do you open on Sunday?",
        "@AcmeHelp how do I change my email address?",
        "@AcmeHelp do you ship to Canada?",
        "@AcmeHelp is the sale on in stores too?",
    ],
)
def test_the_complaint_model_leaves_plain_questions_neutral(text):
    """Near misses: questions (how, when, what) that ask without reporting a failure stay neutral."""
    assert predict(pl.Series([text], dtype=pl.String)).to_list() == [0]


def test_a_complaint_score_above_zero_turns_only_a_neutral_into_a_detractor():
    """By hand, with a made-up complaint table (bias −0.5; "parcel" +0.75, "open" +0.5, "thanks" +3):
    "where is my parcel??" sums −0.5 + 0.75 = 0.25 > 0 → −1; "what time do you open on Sunday?" sums
    −0.5 + 0.5 = 0, not above zero → stays 0; "thanks, works now" sums 2.5 but the stance model calls it a
    promoter, and the complaint model only ever turns a neutral into a detractor → stays +1."""
    table = pl.DataFrame({"feature": ["_bias_", "parcel", "open", "thanks"], "complaint": [-0.5, 0.75, 0.5, 3.0]})
    texts = pl.Series(
        ["@AcmeHelp where is my parcel??", "@AcmeHelp what time do you open on Sunday?", "@AcmeHelp thanks, works now"]
    )
    assert predict(texts).to_list() == [0, 0, 1]  # the shipped models leave all three alone
    assert predict(texts, complaint_table=table).to_list() == [-1, 0, 1]


def test_each_distinct_text_is_scored_once_and_every_copy_gets_its_stance():
    """Repeated texts and nulls keep their places: the same stances as each text scored alone."""
    texts = pl.Series(["@AcmeHelp thanks, works now", None, "@AcmeHelp my order never came", "", None] * 3)
    alone = [predict(pl.Series([t], dtype=pl.String)).item() for t in texts]
    assert predict(texts, chunk=2).to_list() == alone == [1, 0, -1, 0, 0] * 3
