"""SPS counted, with an interval for sampling and for domain shift: hand-computed cases."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

from tasks.sps.estimate import Z95, cc_sps, domain_shift_sd, shift_sd


def test_a_count_of_model_verdicts_carries_sampling_and_shift():
    # 100 authors judged by the model: 30 promoters, 20 detractors → SPS = 10.
    # Sampling: 100² × (0.3 + 0.2 − 0.1²) / 100 = 49 (sd 7); shift 8 on all of them: 64. √113 × 1.959964.
    sps, low, high = cc_sps((20, 50, 30), (0, 0, 0), 8.0)
    half = Z95 * math.sqrt(113)
    assert (sps, low, high) == (pytest.approx(10.0), pytest.approx(10 - half), pytest.approx(10 + half))


def test_archive_labels_carry_no_shift_and_a_mix_carries_its_share():
    sps, low, high = cc_sps((0, 0, 0), (20, 50, 30), 8.0)
    assert (low, high) == (pytest.approx(10 - Z95 * 7), pytest.approx(10 + Z95 * 7))
    # Half the authors judged by the model: the shift term is (8 × ½)² = 16 → √(49 + 16).
    _, low, high = cc_sps((10, 25, 15), (10, 25, 15), 8.0)
    assert high - low == pytest.approx(2 * Z95 * math.sqrt(65))


def test_the_interval_stays_on_the_scale():
    sps, low, high = cc_sps((40, 0, 0), (0, 0, 0), 8.0)  # all detractors: −100, interval clipped there
    assert (sps, low) == (-100.0, -100.0) and high == pytest.approx(-100 + Z95 * 8)
    with pytest.raises(ValueError, match="at least one author"):
        cc_sps((0, 0, 0), (0, 0, 0), 8.0)


def test_the_shift_is_the_rms_error_widened_for_few_domains():
    # errors 3 and −4: RMS √12.5; two domains: t(0.975, 2) = 4.302653 (tables) instead of z.
    assert shift_sd([3.0, -4.0]) == pytest.approx(math.sqrt(12.5) * 4.302653 / Z95, rel=1e-6)
    shipped = json.loads((resources.files("tasks.sps") / "models" / "domain_shift.json").read_text())["cc_errors"]
    assert len(shipped) == 7 and domain_shift_sd() == pytest.approx(shift_sd(list(shipped.values())))
