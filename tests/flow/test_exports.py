"""Other tools' exports and two real corpora, backfilled through the CLI: every day publishes."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest

from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.ledger import read_records
from tests.unit.ingest.test_exports import SANDERS


@pytest.mark.usefixtures("prefect_harness")
def test_the_twcs_sample_with_a_tenth_of_its_rows_repeated_publishes_every_day(tmp_path, twcs_bytes):
    """Every 10th record repeated at the end, as a re-delivered page: 500 exact duplicates."""
    records = list(csv.reader(io.StringIO(twcs_bytes.decode("utf-8"), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(records + records[1::10])
    store = open_storage(str(tmp_path))
    store.write("archives/twitter/dt=2017-12-03/twcs.csv", out.getvalue().encode())
    result = _cli("backfill", "--start", "2017-10-01", "--end", "2017-12-03", "--storage", store.url)
    assert result.exit_code == 0, result.output
    (record,) = read_records(store)
    assert (record.rows_read, record.duplicates_dropped, record.rows_accepted, record.rows_quarantined) == (
        5500,
        500,
        5000,
        0,
    )
    assert len(store.keys(layout.DAILY_REPORTS)) > 0 and not [k for k in store.keys("reports/") if "FAILED" in k]
    _assert_every_row_accounted(store)


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.skipif(not SANDERS.exists(), reason="needs ../shared/data/labelled beside the repository (CI has it)")
def test_the_sanders_corpus_one_archive_a_day_publishes_every_day(tmp_path):
    """5,113 tweets over 2011-10-15..20, cut by day as a scraper would deliver them."""
    corpus = pl.read_csv(SANDERS, infer_schema=False)
    day = pl.col("TweetDate").str.to_datetime("%a %b %d %H:%M:%S %z %Y").dt.date()
    store = open_storage(str(tmp_path))
    store.write(layout.mapping_file("twitter"), b'use = "sanders"\n')
    days = sorted(corpus.select(day.unique())["TweetDate"].to_list())
    for d in days:
        buffer = io.BytesIO()
        corpus.filter(day == d).write_csv(buffer, quote_style="always")
        store.write(f"archives/twitter/dt={d}/sanders.csv", buffer.getvalue())
    result = _cli("backfill", "--start", str(days[0]), "--end", str(days[-1]), "--storage", store.url)
    assert result.exit_code == 0, result.output
    published = {k.split("dt=")[1][:10] for k in store.keys(layout.DAILY_REPORTS) if k.endswith("manifest.json")}
    assert published == {str(d) for d in days}
    assert sum(r.rows_accepted for r in read_records(store)) == 5113
    _assert_every_row_accounted(store)
    metrics = pl.read_parquet(io.BytesIO(store.read(f"reports/daily/dt={days[-1]}/metrics.parquet")))
    last = corpus.filter(day == days[-1]).height
    assert int(metrics["inbound"].sum()) == last
    # the page warns about its own day's archive, not the neighbours its window reads
    warnings = json.loads(store.read(f"reports/daily/dt={days[-1]}/manifest.json"))["data_warnings"]
    assert [w for w in warnings if "no author" in w] == [
        f"archives/twitter/dt={days[-1]}/sanders.csv: {last} mention(s) have no author: counted in the response "
        "metrics, not in SPS"
    ]


def _cli(*args: str):
    from typer.testing import CliRunner

    from flows.cli.app import app

    return CliRunner().invoke(app, list(args))


def _assert_every_row_accounted(store) -> None:
    for folder in {k.rsplit("/", 1)[0] for k in store.keys(layout.DAILY_REPORTS) if k.endswith("manifest.json")}:
        for source in json.loads(store.read(f"{folder}/manifest.json"))["inputs"]:
            assert source["rows_read"] == (
                source["rows_accepted"] + source["duplicates_dropped"] + source["rows_quarantined"]
            ), source
