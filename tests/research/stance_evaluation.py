"""How good is the stance model, and how good is SPS built on it? (`python -m tests.research.stance_training evaluate`)

On the hand-labelled customer-care set: macro-F1 and the confusion matrix of
the model (and of the old lexicon, for comparison), then per brand the SPS
from people's labels, from the model's raw counts, and corrected for the
model's error rates. The correction for a brand uses rates measured on the
*other* brands only (leave one brand out: the other evaluation brands and the
training set's out-of-fold judgements), so no brand is judged with rates
learnt from its own labels.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from tasks.sps.lexicon import classify_stance
from tasks.sps.stance_model import CLASSES, predict
from tests.research.correction import corrected_sps, training_confusion
from tests.research.stance_power import WITHIN, goal_chance, interval_coverage, symmetric_rates

ORDER = [-1, 0, 1]  # detractor, neutral, promoter


def confusion(truth: pl.Series, predicted: pl.Series) -> np.ndarray:
    frame = pl.DataFrame({"t": truth, "p": predicted})
    return np.array(
        [[frame.filter((pl.col("t") == t) & (pl.col("p") == p)).height for p in ORDER] for t in ORDER], dtype=float
    )


def macro_f1(counts: np.ndarray) -> float:
    tp = np.diag(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(tp > 0, 2 * tp / (counts.sum(axis=0) + counts.sum(axis=1)), 0.0)
    return float(f1.mean())


def _sps(stances: pl.Series) -> float:
    return 100 * ((stances == 1).sum() - (stances == -1).sum()) / len(stances)


def per_brand(labelled: pl.DataFrame) -> pl.DataFrame:
    """brand, authors, human, raw, corrected (+ interval): one author per row in the set."""
    rows = []
    for (brand,), group in labelled.sort("brand").group_by("brand", maintain_order=True):
        others = labelled.filter(pl.col("brand") != brand)
        rates = confusion(others["truth"], others["model"]) + training_confusion()
        counts = tuple(int((group["model"] == s).sum()) for s in ORDER)
        sps, low, high = corrected_sps(counts, (0, 0, 0), rates)
        rows.append(
            {
                "brand": brand,
                "authors": group.height,
                "human": _sps(group["truth"]),
                "raw": _sps(group["model"]),
                "corrected": sps,
                "low": low,
                "high": high,
            }
        )
    return pl.DataFrame(rows).with_columns((pl.col("corrected") - pl.col("human")).alias("error"))


def people_counts(labelled: pl.DataFrame) -> np.ndarray:
    """(brands in name order, 3): how many of each brand's tweets people labelled detractor, neutral, promoter."""
    by_brand = labelled.sort("brand").partition_by("brand", maintain_order=True)
    return np.array([[int((group["truth"] == s).sum()) for s in ORDER] for group in by_brand], dtype=float)


def goal_lines(labelled: pl.DataFrame, rates: np.ndarray, largest_error: float) -> list[str]:
    """How often the goal (every brand within 10 points, brands in order) could be met on a set like this one,
    and whether the errors seen are more than chance would give."""
    people = people_counts(labelled)
    close, every, order, largest = goal_chance(people, rates)
    as_large = float((largest >= largest_error).mean())
    names = labelled["brand"].unique().sort().to_list()
    lines = [
        f"could a set this size show every brand within {WITHIN:.0f} points? Simulated, with the model's error rates "
        f"the same for every brand and measured again on {int(rates.sum())} labelled tweets each time:",
        "  each brand within: " + ", ".join(f"{n} {p:.0%}" for n, p in zip(names, close, strict=True)),
        f"  every brand within: {every:.1%}; brands in people's order: {order:.1%}",
        f"  a largest error of {largest_error:.1f} points or more: {as_large:.1%} of the simulations "
        "(small: the model errs differently on some brand; large: chance alone explains it)",
        "  the 95 % interval holds people's SPS: "
        + ", ".join(f"{n} {p:.0%}" for n, p in zip(names, interval_coverage(people, rates), strict=True)),
    ]
    for scale in (4, 20):
        _, every, order, _ = goal_chance(people, rates, scale=scale)
        lines.append(f"  with {scale}x the authors per brand: every brand within {every:.1%}, in order {order:.1%}")
    for accuracy in (0.8, 0.9, 0.95):
        _, every, order, _ = goal_chance(people, symmetric_rates(accuracy, int(rates.sum())))
        lines.append(
            f"  a model right {accuracy:.0%} of the time on every class, these authors: "
            f"every brand within {every:.1%}, in order {order:.1%}"
        )
    return lines


def report(eval_frame: pl.DataFrame) -> str:
    truth = eval_frame["label"].replace_strict(CLASSES, return_dtype=pl.Int8)
    model = predict(eval_frame["text"])
    lexicon = eval_frame.select(classify_stance().alias("s"))["s"]
    counts = confusion(truth, model)
    labelled = pl.DataFrame({"brand": eval_frame["brand"], "truth": truth, "model": model})
    brands = per_brand(labelled)
    same_order = brands.sort("human")["brand"].to_list() == brands.sort("corrected")["brand"].to_list()
    covered = brands.filter(pl.col("human").is_between(pl.col("low"), pl.col("high"))).height
    lines = [
        f"hand-labelled customer-care set: {eval_frame.height} tweets, {brands.height} brands",
        f"macro-F1  model {macro_f1(counts):.3f}   lexicon {macro_f1(confusion(truth, lexicon)):.3f}",
        "confusion (rows: people's label detractor/neutral/promoter; columns: model)",
        *[f"  {row}" for row in counts.astype(int).tolist()],
        "per brand SPS (corrected with rates from the other brands):",
        str(brands.with_columns(pl.col(pl.Float64).round(1))),
        f"largest |error| {brands['error'].abs().max():.1f} points; raw counts: "
        f"{(brands['raw'] - brands['human']).abs().max():.1f}; brands in the same order: {same_order}",
        f"people's SPS inside the 95 % interval: {covered} of {brands.height} brands",
        *goal_lines(labelled, counts + training_confusion(), float(brands["error"].abs().max())),
    ]
    return "\n".join(lines)
