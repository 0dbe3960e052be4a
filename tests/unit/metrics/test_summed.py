"""A week summed from its days' stored facts says what a measure of its whole window says.

Each day below is measured from its own window only (3 days before it through
the 72 h horizon + 1 day after), as a run measures it; the week is then summed
from those days' `MentionFacts` (tasks/metrics/period.py) and compared with
hand-computed figures and with `measure_period` on the week's whole window.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from tasks.metrics.period import MeasureRules, MentionFacts, SummedDays, measure_from_days, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tasks.model.windows import summed_days, window_for
from tests.frames import at, frame, post

ACME = "AcmeHelp"
HORIZON = timedelta(hours=72)
WEEK = period_of("weekly", date(2017, 10, 30))  # 2017-W44: Mon 10-30 .. Sun 11-05
RULES = MeasureRules(BrandRegistry(), HORIZON.total_seconds(), 3600, at("2017-11-20 00:00"))


def _day_facts(posts: pl.DataFrame, day: date) -> MentionFacts:
    """The day measured as a run measures it: from its own window of the warehouse."""
    start, end = window_for(period_of("daily", day), HORIZON)
    window = posts.filter(pl.col("created_at").dt.date().is_between(start, end))
    measure = measure_period(window, period_of("daily", day), RULES)
    assert measure.source is not None
    return measure.source.for_summing()


def _summed(posts: pl.DataFrame, days: list[date]):
    return measure_from_days(SummedDays.held((d, _day_facts(posts, d)) for d in days), WEEK, RULES)


def test_a_week_is_summed_from_days_not_read_again():
    """summed_days: the week's 7 days, then through the window's end: 72 h → 3 days + 1 → 11-09."""
    days = summed_days(WEEK, HORIZON)
    assert (days[0], days[-1], len(days)) == (date(2017, 10, 30), date(2017, 11, 9), 11)


def test_a_thread_running_across_days_is_one_conversation_of_the_week():
    """c1 writes Mon 10:00, answered 10:05; c1 replies to that answer Sun 09:00, answered 09:30.

    Sunday's own window (11-02 .. 11-09) does not hold Monday's posts: alone, Sunday sees a thread
    opened on Sunday. Put together, the days' thread posts rebuild one thread opened Monday:
    1 conversation, answered, 2 brand replies, 1 follow-up, last word 6 days − 30 min = 516,600 s.
    """
    posts = frame(
        post("m1", "c1", "2017-10-30 10:00", "@AcmeHelp my parcel is late", brand=ACME),
        post("r1", ACME, "2017-10-30 10:05", "sorry, DM us", brand_post=True, reply_to="m1"),
        post("m2", "c1", "2017-11-05 09:00", "@AcmeHelp still nothing", brand=ACME, reply_to="r1"),
        post("r2", ACME, "2017-11-05 09:30", "on its way", brand_post=True, reply_to="m2"),
    )
    sunday = measure_period(
        posts.filter(pl.col("created_at") >= at("2017-11-02 00:00")), period_of("daily", date(2017, 11, 5)), RULES
    )
    assert sunday.metrics.select("conversations", "follow_ups_per_conversation").row(0) == (1, 0.0)
    expected = (1, 1, pytest.approx(2.0), pytest.approx(1.0), pytest.approx(516_600.0), 0)
    columns = (
        "conversations",
        "conversations_answered",
        "replies_per_conversation",
        "follow_ups_per_conversation",
        "last_word_median_s",
        "broadcasts",
    )
    week = _summed(posts, [date(2017, 10, 30), date(2017, 11, 5)])
    assert week.metrics.select(columns).row(0) == expected
    assert measure_period(posts, WEEK, RULES).metrics.select(columns).row(0) == expected
    assert week.metrics.select("inbound", "responded").row(0) == (2, 2)


def test_a_sum_reads_every_days_thread_posts_before_any_days_mentions():
    """Two passes, for memory: the week's days' thread posts are rebuilt into its conversations
    before any day's mentions are read, and the mentions' pass reads no posts. The figures are those
    of the days' facts held whole: 1 conversation (Monday's thread, answered again Sunday), 2 inbound."""
    from dataclasses import replace

    posts = frame(
        post("m1", "c1", "2017-10-30 10:00", "@AcmeHelp my parcel is late", brand=ACME),
        post("r1", ACME, "2017-10-30 10:05", "sorry, DM us", brand_post=True, reply_to="m1"),
        post("m2", "c1", "2017-11-05 09:00", "@AcmeHelp still nothing", brand=ACME, reply_to="r1"),
        post("r2", ACME, "2017-11-05 09:30", "on its way", brand_post=True, reply_to="m2"),
    )
    days = [date(2017, 10, 30), date(2017, 11, 5)]
    facts = {d: _day_facts(posts, d) for d in days}
    calls: list[tuple[str, date]] = []

    def posts_of(day: date) -> pl.DataFrame:
        calls.append(("posts", day))
        return facts[day].thread_posts

    def mentions_of(day: date) -> MentionFacts:
        calls.append(("mentions", day))
        return replace(facts[day], thread_posts=pl.DataFrame())

    summed = measure_from_days(SummedDays(days, posts_of, mentions_of), WEEK, RULES)
    assert calls == [("posts", days[0]), ("posts", days[1]), ("mentions", days[0]), ("mentions", days[1])]
    assert summed.metrics.select("conversations", "conversations_answered", "inbound").row(0) == (1, 1, 2)
    assert summed.metrics.equals(measure_from_days(SummedDays.held(facts.items()), WEEK, RULES).metrics)


def test_a_post_two_days_hold_is_counted_once_whatever_lies_between():
    """Thread A: c1 writes Mon 08:00 (answered 08:10) and replies Thu 08:00 (answered 08:30); thread
    B: c9 writes Tue 12:00 (answered 12:10). Monday's and Thursday's facts both hold A's posts,
    Tuesday's (between them) does not: A is still 1 conversation. Hand-computed: 2 conversations,
    both answered, replies (2 + 1) / 2 = 1.5, follow-ups (1 + 0) / 2 = 0.5, last word median of
    3 d 30 min = 261,000 s and 600 s = 130,800 s; inbound 3."""
    posts = frame(
        post("m1", "c1", "2017-10-30 08:00", "@AcmeHelp where is it", brand=ACME),
        post("r1", ACME, "2017-10-30 08:10", "checking", brand_post=True, reply_to="m1"),
        post("m9", "c9", "2017-10-31 12:00", "@AcmeHelp hello", brand=ACME),
        post("r9", ACME, "2017-10-31 12:10", "hi", brand_post=True, reply_to="m9"),
        post("m2", "c1", "2017-11-02 08:00", "@AcmeHelp still waiting", brand=ACME, reply_to="r1"),
        post("r2", ACME, "2017-11-02 08:30", "shipped today", brand_post=True, reply_to="m2"),
    )
    days = [date(2017, 10, 30), date(2017, 10, 31), date(2017, 11, 2)]
    held = {d: set(_day_facts(posts, d).thread_posts["mention_id"]) for d in days}
    assert held[days[0]] >= {"m1", "r1", "m2", "r2"} and held[days[2]] >= {"m1", "r1", "m2", "r2"}
    assert held[days[1]] == {"m9", "r9"}
    columns = (
        "conversations",
        "conversations_answered",
        "replies_per_conversation",
        "follow_ups_per_conversation",
        "last_word_median_s",
        "inbound",
    )
    expected = (2, 2, pytest.approx(1.5), pytest.approx(0.5), pytest.approx(130_800.0), 3)
    week = _summed(posts, days)
    assert week.metrics.select(columns).row(0) == expected
    assert week.metrics.equals(measure_period(posts, WEEK, RULES).metrics)


def test_recovery_after_the_week_ends_is_read_from_the_days_past_it():
    """c1 writes negatively Sun 11-05 10:00, is answered 10:10, and writes positively Tue 11-07:
    1 answered detractor, 1 recovered, though Tuesday is in the next week. Without Tuesday's
    facts the week could not know: 0 recovered. A day given that is not the week's (10-29) is not read."""
    posts = frame(
        post("m0", "c9", "2017-10-29 10:00", "@AcmeHelp hello", brand=ACME),  # the week before: not read
        post("m1", "c1", "2017-11-05 10:00", "@AcmeHelp awful", brand=ACME, sentiment="negative"),
        post("r1", ACME, "2017-11-05 10:10", "sorry, DM us", brand_post=True, reply_to="m1"),
        post("m2", "c1", "2017-11-07 12:00", "@AcmeHelp sorted, thanks", brand=ACME, sentiment="positive"),
    )
    columns = ("answered_detractors", "recovered", "recovery_rate")
    week = _summed(posts, [date(2017, 10, 29), date(2017, 11, 5), date(2017, 11, 7)])
    assert week.sps.select(columns).row(0) == (1, 1, pytest.approx(1.0))
    assert measure_period(posts, WEEK, RULES).sps.select(columns).row(0) == (1, 1, pytest.approx(1.0))
    assert _summed(posts, [date(2017, 11, 5)]).sps.select(columns).row(0) == (1, 0, pytest.approx(0.0))
    assert week.inbound_total == 1  # Tuesday's mention is read for recovery, not counted in the week


