"""SPS as a prevalence estimate: correct the model's shares for its known error rates.

A classifier's raw counts are biased: one that misses half the complaints
halves the detractor share. Adjusted classify-and-count undoes that: with
M[t][p] = P(predicted p | true t), measured on people's labels the model never
trained on, the predicted shares q satisfy q = Mᵀ·π for the true shares π,
so π = (Mᵀ)⁻¹·q (clipped at zero and renormalised).

The 95 % interval is a seeded parametric bootstrap that carries both kinds of
uncertainty: the sample (authors drawn again, multinomially) and the model
(each row of M drawn from its Dirichlet posterior given the labelled counts).
Authors whose stance came from archive labels only are taken as they are.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import numpy as np

#: rows: true detractor, neutral, promoter; columns: predicted, same order
Confusion = np.ndarray
DRAWS = 2000
SEED = 20171031


@cache
def _confusion_file() -> dict:
    return json.loads((resources.files("tasks.sps") / "models" / "stance_confusion.json").read_text())


def training_confusion() -> Confusion:
    """Counts on the hand-labelled training tweets, each predicted by a model fitted without its brand."""
    return np.array(_confusion_file()["training_out_of_fold"]["counts"], dtype=float)


def shipped_confusion() -> Confusion:
    """The rates SPS corrects for: the shipped model on the evaluation set plus the training set's
    out-of-fold counts (written when the model was trained): 856 judgements instead of 296, so the
    correction itself is less noisy."""
    return np.array(_confusion_file()["evaluation"]["counts"], dtype=float) + training_confusion()


def corrected_shares(predicted: np.ndarray, confusion: Confusion) -> np.ndarray:
    """True (detractor, neutral, promoter) shares from predicted counts or shares; last axis = class."""
    rates = confusion / confusion.sum(axis=-1, keepdims=True)
    q = predicted / predicted.sum(axis=-1, keepdims=True)
    shares = np.linalg.solve(np.swapaxes(rates, -1, -2), q[..., None])[..., 0]
    shares = np.clip(shares, 0.0, None)
    return shares / shares.sum(axis=-1, keepdims=True)


def corrected_sps(
    model_counts: tuple[int, int, int],
    labelled_counts: tuple[int, int, int],
    confusion: Confusion,
    draws: int = DRAWS,
) -> tuple[float | None, float | None, float | None]:
    """(SPS, interval low, interval high) from author verdicts: (detractors, passives, promoters)
    predicted by the model and as labelled by the archive. None when there are no authors."""
    model, labelled = np.array(model_counts, dtype=float), np.array(labelled_counts, dtype=float)
    n_model, n_labelled = model.sum(), labelled.sum()
    if n_model + n_labelled == 0:
        return None, None, None

    def sps(model_shares: np.ndarray, labelled_shares: np.ndarray) -> np.ndarray:
        promoters = n_model * model_shares[..., 2] + n_labelled * labelled_shares[..., 2]
        detractors = n_model * model_shares[..., 0] + n_labelled * labelled_shares[..., 0]
        return 100 * (promoters - detractors) / (n_model + n_labelled)

    rng = np.random.default_rng(SEED)
    flat = np.full(3, 1 / 3)
    if n_model:
        point_model = corrected_shares(model, confusion)
        rates = np.stack([rng.dirichlet(row + 1, size=draws) for row in confusion], axis=1)
        resampled = rng.multinomial(int(n_model), model / n_model, size=draws).astype(float)
        drawn_model = corrected_shares(resampled, rates)
    else:
        point_model, drawn_model = flat, np.tile(flat, (draws, 1))
    if n_labelled:
        point_labelled = labelled / n_labelled
        drawn_labelled = rng.multinomial(int(n_labelled), point_labelled, size=draws) / n_labelled
    else:
        point_labelled, drawn_labelled = flat, np.tile(flat, (draws, 1))
    low, high = np.percentile(sps(drawn_model, drawn_labelled), [2.5, 97.5])
    return float(sps(point_model, point_labelled)), float(low), float(high)
