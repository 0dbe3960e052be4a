"""What a run's page says, pinned on hand-made values: its title, its wall time, its brand-day rows,
and which log lines it keeps (no Prefect run: tests/flow/test_run_page.py runs one)."""

from __future__ import annotations

import logging
from datetime import date

import polars as pl

from flows.cli.runtime import TaskChatterAtDebug
from flows.summary import run_title, wall_time
from tasks.store.brand_days import brand_day_rows


def test_a_run_is_titled_with_what_it_was_asked():
    assert run_title("nightly", {"day": date(2017, 12, 3), "storage": None}) == "nightly 2017-12-03"
    assert run_title("nightly", {"day": "2017-12-03"}) == "nightly 2017-12-03"  # a deployment's parameters: text
    backfill = {"start": date(2017, 10, 1), "end": date(2017, 12, 3), "force": False}
    assert run_title("backfill", backfill) == "backfill 2017-10-01…2017-12-03"
    assert run_title("replay-quarantine", {"day": None, "source": None}) == "replay-quarantine"
    assert run_title("replay-quarantine", {"day": date(2017, 12, 3), "source": None}) == "replay-quarantine 2017-12-03"


def test_wall_time_reads_as_people_say_it():
    assert wall_time(47.6) == "48 s"
    assert wall_time(185.2) == "3 min 05 s"  # 185 s = 3 × 60 + 5
    assert wall_time(3725) == "1 h 02 min"  # 3725 s = 3600 + 2 × 60 + 5


def test_brand_day_rows_are_the_pages_numbers():
    """Tesco as on 2017-10-31 (the hand check: 55 in, 36 answered, median 5435.5 s; SLA met by 20,
    made up here): 36/55 = 65.45 % → 65.5; 5435.5 s = 90.59 min → 90.6; 20/55 = 36.36 % → 36.4.
    SPS 12.6 → 13 (whole points, as the page); a brand too few authors judged shows none."""
    metrics = pl.DataFrame(
        {
            "brand": ["Tesco", "AmazonHelp"],
            "date": [date(2017, 10, 31)] * 2,
            "inbound": [55, 3],
            "responded": [36, 3],
            "response_rate": [36 / 55, 1.0],
            "frt_median_s": [5435.5, None],
            "sla_attainment": [20 / 55, 1.0],
        }
    )
    sps = pl.DataFrame(
        {"brand": ["AmazonHelp", "Tesco"], "authors": [3, 40], "sps": [-100.0, 12.6], "readable": [False, True]}
    )
    rows = brand_day_rows(metrics, sps).to_dicts()
    assert rows == [
        {
            "day": "2017-10-31",
            "brand": "AmazonHelp",
            "mentions": 3,
            "answered": 3,
            "response rate %": 100.0,
            "first response median (min)": None,
            "SLA attainment %": 100.0,
            "SPS": None,
            "SPS authors": 3,
        },
        {
            "day": "2017-10-31",
            "brand": "Tesco",
            "mentions": 55,
            "answered": 36,
            "response rate %": 65.5,
            "first response median (min)": 90.6,
            "SLA attainment %": 36.4,
            "SPS": 13.0,
            "SPS authors": 40,
        },
    ]


def _record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("prefect.task_runs", level, __file__, 1, message, None, None)


def test_a_finished_task_is_debug_and_a_failed_one_stays_an_error():
    chatter = TaskChatterAtDebug()
    logging.getLogger("prefect.task_runs").setLevel(logging.INFO)
    try:
        quiet = _record("Finished in state Completed()")
        assert chatter.filter(quiet) is False and quiet.levelname == "DEBUG"
        logging.getLogger("prefect.task_runs").setLevel(logging.DEBUG)  # PREFECT_LOGGING_LEVEL=DEBUG shows it
        assert chatter.filter(_record("Finished in state Completed()")) is True
    finally:
        logging.getLogger("prefect.task_runs").setLevel(logging.NOTSET)
    failed = _record("Finished in state Failed('Task run encountered an exception')", logging.ERROR)
    assert chatter.filter(failed) is True and failed.levelname == "ERROR"
    said = _record(
        "daily/2017-10-31: published (1550 mentions attributed to a brand, as the page counts them; 86 unattributed)"
    )
    assert chatter.filter(said) is True and said.levelname == "INFO"
