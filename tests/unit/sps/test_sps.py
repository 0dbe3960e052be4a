"""SPS arithmetic, the prevalence correction and its interval, on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from tasks.metrics.attribution import attribute
from tasks.metrics.definitions import mention_facts
from tasks.sps.estimate import Z95, domain_shift_sd
from tasks.sps.lexicon import classify_stance
from tasks.sps.score import daily_sps
from tasks.sps.stance_model import predict
from tests.frames import frame, post
from tests.research.correction import corrected_shares, corrected_sps

#: rows: true detractor, neutral, promoter; columns: predicted. Rates .8/.2/0, .1/.8/.1, 0/.2/.8.
CONFUSION = np.array([[8, 2, 0], [1, 8, 1], [0, 2, 8]], dtype=float)


def _labelled_day() -> list[dict]:
    return [
        post("1", "a1", "2017-10-31 09:00", "@AcmeHelp thanks so much", brand="AcmeHelp", sentiment="positive"),
        post("2", "a1", "2017-10-31 10:00", "@AcmeHelp refund?", brand="AcmeHelp", sentiment="negative"),
        post("3", "a2", "2017-10-31 11:00", "@AcmeHelp thank you", brand="AcmeHelp", sentiment="negative"),
        post("4", "a3", "2017-10-31 12:00", "@AcmeHelp love it", brand="AcmeHelp", sentiment="positive"),
        post("5", "a4", "2017-10-31 13:00", "@AcmeHelp where is my order", brand="AcmeHelp", sentiment="neutral"),
        post("6", "a5", "2017-10-31 14:00", "@AcmeHelp worst service ever", brand="AcmeHelp", sentiment="negative"),
    ]


def test_labelled_authors_are_counted_as_labelled():
    """Every stance from the archive (no model, no correction), AcmeHelp 2017-10-31:
    a1 positive + negative → 0, passive; a2 negative; a3 positive; a4 neutral; a5 negative.
    P = 1, D = 2, passives 2, authors 5 → SPS = 100 × (1 − 2) / 5 = −20; 5 < 30 authors: not readable.
    """
    facts, _ = mention_facts(attribute(frame(*_labelled_day()), {}))
    row = daily_sps(facts).row(0, named=True)
    assert (row["authors"], row["promoters"], row["detractors"], row["passives"]) == (5, 1, 2, 2)
    assert (row["mentions"], row["labelled_mentions"], row["labelled_authors"]) == (6, 6, 5)
    assert row["sps_raw"] == pytest.approx(-20.0)
    # 5 < 30 authors: a score would be noise, so SPS and its interval are null beside the counts.
    assert (row["sps"], row["sps_ci_low"], row["sps_ci_high"], row["readable"]) == (None, None, None, False)


def test_a_readable_day_publishes_the_count_with_the_shift_interval():
    """40 labelled authors (10 positive, 20 neutral, 10 negative) and 10 the model judges (they write
    "@AcmeHelp where is my order", a question: passive). P = 10, D = 10 of 50 → SPS 0.
    Sampling: 100² × 0.4 / 50 = 80; shift on the model's fifth: (s / 5)² with the shipped s."""
    rows = [
        post(str(i), f"a{i}", "2017-10-31 10:00", "@AcmeHelp hello", brand="AcmeHelp", sentiment=label)
        for i, label in enumerate(["positive"] * 10 + ["neutral"] * 20 + ["negative"] * 10)
    ] + [post(f"m{i}", f"m{i}", "2017-10-31 11:00", "@AcmeHelp where is my order", brand="AcmeHelp") for i in range(10)]
    facts, _ = mention_facts(attribute(frame(*rows), {}))
    row = daily_sps(facts).row(0, named=True)
    assert (row["authors"], row["promoters"], row["detractors"], row["readable"]) == (50, 10, 10, True)
    half = Z95 * math.sqrt(80 + (domain_shift_sd() / 5) ** 2)
    assert (row["sps"], row["sps_ci_low"], row["sps_ci_high"]) == (
        pytest.approx(0.0),
        pytest.approx(-half),
        pytest.approx(half),
    )


