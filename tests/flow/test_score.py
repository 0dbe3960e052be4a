"""A range score against published reports: the same numbers, one storage question per day."""

from __future__ import annotations

import io
import json
from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tasks.jobs.range_score import SCORE_COLUMNS
from tasks.render.columns import SPS, people_value


@pytest.mark.parametrize(
    ("start", "end", "folder"),
    [
        ("2017-10-31", "2017-10-31", "reports/daily/dt=2017-10-31/"),
        ("2017-10-30", "2017-11-05", "reports/weekly/week=2017-W44/"),  # authors counted once over the week
    ],
)
def test_score_of_a_published_period_equals_its_report(published_sample, start, end, folder):
    (row,) = _score(published_sample, "--start", start, "--end", end, "--brand", "AmazonHelp")
    assert row == pytest.approx(_published(published_sample, folder, "AmazonHelp"))
    assert row["authors"] == row["promoters"] + row["detractors"] + row["passives"]


def test_score_refuses_a_backwards_range_and_an_unknown_brand(published_sample):
    runner = CliRunner()
    backwards = runner.invoke(
        app, ["score", "--start", "2017-11-02", "--end", "2017-11-01", "--storage", published_sample.url]
    )
    assert backwards.exit_code == 2 and "before --start" in backwards.output
    unknown = runner.invoke(
        app,
        [
            "score",
            "--start",
            "2017-10-31",
            "--end",
            "2017-10-31",
            "--brand",
            "NoSuchBrand",
            "--storage",
            published_sample.url,
        ],
    )
    assert unknown.exit_code == 1 and "no mentions of NoSuchBrand" in unknown.output
    lower = runner.invoke(
        app,
        [
            "score",
            "--start",
            "2017-10-31",
            "--end",
            "2017-10-31",
            "--brand",
            "amazonhelp",
            "--storage",
            published_sample.url,
        ],
    )
    assert lower.exit_code == 1
    assert "no mentions of amazonhelp between 2017-10-31 and 2017-10-31; did you mean AmazonHelp?" in " ".join(
        lower.output.split()
    )


def test_a_range_over_days_not_stored_measures_each_once_and_stores_nothing(published_sample, tmp_path, monkeypatch):
    """`sps score` keeps nothing: a day whose measure is not stored is measured on the spot, once for
    both passes of the sum (its thread posts, then its mentions), and held, not written. The week's
    SPS is still the published week's."""
    import shutil

    from tasks.jobs.period_report import ReportInputs
    from tasks.store import layout
    from tasks.store.backends import open_storage

    store = open_storage(str(shutil.copytree(published_sample.url, tmp_path / "copy")))
    missing = [date(2017, 10, 30), date(2017, 10, 31)]
    for day in missing:
        for key in store.keys(layout.day_measures(day)):
            store.delete(key)
    measured: list[date] = []
    measure = ReportInputs.measure
    monkeypatch.setattr(
        ReportInputs, "measure", lambda self, period: measured.append(period.start) or measure(self, period)
    )
    (row,) = _score(store, "--start", "2017-10-30", "--end", "2017-11-05", "--brand", "AmazonHelp")
    assert row == pytest.approx(_published(published_sample, "reports/weekly/week=2017-W44/", "AmazonHelp"))
    assert sorted(measured) == missing
    assert [store.keys(layout.day_measures(day)) for day in missing] == [[], []]


def test_a_sum_asks_storage_once_per_day_whether_its_measure_is_complete(published_sample, monkeypatch):
    """The posts' pass finds each stored day complete; the mentions' pass reads it without asking
    again (on object storage, a request per day per page). W44's sum reads 10-30 .. 11-09: 11 days,
    of which the sample has posts on 10 (none on Sunday 11-05)."""
    asked: list[str] = []
    exists = type(published_sample).exists

    def counted(self, key: str) -> bool:
        asked.append(key)
        return exists(self, key)

    monkeypatch.setattr(type(published_sample), "exists", counted)
    _score(published_sample, "--start", "2017-10-30", "--end", "2017-11-05", "--brand", "AmazonHelp")
    complete = [key for key in asked if key.endswith("/complete.json")]
    assert len(complete) == len(set(complete)) == 10


def _published(store, folder: str, brand: str) -> dict:
    """The brand's row of the published sps table, as `score --json` writes it: rounded as sps.csv."""
    table = pl.read_parquet(io.BytesIO(store.read(f"{folder}sps.parquet")))
    people = [people_value(c) for c in SPS if c.name in SCORE_COLUMNS]
    return table.filter(pl.col("brand") == brand).select(people).row(0, named=True)


def _score(store, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["score", *args, "--json", "--storage", store.url])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
