"""What social-care writing measures and help desks do not: who gets answered, and how.

- *Taken offline*: a first response that sends the customer to another channel
  (DM, e-mail, phone, chat, a web form, a store, another company: channels.py)
  instead of answering in public, counted per channel too.
- Response rate to **praise** as well as to **complaints**: thanked brands that
  never reply leave "digital crickets" just as ignored complaints do. A mention
  is praise or a complaint by its stance (archive label first, else the model).
"""

from __future__ import annotations

import polars as pl

from tasks.metrics.answered import answered_within
from tasks.metrics.channels import CHANNELS
from tasks.sps.score import attributed_stanced

#: Per-channel counts in the metrics, `taken_offline_<channel>`, in CHANNELS order.
CHANNEL_COUNTS = tuple(f"taken_offline_{channel}" for channel in CHANNELS)


def care_metrics(facts: pl.DataFrame, *, keys: list[str], horizon_s: float) -> pl.DataFrame:
    """Per `keys`: first responses taken offline (all, and per channel), and response rates to praise
    and to complaints."""
    responded = answered_within(horizon_s)
    offline = responded & pl.col("first_response_offline")  # from the text, by `mention_facts`
    per_channel = [
        (pl.col("_offline") & (pl.col("first_response_channel") == channel)).sum().cast(pl.Int64).alias(name)
        for channel, name in zip(CHANNELS, CHANNEL_COUNTS, strict=True)
    ]
    praise, complaint = pl.col("stance") > 0, pl.col("stance") < 0
    return (
        attributed_stanced(facts)
        .with_columns(responded.alias("_responded"), offline.alias("_offline"))
        .group_by(keys)
        .agg(
            pl.col("_offline").sum().cast(pl.Int64).alias("taken_offline"),
            pl.col("_offline").filter(pl.col("_responded")).mean().alias("taken_offline_rate"),  # null: none answered
            *per_channel,
            praise.sum().cast(pl.Int64).alias("praise_inbound"),
            pl.col("_responded").filter(praise).mean().alias("praise_response_rate"),
            complaint.sum().cast(pl.Int64).alias("complaint_inbound"),
            pl.col("_responded").filter(complaint).mean().alias("complaint_response_rate"),
        )
        .collect()
    )
