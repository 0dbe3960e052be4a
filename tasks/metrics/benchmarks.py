"""How a brand compares: its percentile among the period's brands, and within its industry.

Published figures (the report's reference lines) say what the industry did in
some year; peers say where a brand stands today, on the same archive and the
same definitions. A percentile is the share of the *other* qualifying brands a
brand beats, ties counting half (so 100 = best of its peers, 0 = worst). A brand
with fewer than PEER_MIN_INBOUND mentions is not placed ("not enough data": its
rate could swing from 0 to 100 % on one reply) and is not anyone's peer. When every placed
brand has the same figure (a response rate of 0 where nobody replied) no brand stands above
another: the percentile is null, not the 50 that ties would give.
"""

from __future__ import annotations

import polars as pl

PEER_MIN_INBOUND = 20

#: benchmarked column → True when a higher value is better
BENCHMARKED = {"response_rate": True, "frt_median_s": False, "sla_attainment": True, "sps": True}


def _name(column: str) -> str:
    return column.removesuffix("_s") + "_pctile"


def _percentile(column: str, higher_is_better: bool, group: str) -> pl.Expr:
    value = pl.col(column) if higher_is_better else -pl.col(column)
    placed = pl.when((pl.col("inbound") >= PEER_MIN_INBOUND) & pl.col(group).is_not_null()).then(value)
    others = placed.count().over(group) - 1
    beaten = placed.rank("average").over(group) - 1  # brands below, ties counting half
    differ = placed.max().over(group) > placed.min().over(group)  # something to rank
    return pl.when(placed.is_not_null() & (others > 0) & differ).then(100 * beaten / others)


def with_peer_percentiles(metrics: pl.DataFrame, sps: pl.DataFrame, industries: dict[str, str]) -> pl.DataFrame:
    """`metrics` with peers and percentiles among all brands and within the brand's industry (registry)."""
    qualifies = (pl.col("inbound") >= PEER_MIN_INBOUND).cast(pl.Int64)
    frame = metrics.join(sps.select("brand", "date", "sps"), on=["brand", "date"], how="left").with_columns(
        pl.lit("all").alias("_all"),
        pl.col("brand").replace_strict(industries, default=None, return_dtype=pl.String).alias("industry"),
    )
    return frame.with_columns(
        qualifies.sum().over("_all").alias("peers"),
        *[_percentile(c, better, "_all").alias(_name(c)) for c, better in BENCHMARKED.items()],
        pl.when(pl.col("industry").is_not_null()).then(qualifies.sum().over("industry")).alias("industry_peers"),
        *[_percentile(c, better, "industry").alias(f"industry_{_name(c)}") for c, better in BENCHMARKED.items()],
    ).drop("_all", "sps")