def test_a_week_summed_from_days_equals_its_window_measure_frame_for_frame():
    """Advocacy, categories, first responses taken offline and the unanswered queue come from
    texts: summed from days, they are read from the days' flags (the texts of answered mentions
    are not kept), and every frame equals the one measured from the week's whole window."""
    posts = frame(
        post("m1", "c1", "2017-10-30 10:00", "@AcmeHelp I highly recommend you", brand=ACME, sentiment="positive"),
        post("r1", ACME, "2017-10-30 10:05", "thanks!", brand_post=True, reply_to="m1"),
        post("m2", "c2", "2017-10-31 09:00", "@AcmeHelp my refund never came, stay away", brand=ACME),
        post("r2", ACME, "2017-10-31 09:20", "Sorry, please DM us", brand_post=True, reply_to="m2"),
        post("m3", "c3", "2017-11-02 18:00", "@AcmeHelp the app keeps crashing", brand=ACME),
        post("m4", "c2", "2017-11-04 08:00", "@AcmeHelp charged twice for my order", brand=ACME),
    )
    days = [date(2017, 10, 30), date(2017, 10, 31), date(2017, 11, 2), date(2017, 11, 4)]
    summed, whole = _summed(posts, days), measure_period(posts, WEEK, RULES)
    for name in ("metrics", "platforms", "hours", "sps", "categories", "queue", "urgent", "agents"):
        assert getattr(summed, name).equals(getattr(whole, name)), name
    assert summed.sps.select("advocates", "critics").row(0) == (1, 1)
    assert summed.metrics.select("taken_offline", "responded").row(0) == (1, 2)
    assert summed.queue["mention_id"].to_list() == whole.queue["mention_id"].to_list() != []
    kept = _day_facts(posts, date(2017, 10, 31)).mentions
    assert kept.select("text", "warns", "first_response_offline").row(0) == (None, True, True)


