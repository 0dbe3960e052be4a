"""Social Promoter Score per brand and day (DESIGN.md, "SPS").

Each author's mentions get a stance (+1/0/−1); the stances of one author sum
to a verdict: promoter (>0), detractor (<0) or passive. SPS = 100 × (P − D) /
authors. The interval is the normal approximation for a difference of two
multinomial shares: sampling error only (model error comes with issue #4).
"""

from __future__ import annotations

import polars as pl

from tasks.stance import classify_stance

_LABEL_STANCE = {"positive": 1, "neutral": 0, "negative": -1}
Z_95 = 1.959963984540054


def with_stance(facts: pl.DataFrame) -> pl.DataFrame:
    """The archive's own label wins; the classifier decides the rest (once: kept if present)."""
    if "stance" in facts.columns:
        return facts
    label = pl.col("sentiment").replace_strict(_LABEL_STANCE, default=None, return_dtype=pl.Int8)
    return facts.with_columns(
        pl.coalesce(label, classify_stance()).alias("stance"),
        label.is_not_null().alias("stance_from_label"),
    )


def _share(count: str) -> pl.Expr:
    return pl.col(count) / pl.col("authors")


def daily_sps(facts: pl.DataFrame) -> pl.DataFrame:
    """brand, date, authors, promoters, detractors, passives, sps, interval, label share."""
    per_author = (
        with_stance(facts.filter(pl.col("brand").is_not_null()))
        .group_by("brand", "date", "author_id")
        .agg(pl.col("stance").sum().alias("score"), pl.col("stance_from_label").sum().alias("labelled"), pl.len())
    )
    promoters, detractors = _share("promoters"), _share("detractors")
    variance = (promoters + detractors - (promoters - detractors) ** 2) / pl.col("authors")
    return (
        per_author.group_by("brand", "date")
        .agg(
            pl.len().cast(pl.Int64).alias("authors"),
            (pl.col("score") > 0).sum().cast(pl.Int64).alias("promoters"),
            (pl.col("score") < 0).sum().cast(pl.Int64).alias("detractors"),
            (pl.col("score") == 0).sum().cast(pl.Int64).alias("passives"),
            pl.col("len").sum().cast(pl.Int64).alias("mentions"),
            pl.col("labelled").sum().cast(pl.Int64).alias("labelled_mentions"),
        )
        .with_columns(
            (100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("authors")).alias("sps"),
            (100 * Z_95 * variance.sqrt()).alias("_half_width"),
        )
        .with_columns(
            (pl.col("sps") - pl.col("_half_width")).clip(-100, 100).alias("sps_ci_low"),
            (pl.col("sps") + pl.col("_half_width")).clip(-100, 100).alias("sps_ci_high"),
        )
        .drop("_half_width")
        .sort("date", "brand")
    )
