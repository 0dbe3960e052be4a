"""Where a brand's reply sends the customer (tasks/metrics/channels.py), read one reply at a time.

Each case is a real first reply of a care account (twcs sample, development brands) or a
phrasing the issue names, with the channel a person reading it gives.
"""

from __future__ import annotations

import polars as pl
import pytest

from tasks.metrics.channels import CHANNELS, reply_channel, rules_channel


def _channel(text: str | None) -> str | None:
    return pl.select(reply_channel(pl.lit(text, dtype=pl.String))).item()


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # DM
        ("Please send us a DM with your order number and we'll take a look.", "dm"),
        ("Hi there, please check your DMs, we've replied there.", "dm"),
        ("Follow us and DM your account number so we can help.", "dm"),
        ("Could you reach out via private message with your details? ^KM", "dm"),
        # e-mail
        ("A member of our team will be following up via email as soon as possible.", "email"),
        ("It seems a member of our team has reached out to you. Please check your email.", "email"),
        ("Please drop us an e-mail at help@acme.co.uk with the details.", "email"),
        # phone
        ("I suggest that you call 1-800-956-4442 immediately for assistance from a banker. ^HE", "phone"),
        ("If you would like to contact our support team via phone, please give us a call: 1-866-216-1072.", "phone"),
        ("You'd need to contact our Aftersales team on 0344 556 5650 from 8am ^CB", "phone"),
        ("Please ring us and we'll sort it.", "phone"),
        ("Please reach us by phone or chat here: https://t.co/hApLpMlfHN ^AG", "phone"),  # phone before chat
        # live chat
        ("We'd recommend reaching out to the chat team here: https://t.co/UrUi80i54l ^JA", "chat"),
        ("Please chat with us so we can look at your account.", "chat"),
        # web form, ticket, contact page
        ("That doesn't sound right. Please tell us more here: https://t.co/Ax7W1Dx3Y9 -Becky", "form"),
        ("I'm sorry it hasn't arrived! Please reach us here: https://t.co/e6dQwzp386, so we can look.", "form"),
        ("Here to help! Contact us here; https://t.co/lu151EysvX so we can take a closer look.", "form"),
        ("Please submit a request and our engineers will reply.", "form"),
        ("If the issue is urgent we recommend filing a support case here: https://t.co/ZyL8ggYqRm", "form"),
        ("You can open a case here: https://t.co/xlN11csEfc to get the ball rolling! ^BB", "form"),
        ("Rest assured we will have a specialist follow up with you.", "email"),  # the address on file
        ("Please provide some details here: https://t.co/KctVgMFvbp (1/2)", "form"),
        ("Please fill out this form and we'll be in touch.", "form"),
        # a visit
        ("I advise going into store and speaking with one of my colleagues. Robbie", "store"),
        ("Our team will need to assess the damage in person, please see an agent for assistance.", "store"),
        ("Can you return the Cake Tin with your receipt to the store, my colleagues will assist.", "store"),
        ("We request you to visit My Idea store for duplicate sim.", "store"),
        # another company's support
        ("Have you had a chance to speak with your bank regarding the refund? ^EA", "other_company"),
        ("It is not on our end. Please reach out to them for assistance/updates. ^ACM", "other_company"),
        ("We would recommend calling apple and see if they can help with the login.", "other_company"),
        ("Please contact the seller first; they have 48 hours to respond.", "other_company"),
    ],
)
def test_a_reply_that_moves_the_customer_names_its_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        # a help article that answers is self-service, not a move
        "Let's start troubleshooting by trying the steps here: https://t.co/5KootZbxj1",
        "There is an incident at Preston causing disruption. More info here: https://t.co/6PC75XHU7i",
        "Please start your system in safe mode and select restore default settings. Steps here: https://t.co/x",
        # answered in public
        "We'll be sure to pass along your kind words! #AATeam",
        "Which model do you have and is iOS 11.1 installed on it?",
        "Feel free to reach out should you have future Xbox Support questions! Happy Gaming :) ^JS",
        "I admit the admin page is slow; it is fixed now.",  # 'dm' inside words does not count
        # word-sense: a store that is not a place to visit, a call that is not a phone call
        "The game is not available on the Xbox Store at this time.",
        "You can find it in the App Store under Updates.",
        "We want you to be able to make calls on the iPhone. What exactly is going on with the Phone app?",
        "We don't have unlocked iPhones in stores. Thanks for asking!",
        "I have sent an email to the Store Manager to look into this for you.",
    ],
)
def test_a_reply_that_keeps_the_customer_here_has_no_channel(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # DM: a Message button, "drop/shoot us a message"
        ("Just click 'Message' at the top of your profile. We're always here and eager to assist.", "dm"),
        ("Could you please drop us a message when you board and we'll check with the Train Manager?", "dm"),
        # e-mail: the team writes, or the customer is told to watch the inbox
        ("We will update you via email when we have more information on the delivery date.", "email"),
        (
            "It looks like our team was in touch one day ago. Please keep an eye on your inbox for our response.",
            "email",
        ),
        ("Our team will email you within 48 hours.", "email"),
        ("Drop us a line at support@acme.com and we'll look into it.", "email"),  # the address wins, not DM
        # phone: a call arranged, a number after a team, a number alone (UK, US, international)
        ("Please try arranging a call from us here: https://t.co/TK4yevTaND.", "phone"),
        ("The best time to call would be on Monday from 8A - 9P.", "phone"),
        ("Please speak to our team on 0800 028 2000, they're open till 8pm.", "phone"),
        ("You can reach our billing team on 0345 600 3434.", "phone"),
        ("Our number in Australia is 1800 123 456.", "phone"),
        ("From abroad, please dial +44 20 7946 0958.", "phone"),
        # chat: in-app messaging
        # form: a team or a contact page behind a link, with or without "here"
        ("I'm sorry to hear this. Please let our team know at the link:  https://t.co/0f6pFdYU9j -Jen", "form"),
        ("Please provide more details: https://t.co/Ax7W1Dx3Y9 -Becky", "form"),
        ("I strongly advise you to contact our security teams &gt; https://t.co/hV7XdVcjA7", "form"),
        ("Have you reported this to our support team here: https://t.co/vlvfJrlYEH ? ^AU", "form"),
        ("Let's seek the help of our Answer Desk team. Contact them here: https://t.co/Wx596vGgdU.", "form"),
        ("We suggest contacting our technical support team to see what else can be done. https://t.co/3q", "form"),
        ("You can get in touch with the right team here: https://t.co/abc", "form"),
        # store: a named chain's store ("visit nearest Idea store")
        ("Hence request you to visit nearest Idea store for disconnection after clearing the dues.", "store"),
        # another company: the party named before "reach out to them"
        ("Since the product was sold by a third party seller, please do reach out to them.", "other_company"),
        # tuned on the second labeller's dev replies (rows read after the first measurement)
        ("Someone from that team will get back to you soon.", "email"),
        ("We have forwarded your information to our team and we will be in touch to discuss your concerns.", "email"),
        ("I would recommend you to send and email to __email__ ^BK", "email"),
        ("You can submit an email to our Support Team at https://t.co/mSGO64yDdd.", "email"),
        ("Request you to provide your contact details to assist you better.Rgds,Arti", "phone"),
        (
            "Please share the details of this issue in our Community forum for further investigation: https://t.co/F",
            "form",
        ),
        ("We'd love to hear your feedback here: https://t.co/T3vZnSL3od /RI", "form"),
        ("If you don't receive service on this train then you can claim compensation here: https://t.co/v369", "form"),
        ("Please contact our support so that we can assist further.", "form"),
        ("Pls click here to provide browser u are using, acct type &amp; country (no accts) ^MC https://t.co/g", "dm"),
        # a promise to be in touch counts last: the form or the number the reply names wins
        ("We're here to help! Send us a note here, https://t.co/WFtPA6RjWt and our team will be in touch.", "form"),
        ("Request you to share alternate number so we will get in touch with you.", "phone"),
        ("A member of our team will be in touch shortly via in-app.", "chat"),
        ("Please fill in the details here: https://t.co/qiF8Ofu7kj and we will be in touch. ^MT", "form"),
        ("We have flagged these details with our team and someone will be in touch through the forum. ^FC", "form"),
    ],
)
def test_more_ways_of_moving_the_customer_name_their_channel(reply, channel):
    """Phrasings read in TweetSumm train/val and twcs replies of development brands, each with the
    channel a person gives it (issue 28: many ways to say the same move)."""
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "Be sure to add your email at https://t.co/X8DVSX9QgM /PL",  # a setting, not a move to e-mail
        "You can track your parcel here: https://t.co/abc",
        "Which number did you call? We'd like to look into it.",
        "We've passed your feedback on to the store manager.",
        "Hi! Which branch did you visit? We'll feed it back.",
        "Our flights to 2018 are on sale at https://t.co/abc",
    ],
)
def test_broader_phrasings_still_leave_public_answers_alone(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize("text", [None, "", "   ", "https://t.co/Ax7W1Dx3Y9", "🙂🙂🎃", "¡Gracias por escribirnos! 😊"])
def test_bad_input_has_no_channel_and_no_error(text):
    """Empty, null, only a link, only emoji, another language: no move read, never an error."""
    assert _channel(text) is None


def test_a_column_of_replies_is_read_row_by_row_into_the_declared_channels():
    """Four replies → dm, null, phone, form: 3 moved of 4 (hand count), each value one of CHANNELS."""
    frame = pl.DataFrame(
        {
            "text": [
                "Please DM us.",
                "Glad we could help!",
                "Give us a call on 0800 123 4567.",
                "Please reach out to us here: https://t.co/x",
            ]
        },
        schema={"text": pl.String},
    )
    got = frame.select(reply_channel(pl.col("text")))
    assert got.schema == pl.Schema({"channel": pl.String})
    assert got["channel"].to_list() == ["dm", None, "phone", "form"]
    assert set(got["channel"].drop_nulls()) <= set(CHANNELS)


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # constructions read on dev rounds 3 and 4 (issue 28 item 4), each with the channel a person gives it
        ("Kindly tweet us in English or you may also contact the Call Centre https://t.co/H9HzxD1OOh", "phone"),
        ("Kindly provide your error message, exact location with landmarks at Oban,alternate number", "phone"),
        ("Hi, we have advised on call. We are following up on the issue under ticket number 1-DFOI8R4", "phone"),
        ("As per our telecon, your concern has been initiated under ref.no.", "phone"),
        (
            "My apologies. You may call Reservations at one of the worldwide locations listed here: https://t.co/k",
            "phone",
        ),
        ("If you'd like to contact us phone or chat, we'd be more than happy to take a closer look", "phone"),
        ("Could you PM us your booking reference?", "dm"),
        ("Please send us a PM with the details.", "dm"),
        ("Can you post your query through https://t.co/MMJ513u2tv and confirm the  1 ^FC", "form"),
        ("Can you create a forum post with the tag text-analytics-api and send us the link?", "form"),
        ("If you were delayed 30 minutes or more, you can claim for Delay Repay here: https://t.co/u9dx5QOZDs", "form"),
        ("We'd like to get you speaking to our experts here: https://t.co/IBIY3vMgPj", "form"),
        (
            "Our Product Team would be a good place to start. Feel free to reach out, more info here: https://t.co/K9",
            "form",
        ),
        ("Please speak to the onboard team, they can help with this.", "store"),
        ("We have asked one of our specialists to follow up with you to assist you.", "email"),
        # another company's handle, or the place the customer bought from
        ("This one is for our friends at @AppleSupport, they'll be glad to help.", "other_company"),
        ("Please contact @FedExHelp with your tracking number.", "other_company"),
        ("Please contact your point of purchase for a refund.", "other_company"),
    ],
)
def test_constructions_of_unseen_agents_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        # near-misses of the constructions above: the same words, no move
        "The portal will be available through 11:59 PM CST February 15, 2018.",  # PM is the time of day
        "We appreciate the feedback, Jen. Did you visit a specific branch? If so, provide the address.",
        "Have you spoken to our team on the phone about this? What were you advised? ^H",  # a question, asked
        "Have you called them yet?",
        "Sorry you were on a call for so long; the lines are busy tonight.",  # no agent's call reported
        "Recent Folders exists in Windows 10, check out ThePhinx post on this link https://t.co/YbNtkp714e.",
        "Please give us a shout if you have any questions /RH",
        "Feel free to reach out should you have future questions! Happy Gaming :) ^JS",
        "We'll pass your feedback on to the @116593 team.",  # a customer id, not a company's handle
        "Your call is important to us, and we are sorry for the wait.",
    ],
)
def test_near_misses_of_the_constructions_stay_public(reply):
    assert _channel(reply) is None


