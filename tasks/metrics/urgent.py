"""Urgent mentions: safety, security or money at risk now, and those left unanswered.

Urgent means a care team must act before anything else: fraud or charges the customer did
not make, an account taken over, an outage of a vital service (power, internet, phone,
banking), an injury or a danger. The words are read in their sense: "fire the captain",
"Kindle Fire", "emergency exit row", "this is fire", "down to earth", "screen bleeding" are
no fires, emergencies, outages or injuries, so those phrasings are struck out before the
urgent ones are looked for. A complaint about a price ("this is a scam") is not fraud, and
an app that will not load is not an outage of a vital service. The only post text a report
shows is urgent unanswered mentions', with personal data masked (tasks/masking.py).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from tasks.masking import mask_pii


def _any(*phrasings: str) -> str:
    """One case-insensitive pattern matching any of the phrasings."""
    return r"(?i)(?:" + "|".join(phrasings) + ")"


_VITAL = r"(?:power|electricity|internet|wi-?fi|network|service|broadband|fios|landline|phone line)"

#: Phrasings whose urgent-looking words mean something else; struck out before URGENT is read.
TRAPS = _any(
    r"\bkindle fire\b|\bfire ?(?:tv|stick|tablet|hd|os|phone|edition)\b",
    r"\bfire (?:the|him|her|them|your|that|this|whoever|every\w*|all)\b|\b(?:get|got|be|getting) fired\b",
    r"\b(?:is|are|was|were|that'?s|thats|it'?s|its|this|so|straight|pure|lowkey|absolute) (?:straight )?fire\b",
    r"\b(?:you|you'?re|youre|u|ur|y'?all|team|guys|staff|crew|she|he|they) (?:are |is |were |was )?on fire\b",
    r"\bemergency (?:exit|row|seats?|exits?)(?: (?:row|seats?))?\b|\bexit row\b",
    r"\bdown to earth\b|\bdown ?payment\b|\bzero down\b|\$\d+ down\b",
    r"\bin danger of\b|\bdangerously (?:good|delicious|addictive|tasty|cute)\b",
    r"\b(?:screen|backlight|light|colou?r|ink) bleed\w*",
    r"\b(?:killing|killed|kill) it\b|\bi'?m dying\b|\bdying (?:of|from|with) laughter\b",
    r"\bthis is (?:a )?(?:scam|fraud|theft|robbery)\b|\bscam(?:my|s)?\b(?: \w+)? (?:prices?|fees?|offers?|listing)",
    r"\bfraud (?:protection|department|team|alert settings)\b|\bas \W?fraudulent\b",
    r"\bemergency calls only\b|\bassault on (?:your|my|the|our) \w+",
    r"\b(?:tried|try|trying|to|and) (?:a )?power (?:down|off|cycle)\b",
)

#: Safety, security or money at risk now (read after TRAPS are struck out).
URGENT = _any(
    # security: an account taken over
    r"\b(?:hacked|hacker|hackers|hacking)\b|\bphish\w*",
    r"\baccount (?:was |has been |got |is |been )?(?:compromised|taken over|hijacked)\b|\bhijack\w*",
    r"\bsomeone (?:has |had |is |was )?(?:logged|logging|got|getting|broke|breaking|signed|accessed|using) "
    r"(?:in ?to |into )?my (?:account|card|details)",
    r"\bdata breach\b|\bidentity theft\b|\bstolen (?:identity|card|credit card|debit card|details|account|phone)\b",
    r"\bmy (?:card|credit card|debit card|identity|details|phone|wallet) (?:was |has been |got |were )?stolen\b",
    # money: fraud, charges the customer did not make
    r"\bfraud(?:ulent(?:ly)?)?\b|\bscammed\b|\bunauthori[sz]ed\b",
    r"\b(?:charges?|orders?|purchases?|transactions?|payments?|withdrawals?) (?:that )?(?:i|we) "
    r"(?:never|didn'?t|did not|don'?t) (?:make|made|place|placed|authori[sz]e|order|recogni[sz]e)",
    r"\bmoney (?:was |has been |is being |got )?(?:taken|stolen|debited|withdrawn|drained) (?:out )?(?:from|of) my\b",
    r"\b(?:emptied|drained|cleared out) my (?:bank )?account\b",
    # a vital service out
    r"\boutages?\b",
    r"\b" + _VITAL + r" (?:is |are |was |has been |have been |went |goes |keeps going )?(?:down|out)\b",
    r"\b(?:site|website|system|online banking|banking app|sites) (?:is |are |was |has been |went |goes )?down\b",
    r"\bapp (?:is |was |has been )down\b",
    r"\b(?:no|without) (?:power|electricity|heat|heating|hot water|running water|water|gas|internet)\b",
    # safety: injury, danger
    r"\b(?:unsafe|danger|dangerous|injur(?:ed|y|ies)|bleeding|ambulance|hospitali[sz]ed|anaphyla\w*|electrocut\w*)\b",
    r"\b(?:allergic reaction|food poisoning|gas leak|smell (?:of )?gas|carbon monoxide|electric shock)\b",
    r"\b(?:caught|catch|catching|on) fire\b|\bfire (?:alarm|hazard|brigade|department|risk)\b",
    r"\bsmoke (?:coming|pouring|from)\b",
    r"\b(?:explod\w*|explosion|swollen battery|battery (?:is )?(?:swelling|swollen))\b",
    r"\b(?:assault\w*|harass\w*|attacked|threaten(?:ed|ing)? (?:me|us|my|to)|nearly died|almost died)\b",
    r"\b(?:hurt|burned|burnt|cut) (?:myself|himself|herself|themselves)\b|\b(?:got|was|were|been|being) hurt\b",
    r"\b(?:hurt|burned|burnt|cut|broke) my (?:back|neck|hand|arm|leg|foot|head|knee|wrist|finger|mouth|tongue|lip)\b",
    r"\b(?:a|the|house|kitchen|engine|electrical) fire\b|\bemergency\b",
    r"\b(?:could|might|would) have died\b|\bchok(?:ed|ing) on\b|\bpieces? of (?:glass|metal|plastic)\b",
    r"\b(?:car|road|traffic) accident\b|\bcrash(?:ed)? into\b|\bhit (?:the|a|another) (?:car|vehicle|truck|bus)\b",
    r"\bstrained (?:the |my )?(?:muscles?|back|neck)\b",
)


def is_urgent(text: pl.Expr) -> pl.Expr:
    """Whether a mention puts safety, security or money at risk now. Never null: no text, not urgent."""
    read = text.fill_null("").str.replace_all("&amp;", "&").str.replace_all(r"\s+", " ")
    return read.str.replace_all(TRAPS, " ").str.contains(URGENT).alias("urgent")


def waited(watermark: datetime, horizon_s: float) -> tuple[pl.Expr, pl.Expr]:
    """age_h and beyond_horizon of an unanswered mention: how long it has waited from its post to the
    report's cut-off (the end of the newest archive collected: nothing later is known), in hours to
    0.1; at the reply horizon it stops, and beyond_horizon says it waited longer (unanswered for
    good: a page shows "> 72 h"). Capped, a final day's list reads the same whenever it is published."""
    waited_s = (pl.lit(watermark) - pl.col("created_at")).dt.total_seconds()
    return (
        (pl.min_horizontal(waited_s, horizon_s) / 3600).round(1).alias("age_h"),
        (waited_s >= horizon_s).alias("beyond_horizon"),
    )


def urgent_unanswered(facts: pl.DataFrame, watermark: datetime, horizon_s: float) -> pl.DataFrame:
    """mention_id, brand, created_at, age_h, beyond_horizon, text (masked), oldest first (`waited`)."""
    return (
        facts.lazy()
        .filter(~pl.col("responded") & is_urgent(pl.col("text")))
        .select(
            "mention_id",
            "brand",
            "created_at",
            *waited(watermark, horizon_s),
            mask_pii(pl.col("text")).alias("text"),
        )
        .sort("created_at", "mention_id")
        .collect()
    )
