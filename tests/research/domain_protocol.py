"""Leave-one-domain-out: how far each SPS estimator lands from people's SPS on a domain it never saw.

    python -m tests.research.domain_protocol            # the table
    python -m tests.research.domain_protocol write      # also writes tasks/sps/models/domain_shift.json

Domains: the hand-labelled customer-care evaluation tweets per brand (never trained on), and the
three people-labelled brand sets in ../shared/data/labelled/ per brand (SXSW 2011 by Apple or
Google, Sanders 2011 by topic, Apple 2014). Those sets carry no author ids: each tweet counts as
one author. Labels map to stances as DESIGN.md's SPS reads them: positive → promoter, negative →
detractor, anything else people judged → passive ("I can't tell" and "irrelevant" are dropped).

Estimators, each judged on every domain with nothing tuned on it:
- CC: classify and count (the shipped model's verdicts, counted);
- ACC: adjusted CC with the error rates of the hand-labelled customer-care tweets (what 0.2 shipped);
- ACC-LODO: adjusted CC with the error rates measured on every *other* dataset plus the care tweets;
- PCC: the mean of the model's class probabilities (its softmax);
- SLD: Saerens–Latte–Decaestecker EM re-weighting of those probabilities toward the domain's prior;
- QuaPy's maintained quantifiers on the same model's verdicts and probabilities, their aggregation
  fitted on every labelled tweet of the *other* datasets (the care tweets included): ACC, PACC,
  EMQ (SLD) on raw and on calibrated probabilities (BCTS), KDEy-ML and DM-y (HDy and the median
  sweep are binary-only there).

The interval checked is the shipped one (tasks/sps/estimate.py): sampling error plus the spread of
CC's error between domains, that spread measured on the *other* domains only.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from quapy.method import aggregative
from sklearn.base import BaseEstimator, ClassifierMixin

from tasks.sps.estimate import cc_sps, shift_sd
from tasks.sps.stance_model import CLASSES, SCALE, features, predict, weights
from tests.research.correction import corrected_shares, shipped_confusion
from tests.research.stance_training import DATA, ROOT, eval_set

LABELLED = DATA / "labelled"
SHIFT_FILE = ROOT / "tasks" / "sps" / "models" / "domain_shift.json"
#: Domains with at least this many labelled authors decide the shipped estimator and its interval.
MIN_DOMAIN_AUTHORS = 300


@dataclass(frozen=True)
class Domain:
    name: str
    dataset: str  # what a held-out domain's dataset is: nothing of it is used to judge it
    text: pl.Series
    stance: pl.Series  # people's: −1, 0, +1

    @property
    def authors(self) -> int:
        return self.stance.len()

    @property
    def people_sps(self) -> float:
        return _sps(self.stance)


def _sps(stance: pl.Series) -> float:
    return 100 * float((stance == 1).sum() - (stance == -1).sum()) / stance.len()


def domains(data: Path = DATA) -> list[Domain]:
    labelled = data / "labelled"
    found: list[Domain] = []
    care = eval_set(data)
    for brand in care["brand"].unique().sort():
        rows = care.filter(pl.col("brand") == brand)
        found.append(
            Domain(f"care-{brand}", "care", rows["text"], rows["label"].replace_strict(CLASSES, return_dtype=pl.Int8))
        )
    sxsw = pl.read_csv(labelled / "sxsw_brand_emotion.csv", infer_schema=False, encoding="utf8-lossy")
    label = "is_there_an_emotion_directed_at_a_brand_or_product"
    emotion = {"Positive emotion": 1, "Negative emotion": -1, "No emotion toward brand or product": 0}
    sxsw = sxsw.filter(pl.col(label).is_in(list(emotion))).with_columns(
        pl.col(label).replace_strict(emotion, return_dtype=pl.Int8).alias("stance"),
        pl.when(pl.col("tweet_text").str.contains(r"(?i)google|android"))
        .then(pl.lit("google"))
        .otherwise(pl.lit("apple"))
        .alias("brand"),
    )
    for brand in ("apple", "google"):
        rows = sxsw.filter(pl.col("brand") == brand)
        found.append(Domain(f"sxsw-{brand}", "sxsw", rows["tweet_text"].fill_null(""), rows["stance"]))
    sanders = pl.read_csv(labelled / "sanders_brand_sentiment.csv", infer_schema=False).filter(
        pl.col("Sentiment") != "irrelevant"
    )
    sanders = sanders.with_columns(
        pl.col("Sentiment")
        .replace_strict({"positive": 1, "negative": -1, "neutral": 0}, return_dtype=pl.Int8)
        .alias("stance")
    )
    for topic in ("apple", "google", "microsoft", "twitter"):
        rows = sanders.filter(pl.col("Topic") == topic)
        found.append(Domain(f"sanders-{topic}", "sanders", rows["TweetText"].fill_null(""), rows["stance"]))
    apple = pl.read_csv(labelled / "apple_twitter_sentiment.csv", infer_schema=False, encoding="utf8-lossy")
    apple = apple.filter(pl.col("sentiment").is_in(["1", "3", "5"]))
    stance = apple["sentiment"].replace_strict({"1": -1, "3": 0, "5": 1}, return_dtype=pl.Int8)
    found.append(Domain("apple-2014", "apple", apple["text"].fill_null(""), stance))
    return found


def probabilities(text: pl.Series) -> np.ndarray:
    """The model's softmax over (detractor, neutral, promoter) per text."""
    scores = (
        features(text)
        .join(weights(), on="feature", how="inner")
        .group_by("row")
        .agg(pl.col(name).sum() for name in CLASSES)
    )
    every = pl.DataFrame({"row": pl.arange(0, text.len(), dtype=pl.UInt32, eager=True)})
    logits = every.join(scores, on="row", how="left").sort("row").fill_null(0).select(*CLASSES).to_numpy() / SCALE
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def confusion(people: pl.Series, model: pl.Series) -> np.ndarray:
    counts = np.zeros((3, 3))
    np.add.at(counts, (people.to_numpy() + 1, model.to_numpy() + 1), 1)
    return counts


