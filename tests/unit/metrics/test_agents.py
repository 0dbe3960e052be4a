"""Agents read from reply signatures, and their figures, on hand-made days.

AcmeHelp signs with `^` (learnt: 8 replies, 6 signed by JD ×4 and AB ×2), PlainCare does not
sign, MappedCare's pattern and names come from the registry. Day 2017-10-31, horizon 72 h,
SLA 3,600 s. Every Acme mention is posted at 10:00 by its own customer:
  m1 ← r1 10:10 ^JD (600 s) ← f1 c1 10:15 ← r1b 10:20 ^JD   JD: 4 replies in 3 conversations,
  m2 ← r2 10:30 ^JD (1,800 s)                                   first responses 300 (f1), 600, 1,800,
  m3 ← r3 11:00 ^JD + link (3,600 s)                            3,600: median 1,200, p90 1,800 + 0.7 × 1,800
  m4 ← r4 12:00 "please DM us" ^AB (7,200 s)                   AB: 7,200 and 1,200: median 4,200,
  m5 ← r5 10:20 ^AB (1,200 s)                                   p90 1,200 + 0.9 × 6,000; SLA 1 of 2;
  m6 ← r6 10:40, m7 ← r7 10:50 unsigned (2,400, 3,000 s)       offline 1 of 2 (the DM)
  m8 unanswered (nobody's)
"""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from scipy import stats

from tasks.metrics.agents import (
    MIN_REPLIES,
    MIN_SHARE,
    UNSIGNED,
    Agent,
    Signatures,
    conventions,
    reply_agents,
    signature,
)
from tasks.metrics.period import MeasureRules, SummedDays, measure_from_days, measure_period
from tasks.metrics.registry import BrandRegistry, load_registry
from tasks.model.periods import period_of
from tasks.render.columns import schema_of
from tasks.render.files import day_files
from tasks.render.headline import headline
from tests.frames import at, frame, post

ACME, PLAIN, MAPPED = "AcmeHelp", "PlainCare", "MappedCare"
SAMPLE = Path(__file__).parents[3] / "tasks" / "sample" / "twcs_sample.csv"
HELD_OUT = {
    "British_Airways", "AlaskaAir", "comcastcares", "O2", "airtel_care", "ArgosHelpers", "UPSHelp", "BofA_Help",
    "AskAmex", "AskPapaJohns", "McDonalds", "AdobeCare", "HPSupport", "hulu_support", "ATVIAssist", "GWRHelp",
    "LondonMidland",
}  # fmt: skip
#: Sample brands that do not sign (each one's replies read: no initials, no names at the end).
UNSIGNED_BRANDS = (
    "AppleSupport", "Uber_Support", "AmericanAir", "AskPlayStation", "marksandspencer", "nationalrailenq",
    "sainsburys", "Postmates_Help", "AskTarget", "DropboxSupport", "MicrosoftHelps",
)  # fmt: skip


def _replies(brand: str, *texts: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "platform": "twitter",
            "mention_id": [f"{brand}{i}" for i in range(len(texts))],
            "brand": brand,
            "text": list(texts),
        }
    )


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("We'd love to help. /NQ", "NQ"),
        ("Reach us here: https://t.co/x ^JD https://t.co/y", "JD"),
        ("Sorry about that -AB", "AB"),
        ("Happy to help ~Mike", "Mike"),
        ("DM us! *AFC", "AFC"),
        ("see you there!- Anwar", "Anwar"),  # after a sentence's end, no space
        ("more to come - Nick 2/3", "Nick"),  # a thread counter after it
        ("Thanks ^RB.", "RB"),
        ("that was well-done", None),  # a hyphen inside a word is no mark
        ("Let us know", None),
        (None, None),
    ],
)
def test_a_signature_is_the_mark_and_initials_or_name_before_trailing_links(text, sign):
    read = pl.DataFrame({"text": [text]}, schema={"text": pl.String}).select(signature(pl.col("text")).alias("s"))
    assert read.unnest("s")["sign"][0] == sign