def test_mixed_case_entities_and_spacing_read_as_lower_case_text():
    """One lower-casing: "SEND US A DM", "&amp;" and a line break read as the plain phrasing; the named
    company keeps its capitals ("Contact Apple Support"), a lower-case "contact our support" is the form."""
    frame = pl.DataFrame(
        {
            "text": [
                "SEND US A DM &amp; we'll help",
                "Please\ncall\n us on 0800 123 4567",
                "Contact Apple Support directly.",
                "please contact our support so we can assist further.",
            ]
        },
        schema={"text": pl.String},
    )
    got = frame.lazy().select(reply_channel(pl.col("text"))).collect()["channel"].to_list()
    assert got == ["dm", "phone", "other_company", "form"]
    assert frame.select(reply_channel(pl.col("text")))["channel"].to_list() == got  # eager reads the same


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # the customer sent to a team of the brand's, no channel named (later agent turns of TweetSumm dialogs)
        ("In this case, we suggest that you contact our Answer Desk for further assistance.", "form"),
        ("You are welcome to contact customer support and ask for a supervisor. ^B", "form"),
        ("We'll work to get you there ASAP; reach out to our Reservations Agents for any help. ^AB", "form"),
        ("...statement our in store colleagues will advise you further. Steven 2/2", "store"),
    ],
)
def test_a_team_of_the_brand_named_as_the_way_is_a_move(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "Thanks. I'll get in touch with our team. -Jen",  # the agent reaches the team, the customer stays
        "We have contacted our delivery team and they are on it.",
        "Your feedback has been shared with our customer service team.",
    ],
)
def test_the_agent_reaching_a_team_is_not_a_move(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # read on round 6's misses after its one judgement
        ("I'm so sorry about that. Please tell us more so we can help: https://t.co/Ax7W1Dx3Y9 -Becky", "form"),
        ("We shouldn't — please share this with https://t.co/nrhUDiEk7G if we've yet to make amends. -Shawn", "form"),
        ("Apologies for the delay. Please share your details in the link given earlier and we'll help. ^ZH", "form"),
        ("If you could post here: https://t.co/P9NTd3gApd and send us a link to the post, we can assist. ^PB", "form"),
        ("They can be brought into an AA ticket counter for payment as well.", "store"),
    ],
)
def test_round_six_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "We'd like to have you update your iPhone to iOS 11.1 and let us know if that helps: https://t.co/ahjigcvFRG",
        "To solve your concern, please check Sangeeta Sarkar's post here: https://t.co/rDZsFDKfKD. Keep us posted.",
        "I will go ahead and send a heads-up to our airport team in ATL about your short connection.",
    ],
)
def test_round_six_near_misses_stay_public(reply):
    assert _channel(reply) is None


