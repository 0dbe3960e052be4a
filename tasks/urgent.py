"""Urgent mentions left unanswered, and masking of personal data in any text we show.

Security, fraud, account takeover, outage and safety words mark a mention a
care team must not leave waiting. The only post text a report shows is these
mentions', with e-mail addresses, card-like numbers and phone numbers masked
(in that order: a card number would otherwise read as a phone number).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

URGENT = (
    r"(?i)\b(hack(ed|er|ing)?|fraud(ulent)?|scam(med)?|stolen|unauthori[sz]ed|phish(ing)?|compromised|"
    r"account (was |been |got )?(taken over|locked|hijacked)|someone (logged|got) into|data breach|"
    r"outage|(site|app|service|website|network) (is |was )?down|not loading|"
    r"unsafe|danger(ous)?|injur(ed|y)|fire|smoke|gas leak|emergency)\b"
)
_MASKS = [
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", "[email]"),
    (r"\b(?:\d[ -]?){12,18}\d\b", "[card]"),
    (r"\+?\(?\d[\d ().-]{7,}\d", "[phone]"),
]


def mask_pii(text: pl.Expr) -> pl.Expr:
    for pattern, token in _MASKS:
        text = text.str.replace_all(pattern, token)
    return text


def urgent_unanswered(facts: pl.DataFrame, watermark: datetime, horizon_s: float) -> pl.DataFrame:
    """mention_id, brand, created_at, age_h, text (masked), oldest first.

    age_h: how long it has waited, to the newest archive but at most the reply
    horizon (after which it counts as unanswered for good), so a final day's
    list reads the same whenever it is published."""
    return (
        facts.filter(~pl.col("responded") & pl.col("text").str.contains(URGENT))
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
    )
