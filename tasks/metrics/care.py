"""What social-care writing measures and help desks do not: who gets answered, and how.

- *Taken offline*: a first response that sends the customer to another channel
  (DM, phone, e-mail, a web form) instead of answering in public.
- Response rate to **praise** as well as to **complaints**: thanked brands that
  never reply leave "digital crickets" just as ignored complaints do. A mention
  is praise or a complaint by its stance (archive label first, else the model).
"""

from __future__ import annotations

import polars as pl

from tasks.metrics.answered import answered_within
from tasks.sps.score import attributed_stanced

#: A first response that moves the conversation elsewhere (matched case-insensitively).
OFFLINE = (
    r"(?i)\b(?:dms?|d\.m\.|direct(?:ly)? messages?|private(?:ly)? messages?|pm us|inbox us"
    r"|send (?:us|me) a (?:note|message)|(?:call|ring|phone) us|give us a (?:call|ring)|by phone"
    r"|e-?mail us|contact us (?:at|via|through|by)|chat (?:with us )?(?:here|at)"
    r"|web ?form|contact form|fill (?:in|out) (?:this|the|our) form)\b"
)


def care_metrics(facts: pl.DataFrame, *, keys: list[str], horizon_s: float) -> pl.DataFrame:
    """Per `keys`: first responses taken offline, and response rates to praise and to complaints."""
    responded = answered_within(horizon_s)
    offline = responded & pl.col("first_response_offline")  # from the text, by `mention_facts`
    praise, complaint = pl.col("stance") > 0, pl.col("stance") < 0
    return (
        attributed_stanced(facts)
        .with_columns(responded.alias("_responded"), offline.alias("_offline"))
        .group_by(keys)
        .agg(
            pl.col("_offline").sum().cast(pl.Int64).alias("taken_offline"),
            pl.col("_offline").filter(pl.col("_responded")).mean().alias("taken_offline_rate"),  # null: none answered
            praise.sum().cast(pl.Int64).alias("praise_inbound"),
            pl.col("_responded").filter(praise).mean().alias("praise_response_rate"),
            complaint.sum().cast(pl.Int64).alias("complaint_inbound"),
            pl.col("_responded").filter(complaint).mean().alias("complaint_response_rate"),
        )
        .collect()
    )