def test_a_convention_needs_enough_replies_a_share_signed_and_repeating_signatures():
    signed = _replies(ACME, *(["x ^JD"] * 2 + ["y ^AB"] * 1 + ["plain"] * 5))  # 3 of 8 ≥ 0.3; JD repeats
    few = _replies("Few", "a ^JD", "b ^JD", "c ^JD", "d ^JD", "e ^JD", "f ^JD", "g ^JD")  # 7 < MIN_REPLIES
    thin = _replies("Thin", *(["x ^JD"] * 2 + ["plain"] * 7))  # 2 of 9 < 0.3
    unique = _replies("Unique", *[f"ends -{w}" for w in ("ok", "yes", "now", "so", "then", "up", "in", "on")])
    assert conventions(pl.concat([signed, few, thin, unique])).rows() == [(ACME, "^")]


def test_every_reply_is_an_agents_or_unsigned_never_spread():
    mixed = _replies(ACME, *(["x ^JD"] * 3 + ["y -AB"] * 3 + ["plain", "bye ~Sam"]))  # two marks, both repeat
    agents = reply_agents(mixed, Signatures())["agent"].to_list()
    assert agents == ["JD"] * 3 + ["AB"] * 3 + [UNSIGNED, UNSIGNED]  # "~" once: not the brand's mark


def test_the_registry_pattern_wins_even_below_the_learning_threshold():
    r = pl.concat([_replies(MAPPED, "hi ~Mike", "hi ^JD"), _replies(PLAIN, "hi ~Mike")])
    registry = Signatures(patterns={MAPPED: r"~(\w+)$"})
    assert reply_agents(r, registry)["agent"].to_list() == ["Mike", UNSIGNED, UNSIGNED]


def test_the_registry_reads_signature_patterns_and_agent_names(tmp_path):
    path = tmp_path / "brands.toml"
    path.write_text(
        "[brands.MappedCare]\nsignature = '~(\\w+)$'\n"
        '[brands.MappedCare.agents]\nMike = { name = "Mike Ross", team = "Billing" }\nJo = "Jo Park"\n'
    )
    signatures = load_registry(path).signatures
    assert signatures.patterns == {MAPPED: r"~(\w+)$"}
    assert signatures.agents == {MAPPED: {"Mike": Agent("Mike Ross", "Billing"), "Jo": Agent("Jo Park")}}


@pytest.mark.parametrize(
    ("entry", "message"),
    [("signature = '~(\\w+'", "not a regular expression"), ("signature = '~\\w+$'", "exactly one group")],
)
def test_a_bad_signature_pattern_is_refused_in_one_sentence(tmp_path, entry, message):
    path = tmp_path / "brands.toml"
    path.write_text(f"[brands.MappedCare]\n{entry}\n")
    with pytest.raises(ValueError, match=message):
        load_registry(path)


def _sample_replies() -> pl.DataFrame:
    ids = {c: pl.String for c in ("tweet_id", "author_id", "response_tweet_id", "in_response_to_tweet_id")}
    posts = pl.read_csv(SAMPLE, schema_overrides=ids)
    return posts.filter(~pl.col("inbound") & ~pl.col("author_id").is_in(HELD_OUT)).select(
        pl.lit("twitter").alias("platform"),
        pl.col("tweet_id").alias("mention_id"),
        pl.col("author_id").alias("brand"),
        "text",
    )


