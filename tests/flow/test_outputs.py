"""Files an analyst trusts: documented columns checked against real published files,
hostile text through the whole pipeline, and fetching reports from S3."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import date

import boto3
import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.pipeline import backfill
from tasks.model.schema import SCHEMA_VERSION
from tasks.render.columns import TABLES, schema_of
from tasks.store.backends import open_storage
from tests.synthetic import archive_days

pytestmark = pytest.mark.usefixtures("prefect_harness")
DAY = "reports/daily/dt=2017-10-31/"


@pytest.mark.parametrize(
    "table", ["metrics.parquet", "sps.parquet", "themes.parquet", "mentions.parquet", "agents.parquet"]
)
def test_parquet_columns_types_and_version_match_the_documentation(published_sample, table):
    data = published_sample.read(DAY + table)
    assert pl.read_parquet(io.BytesIO(data)).schema == pl.Schema(schema_of(table))
    metadata = pq.read_metadata(io.BytesIO(data)).metadata
    assert metadata[b"sps.schema_version"] == SCHEMA_VERSION.encode()
    assert metadata[b"sps.date"] == b"2017-10-31"


def test_csv_header_matches_the_documentation_and_dates_are_iso(published_sample):
    text = published_sample.read(DAY + "metrics.csv").decode("utf-8")
    header, first = text.splitlines()[:2]
    assert header.split(",") == [c.name for c in TABLES["metrics.csv"]]
    assert ",2017-10-31," in first


def test_every_documented_column_has_unit_or_definition():
    for columns in TABLES.values():
        for column in columns:
            assert column.definition, column.name


def test_summary_json_agrees_with_the_metrics(published_sample):
    summary = json.loads(published_sample.read(DAY + "summary.json"))
    metrics = pl.read_parquet(io.BytesIO(published_sample.read(DAY + "metrics.parquet")))
    tesco = next(b for b in summary["brands"] if b["brand"] == "Tesco")
    assert (tesco["inbound"], tesco["responded"]) == (55, 36)
    assert summary["inbound"] == 1636 and len(summary["brands"]) == metrics.height


def test_index_links_every_published_day(published_sample):
    index = published_sample.read("reports/index.html").decode()
    # a day: one link (its calendar cell), the newest day one more (Latest); its 15 files are linked
    # from its page. A week or a month: its row (its name, 14 files (agents.parquet and backlog.parquet
    # the newest) and the manifest), the newest one more (Latest); a week also from its calendar line
    # (the 9 weeks W40…W48 all hold days). 49 days: the sample's 55 days with posts less 6 without an
    # attributed mention (tests/flow/test_flows.py)
    assert index.count('href="daily/dt=') == 49 + 1
    assert index.count('href="monthly/month=') == 16 * 3 + 1 and index.count('href="weekly/week=') == 16 * 9 + 9 + 1
    assert 'href="daily/dt=2017-10-31/report.html"' in index
    page = published_sample.read(DAY + "report.html").decode()
    assert page.count('href="sps.csv"') == 1 and page.count('href="mentions.parquet"') == 1


def test_hostile_text_never_runs_and_personal_data_never_shows(tmp_path):
    store = open_storage(str(tmp_path))
    hostile_brand = '=HYPERLINK("http://evil.example","click")'
    text = (
        '<script>alert(1)</script> my account was hacked =HYPERLINK("http://x") '
        "mail jane.doe@example.com or +1 415 555 0100"
    )
    rows = [
        {
            "mention_id": "m1",
            "author_id": "c1",
            "is_brand_author": False,
            "created_at": "2017-11-01T10:00:00Z",
            "text": text,
            "brand": hostile_brand,
        },
        {
            "mention_id": "m2",
            "author_id": "c2",
            "is_brand_author": False,
            "created_at": "2017-11-01T11:00:00Z",
            "text": "@<b>AcmeHelp</b> hi",
            "brand": "<img src=x onerror=alert(1)>",
        },
    ]
    store.write("archives/twitter/dt=2017-11-01/a.jsonl", "\n".join(json.dumps(r) for r in rows).encode())
    backfill(date(2017, 11, 1), date(2017, 11, 1), storage=str(tmp_path))
    folder = "reports/daily/dt=2017-11-01/"
    page = store.read(folder + "report.html").decode()
    csv = store.read(folder + "metrics.csv").decode()
    everything = "".join(
        store.read(folder + n).decode("utf-8", "replace")
        for n in ("report.html", "metrics.csv", "summary.json", "validation.json")
    )

    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as text
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)" in page
    # Defused and quoted: a spreadsheet shows the text '=HYPERLINK(...)', it never runs it.
    assert '\n"\'=HYPERLINK(""http://evil.example"",""click"")",2017-11-01,' in csv
    # Personal data is masked everywhere; the one post shown (urgent, unanswered) is escaped text.
    assert "jane.doe@example.com" not in everything and "555 0100" not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt; my account was hacked" in page
    assert "mail [email] or [phone]" in page
    urgent = json.loads(store.read(folder + "summary.json"))["urgent_unanswered"]
    assert [(u["mention_id"], u["age_h"]) for u in urgent] == [("m1", 14.0)]  # to the end of 11-01
    assert urgent[0]["text"].endswith("mail [email] or [phone]")
    assert "hacked" not in csv
    # the per-mention table holds the post as the page shows it: masked, never the address or number
    mentions = pl.read_parquet(io.BytesIO(store.read(folder + "mentions.parquet")))
    texts = dict(mentions.select("mention_id", "text").rows())
    assert texts["m1"].endswith("mail [email] or [phone]") and texts["m2"] == "@<b>AcmeHelp</b> hi"


def _s3_published(s3_bucket) -> str:
    url = f"s3://{s3_bucket}/sps"
    store = open_storage(url)
    for key, data in archive_days(date(2017, 11, 1), 2).items():
        store.write(key, data)
    backfill(date(2017, 11, 1), date(2017, 11, 2), storage=url)
    return url


def test_download_latest_verifies_checksums_and_fails_loudly_on_corruption(s3_bucket, s3_endpoint, tmp_path):
    url = _s3_published(s3_bucket)
    runner = CliRunner()
    listed = runner.invoke(app, ["reports", "list", "--storage", url])
    assert listed.exit_code == 0 and "2017-11-02" in listed.output

    ok = runner.invoke(
        app, ["reports", "download", "--latest", "--format", "all", "--to", str(tmp_path / "ok"), "--storage", url]
    )
    assert ok.exit_code == 0, ok.output
    got = sorted(p.name for p in (tmp_path / "ok").iterdir())
    assert got == [
        "agents.parquet",
        "alerts.json",
        "backlog.parquet",
        "categories.parquet",
        "data_docs",  # the page's Data Docs copy: data_docs/<archive>.html
        "hours.parquet",
        "manifest.json",
        "mentions.parquet",
        "metrics.csv",
        "metrics.parquet",
        "platforms.parquet",
        "report.html",
        "sps.csv",
        "sps.parquet",
        "summary.json",
        "themes.parquet",
        "validation.json",
    ]
    # 2017-11-02's window reads the archives collected 11-01 and 11-02: their two Data Docs pages
    docs = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "ok" / "data_docs").glob("*.html"))
    assert docs == ["twitter_dt_2017-11-01_feed.jsonl", "twitter_dt_2017-11-02_feed.jsonl"]

    brand = runner.invoke(
        app,
        [
            "reports",
            "download",
            "--date",
            "2017-11-01",
            "--format",
            "csv",
            "--brand",
            "AcmeHelp",
            "--to",
            str(tmp_path / "brand"),
            "--storage",
            url,
        ],
    )
    assert brand.exit_code == 0
    assert set(pl.read_csv(tmp_path / "brand" / "metrics.csv")["brand"]) == {"AcmeHelp"}
    # the per-mention table is cut too: exactly the published rows of that brand, in their order
    cut = runner.invoke(
        app,
        ["reports", "download", "--date", "2017-11-01", "--format", "parquet", "--brand", "AcmeHelp"]
        + ["--to", str(tmp_path / "cut"), "--storage", url],
    )
    assert cut.exit_code == 0, cut.output
    mentions = pl.read_parquet(
        io.BytesIO(
            boto3.client("s3", endpoint_url=s3_endpoint)
            .get_object(Bucket=s3_bucket, Key="sps/reports/daily/dt=2017-11-01/mentions.parquet")["Body"]
            .read()
        )
    )
    assert mentions.height == 12  # the synthetic day: 12 mentions, all AcmeHelp's
    assert pl.read_parquet(tmp_path / "cut" / "mentions.parquet").equals(mentions.filter(pl.col("brand") == "AcmeHelp"))
    assert set(pl.read_parquet(tmp_path / "cut" / "agents.parquet")["brand"]) == {"AcmeHelp"}
    # a week has no per-mention table: its Parquet download is the other tables
    week = runner.invoke(
        app,
        ["reports", "download", "--date", "2017-W44", "--format", "parquet", "--to", str(tmp_path / "week")]
        + ["--storage", url],
    )
    assert week.exit_code == 0, week.output
    assert sorted(p.name for p in (tmp_path / "week").iterdir()) == [
        "agents.parquet",
        "backlog.parquet",
        "hours.parquet",
        "metrics.parquet",
        "platforms.parquet",
        "sps.parquet",
    ]
    day_brands = pl.read_parquet(
        io.BytesIO(
            boto3.client("s3", endpoint_url=s3_endpoint)
            .get_object(Bucket=s3_bucket, Key="sps/reports/daily/dt=2017-11-01/metrics.parquet")["Body"]
            .read()
        )
    )["brand"].n_unique()
    for typed, hint in (
        ("acmehelp", "did you mean AcmeHelp?"),
        ("AcmeHelpp", "did you mean AcmeHelp?"),
        ("Zzz", f"({day_brands} brands in it)"),
    ):
        unknown = runner.invoke(
            app,
            [
                "reports",
                "download",
                "--date",
                "2017-11-01",
                "--format",
                "csv",
                "--brand",
                typed,
                "--to",
                str(tmp_path / typed),
                "--storage",
                url,
            ],
        )
        assert unknown.exit_code == 2
        assert f"no brand '{typed}' in this report" in unknown.output and hint in unknown.output
        assert not (tmp_path / typed).exists()

    # 2017-11-01 and 02 fall in ISO week 44 of 2017 and in November: both can be fetched by name
    for spec, folder in (("2017-W44", "weekly/week=2017-W44"), ("2017-11", "monthly/month=2017-11")):
        period = runner.invoke(
            app,
            ["reports", "download", "--date", spec, "--format", "csv", "--to", str(tmp_path / spec), "--storage", url],
        )
        assert period.exit_code == 0, period.output
        with (tmp_path / spec / "metrics.csv").open("rb") as got_csv:
            expected = (
                boto3.client("s3", endpoint_url=s3_endpoint)
                .get_object(Bucket=s3_bucket, Key=f"sps/reports/{folder}/metrics.csv")["Body"]
                .read()
            )
            assert got_csv.read() == expected

    boto3.client("s3", endpoint_url=s3_endpoint).put_object(
        Bucket=s3_bucket, Key="sps/reports/daily/dt=2017-11-02/metrics.csv", Body=b"brand,inbound\nAcmeHelp,9999\n"
    )
    bad = runner.invoke(
        app, ["reports", "download", "--latest", "--format", "all", "--to", str(tmp_path / "bad"), "--storage", url]
    )
    assert bad.exit_code == 2
    assert "reports/daily/dt=2017-11-02/metrics.csv: sha256" in " ".join(bad.output.split())


def test_presigned_links_expire_and_fetch_the_file(s3_bucket, tmp_path):
    url = _s3_published(s3_bucket)
    result = CliRunner().invoke(
        app, ["reports", "url", "--latest", "--format", "csv", "--expires", "600", "--storage", url]
    )
    assert result.exit_code == 0, result.output
    links = dict(line.split("\t") for line in result.stdout.strip().splitlines())
    assert sorted(links) == ["metrics.csv", "sps.csv"]
    link = links["metrics.csv"]
    assert "X-Amz-Expires=600" in link
    assert link.startswith("http://127.0.0.1:")  # moto on loopback here; https on AWS
    with urllib.request.urlopen(link) as response:  # no credentials needed
        assert response.read() == open_storage(url).read("reports/daily/dt=2017-11-02/metrics.csv")
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # opens, not downloads
    local = CliRunner().invoke(app, ["reports", "url", "--latest", "--storage", str(tmp_path)])
    assert local.exit_code == 2  # bad usage: links need S3


def test_download_of_a_missing_day_says_so(tmp_path):
    result = CliRunner().invoke(
        app, ["reports", "download", "--date", "2017-01-01", "--to", str(tmp_path / "x"), "--storage", str(tmp_path)]
    )
    assert result.exit_code == 4 and "no complete daily report for 2017-01-01" in result.output  # no data


def test_schema_command_prints_every_documented_column():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    for table, columns in TABLES.items():
        assert f"### {table}" in result.output
        for column in columns:
            assert f"| {column.name} | {column.dtype} |" in result.output


def test_themes_are_published_masked_and_escaped(tmp_path):
    """Two "other" mentions to one brand (no category's words) sharing "boorito" and "costume":
    every mention is the brand's "other", so both words are as rare (ln 2) in 2 mentions each and
    "boorito" seeds the one theme by name. Its examples are masked in themes.parquet and escaped
    on the page."""
    store = open_storage(str(tmp_path))
    texts = ["<script>alert(1)</script> boorito costume? mail jane.doe@example.com", "<b>boorito</b> costume party"]
    rows = [
        {
            "mention_id": f"m{i}",
            "author_id": f"c{i}",
            "is_brand_author": False,
            "created_at": f"2017-11-01T1{i}:00:00Z",
            "text": text,
            "brand": "AcmeHelp",
        }
        for i, text in enumerate(texts)
    ]
    store.write("archives/twitter/dt=2017-11-01/a.jsonl", "\n".join(json.dumps(r) for r in rows).encode())
    backfill(date(2017, 11, 1), date(2017, 11, 1), storage=str(tmp_path))
    folder = "reports/daily/dt=2017-11-01/"
    themes = pl.read_parquet(io.BytesIO(store.read(folder + "themes.parquet")))
    assert themes.select("brand", "theme", "mentions", "terms").to_dicts() == [
        {"brand": "AcmeHelp", "theme": 1, "mentions": 2, "terms": ["boorito", "costume"]}
    ]
    assert themes["examples"].to_list() == [["<script>alert(1)</script> boorito costume? mail [email]", texts[1]]]
    page = store.read(folder + "report.html").decode()
    assert "<script>" not in page and "<b>boorito" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; boorito costume? mail [email]" in page
    assert "&lt;b&gt;boorito&lt;/b&gt; costume party" in page
