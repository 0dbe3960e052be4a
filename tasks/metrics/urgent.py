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


def urgent_unanswered(facts: pl.DataFrame, watermark: datetime, horizon_s: float) -> pl.DataFrame:
    """mention_id, brand, created_at, age_h, text (masked), oldest first.

    age_h: how long it has waited, to the newest archive but at most the reply
    horizon (after which it counts as unanswered for good), so a final day's
    list reads the same whenever it is published."""
    return (
        facts.lazy()
        .filter(~pl.col("responded") & pl.col("text").str.contains(URGENT))
        .select(
            "mention_id",
            "brand",
            "created_at",
            (pl.min_horizontal((pl.lit(watermark) - pl.col("created_at")).dt.total_seconds(), horizon_s) / 3600)
            .round(1)
            .alias("age_h"),
            mask_pii(pl.col("text")).alias("text"),
        )
        .sort("created_at", "mention_id")
        .collect()
    )
