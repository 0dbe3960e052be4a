"""Urgent unanswered mentions and masking, on hand-made cases."""

from __future__ import annotations

import polars as pl
import pytest

from tasks.metrics.urgent import is_urgent, urgent_unanswered
from tasks.model.masking import mask_pii
from tests.frames import at


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("write to jane.doe+care@example.co.uk now", "write to [email] now"),
        ("card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("call me on +44 20 7946 0958 please", "call me on [phone] please"),
        ("call (415) 555-0100", "call [phone]"),
        ("order 12345 is late", "order 12345 is late"),  # short numbers stay
    ],
)
def test_masking(text, masked):
    assert pl.select(mask_pii(pl.lit(text))).item() == masked


def test_only_unanswered_urgent_mentions_are_listed_oldest_first():
    facts = pl.DataFrame(
        {
            "mention_id": ["a", "b", "c", "d"],
            "brand": ["AcmeHelp", "AcmeHelp", None, "AcmeHelp"],
            "created_at": [
                at("2017-11-01 10:00"),
                at("2017-11-01 09:00"),
                at("2017-11-01 08:00"),
                at("2017-11-01 07:00"),
            ],
            "text": ["my account was hacked, mail me x@y.com", "power is out again", "fraud on my card!", "thanks"],
            "responded": [False, False, False, False],
        }
    ).vstack(
        pl.DataFrame(
            {
                "mention_id": ["e"],
                "brand": ["AcmeHelp"],
                "created_at": [at("2017-11-01 06:00")],
                "text": ["site is down"],
                "responded": [True],
            }
        )
    )
    got = urgent_unanswered(facts, at("2017-11-02 00:00"), horizon_s=15 * 3600)
    assert got.select("mention_id", "age_h", "text").rows() == [
        ("c", 15.0, "fraud on my card!"),  # waited 16 h: capped at the 15 h horizon
        ("b", 15.0, "power is out again"),
        ("a", 14.0, "my account was hacked, mail me [email]"),
    ]


def _urgent(text: str | None) -> bool:
    return pl.select(is_urgent(pl.lit(text, dtype=pl.String))).item()


