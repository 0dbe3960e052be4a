"""The later held-out replies slices (tests/fixtures/reading/README_replies.md): each file's shape, and that it
repeats no reply of the labelled replies files before it, by id or by text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

READING = Path(__file__).resolve().parents[2] / "fixtures" / "reading"
CHANNELS = {"dm", "email", "phone", "chat", "form", "store", "other_company", "none"}
#: slice → (its replies, the labelled slices drawn before it)
SLICES = {
    "heldout3": (240, ("dev", "heldout", "heldout2")),
    "heldout4": (146, ("dev", "heldout", "heldout2", "heldout3")),
    "heldout5": (160, ("dev", "heldout", "heldout2", "heldout3", "heldout4")),
}


def _rows(slice_: str) -> list[dict[str, str]]:
    with (READING / slice_ / "replies.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _header(slice_: str) -> list[str]:
    with (READING / slice_ / "replies.csv").open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


@pytest.mark.parametrize("slice_", SLICES)
def test_replies_have_heldout2s_columns_and_a_channel_each(slice_):
    rows = _rows(slice_)
    assert _header(slice_) == _header("heldout2") == ["source", "source_id", "brand", "industry", "text", "channel"]
    assert len(rows) == SLICES[slice_][0]
    assert {row["channel"] for row in rows} <= CHANNELS
    assert all(row["text"] and row["brand"] and row["industry"] for row in rows)


@pytest.mark.parametrize("slice_", SLICES)
def test_replies_repeat_no_earlier_labelled_reply_by_id_or_text(slice_):
    earlier = [row for before in SLICES[slice_][1] for row in _rows(before)]
    rows = _rows(slice_)
    ids = {(row["source"], row["source_id"]) for row in earlier}
    texts = {row["text"] for row in earlier}
    assert not [row for row in rows if (row["source"], row["source_id"]) in ids or row["text"] in texts]
    assert len({(row["source"], row["source_id"]) for row in rows}) == len(rows)


def test_dev_file_holds_no_held_out_reply_by_id_or_text():
    held_out = [row for slice_ in ("heldout", "heldout2", *SLICES) for row in _rows(slice_)]
    dev = _rows("dev")
    ids = {(row["source"], row["source_id"]) for row in held_out}
    texts = {row["text"] for row in held_out}
    assert not [row for row in dev if (row["source"], row["source_id"]) in ids or row["text"] in texts]
