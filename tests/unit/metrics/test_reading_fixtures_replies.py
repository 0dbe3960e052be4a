"""The later held-out replies slices and the fifth held-out mentions slice (tests/fixtures/reading/README*.md):
each file's shape, and that it repeats no row of the labelled files before it, by id or by text."""

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
    "heldout6": (200, ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5")),
}


def _rows(slice_: str) -> list[dict[str, str]]:
    return _read(READING / slice_ / "replies.csv")


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


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _mentions(slice_: str) -> list[dict[str, str]]:
    return _read(READING / slice_ / "mentions.csv")


def test_heldout5_mentions_are_labelled_and_repeat_no_labelled_mention_by_id_or_text():
    """All 316 texts the held-out pool had left (heldout4's columns), in no earlier mentions or candidates file."""
    rows = _mentions("heldout5")
    assert list(rows[0]) == list(_mentions("heldout4")[0])
    assert len(rows) == 316 == len({row["text"] for row in rows})
    assert {row["complaint"] for row in rows} <= {"0", "1"} and {row["urgent"] for row in rows} <= {"0", "1"}
    assert {row["stance"] for row in rows} <= {"-1", "0", "1"} and all(row["reason"] for row in rows)
    earlier = [
        row
        for path in sorted(READING.glob("*/*.csv"))
        if path.name != "replies.csv" and path.parent.name != "heldout5"
        for row in _read(path)
    ]
    ids = {(row["source"], row["source_id"]) for row in earlier}
    texts = {row["text"] for row in earlier}
    assert not [row for row in rows if (row["source"], row["source_id"]) in ids or row["text"] in texts]
