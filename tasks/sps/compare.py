"""Is one SPS really above another? The difference of two scores with an interval of its own.

An absolute SPS interval is wide because it carries how far the stance model's
count may stray on a domain it never saw (`estimate.cc_sps`). Two scores read
by the same model on one archive (two brands, or a brand's period and the one
before) share that bias: if the model over-counts detractors by b on the
domain, each score is off by b × its share of model-judged authors, so their
difference is off by only b × the difference of those shares. The interval of a
difference therefore adds the two sampling variances and that residual:

    var = 100²·(p₁ + d₁ − (p₁ − d₁)²)/n₁ + 100²·(p₂ + d₂ − (p₂ − d₂)²)/n₂ + (shift_sd · (m₁ − m₂))²

(p, d: promoter and detractor shares, n: authors, m: share judged by the model),
a normal 95 % interval around the counted difference. A formula, not a bootstrap
over authors: it is the interval the absolute one is built from, it costs nothing
per brand pair, and it gives the same bytes every run. The two samples are taken
as independent; an author who wrote on both days makes them positively
correlated, which only widens this interval (it errs towards "no clear
difference"). "higher" / "lower" is said only where the interval excludes zero.
"""

from __future__ import annotations

import polars as pl

from tasks.sps.estimate import Z95, domain_shift_sd

HIGHER, LOWER, UNCLEAR = "higher", "lower", "no clear difference"
#: The counts a difference reads, per side (as in sps.parquet).
COUNTS = ("promoters", "detractors", "authors", "labelled_authors")
#: sps.parquet's columns for the change against the period before.
CHANGE_COLUMNS = ("sps_change", "sps_change_ci_low", "sps_change_ci_high", "sps_change_verdict")


def _sampling(suffix: str) -> pl.Expr:
    n = pl.col(f"authors{suffix}")
    p, d = pl.col(f"promoters{suffix}") / n, pl.col(f"detractors{suffix}") / n
    return 100**2 * (p + d - (p - d) ** 2) / n


def _model_share(suffix: str) -> pl.Expr:
    return 1 - pl.col(f"labelled_authors{suffix}") / pl.col(f"authors{suffix}")


def _score(suffix: str) -> pl.Expr:
    return 100 * (pl.col(f"promoters{suffix}") - pl.col(f"detractors{suffix}")) / pl.col(f"authors{suffix}")


def difference(first: str, second: str, shift_sd: float | None = None) -> list[pl.Expr]:
    """`difference`, `low`, `high`, `verdict` of score(first) − score(second), from the COUNTS
    columns suffixed `first` and `second` in one row (null where either side has no author)."""
    shift = domain_shift_sd() if shift_sd is None else shift_sd
    variance = _sampling(first) + _sampling(second) + (shift * (_model_share(first) - _model_share(second))) ** 2
    value = _score(first) - _score(second)
    half = Z95 * variance.sqrt()
    low, high = (value - half).clip(-200.0, 200.0), (value + half).clip(-200.0, 200.0)
    verdict = pl.when(low > 0).then(pl.lit(HIGHER)).when(high < 0).then(pl.lit(LOWER)).otherwise(pl.lit(UNCLEAR))
    return [
        value.alias("difference"),
        low.alias("low"),
        high.alias("high"),
        pl.when(value.is_not_null()).then(verdict).alias("verdict"),
    ]


def with_sps_change(sps: pl.DataFrame, before: pl.DataFrame | None, shift_sd: float | None = None) -> pl.DataFrame:
    """sps.parquet's rows with `sps_change` (points against the period before, per brand), its interval
    and verdict; null where either period's score is not readable or there is no period before.
    `before`: brand, readable and the COUNTS of the period before (None: not known)."""
    names = dict(zip(("difference", "low", "high", "verdict"), CHANGE_COLUMNS, strict=True))
    sps = sps.drop(CHANGE_COLUMNS, strict=False)  # a change against `before` replaces any there
    if before is None:
        return sps.with_columns(
            pl.lit(None, dtype=pl.String if new == "sps_change_verdict" else pl.Float64).alias(new)
            for new in names.values()
        )
    previous = before.filter(pl.col("readable")).select("brand", *(pl.col(c).alias(f"{c}_before") for c in COUNTS))
    joined = sps.join(previous, on="brand", how="left", maintain_order="left")
    readable = pl.col("readable") & pl.col("authors_before").is_not_null()
    return joined.with_columns(
        pl.when(readable).then(expr).alias(names[expr.meta.output_name()])
        for expr in difference("", "_before", shift_sd)
    ).drop(f"{c}_before" for c in COUNTS)


def brand_pairs(sps: pl.DataFrame, top: int, shift_sd: float | None = None) -> pl.DataFrame:
    """Each pair of the `top` readable brands with the most authors (busiest first, then by name):
    brand, other, difference (brand − other), low, high, verdict."""
    readable = (
        sps.filter(pl.col("readable"))
        .sort("authors", "brand", descending=[True, False])
        .head(top)
        .with_row_index("_rank")
        .select("_rank", "brand", *COUNTS)
    )
    other = readable.select(pl.all().name.suffix("_other"))
    return (
        readable.join(other, how="cross")
        .filter(pl.col("_rank") < pl.col("_rank_other"))
        .sort("_rank", "_rank_other")
        .select("brand", pl.col("brand_other").alias("other"), *difference("", "_other", shift_sd))
    )
