"""Repeat contact, hand-computed on AcmeHelp's customers answered on 2017-10-31 (horizon 72 h).

Each customer's first mention is posted at 10:00, a new thread, and answered at 10:10:
  c1 writes on in the answered thread 10-31 12:00                      → not a repeat
  c2 writes a new post 11-02 10:00                                      → repeat
  c3 writes a new post 11-07 10:11, 7 days and a minute after the answer → not a repeat
  c4 writes a new post 11-07 10:10, 7 days exactly after the answer      → repeat (the edge counts)
  c5 is never answered, writes again 11-01                               → not counted at all
  c6 wrote another thread at 10:05, before being answered                → not a repeat
  c7 writes 11-02 in reply to a post not read (thread unknown)           → not a repeat
Answered authors 6 (c1–c4, c6, c7), repeat authors 2 (c2, c4): rate 1/3.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tasks.metrics.period import MeasureRules, SummedDays, measure_from_days, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tests.frames import at, frame, post

ACME = "AcmeHelp"
DAY = period_of("daily", date(2017, 10, 31))
RULES = MeasureRules(BrandRegistry(), 72 * 3600, 3600, at("2017-11-30 00:00"))
COLUMNS = ["answered_authors", "repeat_authors", "repeat_contact_rate"]


def _posts() -> pl.DataFrame:
    first = []
    for n in (1, 2, 3, 4, 6, 7):
        first.append(post(f"m{n}", f"c{n}", "2017-10-31 10:00", "@AcmeHelp help", brand=ACME))
        first.append(post(f"r{n}", ACME, "2017-10-31 10:10", "on it", brand_post=True, reply_to=f"m{n}"))
    return frame(
        *first,
        post("m5", "c5", "2017-10-31 10:00", "@AcmeHelp help", brand=ACME),
        post("a1", "c1", "2017-10-31 12:00", "still broken", reply_to="r1", brand=ACME),
        post("a2", "c2", "2017-11-02 10:00", "@AcmeHelp again", brand=ACME),
        post("a3", "c3", "2017-11-07 10:11", "@AcmeHelp again", brand=ACME),
        post("a4", "c4", "2017-11-07 10:10", "@AcmeHelp again", brand=ACME),
        post("a5", "c5", "2017-11-01 10:00", "@AcmeHelp again", brand=ACME),
        post("a6", "c6", "2017-10-31 10:05", "@AcmeHelp other thing", brand=ACME),
        post("a7", "c7", "2017-11-02 10:00", "@AcmeHelp this", reply_to="gone", brand=ACME),
    )


def test_repeat_contact_counts_new_threads_within_seven_days_of_the_answer():
    metrics = measure_period(_posts(), DAY, RULES).metrics
    assert metrics.filter(pl.col("brand") == ACME).select(COLUMNS).row(0) == (6, 2, pytest.approx(1 / 3))


def test_a_day_without_answers_has_no_repeat_rate():
    posts = frame(post("m5", "c5", "2017-10-31 10:00", "@AcmeHelp help", brand=ACME))
    assert measure_period(posts, DAY, RULES).metrics.select(COLUMNS).row(0) == (0, 0, None)


def test_a_week_summed_from_its_days_counts_the_same_repeats():
    """Each day measured from the whole frame, then the week summed: repeats after a day are read
    from the later days' facts. W44 (10-30 .. 11-05): c2's new post on 11-02 is a repeat as on the
    day; c4's on 11-07 is read from the day past the week."""
    posts = _posts()
    days = sorted({d for d in posts["created_at"].dt.date().to_list()})
    held = {}
    for day in days:
        measure = measure_period(posts, period_of("daily", day), RULES)
        assert measure.source is not None
        held[day] = measure.source.for_summing()
    week = period_of("weekly", date(2017, 10, 30))
    summed = measure_from_days(SummedDays.held(held.items()), week, RULES)
    # the week's answered: the six of 10-31 (a2 … a7 are unanswered); same repeats as the day's
    assert summed.metrics.select(COLUMNS).row(0) == (6, 2, pytest.approx(1 / 3))
    assert measure_period(posts, week, RULES).metrics.select(COLUMNS).row(0) == (6, 2, pytest.approx(1 / 3))
