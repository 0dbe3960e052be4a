"""Which brand replies people read for issue 28's channel protocol.

    python -m tests.research.reading_labels_draw_replies [folder]

A seeded, deterministic draw of brands' FIRST replies to a customer, split by brand (heldout.md):
- twcs sample: a brand tweet (inbound False) that answers a customer tweet of the sample and has no
  tweet of the same brand above it in its thread (the brand's first word in that conversation);
- TweetSumm: the first agent turn of each dialog (the first line whose author is not a number).
Held-out slice: the 17 held-out brands (twcs and TweetSumm) and every TweetSumm `twcs_test` dialog;
dev slice: the other brands, TweetSumm `twcs_train`/`twcs_val` only. Each candidate is ordered by
sha256(seed, source, source_id) and taken in that order with a cap per brand, so every industry and
many brands are present and the draw does not depend on file order. TweetSumm repeats a dialog in
several rows (and brands send one template to many): a text is drawn once per brand.

Writes the unlabelled draws (`text` exact) to the folder given (default /tmp/reading_draw); the
`channel` column is filled by people reading each reply, never by a rule.

Round 2 (`dev2_replies.csv`, 200 more dev replies): the same dealing with another seed, over the dev
candidates whose (source, source_id) AND text are in neither labelled file yet, so the dev slice grows
without a repeat and without touching the held-out slice.

Round 3 (`dev3`, 200 more, seed `28:r3`, issue 28 items 4 and 9): the same dealing over the dev candidates
whose id and text are not in the dev file, nor any text of a TweetSumm `twcs_test` first reply (computed
from the dialogs, never shown); it reads no held-out file. `python -m ... [folder] dev3` draws only it.
Round 4 (`dev4`, 100, seed `28:r4`): the same after round 3 joined the dev file; read and labelled before
any rule was changed on round 3's misses, and judged once after, as a fresh check of the new rules.
Round 5 (`dev5`, 100, seed `28:r5`): the same after round 4 joined the dev file, the fresh check of the
rules then written on round 4's misses. Round 6 (`dev6`, 100, seed `28:r6`): the fresh check of round 5's.
Round 7 (`dev7`, 160, seed `28:r7`, issue 28 round 4): the same after round 6 joined the dev file; read and
labelled before any rule was run on it, judged once, then used to write rules. Round 8 (`dev8`, 120, seed
`28:r8`): the same after round 7 joined, the fresh check of the rules written on round 7.
Round 9 (`dev9`, 220, seed `28:r9`, issue 28 channels round 5): the same after round 8 joined, TweetSumm dialogs
only (train/val), because the held-out replies are mostly TweetSumm agents' (189 of 240) and dev recall did not
carry over to them; read and labelled before any rule was run on it, judged once, then used to write rules.
Round 10 (`dev10`, 160, seed `28:r10`): the same after round 9 joined, TweetSumm only, the fresh check of the rules
written on round 9. Round 11 (`dev11`, 140, seed `28:r11`): the same after round 10 joined, every source (twcs too),
the fresh check of the rules written on round 10.
Held-out round 2 (`heldout2`, 160, seed `28-heldout2`, issue 28): a second, untouched held-out slice, drawn from
the same pool as `heldout` (the held-out brands, any source, and every TweetSumm `twcs_test` dialog) minus every
reply whose id or text is in any labelled replies file (dev and heldout, excluded by id and text without being
read), dealt the same way. `python -m ... [folder] heldout2` draws only it. Never tune on it.
Held-out round 3 (`heldout3`, up to 240, seed `28-heldout3`, issue 28): a third untouched held-out slice, the same
pool minus every reply whose id or text is in dev, heldout or heldout2 (`HELDOUT_ROUNDS`), dealt the same way.
`python -m ... [folder] heldout3` draws only it. Never tune on it.
Held-out round 4 (`heldout4`, seed `28-heldout4`): the same pool minus every reply of dev and heldout 1–3: the held-out
first replies heldout3's cap left, all of them. Never tune on it.
Dev round 12 (`dev12`, 200, seed `28:r12`) and held-out round 5 (`heldout5`, 160, seed `28-heldout5`): agents' LATER
turns of TweetSumm dialogs (`tweetsumm_<split>_turn`, source_id `<split>:<row>:<line>`), a population no round read
before; dev12 takes dev brands' train/val dialogs, heldout5 the held-out brands' and every `twcs_test` dialog's. Each
excludes by text every labelled reply and every first reply of the other side's pool (computed, never shown).
Dev round 13 (`dev13`, 400, seed `28:r13`) and held-out round 6 (`heldout6`, 200, seed `28-heldout6`): more later
turns, drawn the same way after dev12 joined the dev file and heldout5 was judged.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
#: ../shared/data beside the checkout (a worktree under /work/wt/ finds it one level further up)
DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.is_dir()), ROOT)
SEED = 28
HELDOUT = frozenset(
    "British_Airways AlaskaAir comcastcares O2 airtel_care ArgosHelpers UPSHelp BofA_Help AskAmex AskPapaJohns "
    "McDonalds AdobeCare HPSupport hulu_support ATVIAssist GWRHelp LondonMidland".split()
)
INDUSTRY = {
    "airline_travel": "British_Airways AlaskaAir Delta SouthwestAir AmericanAir AirAsiaSupport VirginAtlantic "
    "VirginAmerica JetBlue AirbnbHelp Kimpton IHGService HotelTonightCX",
    "telecom_internet": "comcastcares O2 airtel_care TMobileHelp VerizonSupport sprintcare Ask_Spectrum CoxHelp "
    "CenturyLinkHelp BoostCare Safaricom_Care idea_cares GloCare USCellularCares ATT MTNC_Care AskTigogh",
    "retail_ecommerce_delivery": "ArgosHelpers UPSHelp AmazonHelp Tesco AskeBay marksandspencer Morrisons "
    "sainsburys AskTarget Walmart NeweggService NikeSupport AldiUK sizehelpteam",
    "banking_payments_insurance": "BofA_Help AskAmex Ask_WellsFargo AskPayPal ChaseSupport AskCiti AskVirginMoney "
    "AsurionCares",
    "food_restaurants": "AskPapaJohns McDonalds ChipotleTweets DunkinDonuts askpanera TacoBellTeam JackBox "
    "Postmates_Help DoorDash_Help",
    "technology_software_devices": "AdobeCare HPSupport AppleSupport AzureSupport DropboxSupport MicrosoftHelps "
    "GoDaddyHelp asksalesforce YahooCare DellCares AskSeagate NortonSupport mediatemplehelp PearsonSupport",
    "gaming_streaming_entertainment": "hulu_support ATVIAssist SpotifyCares AskPlayStation XboxSupport "
    "GooglePlayMusic SCsupport",
    "utilities_transport": "GWRHelp LondonMidland Uber_Support VirginTrains nationalrailenq SW_Help TfL AskLyft",
}
BRAND_INDUSTRY = {brand: industry for industry, brands in INDUSTRY.items() for brand in brands.split()}
TARGET = {
    "heldout": 240,
    "dev": 200,
    "dev2": 200,
    "dev3": 200,
    "dev4": 100,
    "dev5": 100,
    "dev6": 100,
    "dev7": 160,
    "dev8": 120,
    "dev9": 220,
    "dev10": 160,
    "dev11": 140,
    "heldout2": 160,
    "heldout3": 240,
    "heldout4": 240,
    "dev12": 200,
    "heldout5": 160,
    "dev13": 400,
    "heldout6": 200,
}
#: Later held-out slices (seed `28-<slice>`) and the labelled replies files each one excludes by id and by text.
HELDOUT_ROUNDS = {
    "heldout2": ("dev", "heldout"),
    "heldout3": ("dev", "heldout", "heldout2"),
    "heldout4": ("dev", "heldout", "heldout2", "heldout3"),
    "heldout5": ("dev", "heldout", "heldout2", "heldout3"),
    "heldout6": ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"),
}
#: Rounds drawn from TweetSumm dialogs only.
TWEETSUMM_ONLY = frozenset({"dev9", "dev10"})
#: Rounds drawn from agents' later turns only (every other round reads first replies only).
LATER_TURNS = frozenset({"dev12", "heldout5", "dev13", "heldout6"})
LABELLED = ROOT / "tests" / "fixtures" / "reading"
COLUMNS = ["source", "source_id", "brand", "industry", "text"]


def _key(source: str, source_id: str, round_: str = "") -> str:
    return hashlib.sha256(f"{SEED}{round_}:{source}:{source_id}".encode()).hexdigest()


def twcs_first_replies(path: Path = DATA / "twcs_sample.csv") -> pl.DataFrame:
    """Brand replies to a customer tweet of the sample with no earlier tweet of the same brand up their thread."""
    tweets = pl.read_csv(path, infer_schema=False)
    parent = dict(zip(tweets["tweet_id"], tweets["in_response_to_tweet_id"], strict=True))
    author = dict(zip(tweets["tweet_id"], tweets["author_id"], strict=True))
    inbound = dict(zip(tweets["tweet_id"], tweets["inbound"], strict=True))
    rows = []
    for tweet_id, brand, text, is_inbound, up in tweets.select(
        "tweet_id", "author_id", "text", "inbound", "in_response_to_tweet_id"
    ).iter_rows():
        if is_inbound != "False" or up is None or inbound.get(up) != "True":
            continue
        ancestors, seen = [], up
        while seen is not None and seen in author and len(ancestors) < 200:
            ancestors.append(author[seen])
            seen = parent[seen]
        if brand not in ancestors:
            rows.append(("twcs", tweet_id, brand, text))
    return pl.DataFrame(rows, schema=["source", "source_id", "brand", "text"], orient="row")


def agent_lines(dialog: str, brand: str) -> list[tuple[int, str]]:
    """(line number from 0, text) of each turn the brand's agent wrote in a TweetSumm dialog (`author: text` lines)."""
    return [
        (number, text)
        for number, (speaker, sep, text) in enumerate(line.partition(": ") for line in dialog.split("\n"))
        if sep and speaker == brand
    ]


