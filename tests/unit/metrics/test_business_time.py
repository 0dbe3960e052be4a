"""Brand calendars: local days across a DST change, business hours across a weekend and a holiday.

AcmeHelp works Mon–Fri 09:00–17:00 Europe/London; 2017-10-31 is a holiday.
British Summer Time ended on Sunday 2017-10-29 at 02:00 BST (01:00 UTC).

  m1 Fri 10-27 17:00Z (18:00 BST, closed) → Mon 10-30 09:30Z (09:30 GMT)
     calendar 64 h 30 min = 232,200 s; business: Mon 09:00–09:30 = 1,800 s
  m2 Sat 10-28 23:30Z = Sun 10-29 00:30 BST: local day 10-29 (UTC day 10-28)
     → answered Sun 10-29 23:30Z: calendar 86,400 s; business 0 s (Sunday closed)
  m3 Mon 10-30 16:00Z (16:00 GMT) → Wed 11-01 09:10Z, across the holiday
     business: Mon 16:00–17:00 + Wed 09:00–09:10 = 4,200 s; calendar 148,200 s
  m4 Sun 10-29 23:30Z (23:30 GMT, local 10-29), never answered
Local day 10-29 (25 hours long): m2 and m4 → 2 inbound, 1 answered.
"""

from __future__ import annotations

from datetime import date

import pytest

from tasks.metrics.period import MeasureRules, measure_period
from tasks.metrics.registry import load_registry
from tasks.model.periods import period_of
from tests.frames import at, frame, post

ACME = "AcmeHelp"
REGISTRY = """
[brands.AcmeHelp]
timezone = "Europe/London"
holidays = ["2017-10-31"]
after_hours_replies = "{rule}"
[brands.AcmeHelp.business_hours]
mon = "09:00-17:00"
tue = "09:00-17:00"
wed = "09:00-17:00"
thu = "09:00-17:00"
fri = "09:00-17:00"
"""


def _window():
    return frame(
        post("m1", "c1", "2017-10-27 17:00", "@AcmeHelp hi"),
        post("r1", ACME, "2017-10-30 09:30", "hello", brand_post=True, reply_to="m1"),
        post("m2", "c2", "2017-10-28 23:30", "@AcmeHelp hi"),
        post("r2", ACME, "2017-10-29 23:30", "hello", brand_post=True, reply_to="m2"),
        post("m3", "c3", "2017-10-30 16:00", "@AcmeHelp hi"),
        post("r3", ACME, "2017-11-01 09:10", "hello", brand_post=True, reply_to="m3"),
        post("m4", "c4", "2017-10-29 23:30", "@AcmeHelp hi"),
    )


def _day(tmp_path, day: date, rule: str = "clock") -> dict | None:
    path = tmp_path / "brands.toml"
    path.write_text(REGISTRY.format(rule=rule))
    rules = MeasureRules(load_registry(path), 72 * 3600, 3600, at("2017-11-10 00:00"))
    measure = measure_period(_window(), period_of("daily", day), rules)
    rows = measure.metrics.to_dicts()
    return rows[0] if rows else None


def test_a_weekend_answer_costs_thirty_business_minutes(tmp_path):
    row = _day(tmp_path, date(2017, 10, 27))
    assert (row["inbound"], row["frt_median_s"], row["frt_business_median_s"]) == (1, 232200, pytest.approx(1800))


def test_local_day_runs_25_hours_across_the_dst_change(tmp_path):
    row = _day(tmp_path, date(2017, 10, 29))
    assert (row["inbound"], row["responded"]) == (2, 1)
    assert (row["frt_median_s"], row["frt_business_median_s"]) == (86400, 0)
    assert _day(tmp_path, date(2017, 10, 28)) is None  # m2 left UTC day 10-28 for its local day


def test_a_holiday_is_closed_all_day(tmp_path):
    row = _day(tmp_path, date(2017, 10, 30))
    assert (row["frt_median_s"], row["frt_business_median_s"]) == (148200, pytest.approx(4200))


def test_the_exclude_rule_leaves_after_hours_replies_out_of_business_time(tmp_path):
    assert _day(tmp_path, date(2017, 10, 29), rule="exclude")["frt_business_median_s"] is None  # r2 sent Sunday
    assert _day(tmp_path, date(2017, 10, 27), rule="exclude")["frt_business_median_s"] == pytest.approx(1800)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('timezone = "Mars/Olympus"', "unknown time zone 'Mars/Olympus'"),
        ('after_hours_replies = "never"', "after_hours_replies must be one of"),
        ('[brands.X.business_hours]\nmon = "17:00-09:00"', "does not open before it closes"),
        ('[brands.X.business_hours]\nmonday = "09:00-17:00"', "unknown weekday(s) ['monday']"),
        ('[brands.X.business_hours]\nmon = "9 to 5"', "is not 'HH:MM-HH:MM'"),
    ],
)
def test_a_bad_calendar_is_refused_with_the_brand_and_the_rule(tmp_path, entry, message):
    path = tmp_path / "brands.toml"
    path.write_text(f"[brands.X]\n{entry}\n")
    with pytest.raises(ValueError, match="brands.toml: X: ") as error:
        load_registry(path)
    assert message in str(error.value)
