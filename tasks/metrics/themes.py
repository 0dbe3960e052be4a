"""Themes: what the mentions no category catches are about, so the day's largest issue is never
hidden in "other".

Per brand and date, the "other" mentions are grouped greedily: the term that is most distinctive
of them (in the most of them, weighted by how rare it is in the rest of the period's mentions:
other brands', and the brand's own that a category caught) seeds a theme of every remaining
"other" mention that uses it; its terms are those most distinctive within the theme, its
examples the first few by time, masked. Then the next term, over the mentions still left, until
MAX_THEMES or no term is shared by MIN_THEME_SIZE of them.
Pure and deterministic: every tie is broken by the term, then the time and id.
"""

from __future__ import annotations

import polars as pl

from tasks.metrics.categories import OTHER
from tasks.model.masking import mask_pii

MAX_THEMES = 5
MIN_THEME_SIZE = 2
TERMS = 5
EXAMPLES = 3
#: words any care mention uses whatever it is about: never a theme's term
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been before being
    below between both but by can cannot could did didn do does doesn doing don down during each few for
    from further get got had has hasn have haven having he her here hers him his how i if im in into is
    isn it its itself just let like me more most my myself no nor not now of off on once only or other
    our ours out over own please same she should so some still such than thank thanks that the their
    them then there these they this those through to too under until up us very was wasn way we were
    what when where which while who whom why will with won would you your yours yourself hi hello hey
    amp https http via one two really even ever want need know tell today yet going get gets yes okay
    help someone already since getting made good just got
    """.split()
)

#: themes are found per brand and date, all of them at once
_DAY = ["brand", "date"]

SCHEMA = {
    "brand": pl.String(),
    "date": pl.Date(),
    "theme": pl.Int64(),
    "mentions": pl.Int64(),
    "terms": pl.List(pl.String()),
    "examples": pl.List(pl.String()),
}


def _terms(text: pl.Expr) -> pl.Expr:
    """A mention's distinct words: lower case, without links, handles, numbers and stopwords."""
    words = (
        text.fill_null("")
        .str.to_lowercase()
        .str.replace_all(r"https?://\S+|[@#]\w+|&\w+;|['’]\w*", " ")
        .str.extract_all(r"[a-z]{3,}")
    )
    return words.list.eval(pl.element().filter(~pl.element().is_in(sorted(STOPWORDS)))).list.unique().list.sort()


