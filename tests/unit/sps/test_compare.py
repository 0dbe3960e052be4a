"""SPS differences with their own interval: each figure computed by hand below."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tasks.jobs.period_report import sps_before
from tasks.metrics.period import MeasureRules, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tasks.render.environment import render
from tasks.render.page import sps_comparisons
from tasks.sps.compare import brand_pairs, difference, with_sps_change
from tasks.store.measure_store import day_row
from tests.frames import at, frame, post

SHIFT = 10.0  # a round shift spread, so the residual term is easy to compute by hand


def _sides(first: tuple[int, int, int, int], second: tuple[int, int, int, int]) -> pl.DataFrame:
    """(promoters, detractors, authors, labelled_authors) of two sides, in one row."""
    names = ("promoters", "detractors", "authors", "labelled_authors")
    return pl.DataFrame(
        {**dict(zip(names, first, strict=True)), **{f"{n}_b": v for n, v in zip(names, second, strict=True)}}
    )


def test_two_brands_far_apart_read_higher_even_when_one_is_judged_by_the_model_alone():
    """A: 30 promoters, 10 detractors of 50, all by label (m = 0): p .6, d .2 → SPS +40,
    sampling 100²·(.6 + .2 − .4²)/50 = 10000·.64/50 = 128. B: 10 / 30 of 50, all by the model (m = 1):
    SPS −40, sampling 128. Residual bias: (10 · (0 − 1))² = 100. var 356, sd 18.868,
    half 1.959964 · 18.868 = 36.981: 80 ± 36.98 → 43.02 … 116.98, excludes zero: higher."""
    row = _sides((30, 10, 50, 50), (10, 30, 50, 0)).select(difference("", "_b", SHIFT)).row(0, named=True)
    assert row["difference"] == pytest.approx(80.0)
    assert (row["low"], row["high"]) == (pytest.approx(43.019, abs=1e-3), pytest.approx(116.981, abs=1e-3))
    assert row["verdict"] == "higher"


def test_a_small_gap_is_no_clear_difference_and_a_shared_model_share_cancels_the_bias():
    """A: 20 / 15 of 50 (half by the model): p .4, d .3 → +10, sampling 10000·(.7 − .01)/50 = 138.
    B: 18 / 16 of 50 (half by the model): p .36, d .32 → +4, sampling 10000·(.68 − .0016)/50 = 135.68.
    Same model share: the residual is 0. var 273.68, sd 16.5433, half 32.424: 6 ± 32.42 →
    −26.42 … 38.42, holds zero. (Each score alone: 138 + (10·.5)² = 163 → ±25.0 around it.)"""
    row = _sides((20, 15, 50, 25), (18, 16, 50, 25)).select(difference("", "_b", SHIFT)).row(0, named=True)
    assert row["difference"] == pytest.approx(6.0)
    assert (row["low"], row["high"]) == (pytest.approx(-26.424, abs=1e-3), pytest.approx(38.424, abs=1e-3))
    assert row["verdict"] == "no clear difference"


def _sps(rows: list[tuple[str, int, int, int, int]]) -> pl.DataFrame:
    """brand, promoters, detractors, authors, labelled_authors; readable at 30 authors."""
    frame = pl.DataFrame(rows, schema=["brand", "promoters", "detractors", "authors", "labelled_authors"], orient="row")
    return frame.with_columns(
        (100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("authors")).alias("sps"),
        (pl.col("authors") >= 30).alias("readable"),
    )


def test_the_change_against_the_day_before_per_brand():
    """A today 10 / 30 of 50 by label (−40), yesterday 30 / 10 of 50 by label (+40): each side's
    sampling 128, residual 0 → sd 16, half 31.359: −80 ± 31.36 → −111.36 … −48.64: lower.
    B is readable today but not yesterday (20 authors), C not today: no change for them."""
    today = _sps([("A", 10, 30, 50, 50), ("B", 10, 5, 40, 0), ("C", 1, 0, 5, 0)])
    yesterday = _sps([("A", 30, 10, 50, 50), ("B", 5, 5, 20, 0), ("C", 20, 1, 40, 0)])
    out = with_sps_change(today, yesterday, SHIFT)
    assert out.columns == [
        *today.columns,
        "sps_change",
        "sps_change_ci_low",
        "sps_change_ci_high",
        "sps_change_verdict",
    ]
    a, b, c = out.rows(named=True)
    assert (a["sps_change"], a["sps_change_verdict"]) == (pytest.approx(-80.0), "lower")
    assert (a["sps_change_ci_low"], a["sps_change_ci_high"]) == (
        pytest.approx(-111.359, abs=1e-3),
        pytest.approx(-48.641, abs=1e-3),
    )
    assert [(r["sps_change"], r["sps_change_verdict"]) for r in (b, c)] == [(None, None), (None, None)]
    # no period before (a week's page): the columns are there, empty; applied again, they are replaced
    none = with_sps_change(out, None, SHIFT)
    assert none.columns == out.columns and none["sps_change"].null_count() == 3


def test_brand_pairs_are_the_busiest_readable_brands_each_pair_once():
    """Readable by authors: A 50, B 50 (A first by name), D 40; C has 5 (not readable). Top 2:
    A and B: A +40 (30/10 by label), B −40 (10/30 by the model): the first test's 80, higher."""
    sps = _sps([("B", 10, 30, 50, 0), ("A", 30, 10, 50, 50), ("C", 1, 0, 5, 0), ("D", 20, 10, 40, 0)])
    pairs = brand_pairs(sps, 2, SHIFT)
    assert pairs.select("brand", "other", "verdict").rows() == [("A", "B", "higher")]
    assert pairs["low"].item() == pytest.approx(43.019, abs=1e-3)
    three = brand_pairs(sps, 3, SHIFT)
    assert three.select("brand", "other").rows() == [("A", "B"), ("A", "D"), ("B", "D")]