def test_the_threshold_is_out_of_reach_of_an_unsigned_brands_endings():
    """On the sample's unsigned brands, 0 of 488 replies end like a signature; even at the 95 %
    upper bound of that rate (0.6 %), MIN_REPLIES replies reach MIN_SHARE signed with chance
    1.3e-5 (binomial), less for more replies; and repeating signatures are asked besides."""
    replies = _sample_replies().filter(pl.col("brand").is_in(UNSIGNED_BRANDS))
    ending = reply_agents(replies, Signatures(patterns=dict.fromkeys(UNSIGNED_BRANDS, r"[\^/~*-] ?(\w+)$")))
    k, n = (ending["agent"] != UNSIGNED).sum(), replies.height
    assert (k, n) == (0, 488)
    upper = stats.beta.ppf(0.95, k + 1, n - k)
    assert upper == pytest.approx(0.00612, abs=1e-5)
    chance = stats.binom.sf(math.ceil(MIN_SHARE * MIN_REPLIES) - 1, MIN_REPLIES, upper)
    assert chance == pytest.approx(1.25e-5, rel=0.01)


def test_on_the_sample_signing_brands_get_agents_and_unsigned_brands_none():
    replies = _sample_replies()
    found = replies.join(reply_agents(replies, Signatures()), on=["platform", "mention_id"])
    per_brand = found.group_by("brand").agg(
        (pl.col("agent") != UNSIGNED).mean().alias("signed"),
        pl.col("agent").filter(pl.col("agent") != UNSIGNED).n_unique().alias("agents"),
    )
    signed = dict(per_brand.filter(pl.col("agents") > 0).select("brand", "agents").iter_rows())
    assert not set(signed) & set(UNSIGNED_BRANDS)
    assert signed["SpotifyCares"] == 33 and signed["ChipotleTweets"] == 5 and signed["VerizonSupport"] == 8
    share = dict(per_brand.select("brand", "signed").iter_rows())
    assert share["SpotifyCares"] == pytest.approx(78 / 80) and share["XboxSupport"] == 1.0


def _day() -> pl.DataFrame:
    acme = []
    answers = {  # mention → (reply id, time, text)
        "m1": ("r1", "10:10", "Sorry about that ^JD"),
        "m2": ("r2", "10:30", "Sorry about that ^JD"),
        "m3": ("r3", "11:00", "Steps here: https://t.co/abc ^JD"),
        "m4": ("r4", "12:00", "Please DM us ^AB"),
        "m5": ("r5", "10:20", "All fixed ^AB"),
        "m6": ("r6", "10:40", "Thanks for waiting"),
        "m7": ("r7", "10:50", "Glad it works"),
    }
    for n in range(1, 9):
        acme.append(post(f"m{n}", f"c{n}", "2017-10-31 10:00", "@AcmeHelp it broke", brand=ACME))
        if f"m{n}" in answers:
            rid, when, text = answers[f"m{n}"]
            acme.append(post(rid, ACME, f"2017-10-31 {when}", text, brand_post=True, reply_to=f"m{n}"))
    return frame(
        *acme,
        post("f1", "c1", "2017-10-31 10:15", "still broken", reply_to="r1"),
        post("r1b", ACME, "2017-10-31 10:20", "Try again now ^JD", brand_post=True, reply_to="f1"),
        post("p1", "d1", "2017-10-31 09:00", "@PlainCare hi", brand=PLAIN),
        post("q1", PLAIN, "2017-10-31 09:30", "Hello -there", brand_post=True, reply_to="p1"),
        post("p2", "d2", "2017-10-31 09:00", "@PlainCare hi", brand=PLAIN),
        post("q2", PLAIN, "2017-10-31 10:00", "Hello", brand_post=True, reply_to="p2"),
        post("x1", "e1", "2017-10-31 08:00", "@MappedCare hi", brand=MAPPED),
        post("y1", MAPPED, "2017-10-31 08:05", "On it ~Mike", brand_post=True, reply_to="x1"),
    )


