"""How much the industry taxonomies leave "other" on many real complaints of dev brands, and how
often a brand's industry is inferred right (issue 28 item 2; for rule writers, dev brands only).

    python -m tests.research.category_coverage [--show INDUSTRY] [--rows 40]

- TweetSumm twcs_train/twcs_val dialogs (never twcs_test) of dev brands (never the held-out ones,
  heldout.md) whose people-written summary says the customer complains or has a problem: the share
  of first customer turns left "other" per industry, each brand on its industry's list.
- Industry inference on every dev brand from k of its own mentions (TweetSumm first turns and twcs
  sample posts), 5 draws each: right / wrong / none.
`--show` prints the complaints of one industry still left "other", to read (held-out brands and
twcs_test are filtered out before anything is printed).
"""

from __future__ import annotations

import argparse

import polars as pl

from tasks.metrics.categories import Taxonomy, default_taxonomy, infer_industries, with_categories, with_industries
from tests.research.reading_labels_draw import BRAND_INDUSTRY, DATA, HELDOUT

#: a summary saying the customer complained or had a problem (people's words, not the rules')
COMPLAINT = (
    r"(?i)complain|problem|issue|not (able|working|received|get|getting|happy|satisf)|unable|frustrat|unhappy|"
    r"disappoint|upset|angry|annoy|didn.?t (get|receive)|hasn.?t|haven.?t|delay|cancel|charged|can.?t|cannot|"
    r"wrong|fail|error|missing|lost|broken|stuck"
)
DEV = pl.col("brand").is_in(list(BRAND_INDUSTRY)) & ~pl.col("brand").is_in(list(HELDOUT))


def dev_dialogs() -> pl.DataFrame:
    """One row per train/val dialog of a dev brand: brand, industry, first turn, complaint (any summary)."""
    dialogs = pl.read_csv(DATA / "tweetsumm" / "tweetsumm_dialogs.csv", infer_schema=False)
    return (
        dialogs.filter(pl.col("split").is_in(["twcs_train", "twcs_val"]) & DEV)
        .group_by("dialog")
        .agg(
            pl.col("brand").first(),
            pl.col("first_customer_turn").first().str.replace(r"^\S+: ", "").alias("text"),
            pl.col("summary").str.contains(COMPLAINT).any().alias("complaint"),
        )
        .sort("dialog")
        .unique("text", keep="first", maintain_order=True)
        .sort("text")
        .with_columns(pl.col("brand").replace_strict(BRAND_INDUSTRY).alias("industry"))
    )


def dev_mentions() -> pl.DataFrame:
    """brand, text: dev brands' TweetSumm first turns and the twcs sample's posts they answered."""
    tweets = pl.read_csv(DATA / "twcs_sample.csv", infer_schema=False)
    replies = tweets.filter(pl.col("inbound") == "False").select(
        pl.col("author_id").alias("brand"), pl.col("in_response_to_tweet_id").alias("tweet_id")
    )
    posts = tweets.filter(pl.col("inbound") == "True").join(replies, on="tweet_id").select("brand", "text")
    return pl.concat([dev_dialogs().select("brand", "text"), posts]).filter(DEV).unique().sort("brand", "text")


def categorised(frame: pl.DataFrame) -> pl.Series:
    facts = frame.select("brand", "text", pl.lit(0, pl.Int8).alias("stance"))
    named = dict(frame.select("brand", "industry").unique().iter_rows())
    return with_categories(facts, with_industries(Taxonomy(default_taxonomy()), named, facts))["category"]


def inference_accuracy(mentions: pl.DataFrame, k: int, draws: int = 5) -> tuple[float, float, float]:
    """Shares of (right, wrong, none) over dev brands × draws, each brand read from k of its mentions."""
    brands = mentions["brand"].unique().to_list()
    counts = {"right": 0, "wrong": 0, "none": 0}
    for seed in range(draws):
        rank = pl.int_range(pl.len()).shuffle(seed=seed).over("brand")
        chosen = infer_industries(mentions.filter(rank < k))
        for brand in brands:
            got = chosen.get(brand)
            counts["none" if got is None else "right" if got == BRAND_INDUSTRY[brand] else "wrong"] += 1
    total = len(brands) * draws
    return counts["right"] / total, counts["wrong"] / total, counts["none"] / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", help="print this industry's complaints left 'other'")
    parser.add_argument("--rows", type=int, default=40)
    args = parser.parse_args()
    complaints = dev_dialogs().filter("complaint")
    complaints = complaints.with_columns(categorised(complaints).alias("category"))
    left = complaints.group_by("industry").agg(pl.len().alias("complaints"), (pl.col("category") == "other").mean())
    with pl.Config(tbl_rows=20):
        print(left.sort("industry"))
    print(f"all: {(complaints['category'] == 'other').mean():.1%} of {complaints.height} left other")
    mentions = dev_mentions()
    for k in (1, 3, 5, 10, 1_000_000):
        right, wrong, none = inference_accuracy(mentions, k)
        print(
            f"industry from {k if k < 1_000_000 else 'all'} mentions:",
            f"right {right:.1%} wrong {wrong:.1%} none {none:.1%}",
        )
    if args.show:
        rows = complaints.filter((pl.col("industry") == args.show) & (pl.col("category") == "other"))
        for row in rows.head(args.rows).iter_rows(named=True):
            print("-", row["brand"], "|", row["text"][:200].replace("\n", " "))


if __name__ == "__main__":
    main()
