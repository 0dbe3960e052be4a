"""The third held-out replies slice (tests/fixtures/reading/README_replies.md): its file's shape, and that it
repeats no reply of the labelled replies files before it, by id or by text."""

from __future__ import annotations

import csv
from pathlib import Path

READING = Path(__file__).resolve().parents[2] / "fixtures" / "reading"
CHANNELS = {"dm", "email", "phone", "chat", "form", "store", "other_company", "none"}


def _rows(slice_: str) -> list[dict[str, str]]:
    with (READING / slice_ / "replies.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_heldout3_replies_have_heldout2s_columns_and_a_channel_each():
    with (READING / "heldout2" / "replies.csv").open(newline="", encoding="utf-8") as handle:
        header2 = next(csv.reader(handle))
    with (READING / "heldout3" / "replies.csv").open(newline="", encoding="utf-8") as handle:
        header3 = next(csv.reader(handle))
    rows = _rows("heldout3")
    assert header3 == header2 == ["source", "source_id", "brand", "industry", "text", "channel"]
    assert len(rows) == 240
    assert {row["channel"] for row in rows} <= CHANNELS
    assert all(row["text"] and row["brand"] and row["industry"] for row in rows)


def test_heldout3_replies_repeat_no_labelled_reply_by_id_or_text():
    earlier = [row for slice_ in ("dev", "heldout", "heldout2") for row in _rows(slice_)]
    rows = _rows("heldout3")
    ids = {(row["source"], row["source_id"]) for row in earlier}
    texts = {row["text"] for row in earlier}
    assert not [row for row in rows if (row["source"], row["source_id"]) in ids or row["text"] in texts]
    assert len({(row["source"], row["source_id"]) for row in rows}) == len(rows)
