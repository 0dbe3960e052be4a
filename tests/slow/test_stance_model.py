"""The training script retrains the stance model from its labelled data (minutes): it reproduces the
shipped model and its out-of-fold counts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tasks.sps.stance_model import CLASSES, weights
from tests.research.correction import training_confusion
from tests.research.stance_evaluation import confusion
from tests.research.stance_training import DATA, C, out_of_fold, train


def test_the_training_script_reproduces_the_shipped_model_and_its_out_of_fold_counts():
    """Same data, same weights (to the micro-unit the model sums in), same held-out judgements."""
    pytest.importorskip("sklearn")
    retrained = train(DATA, C).sort("feature")
    shipped = weights().sort("feature")
    assert retrained["feature"].equals(shipped["feature"])
    for name in CLASSES:
        assert np.abs((retrained[name] * 1_000_000).round().cast(pl.Int64) - shipped[name]).max() <= 1
    assert (confusion(*out_of_fold(DATA, C)) == training_confusion()).all()
