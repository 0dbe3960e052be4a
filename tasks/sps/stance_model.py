"""The customer-care stance model at run time: a linear model over words and word pairs.

Weights ship in the package (`tasks/sps/models/stance.parquet`, trained by
`python -m tests.research.stance_training train`), so classifying needs no download and
no training library: tokens are looked up in the weights and summed per post in
polars, and the largest class score wins (ties: neutral, then detractor). A post
the model calls neutral that complains without negative words ("still no refund", "my order
never came", "why is my order not here yet") is a detractor: people read it so, and the words the
stance model learnt from carry too little of it. Two readers decide that: the hand-written
`complaint_cues`, and a second linear model over the same features (`models/complaint.parquet`,
`python -m tests.research.complaint_training train`) learnt from how care agents answer (an apology
marks a complaint) and judged on industries it never saw. Both models share one lookup per post, and
each distinct text is scored once (a day repeats retweets and copy-pasted complaints).
Deterministic, and tens of thousands of posts per second on one core.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from typing import NamedTuple

import polars as pl

from tasks.sps.lexicon import classify_stance, complaint_cues

CLASSES = {"detractor": -1, "neutral": 0, "promoter": 1}
BIAS = "_bias_"


def tokens(text: pl.Expr) -> pl.Expr:
    """Lower-cased words (links, handles and digits folded) and single symbols such as emoji."""
    cleaned = (
        text.str.to_lowercase()
        .str.replace_all(r"https?://\S+", " _url_ ")
        .str.replace_all(r"@\w+", " _user_ ")
        .str.replace_all("&amp;", "&", literal=True)
        .str.replace_all("&gt;", ">", literal=True)
        .str.replace_all("&lt;", "<", literal=True)
        .str.replace_all(r"\d+", "0")
    )
    return cleaned.str.extract_all(r"[\w']+|[^\s\w]")


def features(texts: pl.Series, lexicon: bool = True) -> pl.DataFrame:
    """(row, feature): each post's words, word pairs, the lexicon's verdict (unless `lexicon` is False: the
    channel model reads no stance) and the bias, once each (in no particular order: scores are integer sums)."""
    return _occurrences(texts, lexicon).unique()


def _occurrences(texts: pl.Series, lexicon: bool = True) -> pl.DataFrame:
    """(row, feature) as `features`, a feature said twice in a post listed twice (`scores` looks each up,
    then keeps one of each by its number: integers, cheaper to compare than strings)."""
    words = (
        pl.DataFrame({"text": texts})
        .select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), tokens(pl.col("text")).alias("feature"))
        .explode("feature")
        .drop_nulls("feature")
    )
    next_in_post = pl.col("row") == pl.col("row").shift(-1)  # explode keeps each post's words together, in order
    pairs = words.select(
        "row", pl.when(next_in_post).then(pl.col("feature") + " " + pl.col("feature").shift(-1)).alias("feature")
    ).drop_nulls("feature")
    rows = pl.DataFrame({"row": pl.arange(0, len(texts), dtype=pl.UInt32, eager=True), "text": texts})
    parts = [words, pairs, rows.select("row", pl.lit(BIAS).alias("feature"))]
    if lexicon:
        # in a lazy query, so the lexicon's lower-cased text is computed once for all its cues (eager: once per cue)
        verdict = "_lexicon_" + classify_stance().cast(pl.String)
        parts.append(rows.lazy().select("row", verdict.alias("feature")).collect())
    return pl.concat(parts)


#: Weights are summed as integers (micro-units), so a score never depends on summation order.
SCALE = 1_000_000


def integer_weights(table: pl.DataFrame) -> pl.DataFrame:
    return table.with_columns((pl.col(name) * SCALE).round().cast(pl.Int64) for name in CLASSES)


@cache
def weights() -> pl.DataFrame:
    """feature → one integer weight per class (the shipped model, read once per process)."""
    return integer_weights(_model("stance.parquet"))


@cache
def complaint_model() -> pl.DataFrame:
    """feature → complaint weight (tests/research/complaint_training.py; read once per process)."""
    return _model("complaint.parquet")


@cache
def channel_model() -> pl.DataFrame:
    """feature → integer weight of a move off the public thread (tests/research/channel_training.py, read by
    tasks/metrics/channels.py; read once per process)."""
    return _model("channel.parquet")


def _model(name: str) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO((resources.files("tasks.sps") / "models" / name).read_bytes()))


def _joined(stance: pl.DataFrame, complaint: pl.DataFrame) -> pl.DataFrame:
    """One table of both models, so a post's features are looked up once: feature → integer weights."""
    scaled = complaint.select("feature", (pl.col("complaint") * SCALE).round().cast(pl.Int64))
    return stance.join(scaled, on="feature", how="full", coalesce=True).fill_null(0)


@cache
def _shipped() -> pl.DataFrame:
    return _joined(weights(), complaint_model())


#: Posts scored at once. A post is ~40 feature strings, so a day of 55,000 posts scored whole held
#: +322 MiB; 10,000 at a time hold +72 MiB in the same time, however large the day.
CHUNK = 10_000


