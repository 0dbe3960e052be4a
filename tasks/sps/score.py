"""Social Promoter Score per brand and day (DESIGN.md, "SPS").

Each author's mentions get a stance (+1/0/−1): the archive's label where it
has one, else the stance model's. The stances of one author sum to a verdict:
promoter (>0), detractor (<0) or passive. `sps_raw` = 100 × (P − D) / authors
counts verdicts as they are (mentions without an author are counted as
`authorless`, not as authors). `sps` is the same count, published with a 95 %
interval that carries sampling and how far the model strays on a new domain
(tasks/sps/estimate.py). Below MIN_AUTHORS a score is noise (8 authors read
−100 [−100, −100]): the counts and `sps_raw` are published, `sps` and its
interval are null and `readable` is false.
"""

from __future__ import annotations

import polars as pl
import polars.selectors as cs

from tasks.sps.estimate import cc_sps, domain_shift_sd
from tasks.sps.stance_model import predict

_LABEL_STANCE = {"positive": 1, "neutral": 0, "negative": -1}
MIN_AUTHORS = 30


def with_stance(facts: pl.DataFrame) -> pl.DataFrame:
    """The archive's own label wins; the classifier decides the rest (once: kept if present)."""
    if "stance" in facts.columns:
        return facts
    label = pl.col("sentiment").replace_strict(_LABEL_STANCE, default=None, return_dtype=pl.Int8)
    return facts.with_columns(
        pl.coalesce(label, predict(facts["text"])).alias("stance"),
        label.is_not_null().alias("stance_from_label"),
    )


def attributed_stanced(facts: pl.DataFrame) -> pl.LazyFrame:
    """The attributed mentions, stanced, lazily: a measure copies only the columns it reads (a
    month's mentions are many and wide)."""
    attributed = facts.lazy().filter(pl.col("brand").is_not_null())
    return attributed if "stance" in facts.columns else with_stance(attributed.collect()).lazy()


def daily_sps(facts: pl.DataFrame) -> pl.DataFrame:
    """brand, date, author counts, SPS (counted) with its interval, label share, readability."""
    stanced = attributed_stanced(facts)
    # A mention without an author was posted (response metrics count it) but cannot be counted once.
    authorless = (
        stanced.filter(pl.col("author_id").is_null())
        .group_by("brand", "date")
        .agg(pl.len().cast(pl.Int64).alias("authorless"))
    )
    per_author = (
        stanced.filter(pl.col("author_id").is_not_null())
        .group_by("brand", "date", "author_id")
        .agg(pl.col("stance").sum().alias("score"), pl.col("stance_from_label").sum().alias("labelled"), pl.len())
        .with_columns((pl.col("labelled") == pl.col("len")).alias("by_label"), pl.col("score").sign().alias("verdict"))
    )

    def count(verdict: int, by_label: bool) -> pl.Expr:
        return ((pl.col("verdict") == verdict) & (pl.col("by_label") == by_label)).sum().cast(pl.Int64)

    counts = (
        per_author.group_by("brand", "date")
        .agg(
            pl.len().cast(pl.Int64).alias("authors"),
            (pl.col("verdict") > 0).sum().cast(pl.Int64).alias("promoters"),
            (pl.col("verdict") < 0).sum().cast(pl.Int64).alias("detractors"),
            (pl.col("verdict") == 0).sum().cast(pl.Int64).alias("passives"),
            pl.col("len").sum().cast(pl.Int64).alias("mentions"),
            pl.col("labelled").sum().cast(pl.Int64).alias("labelled_mentions"),
            pl.col("by_label").sum().cast(pl.Int64).alias("labelled_authors"),
            *[count(v, b).alias(f"_{b}_{v}") for v in (-1, 0, 1) for b in (False, True)],
        )
        .join(authorless, on=["brand", "date"], how="left")
        .with_columns(pl.col("authorless").fill_null(0))
        .sort("date", "brand")
        .collect()
    )
    shift = domain_shift_sd()
    estimates = [
        cc_sps((r["_False_-1"], r["_False_0"], r["_False_1"]), (r["_True_-1"], r["_True_0"], r["_True_1"]), shift)
        if r["authors"] >= MIN_AUTHORS
        else (None, None, None)
        for r in counts.iter_rows(named=True)
    ]
    return counts.with_columns(
        (100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("authors")).alias("sps_raw"),
        pl.Series("sps", [e[0] for e in estimates], dtype=pl.Float64),
        pl.Series("sps_ci_low", [e[1] for e in estimates], dtype=pl.Float64),
        pl.Series("sps_ci_high", [e[2] for e in estimates], dtype=pl.Float64),
        (pl.col("authors") >= MIN_AUTHORS).alias("readable"),
    ).drop(cs.starts_with("_"))