def shares(stance: pl.Series) -> np.ndarray:
    return np.array([(stance == v).sum() for v in (-1, 0, 1)], dtype=float)


def sld(probs: np.ndarray, train_prior: np.ndarray, rounds: int = 200) -> np.ndarray:
    """EM re-estimate of the class prior on unlabelled data (Saerens, Latinne & Decaestecker 2002)."""
    prior = train_prior.copy()
    for _ in range(rounds):
        posterior = probs * prior / train_prior
        posterior /= posterior.sum(axis=1, keepdims=True)
        new = posterior.mean(axis=0)
        if np.abs(new - prior).max() < 1e-7:
            break
        prior = new
    return prior


class _Fitted(BaseEstimator, ClassifierMixin):
    """The shipped model's outputs as QuaPy's classifier: its input *is* the posterior matrix."""

    def __init__(self) -> None:
        self.classes_ = np.array([0, 1, 2])  # detractor, neutral, promoter

    def fit(self, posteriors: np.ndarray, labels: np.ndarray) -> _Fitted:
        return self

    def predict(self, posteriors: np.ndarray) -> np.ndarray:
        return posteriors.argmax(axis=1)

    def predict_proba(self, posteriors: np.ndarray) -> np.ndarray:
        return posteriors


#: name → (QuaPy quantifier, reads probabilities rather than verdicts)
QUAPY = {
    "qp_acc": (lambda: aggregative.ACC(_Fitted(), fit_classifier=False, val_split=None), False),
    "qp_pacc": (lambda: aggregative.PACC(_Fitted(), fit_classifier=False, val_split=None), True),
    "qp_emq": (lambda: aggregative.EMQ(_Fitted(), fit_classifier=False, exact_train_prev=False), True),
    # calibrated first (bias-corrected temperature scaling on the fit data), then EM
    "qp_emq_bcts": (
        lambda: aggregative.EMQ(_Fitted(), fit_classifier=False, exact_train_prev=False, calib="bcts"),
        True,
    ),
    "qp_kdey": (lambda: aggregative.KDEyML(_Fitted(), fit_classifier=False, val_split=None, random_state=0), True),
    "qp_dmy": (lambda: aggregative.DMy(_Fitted(), fit_classifier=False, val_split=None), True),
}


def quapy_sps(name: str, fit: list[tuple[np.ndarray, np.ndarray]], target: np.ndarray) -> float:
    """SPS of `target` by QuaPy's `name`, its aggregation fitted on (outputs, people's stance) pairs.

    Outputs are the model's probabilities (n × 3) or its verdicts (n, −1/0/+1), as QUAPY says."""
    make, soft = QUAPY[name]
    quantifier = make()
    outputs = np.concatenate([o for o, _ in fit]) if soft else np.concatenate([o + 1 for o, _ in fit])
    quantifier.aggregation_fit(outputs, np.concatenate([labels + 1 for _, labels in fit]))
    return _from_shares(quantifier.aggregate(target if soft else target + 1))


