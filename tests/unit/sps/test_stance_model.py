"""The shipped stance model: its recorded error rates are its own, and the evaluation arithmetic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tasks.sps.stance_model import CLASSES, predict
from tests.research.correction import shipped_confusion, training_confusion
from tests.research.stance_evaluation import confusion, macro_f1
from tests.research.stance_power import goal_chance, interval_coverage, simulated_errors, symmetric_rates
from tests.research.stance_training import DATA, TRAIN_SET, eval_set, hand_labelled


def test_shipped_confusion_is_the_shipped_model_on_the_evaluation_set_plus_the_training_set_out_of_fold():
    labelled = eval_set(DATA)
    assert labelled.height == 296 and labelled["text"].null_count() == 0  # every id found in the sample
    assert hand_labelled(TRAIN_SET, DATA)["text"].null_count() == 0
    truth = labelled["label"].replace_strict(CLASSES, return_dtype=pl.Int8)
    on_evaluation = confusion(truth, predict(labelled["text"]))
    assert training_confusion().sum() == 560
    assert (on_evaluation + training_confusion() == shipped_confusion()).all()


def test_macro_f1_by_hand():
    """Rows truth, columns predicted: F1 = 2·tp / (row + column):
    detractor 4/5, neutral 2/4, promoter 6/7 → mean 0.719048."""
    counts = np.array([[2, 1, 0], [0, 1, 1], [0, 0, 3]], dtype=float)
    assert macro_f1(counts) == pytest.approx((0.8 + 0.5 + 6 / 7) / 3)


def test_goal_chance_by_hand():
    """One brand, one tweet, a detractor; the model calls a detractor a detractor 80 % of the time and
    neutral otherwise, and its rates are known (a huge labelled set). Called detractor: corrected SPS
    −100, error 0. Called neutral: corrected 0, error 100. So P(within 10) = 0.8."""
    rates = np.array([[0.8, 0.2, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]) * 1e9
    people = np.array([[1.0, 0.0, 0.0]])
    errors = simulated_errors(people, rates)
    assert set(np.unique(errors.round(6))) == {0.0, 100.0}
    assert (errors == 100).mean() == pytest.approx(0.2, abs=0.02)
    close, every, order, _ = goal_chance(people, rates)
    assert close[0] == pytest.approx(0.8, abs=0.02) and every == close[0] and order == 1.0


def test_goal_chance_is_certain_for_a_perfect_model_and_grows_with_the_authors():
    people = np.array([[30.0, 15.0, 5.0], [10.0, 15.0, 25.0], [20.0, 20.0, 10.0]])
    close, every, order, largest = goal_chance(people, symmetric_rates(1.0, 900))
    assert (close.tolist(), every, order) == ([1.0, 1.0, 1.0], 1.0, 1.0)
    assert largest.max() == pytest.approx(0.0, abs=1e-9)  # a perfect model misses by rounding only
    assert interval_coverage(people, symmetric_rates(1.0, 900), draws=5).tolist() == [1.0, 1.0, 1.0]
    rates = symmetric_rates(0.8, 900)
    assert goal_chance(people, rates).every < goal_chance(people, rates, scale=10).every


def test_detractor_recall_on_complaints_that_use_no_negative_words():
    """100 hand-labelled tweets with none of the usual negative words (tests/fixtures/keywordless_complaints.csv,
    never trained on, nor by the complaint model): the model calls 42 of the 56 complaints detractors (75 %; the
    lexicon alone 3; 39 before the complaint cues turned a neutral "… never came" into a detractor, 40 before the
    complaint model) and 12 of the 44 others (27 %; 11 before the complaint model): the brand-reply weak labels
    it learnt from carry most of that recall."""
    from tasks.sps.lexicon import classify_stance

    labels = pl.read_csv(
        Path(__file__).parents[2] / "fixtures" / "keywordless_complaints.csv",
        comment_prefix="#",
        schema={"tweet_id": pl.String, "label": pl.String},
    )
    texts = pl.read_csv(DATA / "twcs_sample.csv", infer_schema=False).select("tweet_id", "text")
    judged = labels.join(texts, on="tweet_id").with_columns(
        predict(labels.join(texts, on="tweet_id")["text"]).alias("model"), classify_stance().alias("lexicon")
    )
    assert judged.height == 100
    counts = judged.group_by("label").agg(
        pl.len(), (pl.col("model") == -1).sum().alias("model"), (pl.col("lexicon") == -1).sum().alias("lexicon")
    )
    assert sorted(counts.rows()) == [("complaint", 56, 42, 3), ("other", 44, 12, 1)]
