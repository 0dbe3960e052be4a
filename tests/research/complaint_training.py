"""Train and judge the complaint model: `python -m tests.research.complaint_training evaluate|train`.

Why a learned component: the complaint cues (tasks/sps/lexicon.py) were written on the dev texts, and
on other brands people's complaint share is missed by up to 14 points. The words of a complaint that
uses no negative word ("my order never came", "why is my … not …") vary by industry; what does not
vary is how care agents answer one. Labels, all free and all from dev brands only:
- a customer tweet of the twcs sample is a complaint when the brand's reply to it apologises or
  sympathises ("sorry to hear", "we apologise", "sorry for the trouble"); a reply without that
  (asking details, answering a question, thanking) marks no complaint — a weaker label, weighted less;
- a TweetSumm dialog's first customer turn is a complaint when the people-written summary says the
  customer complains or has a problem, not one when it says they only ask or enquire;
- general tweets (TweetEval sentiment) that people judged neutral or positive are no complaint: without
  them the model, which sees only care text otherwise, reads brand chatter as complaints and SPS on the
  labelled brand sets (tests/research/domain_protocol.py) falls by up to 30 points;
- the people-labelled dev mentions (tests/fixtures/reading/dev/mentions.csv), weighted most.
Held-out brands (tests/research/reading_labels_draw.HELDOUT) and twcs_test dialogs are never read, nor
the stance model's hand-labelled tweets (its evaluation and training sets and the keyword-less complaints
judge the shipped stance).

`evaluate` judges leave-industry-out: for each of the eight industries a model is fitted without any
text of that industry's brands (neither weak labels nor people's) and judged on that industry's
people-labelled dev mentions, read as the shipped run does (stance model first, the complaint model
only turns its neutral verdicts into detractors). `train` fits on everything and writes
tasks/sps/models/complaint.parquet (feature → weight; the threshold is folded into the bias, so a
post complains when its summed weight is > 0). Needs scikit-learn (`pip install -e '.[train]'`).
"""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path

import polars as pl

from tasks.sps.stance_model import BIAS, complaint_model, features, predict
from tests.research.reading_labels_draw import BRAND_INDUSTRY, HELDOUT
from tests.research.stance_training import DATA, ROOT, TRAIN_SET, eval_set, hand_labelled, twcs

MODEL = ROOT / "tasks" / "sps" / "models" / "complaint.parquet"
DEV = ROOT / "tests" / "fixtures" / "reading" / "dev" / "mentions.csv"
KEYWORDLESS = ROOT / "tests" / "fixtures" / "keywordless_complaints.csv"
#: A care agent apologising or sympathising: the customer reported a problem.
APOLOGY = (
    r"(?i)\b(sorry|apologi[sz]e|apologies|frustrat\w*|inconvenien\w*|not the experience|not what we|"
    r"hate to hear|concern(ed|ing)?|disappointing|understand(able)? (how|your|the)|trouble)\b"
)
#: A people-written summary saying the customer has a problem (TweetSumm: "Customer is complaining that …").
SUMMARY_COMPLAINT = (
    r"(?i)\b(complain\w*|issue|problem|unable|not able|can ?not|can't|couldn't|not work\w*|isn't|doesn't|didn't|"
    r"hasn't|haven't|not (received|get|got|getting|delivered|arrive\w*)|disappoint\w*|upset|unhappy|angry|"
    r"annoyed|frustrat\w*|delay\w*|wrong|error|fail\w*|missing|lost|damaged|broken|charged|still|stuck|"
    r"waiting|no response|late)\b"
)
SUMMARY_QUESTION = r"(?i)\b(enquir\w*|inquir\w*|ask(s|ed|ing)?|wants? to know|query|queries|requests?|curious)\b"
WEAK_WEIGHT = 1.0
NO_APOLOGY_WEIGHT = 0.5
PEOPLE_WEIGHT = 5.0
#: dev/mentions.csv rows people labelled that `evaluate` judges, (first, last) 1-based: rounds 1-2 and round 6
#: (customers' later turns). The model learns from rounds 1-2 only: learning from round 6 too (`--with-later-turns`)
#: moved leave-industry-out precision / recall on all 592 from 0.827 / 0.833 to 0.819 / 0.868 (0.830 / 0.818 at
#: threshold 0.6): recall bought with precision, not a better reading, so it is left out. Round 4 (rows
#: 353-507) stays out, a fresh judge of the shipped model (`reading_protocol --slice dev --rows 353-507`); fitted on
#: it, the corrected SPS on the six hand-labelled brands erred by up to 21.9 points (16.5 without) and lost their
#: order.
PEOPLE_ROWS = ((1, 352), (708, 947))
LATER_TURNS = (708, 947)
GENERAL_WEIGHT = 1.0
C = 0.1
#: The threshold on the complaint probability: chosen on the pooled leave-industry-out judgements
#: (`evaluate --threshold`), the lowest at which precision stays ≥ 0.85 in every industry but one.
THRESHOLD = 0.5