def predict(
    texts: pl.Series,
    table: pl.DataFrame | None = None,
    chunk: int = CHUNK,
    complaint_table: pl.DataFrame | None = None,
) -> pl.Series:
    """Stance per text: +1 promoter, 0 neutral, −1 detractor (null text: neutral); by the shipped
    models, or by freshly fitted weights `table` / `complaint_table` (cross-validation). Each
    distinct text is scored once and alone, so scoring `chunk` texts at a time changes memory,
    never a stance."""
    if table is None and complaint_table is None:
        joined = _shipped()
    else:
        stance = weights() if table is None else integer_weights(table)
        joined = _joined(stance, complaint_model() if complaint_table is None else complaint_table)
    posts = pl.DataFrame({"text": texts.fill_null("")})
    distinct = posts.unique("text", maintain_order=True)["text"]
    numbered = numbered_weights(joined, _SCORES)
    parts = [_scored(distinct.slice(offset, chunk), numbered) for offset in range(0, len(distinct), chunk)]
    if not parts:
        return pl.Series("stance", [], dtype=pl.Int8)
    if len(distinct) == len(posts):  # no text repeats: the distinct texts are the posts, in order
        return pl.concat(parts).alias("stance")
    scored = pl.DataFrame({"text": distinct, "stance": pl.concat(parts)})
    return posts.join(scored, on="text", how="left", maintain_order="left")["stance"]


class Numbered(NamedTuple):
    """A weights table numbered once for `scores`: each feature's number is its place in `enum`."""

    table: pl.DataFrame  # _feature (the number), feature, one integer weight per column
    enum: pl.Enum  # the table's features, in order
    columns: tuple[str, ...]


def numbered_weights(table: pl.DataFrame, columns: list[str]) -> Numbered:
    """`table`'s `columns` numbered by feature: a feature listed twice gets the sum of its weights, as a join to
    the table summed both; a null feature matches nothing, as in a join. Number a table once, score it often."""
    summed = table.drop_nulls("feature").group_by("feature", maintain_order=True).agg(pl.col(columns).sum())
    return Numbered(summed.with_row_index("_feature"), pl.Enum(summed["feature"]), tuple(columns))


_SCORES = [*CLASSES, "complaint"]
#: a post's row and a feature's number as one integer: row * _SPAN + number
_SPAN = 2**32


def scores(texts: pl.Series, table: pl.DataFrame | Numbered, columns: list[str], lexicon: bool = True) -> pl.DataFrame:
    """row, and per column of `table` in `columns` the summed integer weight of each text's features (one row
    per text, in order; 0 where no feature has a weight). The one scoring of every linear model shipped.
    `table` numbered beforehand (`numbered_weights`) is not numbered again for each call.

    Each feature string is looked up once (its number: its place among the table's features, null when no
    weight has it), and each post's numbers kept once, as `features` lists them: (row, number) as one integer,
    hashed once. Weights that are not integers are summed by a join, as they always were (a float sum's order)."""
    if isinstance(table, pl.DataFrame) and not all(table.schema[c].is_integer() for c in columns):
        joined = features(texts, lexicon).join(table, on="feature", how="inner")
        summed = joined.group_by("row").agg(pl.col(columns).sum())
    else:
        numbered = table if isinstance(table, Numbered) else numbered_weights(table, columns)
        number = pl.col("feature").cast(numbered.enum, strict=False).to_physical()
        key = pl.col("row").cast(pl.UInt64) * _SPAN + number.cast(pl.UInt64)
        weights = numbered.table
        summed = (
            _occurrences(texts, lexicon)
            .lazy()
            .select(key.drop_nulls().unique().alias("_key"))
            .select(
                (pl.col("_key") // _SPAN).cast(pl.UInt32).alias("row"),
                *[pl.lit(weights[name]).gather(pl.col("_key") % _SPAN).alias(name) for name in columns],
            )
            .group_by("row")
            .agg(pl.col(columns).sum())
            .collect()
        )
    every = pl.DataFrame({"row": pl.arange(0, len(texts), dtype=pl.UInt32, eager=True)})
    return every.join(summed, on="row", how="left").sort("row").with_columns(pl.col(columns).fill_null(0))


def _scored(texts: pl.Series, table: Numbered) -> pl.Series:
    summed = scores(texts, table, _SCORES)
    best = (
        pl.when((pl.col("neutral") >= pl.col("detractor")) & (pl.col("neutral") >= pl.col("promoter")))
        .then(0)
        .when(pl.col("detractor") >= pl.col("promoter"))
        .then(-1)
        .otherwise(1)
        .cast(pl.Int8)
    )
    modelled = summed.select(
        "row", pl.Series("text", texts), best.alias("stance"), (pl.col("complaint") > 0).alias("complains")
    )
    # the cues read only the posts both models left neutral, in a lazy query so the normalised text is
    # computed once for every cue (the eager engine recomputes it per cue: 3x slower)
    undecided = modelled.lazy().filter((pl.col("stance") == 0) & ~pl.col("complains"))
    cued = undecided.select("row", complaint_cues(pl.col("text"))).filter("complaint").collect()["row"]
    complains = pl.col("complains") | pl.col("row").is_in(cued.implode())
    return modelled.select(
        pl.when((pl.col("stance") == 0) & complains).then(-1).otherwise(pl.col("stance")).cast(pl.Int8).alias("stance")
    )["stance"]