def tweetsumm_first_replies(path: Path = DATA / "tweetsumm" / "tweetsumm_dialogs.csv") -> pl.DataFrame:
    """The first agent turn of each dialog; source_id is `<split>:<row number in the file>`."""
    dialogs = pl.read_csv(path, infer_schema=False)
    rows = []
    for number, (dialog, split, brand) in enumerate(dialogs.select("dialog", "split", "brand").iter_rows()):
        rows += [(f"tweetsumm_{split}", f"{split}:{number}", brand, text) for _, text in agent_lines(dialog, brand)[:1]]
    return pl.DataFrame(rows, schema=["source", "source_id", "brand", "text"], orient="row")


def tweetsumm_later_replies(path: Path = DATA / "tweetsumm" / "tweetsumm_dialogs.csv") -> pl.DataFrame:
    """Every agent turn after the first of each dialog; source_id is `<split>:<row>:<line>` (lines from 0)."""
    dialogs = pl.read_csv(path, infer_schema=False)
    rows = []
    for number, (dialog, split, brand) in enumerate(dialogs.select("dialog", "split", "brand").iter_rows()):
        later = agent_lines(dialog, brand)[1:]
        rows += [(f"tweetsumm_{split}_turn", f"{split}:{number}:{line}", brand, text) for line, text in later]
    return pl.DataFrame(rows, schema=["source", "source_id", "brand", "text"], orient="row")