def test_mentions_without_an_author_are_counted_apart_from_authors():
    """The same day plus two labelled-negative mentions with no author: they would have made one
    extra "author" (a detractor); instead authors stay 5, SPS stays −20, authorless = 2,
    and both still count as inbound mentions for the response metrics."""
    rows = [
        *_labelled_day(),
        post("7", None, "2017-10-31 15:00", "@AcmeHelp broken again", brand="AcmeHelp", sentiment="negative"),
        post("8", None, "2017-10-31 16:00", "@AcmeHelp still broken", brand="AcmeHelp", sentiment="negative"),
    ]
    facts, _ = mention_facts(attribute(frame(*rows), {}))
    assert facts.height == 8
    row = daily_sps(facts).row(0, named=True)
    assert (row["authors"], row["detractors"], row["authorless"], row["mentions"]) == (5, 2, 2, 6)
    assert row["sps_raw"] == pytest.approx(-20.0)


def test_adjusted_classify_and_count_recovers_the_true_shares():
    """True shares π = (.5, .3, .2). Predicted: q = Mᵀπ = (.8·.5 + .1·.3, .2·.5 + .8·.3 + .2·.2, .1·.3 + .8·.2)
    = (.43, .38, .19). Correcting 43/38/19 predicted verdicts gives π back: SPS −30, not the raw −24."""
    assert corrected_shares(np.array([43.0, 38.0, 19.0]), CONFUSION) == pytest.approx([0.5, 0.3, 0.2])
    sps, low, high = corrected_sps((43, 38, 19), (0, 0, 0), CONFUSION * 10_000)
    assert sps == pytest.approx(-30.0)
    assert low < -30 < high


def test_negative_corrected_shares_are_clipped_and_renormalised():
    """Predicted (50, 50, 0): π = (Mᵀ)⁻¹q has a negative promoter share → 0, the rest renormalised."""
    shares = corrected_shares(np.array([50.0, 50.0, 0.0]), CONFUSION)
    assert shares[2] == 0 and shares.sum() == pytest.approx(1.0) and (shares >= 0).all()


def test_interval_from_sampling_alone_matches_the_normal_approximation():
    """400 archive-labelled authors: 200 promoters, 120 detractors → SPS 20.
    Normal approximation: var = (p + d − (p − d)²) / n = (.8 − .04) / 400 = .0019,
    half-width 1.96 × √.0019 × 100 = 8.54 → [11.46, 28.54]; the bootstrap agrees within its own noise."""
    sps, low, high = corrected_sps((0, 0, 0), (120, 80, 200), CONFUSION)
    assert sps == pytest.approx(20.0)
    assert low == pytest.approx(11.46, abs=1.0) and high == pytest.approx(28.54, abs=1.0)


def test_model_uncertainty_widens_the_interval():
    """Same verdicts, same point estimate (−30); rates measured on 10 tweets per class instead of
    100,000 leave the correction itself uncertain, and the interval says so."""
    few = corrected_sps((430, 380, 190), (0, 0, 0), CONFUSION)
    many = corrected_sps((430, 380, 190), (0, 0, 0), CONFUSION * 10_000)
    assert few[0] == pytest.approx(-30.0) and many[0] == pytest.approx(-30.0)
    assert (few[2] - few[1]) > 1.5 * (many[2] - many[1])
    assert corrected_sps((430, 380, 190), (0, 0, 0), CONFUSION) == few  # seeded: the same every run


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("@AppleSupport thank you, fixed it!", 1),
        ("@Delta flight delayed 3 hrs and still no gate agent", -1),
        ("@Tesco what time do you open on Sunday?", 0),
        ("@sprintcare never again, switching to @TMobileHelp", -1),
        ("@SouthwestAir you guys are the best, great crew", 1),
        ("", 0),
        (None, 0),
    ],
)
def test_stance_model_reads_customer_care_wording(text, stance):
    assert predict(pl.Series([text], dtype=pl.String)).to_list() == [stance]


def test_stance_model_scores_a_large_day_a_chunk_at_a_time_without_moving_a_stance():
    """Posts are scored `chunk` at a time (memory); a post's stance is its own, wherever the cut falls:
    the same seven posts, cut into 3 + 3 + 1, into ones, and whole, read the stances above."""
    texts = pl.Series(
        [
            "@AppleSupport thank you, fixed it!",
            "@Delta flight delayed 3 hrs and still no gate agent",
            "@Tesco what time do you open on Sunday?",
            "@sprintcare never again, switching to @TMobileHelp",
            None,
            "@SouthwestAir you guys are the best, great crew",
            "",
        ],
        dtype=pl.String,
    )
    for chunk in (3, 1, 7):
        assert predict(texts, chunk=chunk).to_list() == [1, -1, 0, -1, 0, 1, 0]
    assert predict(texts.clear()).to_list() == []


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
def test_lexicon_feature_reads_customer_care_wording(text, stance):
    assert pl.DataFrame({"text": [text]}).select(classify_stance()).item() == stance