def _brand_of_tweet(tweets: pl.DataFrame) -> pl.DataFrame:
    """tweet_id, brand, text, reply of customer tweets answered by a dev brand (the reply's author)."""
    replies = (
        tweets.filter(pl.col("inbound") == "False")
        .select(
            pl.col("in_response_to_tweet_id").alias("tweet_id"),
            pl.col("author_id").alias("brand"),
            pl.col("text").alias("reply"),
        )
        .drop_nulls("tweet_id")
        .unique("tweet_id", keep="first", maintain_order=True)
    )
    return tweets.filter(pl.col("inbound") == "True").join(replies, on="tweet_id", how="inner")


def weak_frame(data: Path) -> pl.DataFrame:
    """text, brand, complaint, weight: the free labels of dev brands."""
    dev_brands = [b for b in BRAND_INDUSTRY if b not in HELDOUT]
    keywordless = pl.read_csv(KEYWORDLESS, comment_prefix="#", schema={"tweet_id": pl.String, "label": pl.String})
    stance_sets = pl.concat(
        [eval_set(data)["tweet_id"], hand_labelled(TRAIN_SET, data)["tweet_id"], keywordless["tweet_id"]]
    )
    stance_sets = stance_sets.implode()
    care = (
        _brand_of_tweet(twcs(data))
        .filter(pl.col("brand").is_in(dev_brands) & ~pl.col("tweet_id").is_in(stance_sets))
        .select(
            "text",
            "brand",
            pl.col("reply").str.contains(APOLOGY).alias("complaint"),
        )
        .with_columns(pl.when(pl.col("complaint")).then(WEAK_WEIGHT).otherwise(NO_APOLOGY_WEIGHT).alias("weight"))
    )
    dialogs = pl.read_csv(data / "tweetsumm" / "tweetsumm_dialogs.csv", infer_schema=False).with_row_index("row")
    summaries = (
        dialogs.filter(pl.col("split").is_in(["twcs_train", "twcs_val"]) & pl.col("brand").is_in(dev_brands))
        .with_columns(
            pl.col("first_customer_turn").str.replace(r"^\d+:\s*", "").alias("text"),
            pl.when(pl.col("summary").str.contains(SUMMARY_COMPLAINT))
            .then(True)
            .when(pl.col("summary").str.contains(SUMMARY_QUESTION))
            .then(False)
            .alias("complaint"),
        )
        .filter(pl.col("text").str.strip_chars().str.len_chars() > 0)
        .group_by("dialog", maintain_order=True)
        .agg(pl.col("text").first(), pl.col("brand").first(), pl.col("complaint").drop_nulls().mode().sort().last())
        .drop_nulls("complaint")
        .select("text", "brand", "complaint", pl.lit(WEAK_WEIGHT).alias("weight"))
    )
    return pl.concat([care, summaries, general(data)])


