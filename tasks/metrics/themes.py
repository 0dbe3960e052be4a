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
        rows.filter(pl.col("category") == OTHER)
        .sort("brand", "date", "created_at", "mention_id")
        .select("brand", "date", "mention_id", pl.col("_t").alias("term"))
        .explode("term")
        .drop_nulls("term")
        .join(everywhere, on="term", how="left")
    )
    found = [
        _greedy(_with_rarity(group, worded), brand, day)
        for (brand, day), group in sorted(other.partition_by("brand", "date", as_dict=True).items())
    ]
    themes = pl.concat([pl.DataFrame(schema=SCHEMA | _MEMBERS), *found], how="vertical")
    texts = rows.select("brand", "date", "mention_id", "text")
    label = pl.format("{}: {}", pl.col("theme"), pl.col("terms").list.join(", "))
    members = (
        themes.select("brand", "date", "members", label.alias("theme"))
        .explode("members")
        .rename({"members": "mention_id"})
        .select("brand", "date", "mention_id", "theme")
    )
    return _with_examples(themes.drop("members"), texts), members


def _with_rarity(terms: pl.DataFrame, total: int) -> pl.DataFrame:
    """Each term's rarity in the rest of the period's mentions with words (all but these "other"
    ones), log((rest + 2) / (rest using it + 1)), and whether these use it more often than the rest
    does (`_distinct`): a word the rest uses as much tells nothing about them."""
    own = terms["mention_id"].n_unique()
    rest = total - own
    own_df = pl.col("mention_id").n_unique().over("term")
    rest_df = pl.col("_df") - own_df
    return terms.with_columns(
        ((rest + 2) / (rest_df + 1)).log().alias("_idf"),
        (own_df / own > rest_df / max(rest, 1)).alias("_distinct"),
    )


def _ranked(terms: pl.DataFrame) -> pl.DataFrame:
    """Distinctive terms shared by MIN_THEME_SIZE mentions, by mentions using it × its rarity, then
    by those mentions, then by the term."""
    return (
        terms.filter("_distinct")
        .group_by("term")
        .agg(pl.col("mention_id").n_unique().alias("_n"), pl.col("_idf").first())
        .filter(pl.col("_n") >= MIN_THEME_SIZE)
        .with_columns((pl.col("_n") * pl.col("_idf")).alias("_score"))
        .sort(["_score", "_n", "term"], descending=[True, True, False])
    )


#: every mention of a theme, kept apart from the published table
_MEMBERS: dict[str, pl.DataType] = {"members": pl.List(pl.String())}


def _greedy(terms: pl.DataFrame, brand: str, day: object) -> pl.DataFrame:
    """One brand-day's themes (examples still as mention ids, first by time) with their members."""
    out: list[tuple[int, list[str], list[str], list[str]]] = []
    left = terms
    while len(out) < MAX_THEMES and not left.is_empty():
        ranked = _ranked(left)
        if ranked.is_empty():
            break
        seed = ranked["term"][0]
        members = left.filter(pl.col("mention_id").is_in(left.filter(pl.col("term") == seed)["mention_id"].implode()))
        ids = members["mention_id"].unique(maintain_order=True)
        top = [seed, *_ranked(members).filter(pl.col("term") != seed)["term"]][:TERMS]
        out.append((len(ids), top, ids.head(EXAMPLES).to_list(), ids.to_list()))
        left = left.filter(~pl.col("mention_id").is_in(ids.implode()))
    out.sort(key=lambda theme: -theme[0])  # stable: equal sizes keep the order they were found in
    return pl.DataFrame(
        {
            "brand": [brand] * len(out),
            "date": [day] * len(out),
            "theme": list(range(1, len(out) + 1)),
            "mentions": [n for n, _, _, _ in out],
            "terms": [t for _, t, _, _ in out],
            "examples": [e for _, _, e, _ in out],
            "members": [m for _, _, _, m in out],
        },
        schema=SCHEMA | _MEMBERS,
    )


def _with_examples(themes: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """Example mention ids replaced by their masked texts, in the same order."""
    masked = texts.select("brand", "date", pl.col("mention_id").alias("examples"), mask_pii(pl.col("text")).alias("_x"))
    return (
        themes.with_row_index("_row")
        .explode("examples")
        .with_row_index("_pos")
        .join(masked, on=["brand", "date", "examples"], how="left")
        .sort("_pos")
        .group_by("_row", maintain_order=True)
        .agg(pl.col("brand", "date", "theme", "mentions", "terms").first(), pl.col("_x").drop_nulls().alias("examples"))
        .sort("_row")
        .select(list(SCHEMA))
        .cast(SCHEMA)  # type: ignore[arg-type]
    )
