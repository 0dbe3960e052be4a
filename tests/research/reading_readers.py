"""The readers issue 28's protocol judges, one small adapter each, on the shipped interfaces.

Each adapter takes the labelled rows (at least brand, industry, text) and returns one value per
row, in row order, so the protocol never depends on how a reader is built.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from tasks.metrics.categories import Taxonomy, default_taxonomy, with_categories, with_industries
from tasks.metrics.channels import reply_channel
from tasks.metrics.urgent import urgent_flags
from tasks.sps.stance_model import predict
from tests.research.stance_training import DATA


def category(mentions: pl.DataFrame, *, inferred: bool = False) -> pl.Series:
    """Category per mention as a report publishes it (severity ignored, so stance 0 for all):
    each brand's industry list, the industry named by a registry (the label's `industry`), or,
    with `inferred`, the one `infer_industries` reads from the brand's own mentions. A mention whose
    words name none takes its thread's when the rows carry `thread_text` (`thread_texts`), as `period_facts`
    gives it."""
    thread = ["thread_text"] if "thread_text" in mentions.columns else []
    facts = mentions.select("brand", "text", pl.lit(0, pl.Int8).alias("stance"), *thread)
    named = {} if inferred else dict(mentions.select("brand", "industry").unique().iter_rows())
    taxonomy = with_industries(Taxonomy(default_taxonomy()), named, facts)
    return with_categories(facts, taxonomy)["category"]  # keeps row order


def thread_texts(mentions: pl.DataFrame, data: Path = DATA) -> pl.Series:
    """The text of the customer post that started each labelled mention's thread, as the pipeline finds it
    (`period._with_thread_text`), null when the mention started it: a tweetsumm later turn (`<row>:<line>`) →
    its dialog's first customer turn; a twcs tweet → the root of its reply chain in the sample, when a customer
    wrote it; a tweetsumm first turn, or a row of another source → null."""
    with open(data / "tweetsumm" / "tweetsumm_dialogs.csv", newline="", encoding="utf-8") as f:
        firsts = [r["first_customer_turn"] for r in csv.DictReader(f)]
    tweets = pl.read_csv(data / "twcs_sample.csv", infer_schema=False)
    parent = dict(tweets.select("tweet_id", "in_response_to_tweet_id").iter_rows())
    customer = dict(tweets.select("tweet_id", pl.col("inbound") == "True").iter_rows())
    text = dict(tweets.select("tweet_id", "text").iter_rows())

    def root(tweet_id: str) -> str | None:
        seen, at = {tweet_id}, tweet_id
        while parent.get(at) in text and parent[at] not in seen:
            at = parent[at]
            seen.add(at)
        if parent.get(at):  # the chain goes on outside the sample: cut, as the pipeline's window finds no root
            return None
        return text[at] if at != tweet_id and customer.get(at) else None

    def started(source: str, source_id: str) -> str | None:
        if source == "tweetsumm_turn":
            return firsts[int(source_id.partition(":")[0])]
        return root(source_id) if source == "twcs" else None

    return pl.Series(
        "thread_text", [started(s, i) for s, i in mentions.select("source", "source_id").iter_rows()], pl.String
    )


def channel(replies: pl.DataFrame) -> pl.Series:
    """Channel per first reply: one of CHANNELS, or null when the reply keeps it public."""
    # read in a lazy query, as mention_facts does: polars' eager engine runs the regexes ~2.5x slower
    return replies.lazy().select(reply_channel(pl.col("text")).alias("channel")).collect()["channel"]


def stance(mentions: pl.DataFrame) -> pl.Series:
    """Stance per mention (−1, 0, +1): the shipped stance model with its complaint cues."""
    return predict(mentions["text"])


def detractor(mentions: pl.DataFrame, stances: pl.Series | None = None) -> pl.Series:
    """Complaint read as detractor: stance < 0 (pass `stances` to reuse one model run)."""
    return ((stance(mentions) if stances is None else stances) < 0).alias("detractor")


def urgent(mentions: pl.DataFrame) -> pl.Series:
    """Urgent per mention: safety, security or money at risk now."""
    return urgent_flags(mentions["text"])
