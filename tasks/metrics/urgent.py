"""Urgent mentions left unanswered.

Security, fraud, account takeover, outage and safety words mark a mention a
care team must not leave waiting. The only post text a report shows is these
mentions', with personal data masked (tasks/masking.py).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from tasks.masking import mask_pii

URGENT = (
    r"(?i)\b(hack(ed|er|ing)?|fraud(ulent)?|scam(med)?|stolen|unauthori[sz]ed|phish(ing)?|compromised|"
    r"account (was |been |got )?(taken over|locked|hijacked)|someone (logged|got) into|data breach|"
    r"outage|(site|app|service|website|network) (is |was )?down|not loading|"
    r"unsafe|danger(ous)?|injur(ed|y)|fire|smoke|gas leak|emergency)\b"
)


def waited(watermark: datetime, horizon_s: float) -> tuple[pl.Expr, pl.Expr]:
    """age_h and beyond_horizon of an unanswered mention: how long it has waited from its post to the
    report's cut-off (the end of the newest archive collected: nothing later is known), in hours to
    0.1; at the reply horizon it stops, and beyond_horizon says it waited longer (unanswered for
    good: a page shows "> 72 h"). Capped, a final day's list reads the same whenever it is published."""
    waited_s = (pl.lit(watermark) - pl.col("created_at")).dt.total_seconds()
    return (
        (pl.min_horizontal(waited_s, horizon_s) / 3600).round(1).alias("age_h"),
        (waited_s >= horizon_s).alias("beyond_horizon"),
    )


def urgent_unanswered(facts: pl.DataFrame, watermark: datetime, horizon_s: float) -> pl.DataFrame:
    """mention_id, brand, created_at, age_h, beyond_horizon, text (masked), oldest first (`waited`)."""
    return (
        facts.lazy()
        .filter(~pl.col("responded") & pl.col("text").str.contains(URGENT))
        .select(
            "mention_id",
            "brand",
            "created_at",
            *waited(watermark, horizon_s),
            mask_pii(pl.col("text")).alias("text"),
        )
        .sort("created_at", "mention_id")
        .collect()
    )
