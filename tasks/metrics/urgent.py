"""Urgent mentions: safety, security or money at risk now, and those left unanswered.

Urgent means a care team must act before anything else, and the rule is narrow on purpose
(precision first: a queue where everything is urgent orders nothing):
- security: an account taken over ("I've been hacked", "someone logged into my account"), a phone
  number taken by someone else (the key to every account it unlocks), someone getting into other
  people's data; not cheaters called hackers in a game, not a phishing e-mail merely received;
- money: charges, orders or access the customer did not make ("fraudulent charges",
  "orders we never placed", "unauthorised transactions"), not a bill, fee or refund the
  customer disputes while calling it "fraud", "theft", "stealing" or "robbery";
- a vital service out: power, heat, gas, water (people at risk), or a business's own sites or
  servers; not one home's internet, a phone network, an app or the brand's website being down,
  which are complaints (the complaint reader counts them);
- safety: an injury, an accident, food poisoning, a foreign body in food, assault, fire,
  a dangerous driver; not "it's an emergency" about an order, "my ears are bleeding",
  "harassing me with sales calls", a "dangerous web page" verdict, a phone with "no power".
The words are read in their sense: "fire the captain", "Kindle Fire", "emergency exit row",
"this is fire", "down to earth", "screen bleeding", "the Fire 7", "a fire burrito", "power off the
console", "my feelings were hurt", "nearly died laughing", "an unsafe website" are struck out (TRAPS) before
the urgent phrasings are looked for; money "debited" for a recharge that failed is no theft.
The only post text a report shows is urgent unanswered mentions',
with personal data masked (tasks/model/masking.py).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from tasks.metrics.phrasings import lower_any_of, per_distinct
from tasks.model.masking import mask_pii

#: Services whose loss endangers people (heat, light, water, gas): a home's internet, a phone network or an app being
#: down is an inconvenience people call "not urgent" (a complaint, read by the complaint reader).
_VITAL = r"(?:power|electricity|electric|gas|heat|heating|hot water|water)"

#: Who or what is in danger when a post says so: people, and the rides that carry them.
_PEOPLE_OR_RIDES = (
    r"(?:driver|car|cab|taxi|bus|train|lives?|kids?|children|family|baby|son|daughter|wife|husband|partner|mum|mom"
    r"|dad|parents?|friends?|passengers)"
)

#: Phrasings whose urgent-looking words mean something else; struck out before URGENT is read.
TRAPS = lower_any_of(
    r"\bkindle fire\b|\bfire ?(?:tv|stick|tablet|hd|os|phone|edition|\d+)\b",
    # names and figures of speech with "fire" or "explosion" in them: a sale, a game, a flavour
    r"\bfire ?(?:sales?|emblem|pit|place|works?)\b|\bexplosions? of (?:flavou?rs?|taste|colou?rs?|joy)\b",
    r"\bfire (?:the|him|her|them|your|that|this|whoever|every\w*|all)\b|\b(?:get|got|be|getting) fired\b",
    r"\b(?:is|are|was|were|that'?s|thats|it'?s|its|this|so|straight|pure|lowkey|absolute) (?:straight )?fire\b",
    r"\b(?:you|you'?re|youre|u|ur|y'?all|team|guys|staff|crew|she|he|they) (?:are |is |were |was )?on fire\b",
    r"\bemergency (?:exit|row|seats?|exits?)(?: (?:row|seats?))?\b|\bexit row\b",
    r"\bdown to earth\b|\bdown ?payment\b|\bzero down\b|\$\d+ down\b",
    r"\bin danger of\b|\bdangerously (?:good|delicious|addictive|tasty|cute)\b",
    r"\b(?:screen|backlight|light|colou?r|ink|sound|audio|mic) bleed\w*|\bbleeding edge\b|\binjury time\b",
    # hurt feelings, a joke that nearly killed: "my feelings were hurt", "I nearly died laughing", "I feel attacked"
    r"\bfeelings (?:\w+ )?(?:got |were |are |was |been |have been )?hurt\b|\b(?:nearly|almost) died "
    r"(?:laughing|of laughter|from laughter|of embarrassment)\b|\bfeel(?:ing)? (?:so |personally )?attacked\b",
    r"\b(?:killing|killed|kill) it\b|\bi'?m dying\b|\bdying (?:of|from|with) laughter\b",
    r"\bthis is (?:a )?(?:scam|fraud|theft|robbery)\b|\bscam(?:my|s)?\b(?: \w+)? (?:prices?|fees?|offers?|listing)",
    r"\bfraud (?:protection|department|team|alert settings)\b|\bas \W?fraudulent\b",
    r"\bidentity theft (?:protection|insurance|monitoring|services?|plan)\b",
    r"\bemergency calls only\b|\bassault on (?:your|my|the|our) \w+",
    # a chronic strain is no accident; other people hacked, in the passive, is news ("gamers report they have been
    # hacked"); "they hacked my account", "my accounts were hacked" stay
    r"\bstrain injur\w*|\b(?:they|users|gamers|players|people|customers|millions|thousands|hundreds) (?:\w+ )?"
    r"(?:(?:have|had|has) been|were|was|got|get) hacked\b",
    r"\b(?:tried|try|trying|to|and) (?:a )?power (?:down|off|cycle)\b",
    # a device's power, not the mains: "did a power off and on", "power off the console", "the power button"
    r"\b(?:did|do|doing|done|a|the) power (?:off|down|cycle|reset)\b|\bpower (?:off|down) (?:and|&|then|the|my|it)\b"
    r"|\bpower (?:button|cycled?|reset|adapt[eo]r|supply|cord|cable|strip|brick|bank|saving|mode|settings?)\b",
    # a price or a bill called theft: "you are stealing my money", "daylight robbery", "#MoneyStole"
    r"\b(?:you|they|u|y'?all|ur company|this company)(?:'re| are| r| were)? (?:\w+ )?(?:stealing|robbing|scamming|"
    r"ripping)\b|\bdaylight robbery\b|\b(?:this|that|it) is (?:just )?(?:stealing|robbery|theft)\b|#\w*stole\w*",
    r"\bfraudulently (?:holding|keeping|charging for|billing)\b|\bor fraud\b",
    # an antivirus' or a browser's verdict, not a danger
    r"\b(?:dangerous|unsafe|not safe|insecure) (?:web ?)?(?:page|site|website|link|file|download|app|connection)\b",
    r"\b(?:ears?|eyes?) (?:are |were |is )?bleed\w*",
    r"\bharass\w*(?: me)? (?:with|by) (?:\w+ )?(?:calls?|texts?|e-?mails?|messages?|ads?|offers?)\b",
    r"\b(?:phone|laptop|device|console|tablet|battery|controller|it|watch|charger) (?:has |had |have )?no power\b",
    # a past tense reports a state that has ended: "(I had no power for 5 days) & now saying I'm not"
    r"\b(?:had|was|were) (?:\w+ )?(?:no|without) " + _VITAL + r"\b",
    # a hedge or a condition states a possibility, not a present risk: "misleading and potentially dangerous"
    r"\b(?:potentially|possibly|could be|might be|may be|can be|would be) (?:\w+ )?(?:dangerous|unsafe|a danger)\b",
    # idioms: "hacked off" (annoyed), "adding insult to injury", "bleeding me dry", "a dangerous precedent"
    r"\bhacked off\b|\binsult to injury\b|\bbleed(?:ing)? (?:me|us|you|customers|people|them) dry\b"
    r"|\bbleeding (?:money|cash|customers)\b|\bdangerous precedent\b|\bambulance chas\w+",
    # a game's words: cheaters called hackers, an assault rifle, attacked by zombies or bots
    r"\bhackers? (?:in|on) (?:every |each |the |this |my |our |a |ranked |online )?(?:game|lobby|lobbies|match(?:es)?"
    r"|servers?|multiplayer|ranked|round|session)s?\b|\b(?:full of|so many|lots of|tons of|filled with|infested with"
    r"|every) (?:\w+ )?(?:hackers|cheaters|modders)\b|\bhackers? (?:\w+ )?(?:are |is )?(?:using|with|running) "
    r"(?:\w+ )?(?:aimbots?|mods?|cheats?|wall ?hacks?|hacks|exploits?|glitch\w*)",
    r"\bassault (?:rifles?|class|mode|pack|loadout|weapons?)\b|\b(?:attacked|assaulted|bombarded) by (?:a |the |some )?"
    r"(?:zombies?|enemies"
    r"|enemy|players?|hackers?|cheaters?|bots?|spam|ads?|calls|pop-?ups?|notifications)\b",
)

#: Safety, security or money at risk now (read after TRAPS are struck out), as two patterns: one regex of all
#: the phrasings outgrows the regex engine's fast automaton cache and reads ~6x slower (tests/benchmarks).
#: Security and money first, then safety.
_SECURITY_MONEY = lower_any_of(
    # security: an account taken over
    r"\b(?:been|got|get|was|were|is|has|have|being|i'?m|im) hacked\b|\bhacked (?:my|our|into|in to)\b",
    r"\bhackers? (?:\w+ )?(?:got|have|has|took|accessed|changed|stole|used|broke|is using|are using|logged)"
    r"(?: \w+){0,3} (?:my|our) (?:\w+ )?(?:account|card|details|password|e-?mail|info|information|data|money"
    r"|identity|phone|number|profile|bank|pc|computer|laptop|console|psn|xbox|gamertag)s?\b",
    r"\b(?:clicked|entered|gave (?:away |out )?(?:my|our)|fell for)(?: \w+){0,4} (?:phishing|fake|scam)\b",
    r"\baccount (?:was |has been |got |is |been )?(?:compromised|taken over|hijacked)\b|\bhijack\w*",
    r"\bsomeone (?:has |had |is |was )?(?:logged|logging|got|gotten|getting|broke|breaking|signed|accessed|using) "
    r"(?:in ?to |into |to )?my (?:account|card|details)",
    # someone else spending or signing in on it: "someone keeps trying to buy playstation cards on my account"
    r"\b(?:someone|somebody|a stranger|an unknown person|hackers?) (?:keeps |kept |is |was |has |had |has been "
    r"|have been )?(?:trying to |tried to |attempting to |attempted to )?(?:buy|bought|buying|purchas\w+|order\w*"
    r"|spend\w*|spent|charg\w+|us(?:e|ed|ing)|access\w*|log\w* ?in)"
    r"(?:(?: [\w']+){0,4} (?:on|with|from|using|into|in))? "
    r"my (?:@?\w+ )?(?:account|card|credit card|debit card)\b",
    # someone in the account by its id, now or done: "someone was using my @Apple ID" (not "can someone use my id?")
    r"\b(?:someone|somebody|a stranger|hackers?) (?:is |was |has |had |has been |had been )?(?:using|used|logged into|"
    r"accessed|accessing) my (?:@?\w+ )?(?:id|login)\b",
    # somebody else's act on the customer's sign-in is a takeover: "someone changed my password"
    r"\b(?:someone|somebody|whoever|hackers?)(?: \w+){0,3}? (?:changed|reset) (?:my|the) (?:account |login |recovery )?"
    r"(?:password|e-?mail|number|pin|phone number)\b",
    # a phone number taken over (a SIM swap): "allowed someone to steal my phone number", "gave my number away"
    r"\b(?:someone|somebody|hackers?|scammers?|thie(?:f|ves)) (?:\w+ ){0,3}(?:steal|stole|stolen|took|hijack\w*"
    r"|port(?:ed)?|transferr?(?:ed)?|swapp?(?:ed)?) my (?:phone |mobile |cell )?(?:number|sim|line)\b"
    r"|\b(?:gave|given|handed) (?:away )?my (?:phone |mobile |cell )?number "
    r"(?:away|to (?:someone|somebody|a stranger))",
    # someone getting into other people's data: "changing apple ID pw's to gain access to personal information"
    r"\bgain(?:ed|ing)? access to (?:\w+ )?(?:personal|private|customers?'?|people'?s) "
    r"(?:information|info|data|details)\b",
    r"\bdata breach\b|\bidentity theft\b|\bstolen (?:identity|card|credit card|debit card|details|account|phone)\b",
    r"\bmy (?:card|credit card|debit card|identity|details|phone|wallet) (?:was |has been |got |were )?stolen\b",
    # money: fraud, charges the customer did not make
    r"\bfraudulent(?:ly)? (?:\w+ )?(?:charges?|charged|transactions?|activity|purchases?|orders?|payments?|used|using|"
    r"opened|withdrawals?|account|use|debits?|login)\b|\bcharged fraudulently\b",
    r"\bfraud (?:on|in|against) (?:my|our) (?:\w+ )?(?:account|card|cards)\b|\bvictim of (?:\w+ )?fraud\b",
    r"\b(?:i|we)(?:'ve| have| was| were| got| been)+ (?:\w+ )?scammed\b",
    r"\bunauthori[sz]ed (?:\w+ )?(?:charges?|transactions?|access|purchases?|payments?|log-?ins?|use|activity|orders?|"
    r"withdrawals?|debits?)\b",
    r"\b(?:charges?|orders?|purchases?|transactions?|payments?|withdrawals?) (?:that )?(?:i|we) "
    r"(?:never|didn'?t|did not|don'?t) (?:make|made|place|placed|authori[sz]e|order|recogni[sz]e)",
    r"\bmoney (?:was |has been |is being |got )?(?:taken|stolen|withdrawn|drained) (?:out )?(?:from|of) my\b",
    r"\b(?:emptied|drained|cleared out) my (?:bank )?account\b",
    # a vital service out
    r"\b" + _VITAL + r" (?:outages?|cut|cuts|failure)\b",
    r"\b" + _VITAL + r" (?:is |are |was |has been |have been |went |goes |keeps going )?(?:down|out|off)\b",
    # without it now: the customer's own state ("we have been without heating", "my flat has no water") or a
    # post that opens with it ("No power for 5 days"); not a place described ("a property that has no power")
    r"(?:^(?:@\w+ )*|[.!?:] |\b(?:i|we|still|have|'ve|got|are|'re|been|now|(?:my|our) \w+ has) )"
    r"(?:no|without) (?:power|electricity|heat|heating|hot water|running water|water|gas)\b",
    # a business's own sites or servers (money at risk now), not the brand's app or website
    r"\b(?:all|our|my|client'?s?) (?:\w+ )?(?:sites|websites|servers|domains|shops) (?:are |is |have been |went )?"
    r"(?:down|offline)\b",
)
_SAFETY = lower_any_of(
    # safety: injury, danger
    r"\b(?:injur(?:ed|y|ies)|bleeding|ambulance|hospitali[sz]ed|anaphyla\w*|electrocut\w*)\b",
    # danger to someone now, framed: a dangerous driver, "I feel unsafe", "put us in danger"; "dangerous" alone is
    # said of apps, games ("Elite: Dangerous"), sitting positions and substances in the news
    r"\b(?:dangerous(?:ly)?|unsafe|reckless(?:ly)?) (?:driv\w+|rides?|roads?|conditions?|situation|wiring|stairs?|"
    r"staircase|floors?|crossing|behaviou?r|man|woman|person|guy|dog)\b",
    r"\b(?:unsafe|not safe) (?:to (?:drive|ride|travel|stay|use|eat|drink|walk|be)|for (?:my|our|the) "
    r"(?:kids?|children|family|baby|passengers))\b",
    # a person or a ride in danger, not data, a plan or "this" ("my data is not safe with you")
    r"\b(?:i|we|he|she|they|(?:my|our|the|this|your) " + _PEOPLE_OR_RIDES + r")(?:'m|'re|'s| am| are| is| was| were"
    r"| feel| felt)+ (?:so |very |really |genuinely )?(?:in danger|unsafe|not safe|dangerous)\b",
    r"\b(?:put|putting|puts|placed) (?:me|us|passengers|people|lives|customers|children|kids|(?:my|our) "
    + _PEOPLE_OR_RIDES
    + r") (?:\w+ )?(?:in danger|at risk)\b",
    r"\b(?:medical|health) emergency\b|\bemergency (?:room|services|landing|surgery|vet)\b",
    # the aftermath of an injury: "I went to urgent care", "ended up in A&E"
    r"\b(?:went|go|going|taken|rushed|ended up|end up|been) (?:\w+ )?(?:to|in|at) (?:the )?"
    r"(?:urgent care|er|a&e|emergency room)\b",
    # a hospital is also where people work, visit and have appointments: only being taken or admitted there
    r"\b(?:rushed|taken|admitted|ended up|end up|carried) (?:\w+ )?(?:to|in|into|at) (?:the |a )?hospital\b",
    r"\b(?:allergic reaction|food poisoning|gas leak|smell (?:of )?gas|carbon monoxide|electric shock)\b",
    r"\b(?:caught|catch|catching|on) fire\b|\bfire (?:alarm|brigade|department)\b",
    r"\bsmoke (?:coming|pouring|from)\b",
    r"\b(?:battery|phone|device|charger|laptop|console|tablet|bottle|can|cooker|oven|heater) (?:\w+ )?"
    r"(?:explod\w*|caught fire)|\b(?:explosion|swollen battery|battery (?:is )?(?:swelling|swollen))\b",
    r"\b(?:assault\w*|attacked|nearly died|almost died)\b",
    # harassed or threatened by a person, or with harm: a company "harassing" with calls or "threatening to
    # cut off my service" or to send a bill to collections is a dispute (a verb frame: who does what to whom)
    r"\bsexual(?:ly)? harass\w*|\b(?:driver|employee|staff member|worker|passenger|rider|man|guy|woman|customer|"
    r"guard|manager|courier) (?:\w+ )?(?:harass\w*|threaten\w*)|\b(?:harassed|threatened) by (?:a|an|the|your|one of "
    r"your) (?:\w+ )?(?:driver|employee|staff|worker|passenger|rider|man|guy|woman|customer|guard|manager|courier)s?\b",
    r"\bthreaten(?:ed|ing)? (?:me |us )?(?:with (?:a |an )?(?:knife|gun|weapon|violence)|"
    r"to (?:hit|hurt|kill|beat|attack|punch|stab|shoot|assault))\b",
    r"\b(?:hurt|burned|burnt|cut) (?:myself|himself|herself|themselves)\b|\b(?:got|was|were|been|being) hurt\b",
    r"\b(?:hurt|burned|burnt|cut|broke) my (?:back|neck|hand|arm|leg|foot|head|knee|wrist|finger|mouth|tongue|lip)\b",
    r"\b(?:house|kitchen|engine|electrical|grease|car|bin|building|brush|wild) fire\b|\b(?:a|the) fire(?: (?:in|at|on"
    r"|broke|started|near|next|outside|inside|alarm|brigade|department|truck|engine|exit)\b| ?[.!,;?]| ?$)",
    r"\b(?:could|might|would) have died\b|\bchok(?:ed|ing) on\b|\bpieces? of (?:glass|metal)\b",
    r"\b(?:car|road|traffic) accident\b|\bcrash(?:ed)? into\b|\bhit (?:the|a|another) (?:car|vehicle|truck|bus)\b",
    # a vehicle the customer rode in crashed, or a blow to the body: "my driver crashed and I hit my head"
    r"\b(?:driver|car|uber|taxi|cab|bus) (?:just )?crashed\b|\b(?:hit|bumped|banged|smashed) my (?:head|face|nose)\b",
    r"\bstrained (?:the |my )?(?:muscles?|back|neck)\b",
)
URGENT = (_SECURITY_MONEY, _SAFETY)


#: A run of white space that is not already one space (two or more, or one other than " "): replaced by " ",
#: the same text as `\s+` replaced, without rewriting every single space between words (5x faster).
_SPACES = r"\s{2,}|[\s&&[^ ]]"


def is_urgent(text: pl.Expr) -> pl.Expr:
    """Whether a mention puts safety, security or money at risk now. Never null: no text, not urgent.
    The text is lower-cased once (the phrasings are written in lower case, see `lower_any_of`)."""
    read = (
        text.fill_null("")
        .str.to_lowercase()
        .str.replace_all("&amp;", "&", literal=True)
        .str.replace_all(_SPACES, " ")  # every run of white space as one space
    )
    struck = read.str.replace_all(TRAPS, " ")
    return pl.any_horizontal(struck.str.contains(pattern) for pattern in URGENT).alias("urgent")


def urgent_flags(texts: pl.Series) -> pl.Series:
    """`is_urgent` of each text, each distinct text read once (`per_distinct`): the same answers, faster."""
    return per_distinct(texts, is_urgent).alias("urgent")


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
        facts.with_columns(urgent_flags(facts["text"]).alias("_urgent"))
        .lazy()
        .filter(~pl.col("responded") & pl.col("_urgent"))
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
