"""Train, tune and evaluate the stance model: `python -m tests.research.stance_training train|tune|evaluate`.

Training data, all from `../shared/data/` (or `--data`):
- TweetEval sentiment (general tweets, labelled by people): negative →
  detractor, neutral, positive → promoter;
- customer tweets of the twcs sample, labelled by how the brand answered
  them: an apology ("sorry", "frustrating") marks a complaint, delight ("glad",
  "love to hear", "thanks for the kind words") marks praise. In-domain, so
  weighted 3× the general tweets. A reply with neither says little (most ask
  for details, whatever the customer felt), so those tweets are left out:
  labelling them neutral taught the model that every complaint is neutral
  (macro-F1 0.36 on the hand-labelled set, against 0.65 without them);
- 560 customer tweets labelled by hand for training (tests/fixtures/stance_train.csv),
  from brands that are not in the evaluation set, weighted 10×.
C = 0.05 and that weight were chosen by `tune`: 5-fold cross-validation on the hand
training set alone, whole brands per fold (out-of-fold macro-F1 0.712; 0.69–0.71 for
every C ≤ 0.25, 0.67 at C = 1), never on the evaluation set. `train` also writes those
out-of-fold judgements' confusion counts: the correction's error rates are measured on
them and on the evaluation set together (tests/research/correction.py).
The hand-labelled evaluation set (tests/fixtures/stance_eval.csv) is never
trained on: its ids (and the training set's) are dropped from the reply-labelled part.

Training needs scikit-learn (`pip install -e '.[train]'`); evaluating and
running the pipeline do not. Same data, same weights: the solver is
deterministic and the vocabulary sorted.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import polars as pl

from tasks.sps.stance_model import BIAS, CLASSES, features, predict, weights

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
EVAL_SET = ROOT / "tests" / "fixtures" / "stance_eval.csv"
TRAIN_SET = ROOT / "tests" / "fixtures" / "stance_train.csv"
MODEL = ROOT / "tasks" / "sps" / "models" / "stance.parquet"
CONFUSION = ROOT / "tasks" / "sps" / "models" / "stance_confusion.json"
TWCS_FIELDS = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"]
APOLOGY = r"(?i)\b(sorry|apologi[sz]e|apologies|frustrat\w*|not the experience|not what we|hate to hear|concern)\b"
DELIGHT = (
    r"(?i)(\bglad\b|happy to hear|love to hear|great to hear|thanks for the (love|kind|shout|support)|"
    r"\benjoy\b|you're welcome|awesome|\bwoo|appreciate the love)"
)
IN_DOMAIN_WEIGHT = 3.0
HAND_WEIGHT = 10.0
C = 0.05
FOLDS = 5
FOLD_SEED = 5


def twcs(data: Path) -> pl.DataFrame:
    return pl.read_csv(data / "twcs_sample.csv", schema={f: pl.String for f in TWCS_FIELDS})


def hand_labelled(path: Path, data: Path) -> pl.DataFrame:
    """tweet_id, brand, label, text: hand labels joined to the sample's text."""
    labels = pl.read_csv(
        path, comment_prefix="#", schema={"tweet_id": pl.String, "brand": pl.String, "label": pl.String}
    )
    return labels.join(twcs(data).select("tweet_id", "text"), on="tweet_id", how="left")


def eval_set(data: Path) -> pl.DataFrame:
    return hand_labelled(EVAL_SET, data)


