"""The data contract through the flows: batch checks, failed-day markers, replay after a fix."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.pipeline import PipelineFailed, backfill
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.ledger import read_records

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _rows(day: str, n: int, start: int = 0, **extra) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        rows.append(
            {
                "mention_id": f"{day}-{i}",
                "author_id": f"c{i}",
                "is_brand_author": False,
                "created_at": f"{day}T10:{i % 60:02d}:00Z",
                "text": "@AcmeHelp where is my parcel",
                "brand": "AcmeHelp",
            }
            | extra
        )
        rows.append(
            {
                "mention_id": f"{day}-r{i}",
                "author_id": "AcmeHelp",
                "is_brand_author": True,
                "created_at": f"{day}T11:{i % 60:02d}:00Z",
                "text": "@c sorry, DM us",
                "in_reply_to_id": f"{day}-{i}",
            }
        )
    return rows


def _put(store, day: str, rows: list[dict], name: str = "feed.jsonl") -> str:
    key = f"archives/twitter/dt={day}/{name}"
    store.write(key, "\n".join(json.dumps(r) for r in rows).encode())
    return key


def _metrics(store, day: str) -> dict:
    frame = pl.read_parquet(io.BytesIO(store.read(f"reports/daily/dt={day}/metrics.parquet")))
    return frame.row(0, named=True)


def test_a_collapsed_delivery_fails_its_day_and_only_its_day(tmp_path):
    """200 rows a day for four days, then 10: expected 200 (the trailing week's mean, no
    same weekday yet, one of the four left out as the busiest), fewer than a tenth delivered,
    and P(X <= 10) under the negative binomial far below 1e-6: mean 200, the day's spread
    (0.15 · 200)² = 900, and the uncertainty of a 3-night mean: (200 + 900) · 4/3 - 200
    (size 200² / that)."""
    from scipy import stats

    store = open_storage(str(tmp_path))
    for day in ("2017-11-01", "2017-11-02", "2017-11-03", "2017-11-04"):
        _put(store, day, _rows(day, 100))  # 200 rows a day
    _put(store, "2017-11-05", _rows("2017-11-05", 5))  # 10 rows

    with pytest.raises(PipelineFailed) as failure:
        backfill(date(2017, 11, 1), date(2017, 11, 5), storage=str(tmp_path))
    size = 200**2 / ((200 + 900) * 4 / 3 - 200)
    p = stats.nbinom.cdf(10, size, size / (size + 200))
    assert p < 1e-6
    assert str(failure.value) == (
        "3 report(s) not published:\n2017-11-05: delivery twitter dt=2017-11-05 "
        f"(archives/twitter/dt=2017-11-05/feed.jsonl): row_count_not_collapsing (collapse_p={p:.3g}, 10 rows where "
        f"200.0 were expected), row_count_plausible (volume_p={p:.3g}, 10 rows where 200.0 were expected)\n"
        "monthly/2017-11: holds day(s) not published: 2017-11-05\n"
        "weekly/2017-W44: holds day(s) not published: 2017-11-05"
    )
    for day in ("2017-11-01", "2017-11-02", "2017-11-03", "2017-11-04"):
        assert store.exists(f"reports/daily/dt={day}/manifest.json")
    assert not store.exists("reports/daily/dt=2017-11-05/manifest.json")
    marker = json.loads(store.read(layout.failed_marker(date(2017, 11, 5))))
    assert "row_count_not_collapsing" in marker["reasons"][0]
    verdict = json.loads(store.read(layout.delivery_record("twitter", "2017-11-05")))
    assert verdict["facts"]["expected_rows"] == 200 and verdict["failed"] is True

    # The full delivery arrives late (a new object): the day publishes and the marker goes.
    _put(store, "2017-11-05", _rows("2017-11-05", 95, start=5), name="feed-rest.jsonl")
    summary = backfill(date(2017, 11, 5), date(2017, 11, 5), storage=str(tmp_path))
    assert summary["published"] == ["2017-11-05"]
    assert not store.exists(layout.failed_marker(date(2017, 11, 5)))
    assert _metrics(store, "2017-11-05")["inbound"] == 100


def test_a_small_feeds_quiet_day_publishes_with_a_data_warning(tmp_path):
    """40 rows a day, then 10: expected 40 is under collapse_min_expected (100), so no
    rejection; P(X <= 10) under the model is tiny, so the day carries a warning."""
    store = open_storage(str(tmp_path))
    for day in ("2017-11-01", "2017-11-02", "2017-11-03", "2017-11-04"):
        _put(store, day, _rows(day, 20))
    _put(store, "2017-11-05", _rows("2017-11-05", 5))
    summary = backfill(date(2017, 11, 1), date(2017, 11, 5), storage=str(tmp_path))
    assert summary["published"][-1] == "2017-11-05"
    verdict = json.loads(store.read(layout.delivery_record("twitter", "2017-11-05")))
    assert (verdict["failed"], verdict["broken"]) == (False, {"row_count_plausible": "warn"})
    validation = json.loads(store.read("reports/daily/dt=2017-11-05/validation.json"))
    assert {d["collected"]: d["broken"] for d in validation["deliveries"]}["2017-11-05"] == {
        "row_count_plausible": "warn"
    }
    manifest = json.loads(store.read("reports/daily/dt=2017-11-05/manifest.json"))
    assert manifest["data_warnings"] == [
        "twitter 2017-11-05: 10 posts arrived where about 40 were expected; some may be missing"
    ]
    assert "data warning" in store.read("reports/daily/dt=2017-11-05/report.html").decode()
    assert "data warning" in store.read(layout.REPORTS_INDEX).decode()
    assert json.loads(store.read("reports/daily/dt=2017-11-04/manifest.json"))["data_warnings"] == []


def test_replay_after_a_policy_fix_recovers_quarantined_rows(tmp_path, monkeypatch):
    store = open_storage(str(tmp_path / "store"))
    long_post = {"text": "@AcmeHelp " + "so long " * 140}  # 1,130 characters: over Twitter's 1,120
    rows = _rows("2017-11-01", 30) + _rows("2017-11-01", 1, start=30, **long_post)[:1]
    _put(store, "2017-11-01", rows)
    backfill(date(2017, 11, 1), date(2017, 11, 1), storage=store.url)
    assert _metrics(store, "2017-11-01")["inbound"] == 30

    validation = json.loads(store.read("reports/daily/dt=2017-11-01/validation.json"))
    (source,) = validation["sources"]
    assert source["quarantined_by_rule"] == {"text_length_within_limit": 1}
    assert source["examples"] == [
        {"source_row": 61, "rule": "text_length_within_limit", "value": "«masked: 1130 characters»"}
    ]
    assert {r["rule"] for r in validation["rules"]} >= {
        "file_parses",
        "text_length_within_limit",
        "row_count_not_collapsing",
    }

    monkeypatch.setenv("COLUMNS", "250")  # rich wraps tables at the terminal width
    runner = CliRunner()
    listed = runner.invoke(app, ["quarantine", "list", "--storage", store.url])
    assert listed.exit_code == 0 and "text_length_within_limit (1)" in listed.output

    policy = json.loads((Path(__file__).parents[2] / "expectations" / "policy.json").read_text())
    policy["parameters"]["max_text_chars"]["twitter"] = 2000
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    monkeypatch.setenv("SPS_POLICY_FILE", str(tmp_path / "policy.json"))
    replayed = runner.invoke(app, ["quarantine", "replay", "--storage", store.url])
    assert replayed.exit_code == 0, replayed.output

    assert _metrics(store, "2017-11-01")["inbound"] == 31
    assert store.keys("quarantine/") == []
    assert "nothing in quarantine" in runner.invoke(app, ["quarantine", "list", "--storage", store.url]).output


def test_a_reply_stamped_before_its_mention_is_reported_and_not_counted(tmp_path):
    store = open_storage(str(tmp_path))
    rows = [
        {
            "mention_id": "m1",
            "author_id": "c1",
            "is_brand_author": False,
            "created_at": "2017-11-01T10:00:00Z",
            "text": "@AcmeHelp help",
            "brand": "AcmeHelp",
        },
        {
            "mention_id": "r1",
            "author_id": "AcmeHelp",
            "is_brand_author": True,
            "created_at": "2017-11-01T09:00:00Z",
            "text": "@c1 hi",
            "in_reply_to_id": "m1",
        },
    ]
    _put(store, "2017-11-01", rows)
    backfill(date(2017, 11, 1), date(2017, 11, 1), storage=str(tmp_path))
    assert _metrics(store, "2017-11-01")["responded"] == 0
    validation = json.loads(store.read("reports/daily/dt=2017-11-01/validation.json"))
    assert validation["response_before_mention"] == [
        {"platform": "twitter", "mention_id": "m1", "response_id": "r1", "rule": "response_before_mention"}
    ]


def test_a_nightly_without_data_says_so_and_a_missing_root_is_not_an_empty_feed(tmp_path):
    store = open_storage(str(tmp_path / "store"))
    _put(store, "2017-11-01", _rows("2017-11-01", 3))
    runner = CliRunner()
    quiet = runner.invoke(app, ["run", "--date", "2017-11-02", "--storage", store.url])
    assert quiet.exit_code == 4
    assert "no data for 2017-11-02" in quiet.output and "--allow-empty" in " ".join(quiet.output.split())
    allowed = runner.invoke(app, ["run", "--date", "2017-11-02", "--allow-empty", "--storage", store.url])
    assert allowed.exit_code == 0, allowed.output
    missing = runner.invoke(app, ["run", "--date", "2017-11-02", "--storage", str(tmp_path / "typo")])
    assert missing.exit_code == 3
    assert f"storage {tmp_path / 'typo'} does not exist" in " ".join(missing.output.split())
    assert not (tmp_path / "typo").exists()


def test_removing_a_bad_archive_clears_its_failed_day(tmp_path):
    store = open_storage(str(tmp_path))
    _put(store, "2017-11-01", _rows("2017-11-01", 3))
    bad = "archives/twitter/dt=2017-11-02/broken.jsonl.gz"
    store.write(bad, b"not gzip")
    with pytest.raises(PipelineFailed, match="broken.jsonl.gz: file_decompresses"):
        backfill(date(2017, 11, 1), date(2017, 11, 2), storage=store.url)
    assert store.exists(layout.failed_marker(date(2017, 11, 2)))
    assert "Days not published" in store.read(layout.REPORTS_INDEX).decode()

    store.delete(bad)  # the feed owner removes it
    summary = backfill(date(2017, 11, 1), date(2017, 11, 2), storage=store.url)
    assert summary["failed"] == {}
    assert not store.exists(layout.failed_marker(date(2017, 11, 2)))
    assert "Days not published" not in store.read(layout.REPORTS_INDEX).decode()
    assert not any(r.key == bad for r in read_records(store))
