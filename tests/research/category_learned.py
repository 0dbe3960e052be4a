"""Would a learned classifier find complaint categories the rules miss?

Trained on every twcs sample mention outside the held-out slice: its label is
the hand label where the tuning slice has one, else the rules' category of the
mention, else the rules' category of the brand's first reply (a brand answering
"DM us your order number" names the topic the customer did not). A TF-IDF
logistic regression on the mention's text alone, then judged on the held-out
slice (tests/fixtures/category_heldout.csv), alone and as the rules' fallback
for mentions they leave in "other".

    python -m tests.research.category_learned   # needs scikit-learn (the test extra)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from tasks.metrics.categories import OTHER, Taxonomy, default_taxonomy, with_categories
from tests.research.stance_training import DATA

FIXTURES = Path(__file__).parents[1] / "fixtures"
LABELS = {"tweet_id": pl.String, "category": pl.String}


def _rules(texts: pl.Series) -> np.ndarray:
    frame = pl.DataFrame({"text": texts.fill_null("")}).with_columns(pl.lit(0, pl.Int8).alias("stance"))
    return with_categories(frame, Taxonomy(default_taxonomy()))["category"].to_numpy()


def mentions() -> pl.DataFrame:
    """Inbound twcs mentions with the text of the brand's first reply (null if none)."""
    sample = pl.read_csv(DATA / "twcs_sample.csv", infer_schema=False)
    replies = (
        sample.filter(pl.col("inbound") == "False")
        .sort("tweet_id")
        .unique("in_response_to_tweet_id", keep="first")
        .select(pl.col("in_response_to_tweet_id").alias("tweet_id"), pl.col("text").alias("reply"))
    )
    return sample.filter(pl.col("inbound") == "True").join(replies, on="tweet_id", how="left")


def judged(c: float = 8.0, min_confidence: float = 0.4) -> dict[str, tuple[int, int, int]]:
    """(right of all, right of those people put in a named category, named) per method."""
    pairs = mentions()
    pairs = pairs.with_columns(pl.Series("rule", _rules(pairs["text"])), pl.Series("weak", _rules(pairs["reply"])))
    held = pl.read_csv(FIXTURES / "category_heldout.csv", schema=LABELS)
    tune = pl.read_csv(FIXTURES / "category_labels.csv", schema=LABELS).rename({"category": "hand"})
    train = (
        pairs.join(held, on="tweet_id", how="anti")
        .join(tune, on="tweet_id", how="left")
        .with_columns(pl.coalesce("hand", pl.when(pl.col("rule") != OTHER).then("rule").otherwise("weak")).alias("y"))
    )
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    model = LogisticRegression(C=c, max_iter=2000).fit(vectoriser.fit_transform(train["text"]), train["y"])
    test = pairs.join(held, on="tweet_id")
    proba = model.predict_proba(vectoriser.transform(test["text"]))
    learned = np.where(proba.max(1) >= min_confidence, model.classes_[proba.argmax(1)], OTHER)
    rules = test["rule"].to_numpy()
    people = test["category"].to_numpy()
    named = people != OTHER
    guesses = {"rules": rules, "learned": learned, "rules, else learned": np.where(rules != OTHER, rules, learned)}
    return {
        k: (int((g == people).sum()), int((g[named] == people[named]).sum()), int(named.sum()))
        for k, g in guesses.items()
    }


if __name__ == "__main__":
    print(f"{'method':<22}{'right of 100':>14}{'named right':>14}")
    for method, (right, named_right, named) in judged().items():
        print(f"{method:<22}{right:>14}{f'{named_right} / {named}':>14}")
