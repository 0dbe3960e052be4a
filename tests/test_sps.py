"""SPS arithmetic on a hand-computed day.

AcmeHelp, 2017-10-31 (stances from the lexicon unless the archive labels them):
  a1: "thanks so much" (+1) and "still waiting for my refund" (−1) → sum 0, passive
  a2: "thank you" but labelled negative by the archive → −1, detractor
  a3: "love it" → promoter
  a4: "where is my order" → 0, passive
  a5: "worst service ever" → detractor
P = 1, D = 2, passives = 2, authors = 5 → SPS = 100 × (1 − 2) / 5 = −20.
Interval: p = .2, d = .4, var = (p + d − (p − d)²) / n = (.6 − .04) / 5 = .112,
half-width = 1.959964 × √.112 × 100 = 65.593 → [−85.593, 45.593].
"""

from __future__ import annotations

import polars as pl
import pytest

from tasks.attribution import attribute
from tasks.metrics import mention_facts
from tasks.sps import daily_sps
from tasks.stance import classify_stance
from tests.frames import frame, post


def test_sps_counts_and_interval_match_the_hand_computation():
    mentions = frame(
        post("1", "a1", "2017-10-31 09:00", "@AcmeHelp thanks so much", brand="AcmeHelp"),
        post("2", "a1", "2017-10-31 10:00", "@AcmeHelp still waiting for my refund", brand="AcmeHelp"),
        post("3", "a2", "2017-10-31 11:00", "@AcmeHelp thank you", brand="AcmeHelp", sentiment="negative"),
        post("4", "a3", "2017-10-31 12:00", "@AcmeHelp love it", brand="AcmeHelp"),
        post("5", "a4", "2017-10-31 13:00", "@AcmeHelp where is my order", brand="AcmeHelp"),
        post("6", "a5", "2017-10-31 14:00", "@AcmeHelp worst service ever", brand="AcmeHelp"),
    )
    facts, _ = mention_facts(attribute(mentions, {}))
    row = daily_sps(facts).row(0, named=True)
    assert (row["authors"], row["promoters"], row["detractors"], row["passives"]) == (5, 1, 2, 2)
    assert (row["mentions"], row["labelled_mentions"]) == (6, 1)
    assert row["sps"] == pytest.approx(-20.0)
    assert row["sps_ci_low"] == pytest.approx(-85.593, abs=1e-3)
    assert row["sps_ci_high"] == pytest.approx(45.593, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("@AppleSupport thank you, fixed it!", 1),
        ("@Delta flight delayed 3 hrs and still no gate agent", -1),
        ("@AmazonHelp on hold since 9am", -1),
        ("@Tesco what time do you open on Sunday?", 0),
        ("@sprintcare never again, switching to @TMobileHelp", -1),
    ],
)
def test_first_classifier_reads_customer_care_wording(text, stance):
    assert pl.DataFrame({"text": [text]}).select(classify_stance()).item() == stance
