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