def test_the_page_says_higher_only_where_the_interval_excludes_zero():
    sps = with_sps_change(
        _sps([("A", 30, 10, 50, 50), ("B", 10, 30, 50, 0), ("D", 20, 15, 50, 25)]),
        _sps([("A", 29, 10, 50, 50)]),
        SHIFT,
    )
    page = render("sections/sps_comparisons.html", comparisons=sps_comparisons(sps, SHIFT))
    # A vs B: 80, 43 … 117 → "A higher"; A vs D: +40 vs +10, B vs D: −40 vs +10
    assert "<td>A</td><td>B</td><td>+80</td><td>+43 … +117</td><td>A higher</td>" in page
    # A against the day before: +40 vs +38 → within the interval
    assert "<td>A</td><td>+40</td><td>+2</td>" in page and "no clear difference" in page


def test_a_days_change_is_measured_against_the_day_befores_trend_row():
    """Two measured days of 30 authors each, every mention labelled by the archive (so no residual):
    10-30: 20 positive, 5 negative, 5 neutral → p 2/3, d 1/6: SPS +50, sampling 10000·(5/6 − 1/4)/30
    = 194.44; 10-31: 10 / 15 / 5 → p 1/3, d 1/2: SPS −16.67, sampling 10000·(5/6 − 1/36)/30 = 268.52.
    var 462.96, sd 21.517, half 42.172: −66.67 ± 42.17 → −108.84 … −24.49: lower."""
    rules = MeasureRules(BrandRegistry(), 72 * 3600, 3600, at("2017-11-20 00:00"))
    labels = {"2017-10-30": ["positive"] * 20 + ["negative"] * 5 + ["neutral"] * 5,
              "2017-10-31": ["positive"] * 10 + ["negative"] * 15 + ["neutral"] * 5}  # fmt: skip
    posts = frame(
        *(
            post(f"{day}-{i}", f"c{i}", f"{day} 10:{i:02d}", "@AcmeHelp hi", brand="AcmeHelp", sentiment=label)
            for day, day_labels in labels.items()
            for i, label in enumerate(day_labels)
        )
    )
    days = [measure_period(posts, period_of("daily", date(2017, 10, d)), rules) for d in (30, 31)]
    trends = pl.concat([day_row(m.metrics, m.sps) for m in days])
    today = days[1].period
    row = with_sps_change(days[1].sps, sps_before(trends, today), SHIFT).row(0, named=True)
    assert row["sps_change"] == pytest.approx(-200 / 3)
    assert (row["sps_change_ci_low"], row["sps_change_ci_high"]) == (
        pytest.approx(-108.84, abs=1e-2),
        pytest.approx(-24.49, abs=1e-2),
    )
    assert row["sps_change_verdict"] == "lower"
    # a week's page has no period before to compare with (yet): nothing is said
    assert sps_before(trends, period_of("weekly", date(2017, 10, 30))) is None
