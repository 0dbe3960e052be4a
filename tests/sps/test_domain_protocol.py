"""The leave-one-domain-out protocol behind the shipped SPS estimator, run on the real labelled sets."""

from __future__ import annotations

import json
from importlib import resources

import polars as pl

from tests.research.domain_protocol import MIN_DOMAIN_AUTHORS, domains, evaluate, sld, summary


def test_the_shipped_shift_is_what_the_protocol_measures_and_counting_wins_the_worst_case():
    table = evaluate(domains())
    big = table.filter(pl.col("authors") >= MIN_DOMAIN_AUTHORS)
    shipped = json.loads((resources.files("tasks.sps") / "models" / "domain_shift.json").read_text())["cc_errors"]
    assert dict(zip(big["domain"].to_list(), big["cc_error"].to_list(), strict=True)) == shipped
    worst = dict(summary(table).select("estimator", "worst_error").iter_rows())
    assert worst["cc"] == min(worst.values())  # the selection rule: smallest worst-case held-out error
    assert big["holds"].mean() >= 0.9  # the interval, its width from the other domains only


def test_sld_leaves_a_prior_alone_when_the_probabilities_already_match_it():
    import numpy as np

    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.2, 0.7]])
    prior = probs.mean(axis=0)  # (0.4, 0.2, 0.4): the posteriors already average to it
    assert np.allclose(sld(probs, prior), prior)
