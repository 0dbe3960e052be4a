"""Stances stored beside the warehouse: the same as computing them, computed once per part and model."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
from polars.testing import assert_frame_equal

from tasks.model.schema import MENTION_SCHEMA
from tasks.sps.score import with_stance
from tasks.store import stance_store
from tasks.store.backends import open_storage
from tasks.store.stance_store import STANCES, with_stored_stances
from tasks.store.warehouse import load_window, write_parts

DAY = date(2017, 10, 1)


def part(texts: list[str], labels: dict[int, str] | None = None) -> pl.DataFrame:
    """Customer mentions with these texts, and after each a brand's reply."""
    rows = []
    for i, text in enumerate(texts):
        for brand_post in (False, True):
            rows.append(
                {
                    "mention_id": f"{i}{'r' if brand_post else ''}",
                    "platform": "twitter",
                    "brand": None,
                    "author_id": "AcmeHelp" if brand_post else f"c{i}",
                    "is_brand_author": brand_post,
                    "created_at": datetime(2017, 10, 1, 9, i, tzinfo=UTC),
                    "text": "@c sorry to hear that" if brand_post else text,
                    "in_reply_to_id": str(i) if brand_post else None,
                    "conversation_id": None,
                    "author_followers": None,
                    "sentiment": (labels or {}).get(i) if not brand_post else None,
                    "source_file": "a.jsonl",
                }
            )
    return pl.DataFrame(rows, schema=MENTION_SCHEMA)


class Counting:
    def __init__(self, inner) -> None:
        self.inner, self.writes = inner, 0

    def write(self, key: str, data: bytes) -> None:
        self.writes += 1
        self.inner.write(key, data)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_stored_stances_are_the_computed_ones_and_are_computed_once(tmp_path, monkeypatch):
    store = Counting(open_storage(str(tmp_path)))
    texts = [
        "@AcmeHelp love it, thanks!",
        "@AcmeHelp worst service ever",
        "@AcmeHelp what time do you open",
        "@AcmeHelp ok",
    ]
    write_parts(store, "a", part(texts, labels={3: "negative"}))  # the archive's own label wins
    before = store.writes
    first = load_window(store, DAY, DAY, with_stored_stances(store))
    customers = first.filter(~pl.col("is_brand_author"))
    expected = with_stance(load_window(store, DAY, DAY).filter(~pl.col("is_brand_author")))
    assert_frame_equal(customers, expected)
    assert customers.sort("mention_id")["stance"].to_list() == [1, -1, 0, -1]
    assert first.filter(pl.col("is_brand_author"))["stance"].null_count() == 4  # brand posts are not stanced
    assert store.writes == before + 1  # one stance file for the one part

    def never(*args, **kwargs):
        raise AssertionError("stanced again")

    monkeypatch.setattr(stance_store, "with_stance", never)
    assert_frame_equal(load_window(store, DAY, DAY, with_stored_stances(store)), first)  # read, not recomputed
    assert store.writes == before + 1


def test_a_part_whose_content_changed_is_stanced_again_and_its_old_stances_removed(tmp_path):
    store = open_storage(str(tmp_path))
    write_parts(store, "a", part(["@AcmeHelp love it, thanks!"]))
    load_window(store, DAY, DAY, with_stored_stances(store))
    write_parts(store, "a", part(["@AcmeHelp worst service ever"]))  # the archive re-ingested with other text
    window = load_window(store, DAY, DAY, with_stored_stances(store))
    assert window.filter(pl.col("mention_id") == "0")["stance"].item() == -1
    [kept] = store.keys(STANCES)
    assert kept.startswith(f"{STANCES}{stance_store.model_version()}/dt=2017-10-01/a-")


def test_a_run_stances_each_part_of_a_day_once_before_reports_read_it(tmp_path):
    store = open_storage(str(tmp_path))
    write_parts(store, "a", part(["@AcmeHelp love it", "@AcmeHelp still no refund"]))
    write_parts(store, "b", part(["@AcmeHelp where is my parcel"]))
    assert stance_store.store_stances(store, DAY) == 6  # two parts: 4 and 2 rows (brand replies included)
    assert stance_store.store_stances(store, DAY) == 0  # stored already
    assert len(store.keys(STANCES)) == 2


def test_a_retrained_complaint_model_gets_a_stance_folder_of_its_own():
    """The complaint model turns the stance model's neutral verdicts into detractors: stances read with
    another complaint model are another model's, never reused."""
    stance, complaint = b"stance weights", b"complaint weights"
    cues = ["still no refund"]
    shipped = stance_store.version_of([stance, complaint], cues)
    assert stance_store.version_of([stance, b"complaint weights, retrained"], cues) != shipped
    assert stance_store.version_of([stance, complaint], [*cues, "on hold since"]) != shipped
    # the files are hashed one by one: moving bytes from one file to the next is another version
    assert stance_store.version_of([stance + b"c", b"omplaint weights"], cues) != shipped
    assert stance_store.MODEL_FILES == ("stance.parquet", "complaint.parquet")
