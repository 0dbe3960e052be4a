"""Themes of the mentions no category caught: computed by hand on a tiny day, the same bytes
for the same mentions in any order, and nothing from bad input."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import polars as pl

from tasks.metrics.themes import SCHEMA, find_themes, themes_and_members

DAY = date(2017, 10, 31)
T0 = datetime(2017, 10, 31, 9, tzinfo=UTC)


def day(rows: list[tuple[str, str, str | None, str]]) -> pl.DataFrame:
    """(mention_id, brand, text, category), one minute apart in this order."""
    return pl.DataFrame(
        {
            "brand": [r[1] for r in rows],
            "date": [DAY] * len(rows),
            "mention_id": [r[0] for r in rows],
            "created_at": [T0 + timedelta(minutes=i) for i in range(len(rows))],
            "text": [r[2] for r in rows],
            "category": [r[3] for r in rows],
        },
        schema={
            "brand": pl.String,
            "date": pl.Date,
            "mention_id": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "text": pl.String,
            "category": pl.String,
        },
    )


ROWS = [
    ("a1", "A", "@A the costume burrito deal", "other"),
    ("a2", "A", "@A costume contest?", "other"),
    ("a3", "A", "@A costume burrito https://t.co/x", "other"),
    ("a4", "A", "@A parking lot full, call 555 123 4567", "other"),
    ("a5", "A", "@A parking lot closed", "other"),
    ("a6", "A", "@A burrito delivery late", "delivery"),
    ("b1", "B", "@B burrito", "other"),
]


def test_themes_computed_by_hand():
    """Words (stopwords, handles, links, numbers out): a1 {burrito, costume, deal}, a2 {contest,
    costume}, a3 {burrito, costume}, a4 {call, full, lot, parking}, a5 {closed, lot, parking},
    a6 {burrito, delivery, late}, b1 {burrito}. 7 mentions; A's 5 "other" leave a rest of 2 (a6, b1).
    Rarity ln((2 + 1) / (rest using it + 1)): burrito (a6, b1) ln(3/3) = 0; costume, lot, parking
    ln 3. Score = A's "other" mentions using it × rarity: costume 3 ln 3 = 3.30, lot = parking
    2 ln 3 = 2.20, burrito 0; words in one mention cannot seed. Theme 1: costume (a1, a2, a3; burrito
    is shared but scores 0, not distinctive). Left a4, a5: lot and parking tie, "lot" first by
    name; parking joins it. B's single "other" mention makes no theme (2 needed)."""
    themes = find_themes(day(ROWS))
    assert themes.schema == pl.Schema(SCHEMA)
    assert themes.to_dicts() == [
        {
            "brand": "A",
            "date": DAY,
            "theme": 1,
            "mentions": 3,
            "terms": ["costume"],
            "examples": ["@A the costume burrito deal", "@A costume contest?", "@A costume burrito https://t.co/x"],
        },
        {
            "brand": "A",
            "date": DAY,
            "theme": 2,
            "mentions": 2,
            "terms": ["lot", "parking"],
            "examples": ["@A parking lot full, call [phone]", "@A parking lot closed"],  # masked
        },
    ]


def _bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def test_the_same_mentions_in_any_order_give_the_same_bytes():
    once = _bytes(find_themes(day(ROWS)))
    shuffled = day(ROWS).sample(fraction=1.0, shuffle=True, seed=7)
    assert _bytes(find_themes(shuffled)) == once == _bytes(find_themes(day(ROWS).lazy()))


def test_bad_input_makes_no_theme_and_no_error():
    """Empty, missing, only links, only emoji, words of no Latin letters: no words, so no theme."""
    rows = [
        ("1", "A", "", "other"),
        ("2", "A", None, "other"),
        ("3", "A", "https://t.co/a https://t.co/b", "other"),
        ("4", "A", "https://t.co/a https://t.co/b", "other"),
        ("5", "A", "😡😡 🙄", "other"),
        ("6", "A", "😡😡 🙄", "other"),
        ("7", "A", "いつもお世話になってます", "other"),
        ("8", "A", "いつもお世話になってます", "other"),
    ]
    assert find_themes(day(rows)).is_empty()
    assert find_themes(day([])).schema == pl.Schema(SCHEMA)


