"""The training script retrains the channel model (seconds): it reproduces the shipped one."""

from __future__ import annotations

import pytest

from tasks.sps.stance_model import channel_model


def test_the_training_script_reproduces_the_shipped_channel_model():
    """Same data (every people-read dev reply), same integer weights to the micro-unit the model sums in."""
    pytest.importorskip("sklearn")
    from tests.research.channel_training import train

    retrained = train()
    shipped = channel_model().sort("feature")
    assert retrained["feature"].equals(shipped["feature"])
    assert (retrained["moved"] - shipped["moved"]).abs().max() <= 1
