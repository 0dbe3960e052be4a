"""Next-reply time, counted by hand (AcmeHelp, 2017-10-31; reply horizon 72 h, target 1 h).

  900 c1 10:00 "@AcmeHelp my order"       the first post: waits for a first response
  901 c1 10:05 ← 900 "hello?"              before any brand answer: not a follow-up
  100 Acme 10:30 ← 901                     the brand's first answer
  200 c1 10:40 ← 100 "still nothing"       follow-up 1
  210 c1 10:41 ← 200 "(2/2)"               follow-up 2: the customer's own post in two parts
  250 c9 10:50 ← 100 "same here"           a bystander: Acme answered c1, never c9, so not a follow-up
  260 c1 10:55 ← 250 "@c9 you too?"        c1 talking to c9, not to Acme: not a follow-up
  300 Acme 11:10 ← 900                     answers follow-ups 1 and 2 though it replies to an earlier post:
                                           1,800 s and 1,740 s
  400 c1 12:00 ← 300 "and now?"            follow-up 3
  500 Acme 11-03 13:00 ← 400               73 h later: past the horizon, so unanswered, censored at 72 h
A broadcast (Acme's 700 answered by 10 fans, Acme answering fan 5, fan 5 writing again) is left
out, as it is of the conversations.

Follow-ups 3, answered 2. KM: at 1,740 s one event of 3 at risk → S = 2/3; at 1,800 s one of 2
→ S = 1/3, the first at or below 0.5: the median is 1,800 s; the censored wait never brings S to
0.1: p90 not reached (null). Within the 1 h target: 2 of 3 → next-reply SLA attainment 2/3.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.metrics.attribution import attribute
from tasks.metrics.conversations import conversations_and_follow_ups
from tasks.metrics.next_reply import next_reply_metrics
from tasks.metrics.period import MeasureRules, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tests.frames import at, frame, post

ACME = "AcmeHelp"
HORIZON = 72 * 3600
WATERMARK = at("2017-11-10 00:00")


def _posts() -> pl.DataFrame:
    broadcast = [post("700", ACME, "2017-10-31 09:00", "Big news!", brand_post=True)]
    broadcast += [post(f"7{i:02d}", f"fan{i}", f"2017-10-31 09:{i + 1:02d}", "wow", reply_to="700") for i in range(10)]
    broadcast += [
        post("799", ACME, "2017-10-31 09:30", "thanks!", brand_post=True, reply_to="705"),
        post("798", "fan5", "2017-10-31 09:40", "welcome", reply_to="799"),
    ]
    return frame(
        post("900", "c1", "2017-10-31 10:00", "@AcmeHelp my order"),
        post("901", "c1", "2017-10-31 10:05", "hello?", reply_to="900"),
        post("100", ACME, "2017-10-31 10:30", "looking", brand_post=True, reply_to="901"),
        post("200", "c1", "2017-10-31 10:40", "still nothing", reply_to="100"),
        post("210", "c1", "2017-10-31 10:41", "(2/2)", reply_to="200"),
        post("250", "c9", "2017-10-31 10:50", "same here", reply_to="100"),
        post("260", "c1", "2017-10-31 10:55", "@c9 you too?", reply_to="250"),
        post("300", ACME, "2017-10-31 11:10", "sent it", brand_post=True, reply_to="900"),
        post("400", "c1", "2017-10-31 12:00", "and now?", reply_to="300"),
        post("500", ACME, "2017-11-03 13:00", "sorry", brand_post=True, reply_to="400"),
        *broadcast,
    )


def _span():
    return at("2017-10-30 10:00"), at("2017-11-01 12:00")


def test_follow_ups_are_the_customer_posts_after_the_brand_answered():
    _, waits = conversations_and_follow_ups(attribute(_posts(), {}), _span())
    got = sorted(waits.select("mention_id", "brand", "next_reply_s").rows())
    # 200 waits 10:40 → 11:10; 400 waits 12:00 → 11-03 13:00 = 3 days 1 h (past the horizon)
    assert got == [("200", ACME, 1800.0), ("210", ACME, 1740.0), ("400", ACME, 73 * 3600.0)]


def test_next_reply_figures_match_the_hand_count():
    _, waits = conversations_and_follow_ups(attribute(_posts(), {}), _span())
    got = next_reply_metrics(
        waits, keys=["brand"], horizon_s=HORIZON, sla_target=pl.lit(3600), watermark=WATERMARK
    ).row(0, named=True)
    assert got == {
        "brand": ACME,
        "follow_ups_after_answer": 3,
        "follow_ups_answered": 2,
        "next_reply_sla_met": 2,
        "km_next_reply_median_s": 1800.0,
        "km_next_reply_p90_s": None,
        "next_reply_sla_attainment": 2 / 3,
    }


def test_an_unanswered_follow_up_is_censored_at_the_watermark_when_that_comes_first():
    """Watching only until 10-31 12:20: 400 has waited 1,200 s and leaves the risk set there, before
    any answer; then 210 at 1,740 s is one event of 2 at risk → S = 0.5: the median is 1,740 s (with
    400 watched to the horizon it is 1,800 s, as above)."""
    _, waits = conversations_and_follow_ups(attribute(_posts(), {}), _span())
    early = waits.with_columns(
        pl.when(pl.col("mention_id") == "400").then(None).otherwise("next_reply_s").alias("next_reply_s")
    )
    got = next_reply_metrics(
        early, keys=["brand"], horizon_s=HORIZON, sla_target=pl.lit(3600), watermark=at("2017-10-31 12:20")
    ).row(0, named=True)
    assert (got["follow_ups_answered"], got["km_next_reply_median_s"]) == (2, 1740.0)


def test_a_days_metrics_publish_the_next_reply_figures():
    """The day's metrics row (as metrics.parquet publishes it) carries the same figures."""
    rules = MeasureRules(BrandRegistry(), HORIZON, 3600, WATERMARK)
    measure = measure_period(_posts(), period_of("daily", date(2017, 10, 31)), rules)
    row = measure.metrics.filter(pl.col("brand") == ACME).row(0, named=True)
    got = {k: row[k] for k in ("follow_ups_after_answer", "follow_ups_answered", "next_reply_sla_met")}
    assert got == {"follow_ups_after_answer": 3, "follow_ups_answered": 2, "next_reply_sla_met": 2}
    assert (row["km_next_reply_median_s"], row["km_next_reply_p90_s"], row["next_reply_sla_attainment"]) == (
        1800.0,
        None,
        2 / 3,
    )
    platform = measure.platforms.filter(pl.col("brand") == ACME).row(0, named=True)
    assert (platform["platform"], platform["follow_ups_after_answer"]) == ("twitter", 3)
