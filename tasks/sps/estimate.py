"""SPS and its 95 % interval as the leave-one-domain-out protocol says to publish them.

Classify and count: every author's verdict (the archive's label, else the model's)
counted as it is. Correcting the model's shares for error rates measured on one
domain (adjusted classify-and-count) moved SPS 14 to 24 points off on brands of
other domains, because (tpr − fpr) differs between domains and the correction
divides by it; counting as-is stayed closest (tests/research/domain_protocol.py).

What counting cannot know is how the model's mistakes lean on a new domain. The
interval says so: beside the sampling error of the authors, it carries the spread
of classify-and-count's error between held-out domains (`domain_shift.json`,
written by the protocol), for the share of authors the model judged.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

Z95 = 1.959964


def shift_sd(errors: list[float]) -> float:
    """The spread to expect of classify-and-count's error on a new domain, from its errors on k
    held-out domains: their root mean square (a bias counts as error), widened by t(k)/z because
    k is small, so that a normal interval with it has the coverage a t interval would."""
    from scipy.stats import t

    k = len(errors)
    rms = math.sqrt(sum(e * e for e in errors) / k)
    return rms * float(t.ppf(0.975, k)) / Z95


@cache
def domain_shift_sd() -> float:
    """The shipped spread: from the protocol's held-out domains (`domain_shift.json`)."""
    body = json.loads((resources.files("tasks.sps") / "models" / "domain_shift.json").read_text())
    return shift_sd(list(body["cc_errors"].values()))


def cc_sps(
    model_counts: tuple[int, int, int], labelled_counts: tuple[int, int, int], shift_sd: float
) -> tuple[float, float, float]:
    """(SPS, low, high) from author verdicts (detractors, passives, promoters) by the model and by
    archive labels: the count, and an interval of sampling plus domain shift on the model's share."""
    return counted_sps(
        model_counts[2] + labelled_counts[2],
        model_counts[0] + labelled_counts[0],
        sum(model_counts) + sum(labelled_counts),
        sum(model_counts),
        shift_sd,
    )


def counted_sps(
    promoters: int, detractors: int, authors: int, model_authors: int, shift_sd: float
) -> tuple[float, float, float]:
    """(SPS, low, high) from the counts sps.parquet keeps: one computation for a brand's row and for
    the page's all-brands tile (the readable brands' counts summed), so one brand's day reads alike in both."""
    if not authors:
        raise ValueError("SPS needs at least one author")
    p, d = promoters / authors, detractors / authors
    sampling = 100**2 * (p + d - (p - d) ** 2) / authors  # variance of 100·(p − d) over authors drawn again
    shift = (shift_sd * model_authors / authors) ** 2
    score = 100 * (p - d)
    half = Z95 * math.sqrt(sampling + shift)
    return score, max(score - half, -100.0), min(score + half, 100.0)