@pytest.mark.parametrize(
    "text",
    [
        # security: an account taken over
        "@MicrosoftHelps I need assistance in getting my account back. I have been hacked",
        "@SpotifyCares my account is like hijacked with an app/device that I don't even know",
        "someone logged into my account and changed the email",
        # money: fraud, charges the customer did not make
        "my debit card is being charged fraudulently from another Uber account",
        "My wife account got charged w 2 uber eats orders we never placed",
        "Money was taken from my debit card for services I've never even used",
        "there are 3 unauthorised transactions on my card",
        # a vital service out: power, heat, water, gas (people at risk), a business's own sites
        "no power for 5 days after the storm",
        "when will the power outage in 02806 be fixed",
        "we have been without heating since Monday with a baby",
        "@mediatemplehelp All sites are down on my Grid.",
        "Could have died eating a pie. Nearly choked on piece of glass.",
        "the driver hit the car in front of him. Strained the muscles in my lower back",
        # safety
        "I was just assaulted by an Amazon delivery person.",
        "Running late af with dangerous driver.",
        "gave me food poisoning",
        "not suitable for people with nut allergies! I nearly died.",
        "my phone caught fire while charging",
        "there is a gas leak at the station",
        # the aftermath of an injury (a dev mention of the second labeller, urgent to people)
        "@AskLyft I went to urgent care and have a copy of the police report. Who do I send the medical records to?",
        "my son ended up in A&E after eating your nuggets",
    ],
)
def test_safety_security_or_money_at_risk_now_is_urgent(text):
    assert _urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        # the word-sense traps of issue 28
        "@AmericanAir fire the captain of flight 123, he was rude",
        "my Kindle Fire won't charge",
        "can I book the emergency exit row?",
        "paid extra for emergency exit seats and got a middle seat",
        "the crew was killing it today",
        "this new burrito is fire 🔥",
        "your staff are so down to earth",
        "I'm dying 😂😂 best ad ever",
        "you guys are on fire today",
        "my Fire TV Stick keeps buffering",
        # complaints that are not fraud, outages or injuries
        "No disclosure that I would be charged for bags. This is fraud.",
        "Damn Wells Fargo fraud protection stopped me from getting a size 12 yeezy",
        "the bid comes back as fraudulent and i have to repost",
        # a billing dispute called fraud or theft (the customer made the purchase)
        "you're unjustifiably & fraudulently holding my money",
        "charging me for a ride I cancelled, you are stealing from customers",
        "£5 for a sandwich is daylight robbery",
        "refused my refund #MoneyStole",
        "Is this a Systems problem or fraud?",
        # one home's connection, an app or a website down: a complaint, not a danger
        "@CoxHelp hello, curious when the outage is expected to be resolved",
        "still no internet going on 15 hours",
        "my residential internet service has been down all day",
        "my wifi is down and the troubleshooter is broken",
        "Your app seems to be down",
        "is PSN down? can't log into my account",
        "2nd day in a row trying to buy a phone. System down again. WTF!",
        # strong words that are no danger
        "so many hackers in this lobby, fix your game",
        "Norton says: Dangerous Web Page Blocked",
        "my ears are bleeding from this hold music",
        "stop harassing me with sales calls",
        "my phone has no power after the update",
        "it's an emergency, I need my order today",
        "my inbox exploded with your promo emails",
        "got a phishing email pretending to be you",
        "what time does the hospital shuttle leave?",  # a place named, nobody taken there
        "It's like an assault on your eyes!",
        "my iPhone has screen bleeding issues",
        "Tried power down and hard reset. No luck.",
        "my account was locked as soon as I tried to login",  # access, not a takeover
        "the zero down deal is gone",
        "I'm in danger of missing my connection",
        "NO SERVICE - AGAIN!!! EMERGENCY CALLS ONLY?!?!",  # a phone without signal: a complaint, not a danger
        "I am 8 days without cell service because my phone is locked",
    ],
)
def test_word_sense_traps_and_plain_complaints_are_not_urgent(text):
    assert not _urgent(text)


@pytest.mark.parametrize(
    "text", [None, "", "   ", "https://t.co/Ax7W1Dx3Y9", "🔥🔥🔥", "😡😡", "necesito ayuda urgente"]
)
def test_bad_input_is_not_urgent_and_never_null(text):
    """Empty, null, only a link, only emoji (even 🔥), another language: False, not null, no error."""
    assert _urgent(text) is False


