"""A day is written YYYY-MM-DD and nothing else; a week or a month is a period, accepted only where a
command takes one (`sps reports download/url --date`), where it means every day of it.

Python 3.11's `date.fromisoformat` reads `2017-W44` as Monday 2017-10-30 and `20171031` as a day:
a backfill `--end 2017-W45` stopped on a Monday."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tasks.model.periods import Period, parse_day, parse_period


@pytest.mark.parametrize(
    ("text", "day"),
    [("2017-10-31", date(2017, 10, 31)), ("2016-02-29", date(2016, 2, 29)), ("2017-01-01", date(2017, 1, 1))],
)
def test_a_day_is_read_as_written(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # ISO 2017-W44: Monday 30 Oct (1 Jan 2017 is a Sunday, so week 1 starts Mon 2 Jan; 2 Jan + 43×7 = 30 Oct)
        # to Sunday 5 Nov.
        ("2017-W44", "'2017-W44' is a week (2017-10-30 … 2017-11-05), not a day: give one as YYYY-MM-DD"),
        ("2017-W45", "'2017-W45' is a week (2017-11-06 … 2017-11-12), not a day: give one as YYYY-MM-DD"),
        ("2017-10", "'2017-10' is a month (2017-10-01 … 2017-10-31), not a day: give one as YYYY-MM-DD"),
        ("2016-02", "'2016-02' is a month (2016-02-01 … 2016-02-29), not a day: give one as YYYY-MM-DD"),
        # what fromisoformat reads and a reader would not write for a day
        ("20171031", "'20171031' is not a day: give one as YYYY-MM-DD (2017-10-31)"),
        ("2017-W44-2", "'2017-W44-2' is not a day: give one as YYYY-MM-DD (2017-10-31)"),
        ("2017W44", "'2017W44' is not a day: give one as YYYY-MM-DD (2017-10-31)"),
        (" 2017-10-31", "' 2017-10-31' is not a day: give one as YYYY-MM-DD (2017-10-31)"),
        ("2017-02-30", "'2017-02-30' is not a day: give one as YYYY-MM-DD (2017-10-31)"),
        ("yesterday", "'yesterday' is not a day: give one as YYYY-MM-DD (2017-10-31)"),
    ],
)
def test_anything_but_a_day_is_refused_in_one_sentence(text, message):
    with pytest.raises(ValueError) as refused:
        parse_day(text)
    assert str(refused.value) == message


def test_where_a_period_is_taken_a_week_means_the_whole_week():
    assert parse_period("2017-W45") == Period("weekly", date(2017, 11, 6), date(2017, 11, 12))  # Mon .. Sun
    with pytest.raises(ValueError, match="is not a day \\(2017-10-31\\), an ISO week"):
        parse_period("2017-W44-2")  # fromisoformat: Tuesday 31 Oct


@pytest.mark.parametrize(
    ("args", "option", "said"),
    [
        (["run", "--date", "2017-W44"], "--date", "'2017-W44' is a week (2017-10-30 … 2017-11-05)"),
        (["run", "--date", "20171031"], "--date", "'20171031' is not a day"),
        (["backfill", "--start", "2017-10-01", "--end", "2017-W45"], "--end", "'2017-W45' is a week"),
        (["backfill", "--start", "2017-10", "--end", "2017-10-31"], "--start", "'2017-10' is a month"),
        (["quarantine", "list", "--date", "2017-W44"], "--date", "'2017-W44' is a week"),
        (["score", "--start", "2017-W44", "--end", "2017-11-05"], "--start", "'2017-W44' is a week"),
    ],
)
def test_a_command_taking_a_day_refuses_a_week_or_month_with_exit_2(args, option, said, tmp_path):
    """Refused before anything runs: storage is never opened (the folder is not created)."""
    result = CliRunner().invoke(app, [*args, "--storage", str(tmp_path / "store")], terminal_width=200)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert f"Invalid value for {option}: {said}" in text
    assert "Traceback" not in result.output
    assert not (tmp_path / "store").exists()
