"""Complaint categories and severity: what customers write about, and what to answer first.

The taxonomy is a reviewed file of ordered patterns (taxonomy/categories.toml; a
registry can replace it with its own `[[category]]` list, and a brand can put its own
`[[brands.X.category]]` entries ahead of it): the first that matches a mention names
its category, else "other". Severity ranks the unanswered queue:
urgent (security, fraud, outage, safety: the urgent rule in urgent.py), major (access,
outage, money or refunds, not praised), minor (any other complaint, or a question in a
named category), none (praise, or "other" that is not a complaint).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

import polars as pl

from tasks.masking import mask_pii
from tasks.metrics.urgent import URGENT, waited

SEVERITIES = ("urgent", "major", "minor", "none")
MAJOR = ("account_security", "outage", "billing_payment", "refund_return")
OTHER = "other"
QUEUE_LENGTH = 50


@dataclass(frozen=True)
class Category:
    name: str
    pattern: str
    drop: bool = False  # in a brand's own list: take the shared category of this name away


def parse_taxonomy(entries: list[dict], source: str) -> tuple[Category, ...]:
    """Categories from `[[category]]` entries; a bad pattern is refused naming it and its source.

    Patterns are checked by polars' own regex engine (the one that runs them), so a pattern
    Python accepts but polars does not (a look-ahead, say) is refused here, not mid-run.
    `drop = true` in place of a pattern removes that category (in a brand's own list)."""
    categories = []
    for entry in entries:
        drop = entry.get("drop") is True
        name, pattern = entry.get("name"), "" if drop else entry.get("pattern")
        if not isinstance(name, str) or not isinstance(pattern, str):
            raise ValueError(f"{source}: every [[category]] needs a name and a pattern, got {entry!r}")
        try:
            pl.select(pl.lit("").str.contains(f"(?i){pattern}"))
        except pl.exceptions.ComputeError as exc:
            reason = str(exc).split("\n\nThis error occurred")[0].strip().splitlines()[-1]
            raise ValueError(f"{source}: category {name!r} has a bad pattern: {reason}") from None
        categories.append(Category(name, pattern, drop))
    return tuple(categories)


@dataclass(frozen=True)
class Taxonomy:
    """The categories every brand uses, and per brand its own entries, tried first.

    A brand entry named like a shared one replaces it for that brand (`drop = true`
    removes it); other brands keep the shared list."""

    shared: tuple[Category, ...]
    brands: dict[str, tuple[Category, ...]] = field(default_factory=dict)

    def of(self, brand: str) -> tuple[Category, ...]:
        own = self.brands.get(brand, ())
        names = {c.name for c in own}
        return tuple(c for c in own if not c.drop) + tuple(c for c in self.shared if c.name not in names)


@cache
def default_taxonomy() -> tuple[Category, ...]:
    text = (resources.files("tasks.metrics.taxonomy") / "categories.toml").read_text(encoding="utf-8")
    return parse_taxonomy(tomllib.loads(text)["category"], "tasks/metrics/taxonomy/categories.toml")


def _first_match(categories: tuple[Category, ...]) -> pl.Expr:
    category: pl.Expr = pl.lit(OTHER)
    for entry in reversed(categories):  # the first match wins
        category = (
            pl.when(pl.col("text").str.contains(f"(?i){entry.pattern}")).then(pl.lit(entry.name)).otherwise(category)
        )
    return category


def with_categories(facts: pl.DataFrame, taxonomy: Taxonomy) -> pl.DataFrame:
    """`facts` (brand, text, stance) with a category and a severity per mention."""
    category = _first_match(taxonomy.shared)
    for brand in sorted(taxonomy.brands):
        category = pl.when(pl.col("brand") == brand).then(_first_match(taxonomy.of(brand))).otherwise(category)
    text = pl.col("text").fill_null("")
    severity = (
        pl.when(text.str.contains(URGENT))
        .then(pl.lit("urgent"))
        .when(pl.col("category").is_in(MAJOR) & (pl.col("stance") <= 0))
        .then(pl.lit("major"))
        .when((pl.col("stance") < 0) | ((pl.col("category") != OTHER) & (pl.col("stance") == 0)))
        .then(pl.lit("minor"))
        .otherwise(pl.lit("none"))
    )
    return facts.with_columns(category.fill_null(OTHER).alias("category")).with_columns(severity.alias("severity"))


def category_metrics(categorised: pl.DataFrame | pl.LazyFrame, min_authors: int) -> pl.DataFrame:
    """Per brand, date and category: volume, answers, first response, and SPS over the authors who
    wrote about it (null below `min_authors`, as for the brand's own SPS)."""
    rows = categorised.lazy()  # only the columns read are copied
    per_author = (
        rows.filter(pl.col("author_id").is_not_null())
        .group_by("brand", "date", "category", "author_id")
        .agg(pl.col("stance").sum().sign().alias("verdict"))
        .group_by("brand", "date", "category")
        .agg(
            pl.len().cast(pl.Int64).alias("authors"),
            (pl.col("verdict") > 0).sum().cast(pl.Int64).alias("promoters"),
            (pl.col("verdict") < 0).sum().cast(pl.Int64).alias("detractors"),
        )
    )
    volume = rows.group_by("brand", "date", "category").agg(
        pl.len().cast(pl.Int64).alias("inbound"),
        pl.col("responded").sum().cast(pl.Int64).alias("responded"),
        pl.col("frt_s").filter(pl.col("responded")).quantile(0.5, "linear").alias("frt_median_s"),
    )
    return (
        volume.join(per_author, on=["brand", "date", "category"], how="left")
        .with_columns(
            pl.col("authors", "promoters", "detractors").fill_null(0),
            (pl.col("responded") / pl.col("inbound")).alias("response_rate"),
        )
        .with_columns(
            pl.when(pl.col("authors") >= min_authors)
            .then(100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("authors"))
            .alias("sps")
        )
        .sort("brand", "date", "category")
        .collect()
    )


def unanswered_queue(categorised: pl.DataFrame | pl.LazyFrame, watermark: datetime, horizon_s: float) -> pl.DataFrame:
    """The QUEUE_LENGTH unanswered mentions to answer first: by severity, then the longest waiting
    (to the report's cut-off, the newest archive's end: `waited`), the oldest first among those
    past the horizon."""
    rank = pl.col("severity").replace_strict({s: i for i, s in enumerate(SEVERITIES)}, return_dtype=pl.Int8)
    return (
        categorised.lazy()
        .filter(pl.col("brand").is_not_null() & ~pl.col("responded") & (pl.col("severity") != "none"))
        .with_columns(rank.alias("_rank"), *waited(watermark, horizon_s))
        .sort(["_rank", "age_h", "created_at", "mention_id"], descending=[False, True, False, False])
        .head(QUEUE_LENGTH)
        .select(
            "mention_id",
            "brand",
            "category",
            "severity",
            "created_at",
            "age_h",
            "beyond_horizon",
            mask_pii(pl.col("text")).alias("text"),
        )
        .collect()
    )