def test_control_characters_in_a_reply_are_text_not_a_channel_mark():
    """The reader marks each match with a control character; the same characters inside a reply are
    blanked first, so they read as nothing (and a DM around them is still a DM)."""
    assert _channel("thanks \x1e\x10 for waiting") is None
    assert _channel("Please send us a\x1e\x11DM.") == "dm"


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # round 7 constructions (issue 28 round 4), each with the channel a person gives it
        ("Just approach the Document Check counter on departure date for verification.", "store"),
        ("If you're still without your bag, please see our baggage team member to check on it for us.", "store"),
        ("We'd advise speaking to the station team regarding this, Demi", "store"),
        ("Have you had a chance to address with cafe management? They'd be happy to assist you further.", "store"),
        ("Let a manager know about this next time you're in so we can make amends.", "store"),
        ("This is something only the staff onboard can help with, I will however pass on your comments.", "store"),
        ("We suggest you contact the store location that called. Thanks!", "store"),
        ("Request you to visit your nearest my Idea store for further assistance.(1/2)", "store"),
        ("Let our repair reps take a look at it.", "store"),
        ("Please provide additional information here: https://t.co/r6PbgLU7bN, so we can look into this.", "form"),
        ("Suggest it in our Community at https://t.co/rtDvYZOF32 and get support from other users", "form"),
        ("Make sure to show your support for the idea at https://t.co/UFmKVuzwKK.", "form"),
        ("forum details and we will have someone from our forum team look into this.", "form"),
        ("You can always open a claim https://t.co/xlN11csEfc to get the ball rolling!", "form"),
        ("Thank you. One of our engineers will reach out as soon as possible.", "email"),
        ("Our team has been in touch and is awaiting your reply.", "email"),
        ("If still you face the issue write us back with your number and alternate contact details.", "phone"),
        ("Please communicate this directly with our Tier 3 team as they need to see the item.", "other_company"),
        ("They would be best to advise ^MM", "other_company"),
        ("Hola! Por favor siguenos en Twitter para brindarte asistencia por mensajes directos.", "dm"),
        # read on round 8's misses after its one judgement
        ("It is best to take the damaged bag to our Baggage Service Office and have them review it.", "store"),
        (
            "If you haven't travelled then it's via point of purchase otherwise it's https://t.co/k6CXblMZYQ",
            "other_company",
        ),
        ("It's done automatically. You'll have to continue to check online or with Reservations.", "other_company"),
    ],
)
def test_round_seven_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        # traps of the constructions above: the same words, no move
        "Did you ask a crew member if you could move to another seat?",  # a question about what was done
        "We'll let our Management team know. We'll make sure we spoil you next time you visit! :)",
        "I will let the station team know about the broken lift.",  # the agent tells a team
        "It depends on the availability in the shop, it is up to the staff on board.",
        "I believe so yes, if you speak to station staff, they will advise.",  # a condition, answered here
        "In this case, filing a claim through Device Protection would be the cheapest option.",  # the service itself
        "Did you open an unpaid item claim? See here> https://t.co/5GCQb0IEA0",
        "The portal is open 9am-5pm (our forum opens at 10am).",
        "Gosh so sorry! Which store is this so I can report it to the Store Manager.",  # the agent reports it
        "We'll pass this on to the station manager.",
        "Your booking was made with Reservations last week.",  # no one sent anywhere
    ],
)
def test_round_seven_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # common care phrasings of every industry, written before any held-out check (issue 28 round 4)
        ("Please get in touch with us via our contact page.", "form"),
        ("Please visit https://t.co/x to speak to an agent.", "form"),
        ("Can you drop us a line at https://t.co/x", "form"),
        ("Please speak to a member of staff at the station.", "store"),
        ("Please take it to an authorised repair centre.", "store"),
        ("Our store team will be happy to help you in store.", "store"),
        ("A member of our team will call you shortly.", "phone"),
        ("We'll ring you tomorrow morning.", "phone"),
        ("Please send us a secure message through online banking.", "email"),  # a bank's written private message
        ("Please get in touch with our team by email.", "email"),
        ("Please contact the shipper for more details.", "other_company"),
        ("You can make a claim via our website.", "form"),
        ("Please speak with the Guest Relations team.", "form"),
        ("Our colleagues at the store will be able to help.", "store"),
        ("Please visit the Help Centre in the app to contact us.", "form"),
    ],
)
def test_common_care_phrasings_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "Please visit our help centre at https://t.co/x for the steps.",  # self-service
        "Check our status page for updates: https://t.co/x",
        "We're sorry, we can't call you from this account.",  # "can't": no call promised
        "Sorry, the item is out of stock in store and online.",
        "Your claim was approved; the refund is on its way.",  # a claim named, no way to file it
        "Our help centre explains how to reset it: https://t.co/x",  # self-service
        "The team at the store has been told, thanks for letting us know.",
    ],
)
def test_common_care_phrasings_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # read on round 9's misses (TweetSumm agents) after its one judgement
        ("Please check with the agent that you have made the booking with.", "other_company"),
        ("If you booked through a travel agency, please contact your travel agency.", "other_company"),
        ("If you were delayed on their service you would need to claim for this through them.", "other_company"),
        ("The Aftersales team would be best placed to assist with any issues on the app.", "other_company"),
        ("Ok, Keep an eye on the emails and keep us in the loop ^DJ", "email"),
        ("We always advise our passengers to reach out to one of our Crew Members for immediate assistance.", "store"),
        ("To reroute your luggage, it would be best to speak with an agent at the airport.", "store"),
        ("You can find the stores nearest to you in the link provided: https://t.co/x", "store"),
        ("We suggest creating us a thread here to better help you with your issue.", "form"),
        (
            "We suggest contacting our technical support team to see what other options can be performed to fix it.",
            "form",
        ),
        ("You can make a claim for compensation for the delay.", "form"),
        ("We are not equipped to handle account/billing issues here on Twitter, for security reasons.", "form"),
    ],
)
def test_round_nine_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        # traps of the round 9 constructions: the same words, no move
        "If you change your mind and decide to schedule an appointment, we are here 24/7 for support.",  # an offer
        "Please share your mobile number and location details so we can look into it.",  # the line, asked here
        "You can find it in stores near you soon!",  # where to buy, not where to get help
        "Our agents at the airport will get you in the skies as soon as possible.",  # no one sent anywhere
        "The team have passed this over to Northern to look into.",  # the agent passes it on
        "Your claim for compensation has been paid.",  # a claim named, no way to file it
        "We're happy to help here on Twitter, what's the issue?",
    ],
)
def test_round_nine_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # read on round 10's misses after its one judgement
        ("The payment can be done via our check in counter before departure.", "store"),
        ("You can speak with the agent that will meet your inbound aircraft or go to your next gate G16.", "store"),
        ("Seats and upgrades will need to be processed by the Gate Agent.", "store"),
        ("We've amended it. Please check your mailbox for the revised itinerary.", "email"),
        ("Fill that in and the Community Champion of the store will get back in touch with yourself.", "email"),
        ("We'd like to look into this further. Please pass your order details to us here: https://t.co/x", "form"),
        ("Hi Kate, can you send some more information via the link? What store were you in?", "form"),
        ("You can also file online as well. We do need to know the purchase price.", "form"),
        ("If you need help from our India site, try @ebay_india for help!", "other_company"),
    ],
)
def test_round_ten_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        # traps of the round 10 constructions
        "We are unable to assist you if you are on the phone with another agent, let us know after the call.",
        "Your bag is at the gate now, you can collect it when you land.",  # no one sent to staff
        "Your order details are here: https://t.co/x",  # an answer, nothing asked
        "We'll try harder next time!",
    ],
)
def test_round_ten_near_misses_stay_public(reply):
    assert _channel(reply) is None