def test_at_most_five_themes_largest_first():
    """Six pairs of mentions, each pair sharing one word, and one word in three: seven possible
    themes, five kept; the three-mention theme ranks first."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    rows = [(f"{w}{i}", "A", f"{w} {w}x{i}", "other") for w in words for i in (1, 2)]
    rows += [(f"golf{i}", "A", f"golf g{i}", "other") for i in (1, 2, 3)]
    themes = find_themes(day(rows))
    assert themes["mentions"].to_list() == [3, 2, 2, 2, 2]
    assert themes["terms"].list.first().to_list() == ["golf", "alpha", "bravo", "charlie", "delta"]


def test_each_themed_mention_knows_its_theme():
    """The hand-computed themes above: a1, a2, a3 are theme 1 (costume), a4, a5 theme 2 (lot,
    parking); b1 and the categorised a6 are in none. The table is find_themes' own."""
    themes, members = themes_and_members(day(ROWS))
    assert themes.equals(find_themes(day(ROWS)))
    assert members.sort("mention_id").select("mention_id", "theme").rows() == [
        ("a1", "1: costume"),
        ("a2", "1: costume"),
        ("a3", "1: costume"),
        ("a4", "2: lot, parking"),
        ("a5", "2: lot, parking"),
    ]


def test_brand_days_found_together_each_by_its_own_rarity():
    """Three brand-days in one call. Words: a1, a2 {seat, wifi}; a3, a4 {desk, refund}; b1, b2, b3
    {wifi}; e1 {desk}, A's the next day. 8 mentions with words. A's day: 4 "other", a rest of 4;
    wifi is in 2 of them and 3 of the rest, no more often: not distinctive. refund and seat, in 2
    and none of the rest, score 2 ln((4 + 2) / 1) = 3.58, a tie: "refund" first by name, and desk
    (in a3, a4 and e1: 2 ln(6 / 2) = 2.20) joins it; then seat. Both hold 2 mentions: the order
    they were found in. B's day: 3 "other", a rest of 5 with wifi in 2 (a1, a2): wifi distinctive,
    3 ln(7 / 3). A's next day holds one mention: no theme."""
    rows = [
        ("a1", "A", "@A wifi seat", "other"),
        ("a2", "A", "@A seat wifi", "other"),
        ("a3", "A", "@A refund desk", "other"),
        ("a4", "A", "@A desk refund", "other"),
        ("b1", "B", "@B wifi", "other"),
        ("b2", "B", "@B wifi", "other"),
        ("b3", "B", "@B wifi", "other"),
        ("e1", "A", "@A desk", "other"),
    ]
    next_day = pl.when(pl.col("mention_id") == "e1").then(DAY + timedelta(days=1)).otherwise(pl.col("date"))
    themes, members = themes_and_members(day(rows).with_columns(next_day.alias("date")))
    assert themes.select("brand", "date", "theme", "mentions", "terms").rows() == [
        ("A", DAY, 1, 2, ["refund", "desk"]),
        ("A", DAY, 2, 2, ["seat"]),
        ("B", DAY, 1, 3, ["wifi"]),
    ]
    assert themes["examples"].to_list() == [
        ["@A refund desk", "@A desk refund"],
        ["@A wifi seat", "@A seat wifi"],
        ["@B wifi", "@B wifi", "@B wifi"],
    ]
    assert members.select("brand", "mention_id", "theme").rows() == [
        ("A", "a3", "1: refund, desk"),
        ("A", "a4", "1: refund, desk"),
        ("A", "a1", "2: seat"),
        ("A", "a2", "2: seat"),
        ("B", "b1", "1: wifi"),
        ("B", "b2", "1: wifi"),
        ("B", "b3", "1: wifi"),
    ]