def test_is_urgent_reads_a_column_row_by_row():
    """Three mentions → hacked (urgent), Kindle Fire (trap), null text (not urgent): [True, False, False]."""
    got = pl.DataFrame({"text": ["I was hacked", "Kindle Fire is slow", None]}, schema={"text": pl.String}).select(
        is_urgent(pl.col("text"))
    )
    assert got.schema == pl.Schema({"urgent": pl.Boolean})
    assert got["urgent"].to_list() == [True, False, False]


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # someone else's act on the customer's sign-in (round-3 dev candidates), and near-misses
        ("@AskPlayStation someone got to my account and changed the email", True),
        ("someone changed my password last night", True),
        ("can someone get to my account settings page? it won't load", False),  # a request, nobody broke in
        ("I changed my password and now I can't log in", False),  # the customer's own act
        # a vehicle crashed with the customer in it, a blow to the head
        ("@Uber_Support my driver crashed and I hit my head happy Halloween", True),
        ("the app crashed and my driver left", False),  # an app crash is no accident
        ("I hit my limit on data again", False),
        # a vital service out now, in the customer's own words; a past or a described state is not
        ("we have no power since this morning", True),
        ("my flat has no water and we have a baby", True),
        ("@115937 unacceptable after #HurricaneIrma (I had no power for 5 days) & now saying I'm not!", False),
        ("leave property that has NO POWER for DAYS", False),
        # a hedged danger is a possibility, not a present risk; a dangerous driver now is one
        ("not actually gluten free!! Very misleading and potentially dangerous", False),
        ("this could be dangerous for kids", False),
        ("my driver is dangerous, he keeps texting at 90mph", True),
    ],
)
def test_round3_risk_must_be_present_and_the_customers_own(text, urgent):
    """Rules written from the 70 round-3 dev candidates (tests/fixtures/reading/README.md), with near-misses."""
    assert _urgent(text) is urgent


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # harassed or threatened by a person, or with harm (a verb frame), not by a company's calls or letters
        ("my driver kept harassing me and wouldn't let me out", True),
        ("I was threatened by one of your employees", True),
        ("the man threatened me with a knife at the station", True),
        ("sexual harassment from a rider last night", True),
        ("your collections department keeps harassing me", False),
        ("you threatened to cut off my service over a bill I paid", False),
        ("they are threatening to send me to collections", False),
        ("stop harassing me about an upgrade", False),
        # a foreign body that can hurt (glass, metal); "a piece of plastic" is as often the product itself
        ("Nearly choked on piece of glass.", True),
        ("this phone is a cheap piece of plastic", False),
        # names and figures of speech
        ("a fire sale on flights this weekend?", False),
        ("is the new Fire Emblem on sale", False),
        ("an explosion of flavour in every bite", False),
        ("there was an explosion in the kitchen", True),
        ("a fire in the store, everyone out", True),
    ],
)
def test_harm_by_a_person_not_a_companys_pressure(text, urgent):
    assert _urgent(text) is urgent


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # a phone number taken over (SIM swap): the way into every account the number unlocks
        ("Wow. @115911 just allowed someone to steal my phone number and told me they couldn't fix it", True),
        ("You guys just gave my phone number away after I called in a put on a security alert.", True),
        ("scammers ported my number last night and now my bank texts go to them", True),
        ("I want to port my number to another carrier", False),  # the customer's own act
        ("can I give my number to my son's new line?", False),
        # someone getting into other people's data; not a customer locked out of their own
        (
            "Someone at the store is changing apple ID pw's to gain access to personal information on returned phones",
            True,
        ),
        ("I can't gain access to my account since the update", False),
        # idioms and a game's words are no danger (written from care language, every industry)
        ("really hacked off with your service today", False),
        ("and to add insult to injury they charged me twice", False),
        ("these fees are bleeding me dry", False),
        ("hackers in every lobby using aimbots, fix it", False),
        ("hackers are using wallhacks in ranked again", False),
        ("the new assault rifle is broken after the patch", False),
        ("got attacked by zombies through the wall, bug?", False),
        ("a dangerous precedent for refunds", False),
        ("hackers got into my account and bought skins", True),  # a takeover, beside the game's words
        # a hospital named is no injury; being taken there is
        ("I'm going to the hospital for my appointment and the train is late", False),
        ("my wife works at the hospital and needs the early train", False),
        ("my son was rushed to hospital after eating your nuggets", True),
        # someone else spending or signing in on the customer's account, not someone asked to help with it
        ("Someone keeps trying to buy playstation cards on my account.", True),
        ("a stranger used my card at a petrol station", True),
        ("somebody has been logging in from my account in another country", True),
        ("can someone help me use the credit on my account?", False),  # a request for help
        ("I keep trying to buy cards on my account and it fails", False),  # the customer's own act
    ],
)
def test_round4_a_phone_number_or_other_peoples_data_taken_over(text, urgent):
    """Rules written from the round-4 dev candidates (tests/fixtures/reading/README.md), with near-misses."""
    assert _urgent(text) is urgent


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # round 6 (later customer turns): someone else in the account, by a longer wording
        ("Whoever did this somehow changed my email address and now my account doesn't exist", True),
        ("I appreciate Sprint not letting someone buy 4 iPhone 7's on my account", True),
        ("a hacker has changed my password", True),
        ("money was stolen from my account overnight", True),
        ("There was a fire.", True),
        ("there is a fire in the kitchen of your store", True),
        # traps of unseen care text in every industry: the same words, no risk now
        ("hackers have ruined this game, fix it", False),  # cheaters, nobody's account
        ("I gave up on this scam of a company", False),  # no details given to a scammer
        ("Chrome flags it as an unsafe website", False),  # a browser's verdict
        ("I did a power off and on and the console still won't start", False),  # a device's power
        ("power off the console and unplug it", False),
        ("my feelings were hurt by your agent", False),
        ("I nearly died laughing at your ad", False),
        ("I feel attacked by this ad lol", False),
        ("I was assaulted by ads the whole match", False),
        ("the Fire 7 tablet won't charge", False),  # a product's name
        ("that was a fire burrito, thanks", False),  # slang before a noun
        ("money was debited from my account but the recharge failed", False),  # a failed payment
        ("the bleeding edge update broke my app", False),
        ("does this card come with identity theft protection?", False),  # a product
        ("it's injury time and the stream froze", False),
    ],
)
def test_round6_takeovers_in_longer_words_and_traps_of_unseen_care_text(text, urgent):
    """Rules written after round 6 of the dev candidates (README.md): two takeovers it missed, and word-sense
    traps read as care teams of every industry meet them (each True/False a person's reading)."""
    assert _urgent(text) is urgent


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # "dangerous" alone names games, apps and postures; danger to someone now is framed
        ("Elite: Dangerous confirms it will be available on Xbox One October 6th", False),
        ("The 10 most dangerous iPhone apps. #sxsw", False),
        ("On the couch with iPad propped on my gut. A dangerous position for inertia", False),
        ("i feel unsafe in this car, please help", True),
        ("the driver put us in danger on the motorway", True),
        ("reckless driving by your courier, he nearly hit my kid", True),
        # a hazard is a possibility; a fire is not
        ("This is a fire hazard. You should replace it. #defective", False),
        ("My power cord caught on fire!", True),
        # a chronic strain is no accident; other people's accounts hacked is news, one's own is not
        ('my doctor diagnosed me with a repetitive strain injury known as "iPhone thumb"', False),
        ("Microsoft has frozen some Xbox Live accounts after online gamers report they have been hacked", False),
        ("Ok so my ex girlfriend hacked my twitter", True),
        # round 2: someone else in the writer's account by its id; lives endangered by others is an opinion
        ("Suddenly lost all address book on my iPhone. And someone was using my @Apple ID.", True),
        ("Blocking Federal Interstates need to be stopped too. Endangering lives.", False),
        # a review's near-misses: the hacked are the writer's own unless others, in the passive
        ("my accounts have been hacked, please help", True),
        ("they hacked my account and changed my password", True),
        ("they have hacked my account", True),
        ("find the people who hacked my account", True),
        # at risk, not safe: people and rides, not a holiday, a business or data; an id used, not a question
        ("your delays put my holiday at risk", False),
        ("this delay is putting our business at risk", False),
        ("my data is not safe with you", False),
        ("the driver put my kids at risk", True),
        ("can someone use my apple id on another iphone?", False),
    ],
)
def test_brand_set_dev_risk_to_someone_now(text, urgent):
    """Rules written from the brand sets' dev half (tests/fixtures/reading/brandsets_dev), with near-misses."""
    assert _urgent(text) is urgent


@pytest.mark.parametrize(
    "text",
    [
        # a second reviewer's emergencies near traps tried for brand chatter and reverted: each stays urgent
        "@Uber_Support your driver just crashed into a pole with me in the car, I'm hurt #breaking",
        "@AskPlayStation someone hacked my account and bought 3 games #breakingnews",
        "@NationalGridUS smell of gas in our street, no one answers #news",
        "@Airbnb my host threatened to kill Dave, my partner, and locked us out",
        "@Uber_Support someone in the car threatened to kill Tom",
        "@cocacola a beer bottle exploded on me in the store and I needed stitches",
        "help everything's on fire in our flat and the alarm won't stop @BritishGas",
    ],
)
def test_emergencies_beside_chatter_words_stay_urgent(text):
    """A news tag, a first name, a spill's wording or "everything is on fire" do not make an emergency chatter."""
    assert _urgent(text) is True
