"""Seeded, deterministic draw of customer mentions for people's labels (issue 28).

Why: the readers (categories, urgent, complaint/stance) are judged against labels
written by reading, never by the rules themselves; this script only chooses which
mentions a person reads. It prints nothing a reader computed.

Run: ``python tests/research/reading_labels_draw.py heldout|dev|heldout2|heldout3|heldout4`` -> CSV of the
drawn mentions (source, source_id, brand, industry, text) on stdout.

``urgent-heldout|urgent-dev``: urgency is rare (none in the 225 random held-out
mentions), so a second, separate set is drawn from the same slice's mentions not
already drawn whose text holds a word of a deliberately broad net (money, security,
safety words *and* their traps: fire, emergency, kill). The net only chooses what a
person reads; the label is the reading. Kept in its own file so the random sets stay
unbiased for shares.

``dev2`` / ``urgent-dev2`` (round 2, seeds ``28-dev2`` / ``28-urgent-dev2``): 20 more dev mentions per
industry (same round-robin) and 60 more urgent candidates (same net), both drawn only from mentions
whose (source, source_id) AND text are in no labelled file yet (dev or held-out, mentions or
candidates), so the dev slice grows without a repeat.

``urgent-dev3`` (round 3, seed ``28-urgent-dev3``): 70 more dev urgent candidates from a wider net
(``URGENT_NET3``: gas/power/leak/stuck/explode words and first-person money phrasings), checked against
the dev files only: held-out files are never opened, and no held-out text can be drawn because held-out
brands and ``twcs_test`` dialogs are outside the dev pool by construction.

``dev3`` (round 4, seed ``28-dev3``): a fresh random round to judge the complaint reader before changing it,
weighted to the industries where it missed most (``DEV3_PER_INDUSTRY``: 25 each for technology, gaming,
retail, utilities and telecom, 10 for the rest), same round-robin, checked against the dev files only.
``urgent-dev4`` (round 4, seed ``28-urgent-dev4``): 60 more the same way, after round 3 joined the dev file;
``urgent-dev5`` (seed ``28-urgent-dev5``): 50 more after round 4 joined, the fresh check of round 4's rules.
``urgent-dev6`` (seed ``28-urgent-dev6``): URGENT_NET3 had no unread dev mention left, so 80 candidates from a new
source: the LATER customer turns of TweetSumm train/val dialogs of dev brands (``tweetsumm_turn``, id
``<row>:<line>``, the dialog line as it is), the net and the checks as in round 3.

``dev4`` (mentions round 5, seed ``28-dev4``): a fresh round of 200 to judge the complaint reader and the
categories where held-out still missed (``DEV4_PER_INDUSTRY``: 40 each for gaming, retail, technology, telecom
and utilities, none for the rest), same round-robin, checked against the dev files only.

``heldout2`` (seed ``28-heldout2``): a second, untouched held-out slice of ``HELDOUT2_SIZE`` mentions, for when
``heldout`` has been looked at too often to judge. Same kind of pool as ``heldout`` (held-out brands' sample tweets
and tweetsumm first turns, plus ``twcs_test`` first turns of other brands), only mentions whose (source, source_id)
and text are in no labelled file of another slice (checked by ``fresh``, held-out texts are never printed), one per
text; spread over the eight industries as evenly as the pool allows (each gets one more in turn while it has
texts left, industries in name order), brands visited round-robin inside an industry (each brand's pool shuffled).

``heldout3`` (seed ``28-heldout3``, ``draw_heldout_slice``, the code of ``heldout2``): a third untouched held-out slice,
as many as the pool allows up to ``HELDOUT3_SIZE`` (240), from the same pool minus every labelled file of any slice
(heldout2 included); ``heldout2``'s draw skips the later slices' folders, so it gives the same rows as before.
``urgent-heldout3`` (seed ``28-urgent-heldout3``, ``draw_urgent_heldout``): 40 candidates the net ``URGENT_NET3``
catches in what ``heldout3`` left of that pool; it held only 8, so the other 32 are later customer turns of held-out
dialogs (``tweetsumm_turn``, as in ``urgent-dev6``), in no labelled file by id or text.

``heldout4`` (seed ``28-heldout4``, ``draw_heldout_slice``): the first words were nearly all read (airline 87,
telecom 46, gaming 42, retail 7 left), so its pool (``WITH_LATER_TURNS``) adds the customers' later turns of held-out
dialogs (held-out brands' and ``twcs_test``; ``tweetsumm_turn``): ``HELDOUT4_SIZE`` (320) of them, water-filled over
the industries. ``urgent-heldout4``: what the net catches in what is left (6 later turns).

Brand of a twcs customer tweet: the company account that answered it (its
``response_tweet_id``), else the company account it replies to
(``in_response_to_tweet_id``), else the first company handle it @-mentions.
Tweetsumm: the row's ``brand`` (rows whose brand is not a care handle are skipped).
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import polars as pl

from tasks.metrics.urgent import urgent_flags

DATA = Path("/work/shared/data")
SEED = 28
HELDOUT = (
    "British_Airways AlaskaAir comcastcares O2 airtel_care ArgosHelpers UPSHelp BofA_Help AskAmex "
    "AskPapaJohns McDonalds AdobeCare HPSupport hulu_support ATVIAssist GWRHelp LondonMidland"
).split()
# Industry of each care handle: the labeller's judgement of the brand.
INDUSTRY = {
    "airline_travel": "AirAsiaSupport AlaskaAir AmericanAir British_Airways Delta JetBlue SouthwestAir "
    "VirginAmerica VirginAtlantic AirbnbHelp IHGService Kimpton HotelTonightCX",
    "telecom_internet": "O2 airtel_care comcastcares sprintcare TMobileHelp VerizonSupport Ask_Spectrum "
    "CoxHelp GloCare idea_cares Safaricom_Care USCellularCares BoostCare CenturyLinkHelp ATT MTNC_Care AskTigogh",
    "retail_ecommerce_delivery": "AmazonHelp ArgosHelpers UPSHelp Tesco sainsburys marksandspencer AskeBay "
    "Walmart AskTarget AldiUK Morrisons NikeSupport NeweggService sizehelpteam",
    "banking_payments_insurance": "BofA_Help AskAmex ChaseSupport Ask_WellsFargo AskCiti AskPayPal "
    "AskVirginMoney AsurionCares",
    "food_restaurants": "AskPapaJohns McDonalds ChipotleTweets DunkinDonuts askpanera TacoBellTeam "
    "DoorDash_Help Postmates_Help JackBox",  # JackBox: Jack in the Box
    "technology_software_devices": "AdobeCare HPSupport AppleSupport MicrosoftHelps AzureSupport DropboxSupport "
    "GoDaddyHelp DellCares NortonSupport AskSeagate mediatemplehelp asksalesforce YahooCare PearsonSupport",
    "gaming_streaming_entertainment": "hulu_support ATVIAssist XboxSupport AskPlayStation SpotifyCares "
    "GooglePlayMusic SCsupport",
    "utilities_transport": "GWRHelp LondonMidland VirginTrains nationalrailenq TfL Uber_Support AskLyft",
}
BRAND_INDUSTRY = {b: ind for ind, names in INDUSTRY.items() for b in names.split()}
PER_BRAND_TWCS = 8  # held-out: up to this many sample tweets per brand
PER_BRAND_TS = 4  # held-out: up to this many dialogs per brand
TEST_OTHER = 40  # held-out: twcs_test dialogs of other brands
DEV_PER_INDUSTRY = 24  # dev: mentions per industry, taken round-robin over its brands
URGENT_DRAW = 40  # urgent candidates per slice
DEV2_PER_INDUSTRY = 20  # round 2: dev mentions per industry
URGENT_DRAW2 = 60  # round 2: dev urgent candidates
URGENT_DRAW3 = 70  # round 3: dev urgent candidates
#: round 4: dev mentions per industry, most where the complaint reader missed most
DEV3_PER_INDUSTRY = dict.fromkeys(
    ("airline_travel", "banking_payments_insurance", "food_restaurants"), 10
) | dict.fromkeys(
    (
        "gaming_streaming_entertainment",
        "retail_ecommerce_delivery",
        "technology_software_devices",
        "telecom_internet",
        "utilities_transport",
    ),
    25,
)
#: mentions round 5: only the five industries still off on held-out
DEV4_PER_INDUSTRY = dict.fromkeys(DEV3_PER_INDUSTRY, 0) | {k: 40 for k, v in DEV3_PER_INDUSTRY.items() if v == 25}
URGENT_DRAW4 = 60  # round 4: dev urgent candidates
URGENT_DRAW5 = 50  # round 5: dev urgent candidates
URGENT_DRAW6 = 80  # round 6: later customer turns of dev dialogs
HELDOUT2_SIZE = 160  # second held-out slice: mentions, spread evenly over the industries
HELDOUT3_SIZE = 240  # third held-out slice: as many as the pool allows up to this, spread evenly
#: fourth held-out slice: the first words left, and the customers' later turns of held-out dialogs
HELDOUT4_SIZE = 320
HELDOUT5_SIZE = 320  # fifth held-out slice: what heldout4 left, later turns included
DEV_TURNS_SIZE = 240  # dev round 6: customers' later turns of dev dialogs
#: the later held-out slices in the order they were drawn: each draws from what the earlier ones left
HELDOUT_SLICES = ("heldout2", "heldout3", "heldout4", "heldout5")
HELDOUT_SIZES = {
    "heldout2": HELDOUT2_SIZE,
    "heldout3": HELDOUT3_SIZE,
    "heldout4": HELDOUT4_SIZE,
    "heldout5": HELDOUT5_SIZE,
}
#: slices whose pool also holds the customers' later turns of held-out dialogs (the first words ran out)
WITH_LATER_TURNS = ("heldout4", "heldout5")
LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "reading"
URGENT_NET = re.compile(
    r"fraud|scam|hack|stole|steal|unauthori|identity|phish|charged|charging|locked|password|"
    r"injur|hurt|hospital|danger|unsafe|emergenc|fire|kill|police|smoke|choke|glass|outage|"
    r"\bdown\b|no service|safety|bleed|ambulance|stranded|attack",
    re.IGNORECASE,
)
# Round 2 casts the net wider (life, theft and breach words and their traps: "dying to try", app crash).
URGENT_NET2 = re.compile(
    URGENT_NET.pattern + r"|dying|\bdied?\b|death|theft|breach|compromis|suspicious|threat|urgent|asap|"
    r"accident|crash|collision|sick|allerg",
    re.IGNORECASE,
)

# Round 3 adds the words of a vital service or a trap of one ("gas leak", "no power", "stuck on the train",
# "powerbank"), money taken or spent by someone else ("taken from", "never ordered"), and "someone".
URGENT_NET3 = re.compile(
    URGENT_NET2.pattern + r"|\bleak|\bgas\b|\bpower\b|explod|stuck|trapped|\bshock|taken from|took money|"
    r"didn.?t (?:make|authori)|never (?:made|ordered|placed)|someone",
    re.IGNORECASE,
)


def twcs_mentions() -> list[dict[str, str]]:
    """Customer tweets of the sample with the brand they address."""
    with open(DATA / "twcs_sample.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    author = {r["tweet_id"]: r["author_id"] for r in rows}
    brands = {r["author_id"] for r in rows if r["inbound"] == "False"}
    lower = {b.lower(): b for b in brands}
    out = []
    for r in rows:
        if r["inbound"] != "True":
            continue
        brand = next(
            (author[i] for i in r["response_tweet_id"].split(",") if author.get(i.strip()) in brands),
            None,
        )
        if brand is None and author.get(r["in_response_to_tweet_id"]) in brands:
            brand = author[r["in_response_to_tweet_id"]]
        if brand is None:
            brand = next((lower[h.lower()] for h in re.findall(r"@(\w+)", r["text"]) if h.lower() in lower), None)
        if brand is None or brand not in BRAND_INDUSTRY:
            continue
        out.append({"source": "twcs", "source_id": r["tweet_id"], "brand": brand, "split": "", "text": r["text"]})
    return out


def tweetsumm_mentions() -> list[dict[str, str]]:
    """First customer turns of the tweetsumm dialogs (row index as id)."""
    with open(DATA / "tweetsumm" / "tweetsumm_dialogs.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        {
            "source": "tweetsumm",
            "source_id": str(i),
            "brand": r["brand"],
            "split": r["split"],
            "text": r["first_customer_turn"],
        }
        for i, r in enumerate(rows)
        if r["brand"] in BRAND_INDUSTRY and r["first_customer_turn"].strip()
    ]


def tweetsumm_later_turns() -> list[dict[str, str]]:
    """Customer turns after the first of each tweetsumm dialog (id `<row>:<line>`, the line as it is)."""
    with open(DATA / "tweetsumm" / "tweetsumm_dialogs.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for i, r in enumerate(rows):
        if r["brand"] not in BRAND_INDUSTRY:
            continue
        customer = [(j, line) for j, line in enumerate(r["dialog"].split("\n")) if line.partition(": ")[0].isdigit()]
        for j, line in customer[1:]:
            if line.partition(": ")[2].strip():
                out.append(
                    {
                        "source": "tweetsumm_turn",
                        "source_id": f"{i}:{j}",
                        "brand": r["brand"],
                        "split": r["split"],
                        "text": line,
                    }
                )
    return out


def labelled(slices: str = "*", skip: tuple[str, ...] = ()) -> tuple[set[tuple[str, str]], set[str]]:
    """(source, source_id) and texts of every mention already labelled, in `slices` (a glob) but not the
    folders named in `skip` (a slice's own file, so that its draw gives the same rows once it is written)."""
    ids, texts = set(), set()
    for path in sorted(LABELLED.glob(f"{slices}/*.csv")):
        if path.name == "replies.csv" or path.parent.name in skip:
            continue
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                ids.add((r["source"], r["source_id"]))
                texts.add(r["text"])
    return ids, texts


def fresh(mentions: list[dict[str, str]], slices: str = "*", skip: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Round 2 only reads what nobody has labelled: neither the id nor the text."""
    ids, texts = labelled(slices, skip)
    return [m for m in mentions if (m["source"], m["source_id"]) not in ids and m["text"] not in texts]


def draw(slice_: str) -> list[dict[str, str]]:
    """Held-out: per brand a seeded sample of each source, plus twcs_test dialogs of any brand.

    Dev: per industry, brands visited round-robin (each brand's pool seeded-shuffled) so
    that many brands and both sources are read, never a twcs_test dialog.
    """
    rng = random.Random(f"{SEED}-{slice_}")
    twcs, ts = twcs_mentions(), tweetsumm_mentions()
    held = set(HELDOUT)
    chosen: list[dict[str, str]] = []
    if slice_ == "heldout":
        for pool, cap in (
            ([m for m in twcs if m["brand"] in held], PER_BRAND_TWCS),
            ([m for m in ts if m["brand"] in held], PER_BRAND_TS),
        ):
            for brand in sorted({m["brand"] for m in pool}):
                mine = [m for m in pool if m["brand"] == brand]
                chosen += rng.sample(mine, min(cap, len(mine)))
        others = [m for m in ts if m["split"] == "twcs_test" and m["brand"] not in held]
        chosen += rng.sample(others, TEST_OTHER)
    else:
        pool = [m for m in twcs + ts if m["brand"] not in held and m["split"] != "twcs_test"]
        if slice_ == "dev2":
            pool = fresh(pool)
        elif slice_ in ("dev3", "dev4"):
            pool = fresh(pool, "dev")
        for industry in sorted(INDUSTRY):
            by_brand: dict[str, list[dict[str, str]]] = {}
            for m in pool:
                if BRAND_INDUSTRY[m["brand"]] == industry:
                    by_brand.setdefault(m["brand"], []).append(m)
            for mine in by_brand.values():
                rng.shuffle(mine)
            picked: list[dict[str, str]] = []
            want = {
                "dev2": DEV2_PER_INDUSTRY,
                "dev3": DEV3_PER_INDUSTRY[industry],
                "dev4": DEV4_PER_INDUSTRY[industry],
            }.get(slice_, DEV_PER_INDUSTRY)
            seen: set[str] = set()  # tweetsumm repeats a first turn once per summary
            while len(picked) < want and any(by_brand.values()):
                for brand in sorted(by_brand):
                    while (
                        slice_ in ("dev2", "dev3", "dev4") and by_brand[brand] and by_brand[brand][-1]["text"] in seen
                    ):
                        by_brand[brand].pop()
                    if by_brand[brand] and len(picked) < want:
                        seen.add(by_brand[brand][-1]["text"])
                        picked.append(by_brand[brand].pop())
            chosen += picked
    for m in chosen:
        m["industry"] = BRAND_INDUSTRY[m["brand"]]
    return chosen


def _heldout_pool(name: str) -> dict[str, dict[str, list[dict[str, str]]]]:
    """The held-out pool a later held-out slice draws from: held-out brands' mentions and twcs_test first turns in
    no labelled file of an earlier slice (the slice's own folder and the later held-out slices are skipped, so that a
    slice draws the same rows once it and its successors are written), one per text, by industry and brand, in the
    sources' order (later turns of held-out dialogs after them, in `WITH_LATER_TURNS` slices)."""
    held = set(HELDOUT)
    sources = twcs_mentions() + tweetsumm_mentions() + (tweetsumm_later_turns() if name in WITH_LATER_TURNS else [])
    pool = [m for m in sources if m["brand"] in held or m["split"] == "twcs_test"]
    return _by_industry(fresh(pool, skip=HELDOUT_SLICES[HELDOUT_SLICES.index(name) :]))


def _by_industry(mentions: list[dict[str, str]]) -> dict[str, dict[str, list[dict[str, str]]]]:
    """`mentions` by industry and brand, in their order, the first of each text only (tweetsumm repeats a first turn
    once per summary)."""
    seen, by_industry = set(), {}
    for m in mentions:
        if m["text"] not in seen:
            seen.add(m["text"])
            by_industry.setdefault(BRAND_INDUSTRY[m["brand"]], {}).setdefault(m["brand"], []).append(m)
    return by_industry


def draw_heldout_slice(name: str = "heldout2", size: int | None = None) -> list[dict[str, str]]:
    """A later held-out slice (`heldout2`…`heldout4`, seed ``28-<name>``): held-out brands' mentions and twcs_test
    first turns (and later turns, in `WITH_LATER_TURNS` slices) in no earlier slice's file, one per text, `size` of
    them spread over the industries as evenly as each industry's pool allows."""
    size = HELDOUT_SIZES[name] if size is None else size
    return _spread(_heldout_pool(name), size, random.Random(f"{SEED}-{name}"))


def draw_dev_turns(size: int = DEV_TURNS_SIZE) -> list[dict[str, str]]:
    """Dev round 6 (seed ``28-dev-turns``): customers' later turns of dev brands' tweetsumm train/val dialogs, in no
    labelled file by id or text, one per text, `size` of them spread over the industries as `_spread` does."""
    held = set(HELDOUT)
    turns = [m for m in tweetsumm_later_turns() if m["brand"] not in held and m["split"] != "twcs_test"]
    return _spread(_by_industry(fresh(turns)), size, random.Random(f"{SEED}-dev-turns"))


def _spread(
    by_industry: dict[str, dict[str, list[dict[str, str]]]], size: int, rng: random.Random
) -> list[dict[str, str]]:
    """`size` mentions spread over the industries as evenly as each one's pool allows (each gets one more in turn
    while it has texts left), brands round-robin inside an industry, each brand's pool shuffled by `rng`."""
    for by_brand in by_industry.values():
        for mine in by_brand.values():
            rng.shuffle(mine)
    want = dict.fromkeys(by_industry, 0)
    room = {ind: sum(map(len, by_brand.values())) for ind, by_brand in by_industry.items()}
    while sum(want.values()) < size and any(want[i] < room[i] for i in want):
        for industry in sorted(want):  # water-filling: one more each, while the industry has texts left
            if want[industry] < room[industry] and sum(want.values()) < size:
                want[industry] += 1
    chosen: list[dict[str, str]] = []
    for industry in sorted(by_industry):
        by_brand, picked = by_industry[industry], []
        while len(picked) < want[industry]:
            for brand in sorted(by_brand):
                if by_brand[brand] and len(picked) < want[industry]:
                    picked.append(by_brand[brand].pop())
        for m in picked:
            m["industry"] = industry
        chosen += picked
    return chosen


def draw_heldout2(size: int = HELDOUT2_SIZE) -> list[dict[str, str]]:
    """The second held-out slice (see `draw_heldout_slice`)."""
    return draw_heldout_slice("heldout2", size)


def draw_urgent_heldout(name: str = "heldout3", size: int = URGENT_DRAW) -> list[dict[str, str]]:
    """Urgent candidates of a later held-out slice (seed ``28-urgent-<name>``): the held-out pool left after the
    slice's random draw (in no labelled file of an earlier slice, nor the slice's mentions) that URGENT_NET3 catches,
    one per text, seeded sample; when that pool has fewer than `size`, all of it, and the rest a seeded sample of the
    later customer turns of held-out dialogs (held-out brands and twcs_test, ``tweetsumm_turn`` as in urgent-dev6)
    that the net catches, in no labelled file by id or text."""
    rng = random.Random(f"{SEED}-urgent-{name}")
    drawn = draw_heldout_slice(name)
    ids, texts = {(m["source"], m["source_id"]) for m in drawn}, {m["text"] for m in drawn}
    pool = [
        m
        for by_brand in _heldout_pool(name).values()
        for mine in by_brand.values()
        for m in mine
        if (m["source"], m["source_id"]) not in ids and m["text"] not in texts and URGENT_NET3.search(m["text"])
    ]
    chosen = rng.sample(pool, min(size, len(pool)))
    if len(chosen) < size:
        texts |= {m["text"] for m in chosen}
        held, later = set(HELDOUT), []
        turns = [m for m in tweetsumm_later_turns() if m["brand"] in held or m["split"] == "twcs_test"]
        for m in fresh(turns, skip=HELDOUT_SLICES[HELDOUT_SLICES.index(name) :]):
            if m["text"] not in texts and URGENT_NET3.search(m["text"]):
                texts.add(m["text"])  # one per text
                later.append(m)
        chosen += rng.sample(later, min(size - len(chosen), len(later)))
    for m in chosen:
        m["industry"] = BRAND_INDUSTRY[m["brand"]]
    return chosen


def draw_urgent(slice_: str) -> list[dict[str, str]]:
    """Mentions of the slice outside its random draw that the broad net catches, seeded sample."""
    rng = random.Random(f"{SEED}-urgent-{slice_}")
    taken = {(m["source"], m["source_id"]) for m in draw(slice_)}
    seen_text: set[str] = {m["text"] for m in draw(slice_)}
    held = set(HELDOUT)
    pool = []
    mentions = twcs_mentions() + tweetsumm_mentions()
    for m in fresh(mentions) if slice_ == "dev2" else mentions:
        in_held = m["brand"] in held or m["split"] == "twcs_test"
        if in_held != (slice_ == "heldout") or (m["source"], m["source_id"]) in taken:
            continue
        if (URGENT_NET2 if slice_ == "dev2" else URGENT_NET).search(m["text"]) and m["text"] not in seen_text:
            seen_text.add(m["text"])  # tweetsumm repeats a first turn once per summary
            pool.append(m)
    chosen = rng.sample(pool, min(URGENT_DRAW2 if slice_ == "dev2" else URGENT_DRAW, len(pool)))
    for m in chosen:
        m["industry"] = BRAND_INDUSTRY[m["brand"]]
    return chosen


#: The people-labelled brand sets (../shared/data/labelled/): file → (text column, brand column); general brand
#: mentions, never read to write a reader of urgency.
BRAND_SETS = {
    "apple_twitter_sentiment": ("text", "query"),
    "sanders_brand_sentiment": ("TweetText", "Topic"),
    "semeval2016_brand_topics": ("text", "brand"),
    "sxsw_brand_emotion": ("tweet_text", "emotion_in_tweet_is_directed_at"),
}
BRANDSETS_UNFLAGGED = 78  # urgent-brandsets: net-caught texts the urgent reader does not flag, read beside its flags


def draw_urgent_brandsets(unflagged: int = BRANDSETS_UNFLAGGED) -> list[dict[str, str]]:
    """Urgent candidates from the brand sets (seed ``28-urgent-brandsets``), for urgent precision on text no reader
    was written on: every distinct text the shipped urgent reader flags, and a seeded sample of `unflagged` texts
    `URGENT_NET3` catches that it does not flag, shuffled together so that whoever reads them cannot tell which the
    reader flagged (the file says nothing of it either; `reading_protocol --slice brandsets` computes it again).
    The flags are the reader's of the day it ran (commit 58ad382's rules): with later rules it draws other rows."""
    return _blind_mix(_brand_set_texts(set()), unflagged, random.Random(f"{SEED}-urgent-brandsets"))


BRANDSETS2_UNFLAGGED = 148  # urgent-brandsets2: more net-caught texts the reader does not flag, for dev


def draw_urgent_brandsets2(unflagged: int = BRANDSETS2_UNFLAGGED) -> list[dict[str, str]]:
    """A second round of brand-set candidates (seed ``28-urgent-brandsets2``), all for dev (`brandsets_dev`): as
    the first, of the texts no labelled file holds (the reader's rules changed since: it flags some of them), with the
    flags of commit d616a4d's rules."""
    return _blind_mix(_brand_set_texts(labelled()[1]), unflagged, random.Random(f"{SEED}-urgent-brandsets2"))


def _brand_set_texts(skip: set[str]) -> list[dict[str, str]]:
    """Each distinct text of the brand sets not in `skip`, as a mention row (source: the set's file name)."""
    seen, texts = set(skip), []
    for name, (text_column, brand_column) in BRAND_SETS.items():
        with open(DATA / "labelled" / f"{name}.csv", newline="", encoding="utf-8", errors="replace") as f:
            for i, r in enumerate(csv.DictReader(f)):
                if r[text_column] and r[text_column] not in seen:
                    seen.add(r[text_column])
                    row = {"source": name, "source_id": str(i), "brand": r[brand_column], "split": ""}
                    texts.append(row | {"industry": "brand_sets", "text": r[text_column]})
    return texts


def _blind_mix(texts: list[dict[str, str]], unflagged: int, rng: random.Random) -> list[dict[str, str]]:
    """Every text the urgent reader flags and `unflagged` of those URGENT_NET3 catches that it does not, shuffled."""
    flagged = urgent_flags(pl.Series([m["text"] for m in texts])).to_list()
    chosen = [m for m, f in zip(texts, flagged, strict=True) if f]
    caught = [m for m, f in zip(texts, flagged, strict=True) if not f and URGENT_NET3.search(m["text"])]
    chosen += rng.sample(caught, unflagged)
    rng.shuffle(chosen)
    return chosen


def draw_urgent3(
    round_: str = "dev3", size: int = URGENT_DRAW3, mentions: list[dict[str, str]] | None = None
) -> list[dict[str, str]]:
    """Rounds 3+: dev mentions in no dev file that URGENT_NET3 catches, one per text, seeded sample
    (of `mentions`, by default the customers' first words: twcs tweets and tweetsumm first turns)."""
    rng = random.Random(f"{SEED}-urgent-{round_}")
    held, seen_text, pool = set(HELDOUT), set(), []
    for m in fresh(twcs_mentions() + tweetsumm_mentions() if mentions is None else mentions, "dev"):
        if m["brand"] in held or m["split"] == "twcs_test" or m["text"] in seen_text:
            continue
        if URGENT_NET3.search(m["text"]):
            seen_text.add(m["text"])
            pool.append(m)
    chosen = rng.sample(pool, min(size, len(pool)))
    for m in chosen:
        m["industry"] = BRAND_INDUSTRY[m["brand"]]
    return chosen


def main() -> None:
    slice_ = sys.argv[1]
    w = csv.DictWriter(sys.stdout, ["source", "source_id", "brand", "industry", "split", "text"])
    w.writeheader()
    if slice_ in HELDOUT_SLICES:
        chosen = draw_heldout_slice(slice_)
    elif slice_ in ("urgent-heldout3", "urgent-heldout4"):
        chosen = draw_urgent_heldout(slice_.removeprefix("urgent-"))
    elif slice_ == "dev-turns":
        chosen = draw_dev_turns()
    elif slice_ == "urgent-brandsets":
        chosen = draw_urgent_brandsets()
    elif slice_ == "urgent-brandsets2":
        chosen = draw_urgent_brandsets2()
    elif slice_ == "urgent-dev3":
        chosen = draw_urgent3()
    elif slice_ == "urgent-dev4":
        chosen = draw_urgent3("dev4", URGENT_DRAW4)
    elif slice_ == "urgent-dev5":
        chosen = draw_urgent3("dev5", URGENT_DRAW5)
    elif slice_ == "urgent-dev6":
        chosen = draw_urgent3("dev6", URGENT_DRAW6, tweetsumm_later_turns())
    else:
        chosen = draw_urgent(slice_.removeprefix("urgent-")) if slice_.startswith("urgent-") else draw(slice_)
    w.writerows({k: m[k] for k in w.fieldnames} for m in chosen)


if __name__ == "__main__":
    main()
