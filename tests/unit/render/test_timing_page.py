"""The page and the files of a day with follow-ups and a backlog (issue 30 items 2 and 3): the hand
counts of tests/unit/metrics/test_next_reply.py and tests/unit/metrics/test_backlog.py, as published."""

from __future__ import annotations

import io
import re
from datetime import date

import polars as pl

from tasks.metrics.period import MeasureRules, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tasks.render.columns import schema_of
from tasks.render.files import day_files
from tasks.render.headline import headline
from tests.frames import at
from tests.unit.metrics import test_backlog, test_next_reply

DAY = period_of("daily", date(2017, 10, 31))


def _files(posts: pl.DataFrame, horizon_s: float) -> dict[str, bytes]:
    measure = measure_period(posts, DAY, MeasureRules(BrandRegistry(), horizon_s, 3600, at("2017-11-10 00:00")))
    head = headline(measure.metrics, measure.sps, measure.facts, measure.trends, measure.period)
    return day_files(measure, "final", {"sources": [], "response_before_mention": []}, head, [])


def _cells(page: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body is not None
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1))]


def test_the_page_shows_the_backlog_peak_and_gaps_and_the_file_holds_every_hour():
    files = _files(test_backlog._posts(), test_backlog.HORIZON)
    table = pl.read_parquet(io.BytesIO(files["backlog.parquet"]))
    assert table.schema == pl.Schema(schema_of("backlog.parquet"))
    assert table.select(test_backlog.COLUMNS).rows() == test_backlog.HAND
    page = files["report.html"].decode()
    # peak 3 open in hour 23 UTC; one staffing-gap hour, that same hour
    assert _cells(page, "backlog") == [["AcmeHelp", "3", "2017-10-31 23:00", "1", "2017-10-31 23:00"]]
    assert 'aria-label="Mentions open by hour (UTC)"' in page


def test_the_page_shows_the_next_reply_beside_the_first_response():
    page = _files(test_next_reply._posts(), test_next_reply.HORIZON)["report.html"].decode()
    headers = re.findall(r"<th>(.*?)</th>", page.split('<table id="brands">')[1].split("</thead>")[0])
    (row,) = _cells(page, "brands")
    shown = dict(zip(headers, row, strict=True))
    # KM median 1,800 s = 30 min; 2 of 3 follow-ups answered within the 1 h target
    assert shown["Next reply after a follow-up (KM median)"] == "30.0 min"
    assert shown["Next reply within target"] == "66.7%"
    assert headers.index("Next reply after a follow-up (KM median)") == headers.index("Answered within 1 h (KM)") + 1
