"""Complaint categories and severity: what customers write about, and what to answer first.

The taxonomy is a reviewed file of ordered patterns: one per industry (taxonomy/<industry>.toml,
with the categories every industry shares in taxonomy/common.toml), chosen by the registry's
`industry` or else inferred from the brand's own mentions, and a general one
(taxonomy/categories.toml) for brands of no known industry. A registry can replace them all
with its own `[[category]]` list, and a brand can put its own `[[brands.X.category]]` entries
ahead of its list: the first that matches a mention names its category, else "other".
Severity ranks the unanswered queue: urgent (security, fraud, outage, safety: the urgent
rule in urgent.py), major (access, outage, money or refunds, a journey lost, safety; not
praised), minor (any other complaint, or a question in a named category), none (praise,
or "other" that is not a complaint).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from importlib import resources

import polars as pl

from tasks.metrics.definitions import RESPONSE_RATE
from tasks.metrics.phrasings import per_distinct
from tasks.metrics.urgent import urgent_flags, waited
from tasks.model.masking import mask_pii

SEVERITIES = ("urgent", "major", "minor", "none")
#: money, access, outage or a journey lost: every industry's names for them
MAJOR = (
    "account_security",
    "account_access",
    "fraud_unauthorised",
    "outage",
    "outage_service",
    "outage_server",
    "ban_suspension",  # gaming: an account shut by the brand (access)
    "billing_payment",
    "billing_subscription",
    "purchase_download",  # gaming: content paid for and not received or not playable (money)
    "billing_refund",
    "refund_return",
    "refund_compensation",
    "refund_dispute",
    "cancellation",
    "baggage",
    "food_safety",
    "safety",
)
INDUSTRIES = (
    "airline_travel",
    "telecom_internet",
    "retail_ecommerce_delivery",
    "banking_payments_insurance",
    "food_restaurants",
    "technology_software_devices",
    "gaming_streaming_entertainment",
    "utilities_transport",
)
#: a brand's industry is inferred when at least this many of its mentions, and this share, use
#: the industry's vocabulary (fewer: too little to tell, the general set serves it)
INFER_MIN_MENTIONS = 2
INFER_MIN_SHARE = 0.05
#: a handle word naming an industry ("Air", "Bank", "Rail", "Pizza": `handle` in its file) counts as
#: this many mentions in its vocabulary: enough alone for a brand that wrote nothing telling,
#: outweighed by a few mentions of another industry ("airtel" is not an airline)
HANDLE_PRIOR = 2
OTHER = "other"
#: where a mention's category came from: its own words, or (they named none) the post that started its thread
#: (a later turn, "still not working", "restarted, nothing", is about the thread's issue, as people read it)
CATEGORY_SOURCES = ("text", "thread")
QUEUE_LENGTH = 50


@dataclass(frozen=True)
class Category:
    name: str
    pattern: str
    drop: bool = False  # in a brand's own list: take the shared category of this name away


def parse_taxonomy(entries: list[dict], source: str) -> tuple[Category, ...]:
    """Categories from `[[category]]` entries; a bad pattern is refused naming it and its source.

    Patterns are checked by polars' own regex engine, as they run (`_regex`), so a pattern
    Python accepts but polars does not (a look-ahead, say) is refused here, not mid-run.
    `drop = true` in place of a pattern removes that category (in a brand's own list)."""
    categories = []
    for entry in entries:
        drop = entry.get("drop") is True
        name, pattern = entry.get("name"), "" if drop else entry.get("pattern")
        if not isinstance(name, str) or not isinstance(pattern, str):
            raise ValueError(f"{source}: every [[category]] needs a name and a pattern, got {entry!r}")
        try:
            pl.select(pl.lit("").str.contains(_regex(pattern)))  # as it runs: compiled once, then cached
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
    #: brand → industry (one of INDUSTRIES): that industry's list replaces `shared` for the brand
    industries: dict[str, str] = field(default_factory=dict)

    def base(self, brand: str) -> tuple[Category, ...]:
        industry = self.industries.get(brand)
        return industry_taxonomy(industry) if industry in INDUSTRIES else self.shared

    def of(self, brand: str) -> tuple[Category, ...]:
        own = self.brands.get(brand, ())
        names = {c.name for c in own}
        return tuple(c for c in own if not c.drop) + tuple(c for c in self.base(brand) if c.name not in names)


def _toml(name: str) -> dict:
    return tomllib.loads((resources.files("tasks.metrics.taxonomy") / name).read_text(encoding="utf-8"))


@cache
def default_taxonomy() -> tuple[Category, ...]:
    return parse_taxonomy(_toml("categories.toml")["category"], "tasks/metrics/taxonomy/categories.toml")


@cache
def industry_taxonomy(industry: str) -> tuple[Category, ...]:
    """An industry's list: its own entries in order, an entry `common = true` taking its pattern
    from common.toml, and the common categories it did not place tried after its own."""
    common = {e["name"]: e for e in _toml("common.toml")["category"]}
    entries = [common[e["name"]] if e.get("common") is True else e for e in _toml(f"{industry}.toml")["category"]]
    placed = {e["name"] for e in entries}
    entries += [e for name, e in common.items() if name not in placed]
    return parse_taxonomy(entries, f"tasks/metrics/taxonomy/{industry}.toml")


def taxonomy_for(industry: str | None) -> Taxonomy:
    """The shipped taxonomy of an industry (one of INDUSTRIES); the general one for any other."""
    return Taxonomy(industry_taxonomy(industry)) if industry in INDUSTRIES else Taxonomy(default_taxonomy())


@cache
def _vocabularies() -> dict[str, tuple[str, str]]:
    """Industry → (vocabulary of its customers' posts, words of its care handles)."""
    return {i: (_toml(f"{i}.toml")["vocabulary"], _toml(f"{i}.toml")["handle"]) for i in INDUSTRIES}


def infer_industries(mentions: pl.DataFrame) -> dict[str, str]:
    """Brand → industry, from its own mentions (brand, text) and its handle: per industry, how many
    mentions use its `vocabulary` (words a customer of that industry writes whatever the complaint,
    "flight", "router", "burrito"), plus HANDLE_PRIOR when the handle has one of its `handle` words;
    the highest wins, first in INDUSTRIES on a tie. A brand is left out (the general set serves it)
    unless the winner's score reaches INFER_MIN_MENTIONS (one stray word is not enough: a day's
    single "stay" would make a brand an airline that day and not the week), and, without a handle
    word, unless at least INFER_MIN_SHARE of its mentions use the vocabulary (a big brand's stray
    words tell nothing)."""
    text, brand = pl.col("text").fill_null("").str.to_lowercase(), pl.col("brand")
    vocabularies = _vocabularies()
    scores = (
        mentions.lazy()
        .filter(brand.is_not_null())
        .group_by("brand", text.alias("_text"))  # each distinct text of a brand read once, counted _n times
        .len("_n")
        .with_columns(*[pl.col("_text").str.contains(_regex(v)).alias(i) for i, (v, _) in vocabularies.items()])
        .group_by("brand")
        .agg(pl.col("_n").sum(), *[(pl.col(i) * pl.col("_n")).sum().alias(i) for i in vocabularies])
        .with_columns(
            *[brand.str.contains(f"(?i){h}").cast(pl.Int64).alias(f"_h:{i}") for i, (_, h) in vocabularies.items()]
        )
        .collect()
    )
    chosen: dict[str, str] = {}
    for row in scores.iter_rows(named=True):
        score = {i: row[i] + HANDLE_PRIOR * row[f"_h:{i}"] for i in INDUSTRIES}
        best = max(INDUSTRIES, key=lambda i: (score[i], -INDUSTRIES.index(i)))
        if score[best] >= INFER_MIN_MENTIONS and (row[f"_h:{best}"] == 1 or row[best] >= INFER_MIN_SHARE * row["_n"]):
            chosen[row["brand"]] = best
    return chosen


def with_industries(taxonomy: Taxonomy, named: dict[str, str], mentions: pl.DataFrame) -> Taxonomy:
    """`taxonomy` with each brand's industry list: the registry's (`named`, when it is one of
    INDUSTRIES), else inferred from `mentions`. A registry that replaced the shipped list with
    its own `[[category]]` list keeps it for every brand."""
    if taxonomy.shared != default_taxonomy():
        return taxonomy
    known = {b: i for b, i in named.items() if i in INDUSTRIES}
    rest = mentions.filter(~pl.col("brand").is_in(list(known)))
    return replace(taxonomy, industries=infer_industries(rest) | known)


def _regex(pattern: str) -> str:
    """For text lower-cased once: case-insensitive only when the pattern has an upper-case letter
    (a registry's "PSN"; not an escape like `\\W`), else each letter matches itself (faster); `\\b`
    read as an ASCII word boundary: the Unicode one keeps the regex engine off its fast path (15×
    slower on real posts); `\\w` and `\\d` as ASCII classes too, agreeing with that boundary (a
    Unicode `\\w` costs 4× to compile, paid once per list and run: most of a day's reading time)."""
    folded = re.search(r"(?<!\\)[A-Z]", pattern.replace("\\\\", "")) is None
    for unicode_class in (r"\b", r"\w", r"\d"):
        pattern = pattern.replace(unicode_class, f"(?-u:{unicode_class})")
    return ("" if folded else "(?i)") + pattern


def _first_match(categories: tuple[Category, ...], text: pl.Expr) -> pl.Expr:
    """The first category whose pattern matches `text` (lower-cased); null when none does."""
    category: pl.Expr = pl.lit(None, pl.String)
    for entry in reversed(categories):  # the first match wins
        category = pl.when(text.str.contains(_regex(entry.pattern))).then(pl.lit(entry.name)).otherwise(category)
    return category


def _categorised(part: pl.DataFrame, categories: tuple[Category, ...]) -> pl.DataFrame:
    """`part` with the category of each text, and where it came from (`CATEGORY_SOURCES`): its own words, else
    those of the post that started its thread (`thread_text`, when given), else none (null: "other"). Each
    distinct text is lower-cased and read once (`per_distinct`); a thread's first post only for the mentions
    whose own words named nothing."""

    def read(texts: pl.Series) -> pl.Series:
        return per_distinct(texts.str.to_lowercase(), lambda text: _first_match(categories, text))

    own = read(part["text"])
    thread = pl.repeat(None, part.height, dtype=pl.String, eager=True)
    if "thread_text" in part.columns:
        unnamed = own.is_null() & part["thread_text"].is_not_null()
        if unnamed.any():
            thread = read(part.select(pl.when(unnamed).then(pl.col("thread_text")))["thread_text"])
            thread = pl.select(pl.when(unnamed).then(thread)).to_series()  # a null thread text reads as ""
    return part.with_columns(
        own.fill_null(thread).alias("category"),
        pl.when(own.is_not_null())
        .then(pl.lit(CATEGORY_SOURCES[0]))
        .when(thread.is_not_null())
        .then(pl.lit(CATEGORY_SOURCES[1]))
        .alias("category_source"),
    )


def with_categories(facts: pl.DataFrame, taxonomy: Taxonomy) -> pl.DataFrame:
    """`facts` (brand, text, stance; `thread_text` optional, see `_categorised`) with a category, where it came
    from and a severity per mention (`thread_text` is not kept).

    Each brand's list runs on its own mentions only (brands sharing a list together): one
    chain of patterns per mention, however many industries and brand lists there are."""
    lists = {f"i:{i}": industry_taxonomy(i) for i in set(taxonomy.industries.values()) & set(INDUSTRIES)}
    lists |= {f"b:{b}": taxonomy.of(b) for b in taxonomy.brands}
    chosen = {b: f"i:{i}" for b, i in taxonomy.industries.items() if i in INDUSTRIES} | {
        b: f"b:{b}" for b in taxonomy.brands
    }
    key = (
        pl.col("brand").replace_strict(chosen, default="", return_dtype=pl.String).fill_null("")
        if chosen
        else pl.lit("")
    )
    parts = facts.with_row_index("_row").with_columns(key.alias("_list")).partition_by("_list", as_dict=True)
    categorised = [
        _categorised(part, lists.get(name, taxonomy.shared))
        for (name,), part in sorted(parts.items(), key=lambda item: str(item[0]))
    ]
    if not categorised:  # no mentions: the columns still come
        categorised = [
            facts.with_row_index("_row").with_columns(
                pl.lit(OTHER).alias("category"), pl.lit(None, pl.String).alias("category_source"), _list=pl.lit("")
            )
        ]
    category = pl.col("category").fill_null(OTHER)
    facts = (
        pl.concat(categorised, how="vertical")
        .sort("_row")
        .drop("_row", "_list", "thread_text", strict=False)
        .with_columns(category)
    )
    # a category the mention's own words named counts as asked about even when neutral; one taken from its thread
    # only when the mention complains ("done, sent you a DM" in a refund thread is no new refund question)
    raised = (pl.col("stance") < 0) | ((pl.col("stance") == 0) & (pl.col("category_source") == CATEGORY_SOURCES[0]))
    severity = (
        pl.when(urgent_flags(facts["text"]))
        .then(pl.lit("urgent"))
        .when(pl.col("category").is_in(MAJOR) & raised)
        .then(pl.lit("major"))
        .when((pl.col("stance") < 0) | ((pl.col("category") != OTHER) & raised))
        .then(pl.lit("minor"))
        .otherwise(pl.lit("none"))
    )
    return facts.with_columns(severity.alias("severity"))


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
            RESPONSE_RATE,
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
