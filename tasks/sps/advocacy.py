"""What NPS only asks about hypothetically: customers who say out loud to recommend a brand, or not to.

Explicit advocacy is rarer and stronger than a positive stance: "highly
recommend @X" or "stay away from @X". Counted per author (an author who does
both counts as a critic: the warning is what their followers remember), and
weighted by reach where the archive carries `author_followers`.

Recovery is the care team's own effect on SPS: of the authors who were
detractors when the brand answered them, the share whose later mentions of
the brand read neutral or positive.
"""

from __future__ import annotations

import polars as pl

RECOMMENDS = (
    r"(?i)\b(?:(?:highly|totally|definitely|strongly|would|i|we|100%) recommend(?:ed|ing)?"
    r"|recommend(?:ing)? (?:@\w+|them|you guys|y'?all)"
    r"|you (?:guys )?(?:are|r) the best|best (?:customer service|airline|support) (?:ever|around)"
    r"|(?:go|switch(?:ed)?) (?:with|to) @\w+ (?:you|u) won'?t regret)"
)
WARNS = (
    r"(?i)\b(?:never (?:again|(?:fly|flying|buy|buying|order|ordering|use|using|shop|shopping) (?:with|from|at)?)"
    r"|(?:don'?t|do not|wouldn'?t|would not|won'?t|will not|can'?t|cannot) recommend|not recommend(?:ed)?"
    r"|stay away|avoid (?:@\w+|them|this)|switching to|switched to"
    r"|cancel(?:l?ing|l?ed)? my (?:account|service|membership)"
    r"|(?:warn|warning) (?:everyone|you all|people|others))"
)


def with_advocacy(facts: pl.DataFrame) -> pl.DataFrame:
    """Whether each mention warns against the brand or recommends it: read once from the text,
    kept with the day's facts (a week or a month counts advocates without the texts)."""
    return facts.with_columns(
        pl.col("text").str.contains(WARNS).fill_null(False).alias("warns"),
        pl.col("text").str.contains(RECOMMENDS).fill_null(False).alias("recommends"),
    )


def advocacy(facts: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per `keys`: advocates and critics (authors) and the followers they reach, from `with_advocacy`'s flags."""
    per_author = (
        facts.lazy()
        .filter(pl.col("brand").is_not_null() & pl.col("author_id").is_not_null())
        .group_by(*keys, "author_id")
        .agg(
            pl.col("warns").any().alias("critic"),
            pl.col("recommends").any(),
            pl.col("author_followers").max().fill_null(0).alias("followers"),
        )
        .with_columns((pl.col("recommends") & ~pl.col("critic")).alias("advocate"))
    )
    return (
        per_author.group_by(keys)
        .agg(
            pl.col("advocate").sum().cast(pl.Int64).alias("advocates"),
            pl.col("followers").filter(pl.col("advocate")).sum().cast(pl.Int64).alias("advocates_reach"),
            pl.col("critic").sum().cast(pl.Int64).alias("critics"),
            pl.col("followers").filter(pl.col("critic")).sum().cast(pl.Int64).alias("critics_reach"),
        )
        .collect()
    )


def recovery(window: pl.DataFrame | pl.LazyFrame, inside: pl.Expr) -> pl.DataFrame:
    """Per brand: authors answered while detractors (a −1 mention selected by `inside`, answered by
    the brand) and how many of them later wrote to the brand at stance 0 or +1.

    `window` holds the stanced facts of the whole window, so later mentions past the period count."""
    # lazily: only the columns recovery reads are copied (a month's mentions: +504 MiB eager)
    answered = (
        window.lazy()
        .filter(
            inside
            & (pl.col("stance") < 0)
            & pl.col("first_response_at").is_not_null()
            & pl.col("author_id").is_not_null()
        )
        .group_by("brand", "author_id")
        .agg(pl.col("first_response_at").min().alias("answered_at"))
    )
    later = window.lazy().select(
        "brand", "author_id", pl.col("created_at").alias("later_at"), pl.col("stance").alias("later")
    )
    return (
        answered.join(later, on=["brand", "author_id"], how="left")
        .group_by("brand", "author_id")
        .agg(((pl.col("later_at") > pl.col("answered_at")) & (pl.col("later") >= 0)).any().alias("recovered"))
        .group_by("brand")
        .agg(pl.len().cast(pl.Int64).alias("answered_detractors"), pl.col("recovered").sum().cast(pl.Int64))
        .with_columns((pl.col("recovered") / pl.col("answered_detractors")).alias("recovery_rate"))
        .collect()
    )
