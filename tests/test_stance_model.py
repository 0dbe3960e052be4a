"""The shipped stance model: its recorded error rates are its own, and the evaluation arithmetic."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tasks.prevalence import shipped_confusion
from tasks.stance_evaluation import confusion, macro_f1, report
from tasks.stance_model import CLASSES, predict
from tasks.stance_training import DATA, eval_set


def test_shipped_confusion_is_the_shipped_model_on_the_hand_labelled_set():
    labelled = eval_set(DATA)
    assert labelled.height == 296 and labelled["text"].null_count() == 0  # every id found in the sample
    truth = labelled["label"].replace_strict(CLASSES, return_dtype=pl.Int8)
    assert (confusion(truth, predict(labelled["text"])) == shipped_confusion()).all()


def test_macro_f1_by_hand():
    """Rows truth, columns predicted: F1 = 2·tp / (row + column):
    detractor 4/5, neutral 2/4, promoter 6/7 → mean 0.719048."""
    counts = np.array([[2, 1, 0], [0, 1, 1], [0, 0, 3]], dtype=float)
    assert macro_f1(counts) == pytest.approx((0.8 + 0.5 + 6 / 7) / 3)


def test_evaluation_report_names_its_figures():
    text = report(eval_set(DATA))
    assert "macro-F1  model 0.667" in text and "brands in the same order" in text
