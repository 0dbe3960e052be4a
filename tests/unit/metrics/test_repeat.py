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

import random
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from tasks.metrics.period import MeasureRules, SummedDays, measure_from_days, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.metrics.repeat import REPEAT_WINDOW_S, repeat_contacts
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


def _pairwise_reference(mentions: pl.DataFrame, answered: pl.Expr) -> dict[str, tuple[int, int]]:
    """The definition read literally: every answer paired with every later mention of its author."""
    first = mentions.filter(answered & pl.col("author_id").is_not_null() & pl.col("brand").is_not_null())
    later = mentions.filter(pl.col("thread_root").is_not_null())
    pairs = first.join(later, on=["brand", "author_id"], suffix="_later").filter(
        (pl.col("created_at_later") > pl.col("first_response_at"))
        & (pl.col("created_at_later") <= pl.col("first_response_at") + pl.duration(seconds=REPEAT_WINDOW_S))
        & pl.col("thread_root_later").ne_missing(pl.col("thread_root"))
    )
    answered_by = first.group_by("brand").agg(pl.col("author_id").n_unique()).rows()
    repeated = dict(pairs.group_by("brand").agg(pl.col("author_id").n_unique()).rows())
    return {brand: (n, repeated.get(brand, 0)) for brand, n in answered_by}


def _random_mentions(seed: int, rows: int) -> pl.DataFrame:
    """Few brands, authors, threads and moments (hours), so ties, runs and mixed moments are common."""
    rng = random.Random(seed)
    start = datetime(2017, 10, 1, tzinfo=UTC)
    hours = [start + timedelta(hours=rng.randrange(24 * 20)) for _ in range(rows)]
    return pl.DataFrame(
        {
            "brand": [rng.choice(["A", "B", None]) for _ in range(rows)],
            "author_id": [rng.choice(["c1", "c2", "c3", None]) for _ in range(rows)],
            "created_at": hours,
            "thread_root": [rng.choice(["t1", "t2", "t3", None]) for _ in range(rows)],
            "first_response_at": [
                h + timedelta(hours=rng.randrange(1, 48)) if rng.random() < 0.8 else None for h in hours
            ],
            "answered": [rng.random() < 0.6 for _ in hours],  # an answer may lack its time: never a repeat
        }
    )


@pytest.mark.parametrize("seed", range(40))
def test_repeats_equal_the_definition_read_pair_by_pair(seed):
    mentions = _random_mentions(seed, rows=random.Random(seed).randrange(1, 120))
    answered = pl.col("answered")
    found = repeat_contacts(mentions.lazy(), answered)
    assert {b: (a, r) for b, a, r in found.select("brand", *COLUMNS[:2]).rows()} == _pairwise_reference(
        mentions, answered
    )


def test_a_moment_holding_the_answered_thread_and_another_is_a_repeat():
    """c1 answered at 10:00 in t1; at 11:00 writes twice at once, in t1 and t2 → a repeat. c2 answered in
    t1; writes in t1 at 11:00 and 12:00, in t2 eight days later → not a repeat (the run of t1 is skipped,
    the next thread is too late). c3 answered in t1; t1 at 11:00, t2 at 13:00 → a repeat. c4 answered in a thread
    whose chain back is cut (no root); writes at 11:00 in t1 and t2 at once, then nothing → a repeat."""
    t = datetime(2017, 10, 31, 10, tzinfo=UTC)
    rows = [
        ("c1", t - timedelta(hours=1), "t1", t),
        ("c1", t + timedelta(hours=1), "t1", None),
        ("c1", t + timedelta(hours=1), "t2", None),
        ("c2", t - timedelta(hours=1), "t1", t),
        ("c2", t + timedelta(hours=1), "t1", None),
        ("c2", t + timedelta(hours=2), "t1", None),
        ("c2", t + timedelta(days=8), "t2", None),
        ("c3", t - timedelta(hours=1), "t1", t),
        ("c3", t + timedelta(hours=1), "t1", None),
        ("c3", t + timedelta(hours=3), "t2", None),
        ("c4", t - timedelta(hours=1), None, t),
        ("c4", t + timedelta(hours=1), "t1", None),
        ("c4", t + timedelta(hours=1), "t2", None),
    ]
    mentions = pl.DataFrame(
        rows, schema=["author_id", "created_at", "thread_root", "first_response_at"], orient="row"
    ).with_columns(brand=pl.lit(ACME))
    found = repeat_contacts(mentions.lazy(), pl.col("first_response_at").is_not_null())
    assert found.select(COLUMNS).row(0) == (4, 3, pytest.approx(3 / 4))