def test_a_day_keeps_its_facts_with_its_measure(tmp_path):
    """Stored and read back, a day's facts are the same frames; a measure stored without them (by
    code older than summing) or under other inputs is not read, so the day is measured again."""
    from dataclasses import replace

    from tasks.store import measure_store
    from tasks.store.backends import open_storage

    storage = open_storage(str(tmp_path))
    posts = frame(
        post("m1", "c1", "2017-10-30 10:00", "@AcmeHelp hi", brand=ACME),
        post("r1", ACME, "2017-10-30 10:05", "hello", brand_post=True, reply_to="m1"),
    )
    day = period_of("daily", date(2017, 10, 30))
    measure = measure_period(posts, day, RULES)
    measure_store.save(storage, "inputs-a", measure)
    stored = measure_store.load_facts(storage, day.start, "inputs-a")
    assert stored is not None and measure.source is not None
    assert stored.mentions.equals(measure.source.for_summing().mentions)  # what weeks and months read
    assert "first_response_text" not in stored.mentions.columns
    stored_posts = measure_store.load_posts(storage, day.start, "inputs-a")  # read in a pass of their own
    assert stored_posts is not None and stored_posts["mention_id"].to_list() == ["m1", "r1"]
    assert stored.anomalies.equals(measure.source.anomalies)
    assert measure_store.load_facts(storage, day.start, "inputs-b") is None
    assert measure_store.load_posts(storage, day.start, "inputs-b") is None
    measure_store.save(storage, "inputs-c", replace(measure, source=None))
    assert measure_store.is_saved(storage, day.start, "inputs-c")
    assert measure_store.load_facts(storage, day.start, "inputs-c") is None
    assert measure_store.load_posts(storage, day.start, "inputs-c") is None
