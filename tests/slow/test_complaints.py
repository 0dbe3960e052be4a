"""The training script retrains the complaint model (seconds to minutes): it reproduces the shipped one."""

from __future__ import annotations

import pytest

from tasks.sps.stance_model import complaint_model


def test_the_training_script_reproduces_the_shipped_complaint_model():
    """Same data, same weights to the micro-unit the model sums in."""
    pytest.importorskip("sklearn")
    from tests.research.complaint_training import fit, training_frame
    from tests.research.stance_training import DATA

    retrained = fit(training_frame(DATA)).sort("feature")
    shipped = complaint_model().sort("feature")
    assert retrained["feature"].equals(shipped["feature"])
    assert ((retrained["complaint"] - shipped["complaint"]).abs() * 1_000_000).round().max() <= 1