def test_a_complaint_about_a_visit_at_our_store_is_no_move():
    """ "at our store" names where it happened; "via our check in counter" names the way (round 10)."""
    assert _channel("Sorry for the poor service at our Leeds store yesterday.") is None
    assert _channel("The payment can be made via our ticket office.") == "store"


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # care phrasings of every industry no dev round held yet, written from care language (issue 28 round 5)
        ("You will receive a call from our team within 24 hours.", "phone"),
        ("Please connect with us on chat for faster help.", "chat"),
        ("Please head to our help page and hit the chat button.", "chat"),
        ("Please use the Contact Us option in the app.", "form"),
        ("Please send us your details using this form: https://t.co/x", "form"),
        ("Our Baggage team can be reached at https://t.co/x", "form"),
        ("Our support team is available 24/7 at https://t.co/x", "form"),
        ("Please tap the Message button on our profile.", "dm"),
        ("Please WhatsApp us on the number in our bio.", "dm"),
        ("Let's continue this in a private chat.", "dm"),
        ("I'd recommend popping in to your local store.", "store"),
        ("Please make a Genius Bar reservation so a technician can look.", "store"),
        ("That would be handled by the airline you booked with.", "other_company"),
    ],
)
def test_care_phrasings_of_unseen_agents_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "Did you receive a call from us yesterday?",  # a question about what happened
        "Our support team is available 24/7.",  # no way named
        "Are you seeing this on WhatsApp too?",  # the app the problem is in
        "Is the chat window freezing when you open it?",
        "We take your privacy seriously.",
    ],
)
def test_care_phrasings_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # read on round 11's misses after its one judgement
        ("I'm sorry to hear that. Can you please let our team know at the link?  https://t.co/0f6pFdYU9j -Jen", "form"),
        ("Thanks for reaching out! Casting your votes on https://t.co/x is the best way", "form"),
        ("I'd recommend speaking with a manufacturer of a product directly for more information.", "other_company"),
    ],
)
def test_round_eleven_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "Let us know if that helps? https://t.co/x",  # a question about the answer, no team asked
        "Thanks for your votes on our poll!",
        "A manufacturer of this product is listed on the pack.",
    ],
)
def test_round_eleven_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # written after round 12 (agents' later turns) was judged once; sentences of our own, not the round's
        ("If the card is declined again, you can settle the fee at the counter at check-in.", "store"),
        ("You'll need to collect it at your nearest branch with photo ID.", "store"),
        ("Please speak to an airport crewmember when you land.", "store"),
        ("The station team will be able to advise on the refund.", "store"),
        ("We'd suggest checking with station staff before you board.", "store"),
        ("You should be contacted within 3 working days by our refunds team.", "email"),
        ("Could you share a convenient time to reach you? We tried earlier.", "phone"),
        ("We were unable to get through on the contact number you gave us.", "phone"),
        ("We recommend updating your forum post with the error code.", "form"),
        ("Please update the open support request with the logs.", "form"),
        ("Check directly with Lufthansa for the seat map.", "other_company"),
        ("It may be worth asking your work IT whether the port is blocked.", "other_company"),
    ],
)
def test_round_twelve_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "You need to be at the airport 2 hours before departure.",  # a time to arrive, nothing done there
        "The counter opens at 6am and the queue is short.",
        "We have updated your booking with the new seats.",  # the agent did it
        "You will be charged the standard fare.",
        "Check the departures board for your platform.",
        "Our station team is busy today, thanks for your patience.",
        "It sounds like it's working now, glad to hear it!",
    ],
)
def test_round_twelve_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # written after round 13 (400 more later turns) was judged once; sentences of our own
        ("Calling in is the quickest way to get this fixed.", "phone"),
        ("At this point you'll want to reach out to our phone team.", "phone"),
        ("Please ask an instore colleague and they'll find it for you.", "store"),
        ("We'll add the points whenever you're next in store.", "store"),
        ("We love suggestions! Please share them here: https://t.co/x", "form"),
        ("If you'd like to leave feedback, you can do so here.", "form"),
        ("Could you verify through this link for us?", "form"),
        ("You can claim by visiting the train operator's website.", "other_company"),
        ("Please continue working with Expedia on the refund.", "other_company"),
    ],
)
def test_round_thirteen_constructions_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        "Just checking in to see if you managed to create a support case?",  # asks what the customer did
        "Thanks for the feedback, we've passed it on.",
        "The phone you ordered is on its way.",
        "Is the store near you open today?",
        "Our operators are working on the line now.",
    ],
)
def test_round_thirteen_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    ("reply", "channel"),
    [
        # a second reviewer's sentences: moves of the kinds rounds 12-13 read, in other words
        ("You're welcome to ask at the ticket office when you arrive.", "store"),
        ("You may want to ask at the branch about the cheque.", "store"),
        ("You'll need to pay the excess baggage fee at the check-in counter on the day.", "store"),
        ("Station staff are best placed to advise on accessibility at that station.", "store"),
        ("We'll be contacting you within 24 hours about the claim.", "email"),
        ("We tried you on the number you gave us but it went to voicemail.", "phone"),
        ("Best to check with Finnair directly about the seat.", "other_company"),
        ("Please keep working with Expedia on the refund as they hold the booking.", "other_company"),
        ("Please speak to your company's IT helpdesk about the VPN settings.", "other_company"),
        ("Delay Repay for that journey goes through the train operator's website.", "other_company"),
        ("Suggestions can be submitted here: https://ideas.example.com", "form"),
        ("Please contact the phone manufacturer, as the handset wasn't bought from us.", "other_company"),
        ("Please reach out to the phone retailer you bought it from, they'll handle the warranty.", "other_company"),
        # a check whether the customer managed ends at the comma: the move after it is read
        ("Could you check whether you were able to log in again, and if not give us a call on 0800 123 4567.", "phone"),
        ("Let us know if you managed to update the app, otherwise please DM us your account email.", "dm"),
    ],
)
def test_reviewed_moves_name_their_channel(reply, channel):
    assert _channel(reply) == channel


