"""Every column of every published table: name, type, unit, definition.

The one place consumers (and the tests, against real published files) read
what a column means. Changing a column here or in the code without the other
fails the tests; changing either changes SCHEMA_VERSION's meaning, so bump it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    unit: str
    definition: str


METRICS = [
    Column("brand", pl.String(), "", "Brand handle the inbound mentions are attributed to."),
    Column("date", pl.Date(), "day (UTC)", "Day the inbound mentions were created."),
    Column("inbound", pl.Int64(), "mentions", "Customer mentions attributed to the brand, created that day."),
    Column("responded", pl.Int64(), "mentions", "Mentions whose first reply by the brand came within the reply horizon."),
    Column("pending", pl.Int64(), "mentions", "Unanswered mentions whose horizon reaches past the newest collected archive."),
    Column("response_rate", pl.Float64(), "share 0–1", "responded / inbound."),
    Column("frt_median_s", pl.Float64(), "seconds", "Median first response time over responded mentions (linear interpolation)."),
    Column("frt_p90_s", pl.Float64(), "seconds", "90th percentile first response time over responded mentions (linear)."),
    Column("frt_mean_s", pl.Float64(), "seconds", "Mean first response time over responded mentions."),
    Column("sla_target_s", pl.Int64(), "seconds", "The brand's first-response target (registry, else the default)."),
    Column("sla_met", pl.Int64(), "mentions", "Mentions answered within the target."),
    Column("sla_attainment", pl.Float64(), "share 0–1", "sla_met / inbound; unanswered mentions count as misses."),
    Column("status", pl.String(), "", "'final' once the day's last reply horizon has passed the newest archive, else 'provisional'."),
]

SPS = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column("date", pl.Date(), "day (UTC)", "Day the mentions were created."),
    Column("authors", pl.Int64(), "authors", "Distinct customers who mentioned the brand that day."),
    Column("promoters", pl.Int64(), "authors", "Authors whose stances sum above zero."),
    Column("detractors", pl.Int64(), "authors", "Authors whose stances sum below zero."),
    Column("passives", pl.Int64(), "authors", "Authors whose stances sum to zero."),
    Column("mentions", pl.Int64(), "mentions", "Inbound mentions behind those authors."),
    Column("labelled_mentions", pl.Int64(), "mentions", "Mentions whose stance came from the archive's own sentiment label."),
    Column("sps", pl.Float64(), "points −100…100", "100 × (promoters − detractors) / authors."),
    Column("sps_ci_low", pl.Float64(), "points", "Lower end of the 95 % interval (sampling error only)."),
    Column("sps_ci_high", pl.Float64(), "points", "Upper end of the 95 % interval (sampling error only)."),
]

#: Published tables and the columns they must have, in order.
TABLES: dict[str, list[Column]] = {
    "metrics.parquet": METRICS,
    "metrics.csv": METRICS,
    "sps.parquet": SPS,
}


def schema_of(table: str) -> dict[str, pl.DataType]:
    return {c.name: c.dtype for c in TABLES[table]}


def markdown() -> str:
    """The documentation table for README and the HTML report."""
    lines = []
    for table, columns in TABLES.items():
        lines += [f"### {table}", "", "| column | type | unit | definition |", "|---|---|---|---|"]
        lines += [f"| {c.name} | {c.dtype} | {c.unit} | {c.definition} |" for c in columns]
        lines.append("")
    return "\n".join(lines)