def draw(candidates: pl.DataFrame, slice_: str) -> pl.DataFrame:
    """The slice's replies, TARGET in all, dealt round-robin: industries in turn, and within an industry its
    brands in turn, each brand's replies in seeded order; sorted by brand then that order."""
    known = candidates.filter(pl.col("brand").is_in(list(BRAND_INDUSTRY)))
    heldout = pl.col("brand").is_in(list(HELDOUT)) | pl.col("source").str.starts_with("tweetsumm_twcs_test")
    number = int(slice_[3:]) if slice_[3:].isdigit() else 1  # dev2 → round 2; heldout and dev → round 1
    round_ = f":r{number}" if number > 1 else ""
    is_heldout = slice_ == "heldout" or slice_ in HELDOUT_ROUNDS
    if slice_ in HELDOUT_ROUNDS:  # a later held-out slice: nothing in any labelled replies file, by id or by text
        round_ = f"-{slice_}"
        done = pl.concat(
            [pl.read_csv(LABELLED / s / "replies.csv", infer_schema=False) for s in HELDOUT_ROUNDS[slice_]]
        )
        known = known.join(done.select("source", "source_id"), on=["source", "source_id"], how="anti").filter(
            ~pl.col("text").is_in(done["text"].to_list())
        )
    if slice_ == "dev2":  # round 2: nothing already labelled, by id or by text, in either slice
        done = pl.concat([pl.read_csv(LABELLED / s / "replies.csv", infer_schema=False) for s in ("dev", "heldout")])
        known = known.join(done.select("source", "source_id"), on=["source", "source_id"], how="anti").filter(
            ~pl.col("text").is_in(done["text"].to_list())
        )
    if number >= 3:  # rounds 3+: not in the dev file, no held-out TweetSumm text
        done = pl.read_csv(LABELLED / "dev" / "replies.csv", infer_schema=False)
        test_texts = (
            candidates.filter(heldout)["text"]
            if slice_ in LATER_TURNS
            else candidates.filter(pl.col("source") == "tweetsumm_twcs_test")["text"]
        )
        known = known.join(done.select("source", "source_id"), on=["source", "source_id"], how="anti").filter(
            ~pl.col("text").is_in(done["text"].to_list()) & ~pl.col("text").is_in(test_texts.to_list())
        )
    if slice_ in TWEETSUMM_ONLY:
        known = known.filter(pl.col("source").str.starts_with("tweetsumm_"))
    later = pl.col("source").str.ends_with("_turn")
    if is_heldout and slice_ in LATER_TURNS:  # no text a dev reply or a held-out first reply has (heldout4's)
        other_texts = candidates.filter(~heldout | ~later)["text"]
        known = known.filter(~pl.col("text").is_in(other_texts.to_list()))
    known = known.filter(later if slice_ in LATER_TURNS else ~later)
    keyed = (
        known.filter(heldout if is_heldout else ~heldout)
        .with_columns(
            pl.struct("source", "source_id")
            .map_elements(lambda r: _key(r["source"], r["source_id"], round_), pl.String)
            .alias("k"),
            pl.col("brand").replace_strict(BRAND_INDUSTRY).alias("industry"),
        )
        .sort("k")
        .unique(["brand", "text"], keep="first", maintain_order=True)
        .with_columns(pl.int_range(pl.len()).over("brand").alias("in_brand"))
        .sort("in_brand", "k")
        .with_columns(pl.int_range(pl.len()).over("industry").alias("in_industry"))
        .sort("in_industry", "k")
    )
    return keyed.head(TARGET[slice_]).sort("brand", "k").select(COLUMNS)


def main(folder: Path, slices: tuple[str, ...] = ("heldout", "dev", "dev2")) -> None:
    candidates = pl.concat([twcs_first_replies(), tweetsumm_first_replies(), tweetsumm_later_replies()])
    folder.mkdir(parents=True, exist_ok=True)
    for slice_ in slices:
        drawn = draw(candidates, slice_)
        drawn.write_csv(folder / f"{slice_}_replies.csv")
        print(slice_, drawn.height, "replies,", drawn["brand"].n_unique(), "brands")
        print(drawn.group_by("industry").len().sort("industry"))


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/reading_draw"),
        tuple(sys.argv[2:]) or ("heldout", "dev", "dev2"),
    )