def test_agents_figures_per_brand_and_day():
    registry = BrandRegistry(
        sla_targets={ACME: 3600},
        signatures=Signatures(patterns={MAPPED: r"~(\w+)$"}, agents={MAPPED: {"Mike": Agent("Mike Ross", "Billing")}}),
    )
    rules = MeasureRules(registry, 72 * 3600, 7200, at("2017-11-20 00:00"))
    agents = measure_period(_day(), period_of("daily", date(2017, 10, 31)), rules).agents
    assert agents is not None
    columns = ["brand", "agent", "agent_name", "agent_team", "replies", "conversations", "first_responses"]
    figures = ["frt_median_s", "frt_p90_s", "sla_attainment", "taken_offline_rate"]
    assert agents.select(columns).rows() == [
        (ACME, "AB", None, None, 2, 2, 2),
        (ACME, "JD", None, None, 4, 3, 4),
        (ACME, UNSIGNED, None, None, 2, 2, 2),
        (MAPPED, "Mike", "Mike Ross", "Billing", 1, 1, 1),
        (PLAIN, UNSIGNED, None, None, 2, 2, 2),
    ]
    assert agents.select(figures).rows() == [
        pytest.approx((4200.0, 6600.0, 0.5, 0.5)),
        pytest.approx((1200.0, 3060.0, 1.0, 0.0)),
        pytest.approx((2700.0, 2940.0, 1.0, 0.0)),
        pytest.approx((300.0, 300.0, 1.0, 0.0)),
        pytest.approx((2700.0, 3420.0, 1.0, 0.0)),  # PlainCare's default 7,200 s target
    ]
    assert set(agents["date"].to_list()) == {date(2017, 10, 31)}


def test_a_week_sums_its_days_agents():
    """The week of 2017-10-31 holds that one day: its agents are the day's, dated the week's Monday,
    summed from the day's stored facts and thread posts as from the week's whole window."""
    registry = BrandRegistry(sla_targets={ACME: 3600}, signatures=Signatures(patterns={MAPPED: r"~(\w+)$"}))
    rules = MeasureRules(registry, 72 * 3600, 7200, at("2017-11-20 00:00"))
    day = measure_period(_day(), period_of("daily", date(2017, 10, 31)), rules)
    assert day.source is not None and day.agents is not None
    week = period_of("weekly", date(2017, 10, 30))
    summed = measure_from_days(SummedDays.held([(date(2017, 10, 31), day.source.for_summing())]), week, rules)
    whole = measure_period(_day(), week, rules)
    expected = day.agents.with_columns(pl.lit(date(2017, 10, 30)).alias("date"))
    assert summed.agents is not None and summed.agents.equals(expected)
    assert whole.agents is not None and whole.agents.equals(expected)


def test_the_day_files_hold_agents_parquet_and_the_page_a_section_with_the_unsigned_line():
    registry = BrandRegistry(
        sla_targets={ACME: 3600},
        signatures=Signatures(
            patterns={MAPPED: r"~(\w+)$"}, agents={MAPPED: {"Mike": Agent("<b>Mike</b>", "Billing")}}
        ),
    )
    rules = MeasureRules(registry, 72 * 3600, 7200, at("2017-11-20 00:00"))
    m = measure_period(_day(), period_of("daily", date(2017, 10, 31)), rules)
    files = day_files(
        m,
        "final",
        {"sources": [], "response_before_mention": []},
        headline(m.metrics, m.sps, m.facts, m.trends, m.period),
        [],
    )
    published = pl.read_parquet(io.BytesIO(files["agents.parquet"]))
    assert list(published.columns) == list(schema_of("agents.parquet"))
    assert published.select("brand", "agent", "replies").rows()[:3] == [
        (ACME, "AB", 2),
        (ACME, "JD", 4),
        (ACME, UNSIGNED, 2),
    ]
    page = files["report.html"].decode()
    section = page[page.index('id="agents"') :].split("</table>")[0]
    assert section.count("<tr>") == 1 + 5  # the header, Acme's JD, AB and unsigned, Mapped's Mike, Plain's unsigned
    assert "&lt;b&gt;Mike&lt;/b&gt; (Mike, Billing)" in section and "<b>Mike" not in section
    assert section.index("JD") < section.index("AB") < section.index(UNSIGNED)  # busiest first, unsigned last
