"""Issue 28's reading protocol: each agreement figure on hand-made labels, computed by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.research.reading_protocol import (
    binary_agreement,
    brand_share_error,
    category_agreement,
    flags,
    load_mentions,
    load_replies,
    main,
    protocol,
    stances,
)

REPLY_COLUMNS = "source,source_id,brand,industry,text,channel"
MENTION_COLUMNS = "source,source_id,brand,industry,text,complaint,reason,urgent,stance"


def test_binary_agreement_counts_hits_and_shares():
    # truth T T T F F (null row dropped), said T F F T F: hits 1, said 2, real 3 of 5
    # precision 1/2, recall 1/3, F1 2·1/(2+3) = 0.4; shares 40 and 60 points, error −20
    truth = pl.Series([True, True, True, False, False, None])
    said = pl.Series([True, False, False, True, False, True])
    got = binary_agreement(truth, said)
    assert (got.n, got.precision, got.f1, got.predicted_share, got.labelled_share) == (5, 0.5, 0.4, 40.0, 60.0)
    assert got.recall == pytest.approx(1 / 3)
    assert got.share_error == pytest.approx(-20.0)
    # said − truth per row: 0, −1, −1, +1, 0; mean −0.2, sample variance 2.8 / 4 = 0.7;
    # 1.96 · √0.7 / √5 = 0.7334 → ±73.34 points
    assert got.error_95 == pytest.approx(73.34, abs=0.01)


def test_binary_agreement_of_a_reader_that_never_says_yes():
    # people: 1 yes of 2; reader: none → precision undefined, recall 0, F1 0/(0+1) = 0, error −50
    got = binary_agreement(pl.Series([True, False]), pl.Series([False, False]))
    assert (got.precision, got.recall, got.f1, got.share_error) == (None, 0.0, 0.0, -50.0)
    # differences −1, 0: sample variance 0.5; 1.96 · √0.5 / √2 = 0.98 → ±98 points; one row: no interval
    assert got.error_95 == pytest.approx(98.0)
    assert binary_agreement(pl.Series([True]), pl.Series([True])).error_95 is None
    assert binary_agreement(pl.Series([True, False, False]), pl.Series([True, False, False])).error_95 is None


def test_brand_share_error_is_mean_and_max_of_absolute_per_brand_errors():
    # A: people 1/2 = 50 %, reader 0/2 = 0 % → 50; B: people 0/4, reader 1/4 = 25 % → 25
    # mean (50 + 25) / 2 = 37.5, max 50
    got = brand_share_error(
        pl.Series(["A", "A", "B", "B", "B", "B"]),
        pl.Series([True, False, False, False, False, False]),
        pl.Series([False, False, True, False, False, False]),
    )
    assert (got.brands, got.mean_abs, got.max_abs) == (2, 37.5, 50.0)
    # brands with at least 3 labelled rows: B alone → 25
    larger = brand_share_error(
        pl.Series(["A", "A", "B", "B", "B", "B"]),
        pl.Series([True, False, False, False, False, False]),
        pl.Series([False, False, True, False, False, False]),
        min_rows=3,
    )
    assert (larger.brands, larger.mean_abs, larger.max_abs) == (1, 25.0, 25.0)


def test_category_agreement_by_hand():
    # reasons a a b b, categories x x x y:
    # H(R) = ln 2 = 0.69315; H(C) = −(¾ ln ¾ + ¼ ln ¼) = 0.21576 + 0.34657 = 0.56233
    # H(R|C) = ¾ · H(⅓, ⅔) = ¾ · 0.63651 = 0.47738; MI = 0.69315 − 0.47738 = 0.21576
    # NMI (arithmetic) = 0.21576 / ((0.69315 + 0.56233) / 2) = 0.21576 / 0.62774 = 0.3437
    # x → its commonest reason a (2 right), y → b (1 right): 3/4 = 75 %; always "a": 2/4 = 50 %
    got = category_agreement(pl.Series(["a", "a", "b", "b"]), pl.Series(["x", "x", "x", "y"]))
    assert got.nmi == pytest.approx(0.3437, abs=1e-4)
    # chance: shuffling the reasons over the categories gives y either an a or a b, both tables
    # [[2, 0], [1, 1]] up to naming, so expected MI = MI = 0.21576 and AMI = (MI − E[MI]) / … = 0
    assert got.ami == pytest.approx(0.0, abs=1e-9)
    assert (got.n, got.other_share, got.mapped_accuracy, got.commonest_accuracy) == (4, 0.0, 75.0, 50.0)


def test_category_agreement_catch_all_share_and_perfect_naming():
    # categories name each reason one to one → NMI 1; "other" on 2 of 4 → 50 %
    got = category_agreement(
        pl.Series(["late", "late", "lost", "lost"]), pl.Series(["delay", "delay", "other", "other"])
    )
    assert got.nmi == pytest.approx(1.0)
    assert got.ami == pytest.approx(1.0)  # a one-to-one naming is no chance
    assert got.other_share == 50.0


def test_label_columns_parse_and_refuse_naming_file_line_and_column():
    assert flags(pl.Series(["true", "0", "", "Yes"]), "f.csv", "urgent").to_list() == [True, False, None, True]
    assert stances(pl.Series(["-1", "promoter", "0", ""]), "f.csv").to_list() == [-1, 1, 0, None]
    with pytest.raises(ValueError, match=r"f\.csv line 4: column 'urgent' must be true or false"):
        flags(pl.Series(["true", "false", "maybe"]), "f.csv", "urgent")  # 3rd data row = line 4


def test_replies_with_an_unknown_channel_are_refused(tmp_path: Path):
    path = tmp_path / "replies.csv"
    path.write_text(f"{REPLY_COLUMNS}\ntwcs,1,A,food_restaurants,hi,dm\ntwcs,2,A,food_restaurants,hi,pigeon\n")
    with pytest.raises(ValueError, match=r"replies\.csv line 3: column 'channel'"):
        load_replies(path)


def _fixtures(tmp_path: Path, mentions: bool) -> Path:
    folder = tmp_path / "heldout"
    folder.mkdir()
    (folder / "replies.csv").write_text(
        f"{REPLY_COLUMNS}\n"
        "twcs,1,A,food_restaurants,Please DM us your order number,dm\n"
        "twcs,2,A,food_restaurants,Give us a call at 800 555 0100,phone\n"
        "twcs,3,B,food_restaurants,Try restarting the app,none\n"
        "twcs,4,B,food_restaurants,Submit a request here: https://t.co/x,form\n"
    )
    if mentions:
        (folder / "mentions.csv").write_text(
            f"{MENTION_COLUMNS}\n"
            "twcs,5,A,food_restaurants,my account was hacked,true,security,true,-1\n"
            "twcs,6,A,food_restaurants,my Kindle Fire will not charge,true,device,false,-1\n"
            "twcs,7,B,food_restaurants,someone stole my card details,true,,true,-1\n"
            "twcs,8,B,food_restaurants,love the new app,false,,false,1\n"
            "twcs,9,B,food_restaurants,where is my parcel,true,none,false,0\n"
        )
    return tmp_path


def test_the_channel_reader_on_hand_labelled_replies(tmp_path: Path):
    # reply_channel reads "DM us" → dm, "give us a call" → phone, "submit a request here: <link>"
    # → form, "try restarting the app" → stays public: people 3 moved of 4 (75 %), reader 3 (75 %),
    # all on the same replies: precision 1, recall 1, F1 1, error 0; brands A (2/2) and B (1/2)
    # both read right → mean 0, max 0; dm: people 1 of 4, reader the same one → error 0
    printed: list[str] = []
    main(["--slice", "heldout"], fixtures=_fixtures(tmp_path, mentions=False), out=printed.append)
    assert "mentions.csv is not there" in printed[0]
    tables = protocol(None, load_replies(tmp_path / "heldout" / "replies.csv"))
    moved = tables.agreement.filter((pl.col("label") == "moved") & (pl.col("industry") == "(all)")).row(0, named=True)
    assert (moved["n"], moved["precision"], moved["recall"], moved["f1"], moved["share_error"]) == (
        4,
        1.0,
        1.0,
        1.0,
        0.0,
    )
    assert (moved["brands"], moved["brand_err_mean"], moved["brand_err_max"]) == (2, 0.0, 0.0)
    assert moved["brands_5+"] == 0  # no brand has 5 labelled replies here
    dm = tables.agreement.filter(pl.col("label") == "dm").row(0, named=True)
    assert (dm["precision"], dm["recall"], dm["share_error"]) == (1.0, 1.0, 0.0)
    # nobody said "email": no precision (never predicted), no recall (never labelled), error 0
    email = tables.agreement.filter(pl.col("label") == "email").row(0, named=True)
    assert (email["precision"], email["recall"], email["share_error"]) == (None, None, 0.0)


def test_the_urgent_reader_and_the_complaint_counts_on_hand_labelled_mentions(tmp_path: Path):
    # is_urgent says "hacked" (people: urgent), not "Kindle Fire" (people: not), and misses "stole my
    # card details" (people: urgent): hits 1, said 1, real 2 of 5 → precision 1, recall 0.5,
    # F1 2·1·0.5/1.5 = 2/3, shares 20 and 40, error −20
    folder = _fixtures(tmp_path, mentions=True) / "heldout"
    tables = protocol(load_mentions(folder / "mentions.csv"), None)
    row = tables.agreement.filter((pl.col("reader") == "urgent") & (pl.col("industry") == "(all)")).row(0, named=True)
    assert (row["precision"], row["recall"], row["share_error"]) == (1.0, 0.5, -20.0)
    assert row["f1"] == pytest.approx(2 / 3)
    # complaints: people 4 of 5 (80 %) whatever the model says
    complaint = tables.agreement.filter(pl.col("reader") == "detractor").row(0, named=True)
    assert (complaint["n"], complaint["labelled_share"]) == (5, 80.0)
    # categories are judged on complaints with a reason only (not empty, not "none"): rows 5 and 6
    # (once with the label's industry, once with the industry inferred from the mentions)
    assert tables.categories.filter(pl.col("industry") == "(all)")["n"].to_list() == [2, 2]


def test_urgent_candidates_are_judged_for_urgency_alone(tmp_path: Path):
    # the same five rows given as urgent candidates (drawn by a word net, so no shares of other readers):
    # only an "urgent, candidates" row, with the figures above: precision 1, recall 0.5
    folder = _fixtures(tmp_path, mentions=True) / "heldout"
    tables = protocol(None, None, load_mentions(folder / "mentions.csv"))
    assert set(tables.agreement["reader"]) == {"urgent, candidates"}
    row = tables.agreement.filter(pl.col("industry") == "(all)").row(0, named=True)
    assert (row["n"], row["precision"], row["recall"]) == (5, 1.0, 0.5)
    assert tables.categories.is_empty()


def test_rows_judges_one_round_of_the_mentions_alone(tmp_path: Path):
    # rows 4-5 of the five: "love the new app" (no complaint) and "where is my parcel" (complaint):
    # people 1 complaint of 2 → labelled share 50 on n 2
    printed: list[str] = []
    main(["--slice", "heldout", "--rows", "4-5"], fixtures=_fixtures(tmp_path, mentions=True), out=printed.append)
    table = next(text for text in printed if "detractor" in text)
    detractor = next(line for line in table.splitlines() if "detractor" in line and "(all)" in line)
    cells = [cell.strip() for cell in detractor.strip("│ ").split("┆")]
    assert (cells[3], cells[8]) == ("2", "50.0")  # n, labelled_share


def test_a_row_range_that_is_not_first_last_is_refused_in_one_sentence(tmp_path: Path):
    with pytest.raises(SystemExit) as exited:
        main(["--slice", "heldout", "--rows", "5-4"], fixtures=_fixtures(tmp_path, mentions=True), out=print)
    assert exited.value.code == 2


@pytest.mark.parametrize("slice_", ["heldout2", "heldout3"])
def test_a_later_held_out_slice_is_judged_on_its_mentions_when_its_other_files_are_missing(tmp_path: Path, slice_: str):
    # heldout2 / heldout3 may hold only mentions.csv (their replies are labelled apart): the replies and the urgent
    # candidates are left out with a printed line each, the mentions' readers still run
    folder = tmp_path / slice_
    folder.mkdir()
    (_fixtures(tmp_path, mentions=True) / "heldout" / "mentions.csv").rename(folder / "mentions.csv")
    printed: list[str] = []
    main(["--slice", slice_], fixtures=tmp_path, out=printed.append)
    assert [line.split("/")[-1] for line in printed[:2]] == [
        "replies.csv is not there: the readers judged on it are left out.",
        "urgent_candidates.csv is not there: the readers judged on it are left out.",
    ]
    assert printed[2].startswith(f"slice {slice_}")
    assert any("detractor" in text for text in printed) and not any("channel" in text for text in printed)


def test_several_slices_are_judged_as_one(tmp_path: Path):
    # the five mentions as heldout2 and the same five again as heldout3: people 4 complaints of 5 in
    # each → n 10, labelled share 80 pooled; a slice's rows cannot be cut when several are pooled
    for slice_ in ("heldout2", "heldout3"):
        (tmp_path / slice_).mkdir()
        (tmp_path / slice_ / "mentions.csv").write_text(
            (_fixtures(tmp_path / slice_, mentions=True) / "heldout" / "mentions.csv").read_text()
        )
    printed: list[str] = []
    main(["--slice", "heldout2", "heldout3"], fixtures=tmp_path, out=printed.append)
    assert any(line.startswith("slice heldout2 + heldout3") for line in printed)
    table = next(text for text in printed if "detractor" in text)
    detractor = next(line for line in table.splitlines() if "detractor" in line and "(all)" in line)
    cells = [cell.strip() for cell in detractor.strip("│ ").split("┆")]
    assert (cells[3], cells[8]) == ("10", "80.0")  # n, labelled_share
    with pytest.raises(SystemExit) as exited:
        main(["--slice", "heldout2", "heldout3", "--rows", "1-2"], fixtures=tmp_path, out=print)
    assert exited.value.code == 2