def training_frame(data: Path, hand_weight: float = HAND_WEIGHT, train_ids: pl.Series | None = None) -> pl.DataFrame:
    """text, label, weight; `train_ids` keeps only those hand-labelled tweets (cross-validation)."""
    parts = []
    for split in ("val", "test"):
        texts = (data / "tweeteval_sentiment" / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
        labels = (data / "tweeteval_sentiment" / f"{split}_labels.txt").read_text().split()
        parts.append(
            pl.DataFrame({"text": texts, "label": [("detractor", "neutral", "promoter")[int(x)] for x in labels]})
        )
    general = pl.concat(parts).with_columns(pl.lit(1.0).alias("weight"))
    tweets = twcs(data)
    held_out = pl.concat([eval_set(data), hand_labelled(TRAIN_SET, data)])["tweet_id"].implode()
    replies = (
        tweets.filter(pl.col("inbound") == "False")
        .select(pl.col("in_response_to_tweet_id").alias("tweet_id"), pl.col("text").alias("reply"))
        .drop_nulls("tweet_id")
        .unique("tweet_id", keep="first", maintain_order=True)
    )
    care = (
        tweets.filter((pl.col("inbound") == "True") & ~pl.col("tweet_id").is_in(held_out))
        .join(replies, on="tweet_id", how="inner")
        .select(
            "text",
            pl.when(pl.col("reply").str.contains(APOLOGY))
            .then(pl.lit("detractor"))
            .when(pl.col("reply").str.contains(DELIGHT))
            .then(pl.lit("promoter"))
            .alias("label"),
            pl.lit(IN_DOMAIN_WEIGHT).alias("weight"),
        )
        .drop_nulls("label")
    )
    people = hand_labelled(TRAIN_SET, data)
    if train_ids is not None:
        people = people.filter(pl.col("tweet_id").is_in(train_ids.implode()))
    people = people.select("text", "label", pl.lit(hand_weight).alias("weight"))
    return pl.concat([general, care, people])


def fit(frame: pl.DataFrame, c: float) -> pl.DataFrame:
    """Fit a multinomial logistic regression on (text, label, weight); returns the weights table the model reads."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    pairs = features(frame["text"])
    counts = pairs.group_by("feature").agg(pl.col("row").n_unique().alias("docs"))
    vocab = counts.filter((pl.col("docs") >= 2) | (pl.col("feature") == BIAS)).sort("feature")["feature"]
    index = pl.DataFrame({"feature": vocab, "col": pl.arange(0, len(vocab), dtype=pl.UInt32, eager=True)})
    cells = pairs.join(index, on="feature", how="inner").sort("row", "col")  # features() has no order
    matrix = csr_matrix(
        (np.ones(cells.height), (cells["row"].to_numpy(), cells["col"].to_numpy())), shape=(frame.height, len(vocab))
    )
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False)
    model.fit(matrix, frame["label"].to_numpy(), sample_weight=frame["weight"].to_numpy())
    columns = {name: model.coef_[list(model.classes_).index(name)] for name in CLASSES}
    return pl.DataFrame({"feature": vocab, **columns}).filter(
        pl.any_horizontal(pl.col(name).abs() > 1e-6 for name in CLASSES)
    )


def train(data: Path, c: float, hand_weight: float = HAND_WEIGHT) -> pl.DataFrame:
    return fit(training_frame(data, hand_weight), c)


def out_of_fold(data: Path, c: float, hand_weight: float = HAND_WEIGHT) -> tuple[pl.Series, pl.Series]:
    """(people's label, prediction) for every hand-labelled training tweet, each predicted by a model fitted
    without its brand: FOLDS folds of whole brands, so a brand's tweets are judged as an unseen brand's."""
    hand = hand_labelled(TRAIN_SET, data)
    brands = hand["brand"].unique().sort()
    order = brands.shuffle(seed=FOLD_SEED)
    fold = hand["brand"].replace_strict(order, pl.int_range(order.len(), eager=True) % FOLDS)
    predicted = pl.Series("stance", [0] * hand.height, dtype=pl.Int8)
    for k in range(FOLDS):
        inside = (fold == k).to_numpy()
        table = fit(training_frame(data, hand_weight, train_ids=hand.filter(~inside)["tweet_id"]), c)
        predicted = predicted.scatter(inside.nonzero()[0], predict(hand.filter(inside)["text"], table))
    return hand["label"].replace_strict(CLASSES, return_dtype=pl.Int8), predicted


def write_confusion(data: Path, c: float) -> None:
    """The rates SPS corrects for: the new weights on the evaluation set, and the training set's
    hand-labelled tweets predicted out of fold (both judged by models that never saw them)."""
    from tests.research.stance_evaluation import confusion

    weights.cache_clear()
    labelled = eval_set(data)
    evaluation = confusion(labelled["label"].replace_strict(CLASSES, return_dtype=pl.Int8), predict(labelled["text"]))
    training = confusion(*out_of_fold(data, c))
    body = {
        "rows": "people's label: detractor, neutral, promoter",
        "columns": "model: same order",
        "evaluation": {"tweets": labelled.height, "counts": evaluation.astype(int).tolist()},
        "training_out_of_fold": {
            "tweets": int(training.sum()),
            "folds": FOLDS,
            "counts": training.astype(int).tolist(),
        },
    }
    CONFUSION.write_text(json.dumps(body, indent=2) + "\n")
    print(
        f"wrote {CONFUSION.relative_to(ROOT)}: evaluation {body['evaluation']['counts']}, "
        f"training out of fold {body['training_out_of_fold']['counts']}"
    )


def tune(data: Path) -> None:
    """Out-of-fold macro-F1 on the hand training set for each C and hand-label weight (never the evaluation set)."""
    from tests.research.stance_evaluation import confusion, macro_f1

    for c in (0.05, 0.1, 0.25, 0.5, 1.0):
        for hand_weight in (10.0, 30.0, 60.0):
            counts = confusion(*out_of_fold(data, c, hand_weight))
            print(f"C={c:<5} hand weight {hand_weight:>4.0f}: out-of-fold macro-F1 {macro_f1(counts):.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["train", "tune", "evaluate"])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    args = parser.parse_args()
    if args.command == "train":
        table = train(args.data, args.c)
        buffer = io.BytesIO()
        table.write_parquet(buffer, compression="zstd")
        MODEL.write_bytes(buffer.getvalue())
        print(f"wrote {MODEL.relative_to(ROOT)}: {table.height} features")
        write_confusion(args.data, args.c)
    elif args.command == "tune":
        tune(args.data)
    else:
        from tests.research.stance_evaluation import report

        print(report(eval_set(args.data)))


if __name__ == "__main__":
    main()