def evaluate(found: list[Domain]) -> pl.DataFrame:
    verdicts = {d.name: predict(d.text) for d in found}
    care_rates = shipped_confusion()
    care_prior = care_rates.sum(axis=1) / care_rates.sum()
    cc_error = {d.name: _sps(verdicts[d.name]) - d.people_sps for d in found}
    probs = {d.name: probabilities(d.text) for d in found}
    crisp = {k: v.to_numpy() for k, v in verdicts.items()}
    rows = []
    for d in found:
        model = verdicts[d.name]
        counts = shares(model)
        others = [o for o in found if o.dataset != d.dataset]
        lodo_rates = care_rates + sum(
            (confusion(o.stance, verdicts[o.name]) for o in others if o.dataset != "care"), np.zeros((3, 3))
        )
        held_shift = shift_sd([cc_error[o.name] for o in others if o.authors >= MIN_DOMAIN_AUTHORS])
        cc, low, high = cc_sps((int(counts[0]), int(counts[1]), int(counts[2])), (0, 0, 0), held_shift)
        estimates = {
            "cc": cc,
            "acc": _from_shares(corrected_shares(counts, care_rates)),
            "acc_lodo": _from_shares(corrected_shares(counts, lodo_rates)),
            "pcc": _from_shares(probs[d.name].mean(axis=0)),
            "sld": _from_shares(sld(probs[d.name], care_prior)),
        }
        for name, (_, soft) in QUAPY.items():
            outputs = probs if soft else crisp
            fit = [(outputs[o.name], o.stance.to_numpy()) for o in others]
            estimates[name] = quapy_sps(name, fit, outputs[d.name])
        rows.append(
            {"domain": d.name, "authors": d.authors, "people": round(d.people_sps, 1)}
            | {k: round(float(v), 1) for k, v in estimates.items()}
            | {f"{k}_error": round(float(v) - d.people_sps, 1) for k, v in estimates.items()}
            | {"cc_low": round(low, 1), "cc_high": round(high, 1), "holds": low <= d.people_sps <= high}
        )
    return pl.DataFrame(rows)


def _from_shares(values: np.ndarray) -> float:
    return 100 * float(values[2] - values[0]) / float(values.sum())


def summary(table: pl.DataFrame) -> pl.DataFrame:
    """Per estimator, over domains with enough authors: the worst and the mean absolute error."""
    big = table.filter(pl.col("authors") >= MIN_DOMAIN_AUTHORS)
    return pl.DataFrame(
        [
            {
                "estimator": name,
                "worst_error": float(big[f"{name}_error"].abs().max()),
                "mean_abs_error": round(float(big[f"{name}_error"].abs().mean()), 1),
            }
            for name in ("cc", "acc", "acc_lodo", "pcc", "sld", *QUAPY)
        ]
    )


def main() -> None:
    pl.Config.set_tbl_rows(40)
    pl.Config.set_tbl_cols(30)
    pl.Config.set_tbl_width_chars(250)
    found = domains()
    table = evaluate(found)
    print(
        table.select(
            "domain", "authors", "people", "cc", "acc", "acc_lodo", "pcc", "sld", *QUAPY, "cc_low", "cc_high", "holds"
        )
    )
    print(table.select("domain", *[c for c in table.columns if c.endswith("_error")]))
    big = table.filter(pl.col("authors") >= MIN_DOMAIN_AUTHORS)
    print(
        f"domains with ≥ {MIN_DOMAIN_AUTHORS} authors: {big.height}; shipped interval holds people's SPS on "
        f"{int(big['holds'].sum())} of them ({100 * big['holds'].mean():.0f} %), on {int(table['holds'].sum())} "
        f"of all {table.height}"
    )
    print(summary(table))
    if sys.argv[1:] == ["write"]:
        errors = dict(zip(big["domain"].to_list(), big["cc_error"].to_list(), strict=True))
        body = {
            "cc_errors": errors,
            "why": "CC's SPS error per held-out domain with ≥ 300 labelled authors (tests/research/domain_protocol.py)",
        }
        SHIFT_FILE.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
        print(f"wrote {SHIFT_FILE.relative_to(ROOT)}: shift sd {shift_sd(list(errors.values())):.2f} points")


if __name__ == "__main__":
    main()