@pytest.mark.parametrize(
    "reply",
    [
        # a second reviewer's sentences that rounds 12-13's first constructions read as moves
        "Please note you will not be contacted by us asking for your PIN or card number, so please ignore that text.",
        "Scammers are active at the moment and you may be contacted by people pretending to be from the bank.",
        "Could you try the phone in safe mode and see if the apps still crash?",
        "We're calling in extra engineers to fix the fault in your area tonight; we'll update you here.",
        "Thanks for ringing in the new year with us!",
        "You can track your train in real time here: https://www.example.co.uk/live",
        "Thanks so much for taking the time to leave feedback here, I've passed it on to our menu team!",
        "Please don't verify anything through the link in that text, it's a phishing attempt and not from us.",
        "We'll keep updating the thread as soon as our engineers have more news.",
        "Thanks for updating your post with the screenshots, that helps a lot! Let me take a look.",
        "You can update your season ticket online at any time in the app.",
        "Give these suggestions a go here: https://support.example.com/articles/12345",
        "We continue to work with Network Rail to restore the line as quickly as possible.",
        "Your files will continue to work with Windows 11 after the update, no action needed.",
        "We're contacting the IT department now to look into the login outage.",
        "Have a great time visiting the venue tonight! Your e-tickets are in the app.",
        "For live times it's worth visiting the operator's website, they update it every few minutes.",
        "Ground staff will rebook all passengers onto the next flight automatically, no action needed.",
        "Our cabin crew will offer complimentary drinks on all flights this month!",
        "You should take extra care at the station this morning as the platforms are icy.",
        "You will need to change trains at the station in Reading for the connecting service.",
        "You can pick up free WiFi at the station with your loyalty card.",
    ],
)
def test_reviewed_near_misses_stay_public(reply):
    assert _channel(reply) is None


@pytest.mark.parametrize(
    "reply",
    [
        "You'll never be contacted by us asking for your password. If you get a call like that, hang up.",
        "Let me check directly with Engineering and I'll get back to you here.",
        "If you have your meter readings, you can submit them online at any time.",
    ],
)
def test_reviewed_near_misses_name_no_channel_by_rule(reply):
    """The rules leave these public; the learned model may still read a move in them (it reads "a call", "get back
    to you" without their sense), which the held-out judgement counts among its false moves."""
    assert pl.select(rules_channel(pl.lit(reply, dtype=pl.String))).item() is None
