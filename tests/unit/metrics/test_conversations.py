"""Conversations rebuilt from reply links, with a broadcast kept out (AcmeHelp, 2017-10-31).

Ids are deliberately not in time order (a thread's root has the largest id).
  A  900 c1 10:00 "@AcmeHelp help" ← 100 Acme 10:30 ← 200 c1 10:40 ← 300 Acme 11:00
     answered; 2 brand replies; 1 follow-up; last word 3,600 s after the first post
  B  800 c2 12:00 ← 150 c2 12:05 (the customer again): unanswered, 1 follow-up
  C  700 Acme 09:00 "Big news!" ← replies by 10 customers, one answered: a broadcast
  D  600 Acme 08:00 "Any questions?" ← 610 c20 08:10 ← 620 Acme 08:20:
     a conversation from 08:10; 1 reply (the 08:00 post came before the customer); last word 600 s
Conversations A, B, D: 3, answered 2 (2/3); replies (2+0+1)/3 = 1; follow-ups (1+1+0)/3;
last word median (3600 + 600)/2 = 2,100 s; broadcasts 1.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tasks.metrics.attribution import attribute
from tasks.metrics.conversations import conversation_metrics, conversations, thread_roots
from tests.frames import frame, post

ACME = "AcmeHelp"


def _day():
    broadcast = [post("700", ACME, "2017-10-31 09:00", "Big news!", brand_post=True)]
    broadcast += [post(f"7{i:02d}", f"fan{i}", f"2017-10-31 09:{i + 1:02d}", "wow", reply_to="700") for i in range(10)]
    broadcast += [post("799", ACME, "2017-10-31 09:30", "thanks!", brand_post=True, reply_to="705")]
    return frame(
        post("900", "c1", "2017-10-31 10:00", "@AcmeHelp help"),
        post("100", ACME, "2017-10-31 10:30", "what happened?", brand_post=True, reply_to="900"),
        post("200", "c1", "2017-10-31 10:40", "it broke", reply_to="100"),
        post("300", ACME, "2017-10-31 11:00", "fixed", brand_post=True, reply_to="200"),
        post("800", "c2", "2017-10-31 12:00", "@AcmeHelp hi"),
        post("150", "c2", "2017-10-31 12:05", "hello??", reply_to="800"),
        *broadcast,
        post("600", ACME, "2017-10-31 08:00", "Any questions?", brand_post=True),
        post("610", "c20", "2017-10-31 08:10", "yes", reply_to="600"),
        post("620", ACME, "2017-10-31 08:20", "sure", brand_post=True, reply_to="610"),
    )


def test_roots_are_found_by_following_links_not_by_id_order():
    roots = dict(thread_roots(_day()).select("mention_id", "root_id").iter_rows())
    assert [roots[i] for i in ("300", "200", "100", "900", "150", "705", "799", "620")] == [
        "900",
        "900",
        "900",
        "900",
        "800",
        "700",
        "700",
        "600",
    ]


def test_conversation_figures_match_the_hand_count():
    threads = conversations(attribute(_day(), {}))
    by_root = {r["root_id"]: r for r in threads.to_dicts()}
    assert (by_root["900"]["replies"], by_root["900"]["follow_ups"], by_root["900"]["last_word_s"]) == (2, 1, 3600)
    assert (by_root["800"]["answered"], by_root["800"]["follow_ups"]) == (False, 1)
    assert by_root["700"]["broadcast"] and not by_root["600"]["broadcast"]
    row = conversation_metrics(threads, keys=["brand", "date"]).row(0, named=True)
    assert row == {
        "brand": ACME,
        "date": date(2017, 10, 31),
        "conversations": 3,
        "conversations_answered": 2,
        "conversation_response_rate": pytest.approx(2 / 3),
        "replies_per_conversation": pytest.approx(1.0),
        "follow_ups_per_conversation": pytest.approx(2 / 3),
        "last_word_median_s": pytest.approx(2100),
        "broadcasts": 1,
    }


def test_ids_sharing_a_hash_are_linked_by_their_strings(monkeypatch):
    """Every id hashed alike: the hash join links each post to the first row (900), the id check
    finds 100 → 900 right but 150 → 900 wrong, and the ids are joined as strings: the same roots."""
    import tasks.metrics.conversations as threads

    expected = thread_roots(_day())
    monkeypatch.setattr(threads, "_id_hash", lambda column: pl.lit(7, dtype=pl.UInt64))
    assert threads.thread_roots(_day()).equals(expected)
    assert dict(expected.select("mention_id", "root_id").iter_rows())["150"] == "800"


@pytest.mark.parametrize("hashed", ["apart", "alike"])
def test_a_post_delivered_twice_is_a_parent_once_the_first_copy(monkeypatch, hashed):
    """900 (row 0) again as the last row: 100 (row 1) hangs under row 0, by hash or by string."""
    import tasks.metrics.conversations as threads

    if hashed == "alike":
        monkeypatch.setattr(threads, "_id_hash", lambda column: pl.lit(7, dtype=pl.UInt64))
    day = _day()
    twice = pl.concat([day, day.head(1)])
    assert twice["mention_id"][0] == "900" and twice["mention_id"][1] == "100"
    parent, _ = threads._root_rows(twice)
    assert (parent[1], parent[0], parent[twice.height - 1]) == (0, 0, twice.height - 1)