def find_themes(categorised: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Themes of the "other" mentions (brand, date, mention_id, created_at, text, category):
    per brand and date, up to MAX_THEMES rows by size, with TERMS terms and EXAMPLES masked texts."""
    return themes_and_members(categorised)[0]


def themes_and_members(categorised: pl.DataFrame | pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`find_themes`' table, and which theme each of its mentions is in (brand, date, mention_id,
    theme: its number and terms, "2: lot, parking"), so a per-mention table can say it."""
    rows = (
        categorised.lazy()
        .filter(pl.col("brand").is_not_null())
        .select("brand", "date", "mention_id", "created_at", "text", "category", _terms(pl.col("text")).alias("_t"))
        .collect()
    )
    worded = rows.filter(pl.col("_t").list.len() > 0).height
    everywhere = (
        rows.select(pl.col("_t").explode().drop_nulls().alias("term")).group_by("term").agg(pl.len().alias("_df"))
    )
    other = (
        rows.filter((pl.col("category") == OTHER) & (pl.col("_t").list.len() > 0))
        .sort("brand", "date", "created_at", "mention_id")
        .with_row_index("_i")
        # a mention's place by time then id: its first row's, as a mention id may come twice
        .select(*_DAY, "mention_id", pl.col("_i").min().over([*_DAY, "mention_id"]), pl.col("_t").alias("term"))
        .explode("term")
    )
    themes = _greedy(_seedable(other, everywhere, worded))
    texts = rows.select("brand", "date", "mention_id", "text")
    label = pl.format("{}: {}", pl.col("theme"), pl.col("terms").list.join(", "))
    members = (
        themes.select("brand", "date", "members", label.alias("theme"))
        .explode("members")
        .rename({"members": "mention_id"})
        .select("brand", "date", "mention_id", "theme")
    )
    return _with_examples(themes.drop("members"), texts), members


def _seedable(terms: pl.DataFrame, everywhere: pl.DataFrame, total: int) -> pl.DataFrame:
    """The brand-days' "other" terms (brand, date, mention_id, _i, term) that are distinctive and
    shared by MIN_THEME_SIZE mentions, the only ones that can seed a theme or be a theme's term, with
    their rarity (`_idf`).

    Rarity is in the rest of the period's mentions with words (`total` less the brand-day's "other"
    ones; `everywhere` holds each term's mentions, `_df`), log((rest + 2) / (rest using it + 1)).
    Distinctive: these mentions use it more often than the rest does; a word the rest uses as much
    tells nothing about them."""
    own = terms.group_by(_DAY).agg(pl.col("mention_id").n_unique().alias("_own"))
    rest = total - pl.col("_own")
    rest_df = pl.col("_df") - pl.col("_n")
    # times a reciprocal, as polars divides a column by a single number: the shares the day-by-day
    # code compared, to the last bit, so a tie falls the same way
    distinct = pl.col("_n") * (1 / pl.col("_own")) > rest_df * (1 / pl.max_horizontal(rest, 1))
    vocabulary = (
        terms.group_by([*_DAY, "term"])
        .agg(pl.col("mention_id").n_unique().alias("_n"))
        .filter(pl.col("_n") >= MIN_THEME_SIZE)
        .join(own, on=_DAY)
        .join(everywhere, on="term")
        .filter(distinct)
        .select(*_DAY, "term", ((rest + 2) / (rest_df + 1)).log().alias("_idf"))
    )
    return terms.join(vocabulary, on=[*_DAY, "term"])


def _ranked(terms: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Per `by`, the (seedable) terms shared by MIN_THEME_SIZE mentions, by mentions using it × its
    rarity, then by those mentions, then by the term."""
    return (
        terms.group_by([*by, "term"])
        .agg(pl.col("mention_id").n_unique().alias("_n"), pl.col("_idf").first())
        .filter(pl.col("_n") >= MIN_THEME_SIZE)
        .with_columns((pl.col("_n") * pl.col("_idf")).alias("_score"))
        .sort([*by, "_score", "_n", "term"], descending=[*(False for _ in by), True, True, False])
    )


#: every mention of a theme, kept apart from the published table
_MEMBERS: dict[str, pl.DataType] = {"members": pl.List(pl.String())}


def _greedy(seedable: pl.DataFrame) -> pl.DataFrame:
    """Every brand-day's themes (examples still as mention ids, first by time) with their members.

    Round k takes each brand-day's best term over its mentions still left, so MAX_THEMES
    group-wise rounds serve all brand-days: no call per brand-day."""
    left, found = seedable, []
    for k in range(MAX_THEMES):
        seeds = _ranked(left, _DAY).unique(_DAY, keep="first", maintain_order=True)
        members = (
            left.join(seeds.select(*_DAY, "term"), on=[*_DAY, "term"])
            .group_by([*_DAY, "mention_id"])
            .agg(pl.col("term").first().alias("_seed"), pl.col("_i").first())
            .with_columns(pl.lit(k).alias("_k"))
        )
        found.append(members)  # the first round's, even empty, gives the columns
        if members.is_empty():
            break
        left = left.join(members, on=[*_DAY, "mention_id"], how="anti")
    themed = pl.concat(found)
    theme = [*_DAY, "_k", "_seed"]
    # a theme's terms: its seed, then the terms most distinctive within it
    top = (
        _ranked(seedable.join(themed.select(*theme, "mention_id"), on=[*_DAY, "mention_id"]), theme)
        .sort([*theme, pl.col("term") != pl.col("_seed")], maintain_order=True)
        .group_by(theme, maintain_order=True)
        .agg(pl.col("term").head(TERMS).alias("terms"))
    )
    return (
        themed.sort("_i")
        .group_by(theme, maintain_order=True)
        .agg(
            pl.len().alias("mentions"),
            pl.col("mention_id").head(EXAMPLES).alias("examples"),
            pl.col("mention_id").alias("members"),
        )
        .join(top, on=theme, how="left")
        .sort([*_DAY, "mentions", "_k"], descending=[False, False, True, False])  # equal sizes: as found
        .with_columns(pl.int_range(1, pl.len() + 1).over(_DAY).alias("theme"))
        .select(*_DAY, "theme", "mentions", "terms", "examples", "members")
        .cast(pl.Schema(SCHEMA | _MEMBERS))
    )


def _with_examples(themes: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """Example mention ids replaced by their masked texts, in the same order (only they are masked)."""
    texts = texts.rename({"mention_id": "examples"})
    return (
        themes.with_row_index("_row")
        .explode("examples")
        .with_row_index("_pos")
        .join(texts, on=["brand", "date", "examples"], how="left")
        .sort("_pos")
        .group_by("_row", maintain_order=True)
        .agg(
            pl.col("brand", "date", "theme", "mentions", "terms").first(),
            mask_pii(pl.col("text")).drop_nulls().alias("examples"),
        )
        .sort("_row")
        .select(list(SCHEMA))
        .cast(SCHEMA)  # type: ignore[arg-type]
    )