def general(data: Path) -> pl.DataFrame:
    """TweetEval's neutral and positive tweets (brand "", so no industry leaves them out): no complaint."""
    parts = []
    for split in ("val", "test"):
        texts = (data / "tweeteval_sentiment" / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
        labels = (data / "tweeteval_sentiment" / f"{split}_labels.txt").read_text().split()
        parts.append(pl.DataFrame({"text": texts, "label": labels}))
    return (
        pl.concat(parts)
        .filter(pl.col("label") != "0")
        .select(
            "text", pl.lit("").alias("brand"), pl.lit(False).alias("complaint"), pl.lit(GENERAL_WEIGHT).alias("weight")
        )
    )


def people_frame(later_turns: bool = True) -> pl.DataFrame:
    """text, brand, industry, complaint, later: people's readings of the dev mentions in PEOPLE_ROWS (round 6's
    later turns left out when `later_turns` is False, as the model learns)."""
    frame = pl.read_csv(DEV, infer_schema=False).with_row_index("row", offset=1)
    kept = [r for r in PEOPLE_ROWS if later_turns or r != LATER_TURNS]
    frame = frame.filter(pl.any_horizontal(pl.col("row").is_between(first, last) for first, last in kept))
    return frame.select(
        "text",
        "brand",
        "industry",
        (pl.col("complaint") == "1").alias("complaint"),
        pl.col("row").is_between(*LATER_TURNS).alias("later"),
    )


def fit(frame: pl.DataFrame, c: float = C, threshold: float = THRESHOLD) -> pl.DataFrame:
    """A binary logistic regression on (text, complaint, weight) over the stance model's features;
    returns feature → weight with −logit(threshold) added to the bias."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    pairs = features(frame["text"])
    counts = pairs.group_by("feature").agg(pl.col("row").n_unique().alias("docs"))
    vocab = counts.filter((pl.col("docs") >= 2) | (pl.col("feature") == BIAS)).sort("feature")["feature"]
    index = pl.DataFrame({"feature": vocab, "col": pl.arange(0, len(vocab), dtype=pl.UInt32, eager=True)})
    cells = pairs.join(index, on="feature", how="inner").sort("row", "col")
    matrix = csr_matrix(
        (np.ones(cells.height), (cells["row"].to_numpy(), cells["col"].to_numpy())), shape=(frame.height, len(vocab))
    )
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False)
    model.fit(matrix, frame["complaint"].to_numpy(), sample_weight=frame["weight"].to_numpy())
    shift = -math.log(threshold / (1 - threshold))
    table = pl.DataFrame({"feature": vocab, "complaint": model.coef_[0]})
    return table.with_columns(
        pl.when(pl.col("feature") == BIAS).then(pl.col("complaint") + shift).otherwise(pl.col("complaint"))
    ).filter(pl.col("complaint").abs() > 1e-6)


def training_frame(data: Path, without: str | None = None, later_turns: bool = False) -> pl.DataFrame:
    """Weak and people's labels; `without` leaves out every text of that industry's brands."""
    people = people_frame(later_turns).select("text", "brand", "complaint", pl.lit(PEOPLE_WEIGHT).alias("weight"))
    frame = pl.concat([weak_frame(data), people])
    if without is not None:
        brands = [b for b, industry in BRAND_INDUSTRY.items() if industry == without]
        frame = frame.filter(~pl.col("brand").is_in(brands))
    return frame.select("text", "complaint", "weight")


def judged(truth: pl.Series, said: pl.Series) -> dict[str, float | None]:
    tp = int((truth & said).sum())
    n, p, t = truth.len(), int(said.sum()), int(truth.sum())
    return {
        "n": n,
        "precision": round(tp / p, 3) if p else None,
        "recall": round(tp / t, 3) if t else None,
        "share_error": round(100 * (p - t) / n, 1),
    }


def evaluate(data: Path, c: float, threshold: float, later_turns: bool = False) -> pl.DataFrame:
    """Leave-industry-out: per industry, the detractor reading against people's complaints, on every people-labelled
    row of PEOPLE_ROWS (whether the model learnt from round 6 or not: `later_turns`), then on all of them, on the
    customers' first words and on their later turns."""
    people = people_frame()
    rows, judged_parts = [], []
    for industry in sorted(set(BRAND_INDUSTRY.values())):
        part = people.filter(pl.col("industry") == industry)
        table = fit(training_frame(data, without=industry, later_turns=later_turns), c, threshold)
        part = part.with_columns((predict(part["text"], complaint_table=table) < 0).alias("said"))
        rows.append({"industry": industry, **judged(part["complaint"], part["said"])})
        judged_parts.append(part)
    every = pl.concat(judged_parts)
    for name, kept in (
        ("(all)", every),
        ("(first words)", every.filter(~pl.col("later"))),
        ("(later turns)", every.filter("later")),
    ):
        rows.append({"industry": name, **judged(kept["complaint"], kept["said"])})
    return pl.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["train", "evaluate"])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--c", type=float, default=C)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--with-later-turns", action="store_true", help="learn from round 6 too (a trial)")
    args = parser.parse_args()
    if args.command == "evaluate":
        with pl.Config(tbl_rows=20):
            print(evaluate(args.data, args.c, args.threshold, later_turns=args.with_later_turns))
        return
    table = fit(training_frame(args.data), args.c, args.threshold)
    buffer = io.BytesIO()
    table.sort("feature").write_parquet(buffer, compression="zstd")
    MODEL.write_bytes(buffer.getvalue())
    complaint_model.cache_clear()
    print(f"wrote {MODEL.relative_to(ROOT)}: {table.height} features")


if __name__ == "__main__":
    main()
