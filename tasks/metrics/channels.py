"""Where a brand's reply sends the customer: the channel of a "taken offline" move.

Care teams move a public complaint elsewhere (the "horseshoe"): to a DM, an
e-mail, a phone call, a live chat, a web form or ticket, a visit to a store or
desk, or another company's support. The reply names the channel in a few
habitual phrasings, read here from real replies: "send us a DM", "give us a
call", "chat with us", "please reach us here: <link>", "contact the seller".
A link that answers the question itself ("try the steps here: <link>") is
self-service, not a move, so a bare link counts only after words that ask the
customer to get in touch through it.

When a reply names several channels, the first of `CHANNELS` wins: a DM is the
most specific move, a link to a contact page the least, and a bare promise that the team
will be in touch (e-mail to the address on file) counts only when nothing else is named.

The phrasings are constructions rather than fixed strings, so that agents of brands they were not
written on are read too: an invitation (please / feel free to / you can / kindly, or an imperative) with
a verb of contact (send, drop, shoot, DM, message, reach out, contact, call, ring, e-mail, chat, visit,
pop into, fill, submit, open, log, raise, post, speak to, talk to) and a private channel noun, a link, a
number, a handle or a place; a person of the brand met on site ("see our baggage team member", "speak to the
station team"); a report of a move already made ("we've replied to your DM", "as per our call", "our team has been
in touch"); another company named by its handle, or the customer's own point of purchase. A question about
what the customer did before ("did you visit a branch?", "have you called them?"), a condition ("if you speak to
station staff, they will advise") and the agent telling a team ("I'll let the store manager know") are not moves
and are set aside before reading.

The rules miss about a fifth to a quarter of a fresh round's moves, each a one-off wording. A learned model
reads the habit behind them: a linear model over words and word pairs (the stance model's tokens, scored by
its one lookup, `stance_model.scores`; tasks/sps/models/channel.parquet, trained on the 2,300 people-read dev
replies, first replies and agents' later turns, by `python -m tests.research.channel_training train`), reading a
reply without the handles it opens
with. A reply the rules leave public but the model scores as a move (probability ≥ 0.5) is moved, unless it
gives a link to do something oneself (`_SELF_SERVICE`: "add your email at <link>"), and its channel is the
one its loosened cues name (`model_channel`), else a form. Judged leave-round-out on dev (the rules as they
were before the judged rounds, the model fitted on the rounds before them), rounds 9-11: moved P 0.968 R 0.813
→ P 0.929 R 0.873, moved share error −4.6 → −1.7 points, per-brand error 5.9 → 4.7 points. On held-out replies
of brands and dialogs no rule was written on (906, tests/fixtures/reading/README_replies.md) it reads P 0.895 R 0.797,
the moved share 3.75 points low, each brand's 7.1 points off on average: later turns of a conversation are read
worse than first replies (R 0.76 against 0.82).

Speed (issue 28 item 9): the text is lower-cased once and every channel is one pattern with ASCII
classes (`any_of_lowered`), read in one pass per channel; only a company's name is read in the
original case. Each distinct text is read once (`read_channels`), and the model scores only the texts the rules
leave public, each feature looked up by number (`numbered_weights`): on 200,000 distinct replies ~2.5-2.7 s CPU
(3.2 s with the join before, side by side); on repeated texts ~0.2 s (tests/benchmarks/bench_reading.py).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from tasks.metrics.phrasings import any_of_lowered, ascii_boundaries
from tasks.sps.stance_model import CHUNK, Numbered, channel_model, numbered_weights, scores

#: Every channel a reply can move the customer to, in precedence order.
CHANNELS = ("dm", "email", "phone", "chat", "form", "store", "other_company")

_US = r"(?:us|me|our (?:\w+ ){0,2}(?:team|experts?|specialists?|folks|colleagues|agents?|department))"
_LINK = r"(?:https?://|\blink\b|\burl\b|\bwebsite\b|\bweb ?page\b|\bonline\b)"
_PLACE = (
    r"(?:local |nearest |nearby |closest )?(?:store|branch|shop|outlet|retail location|service cent(?:er|re)"
    r"|genius bar|ticket (?:office|counter|desk)|check[- ]?in (?:desk|counter)|gate"
    r"|(?:airport|service|help|customer service) desk|counter|gallery|airport|station|restaurant|caf[eé]"
    r"|(?:store|restaurant|caf[eé]) location|(?:authori[sz]ed )?(?:repair|service) (?:cent(?:er|re)|shop)"
    r"|(?:baggage |sales |travel |booking |lost property )(?:service )?office)s?"
)
#: People of the brand on site, whom a customer meets in person: "the station team", "our baggage team member",
#: "cafe management", "a gate agent", "the Document Check counter".
_ON_SITE = (
    r"(?:(?:station|store|shop|branch|caf[eé]|restaurant|airport|gate|baggage|ground|on ?board|on-board|in-store"
    r"|cabin|check-?in|depot|instore) (?:team members?|team|staff|crew ?members?|crew|colleagues?"
    r"|manag(?:er|ement)|agents?"
    r"|personnel)|(?:duty|general|store|shift) manager|crew ?members?|gate agents?"
    r"|(?:document |service )?(?:check|check-?in|ticket|information|baggage|front) (?:counter|desk))s?"
)
_PARTY = (
    r"(?:bank|card issuer|issuer|card provider|carrier|courier|seller|merchant|retailer|manufacturer|developer"
    r"|publisher|shipper|sender|(?:network |service |internet )?provider|isp|insurer|airline|operator|dealer"
    r"|travel agen(?:t|cy)|agency"
    r"|booking agent|vendor|hotel|host|property|venue|franchisee?|school|police|employer|post office|shipping company"
    r"|delivery company|third[- ]party|point of (?:purchase|sale)|place of purchase|booking (?:site|website)"
    r"|(?:work|school|office|company'?s?) it(?: (?:department|team|help ?desk|admins?|support|staff))?"
    r"|(?:network |system )administrator)"
)
_COMPANIES = (
    r"(?:apple|google|microsoft|samsung|sony|nintendo|paypal|visa|mastercard|amazon|netflix|spotify|facebook"
    r"|steam|blizzard|ubisoft)"
)


_DM = any_of_lowered(
    r"\b(?:dms?|dm'?d|dming|d\.m\.?|privately|messenger)\b",
    # "PM us", "send a PM", "via PM" (a bare "pm" is mostly the time of day: "11:59 PM")
    r"\bpm (?:us|me)\b|\b(?:an?|via|by|in|through|over) pms?\b|\bpm'?d\b",
    r"\b(?:direct(?:ly)?|private(?:ly)?) messag\w*",
    r"\binbox(?:ing)? us\b|\bmessage us\b|\bclick (?:here|the link) to send\b",
    r"\bsend (?:us|me) an? (?:quick )?(?:message|msg)\b",
    r"\b(?:sent|send|drop) you an? (?:direct |private )?message\b",
    r"\bcheck (?:your|ur) (?:messages|inbox)\b",
    r"\bmensa(?:je|jes|gem|gens) (?:directos?|privados?|diretas?|privadas?)\b",  # Spanish, Portuguese
    r"\b(?:click|tap|hit|press) (?:on )?(?:the )?\W?message\W? (?:at|on|button)\b",
    # another private messenger, a private chat: "WhatsApp us", "let's continue this in a private chat"
    r"\bwhats ?app (?:us|me)\b|\b(?:message|text|contact|reach|write to) us (?:on|via|over|through) whats ?app\b"
    r"|\b(?:in|to|via|over|into) (?:a )?private (?:chat|conversation)\b",
    r"\bclick (?:here|the link|below) to (?:provide|share|message|dm|contact)\b",  # the Message button on the profile
    r"\b(?:drop|shoot|pop|fire|flick) (?:us|me) an? (?:quick )?(?:message|msg)\b",
)
_EMAIL = any_of_lowered(
    r"\be-?mail (?:us|me|them|our|the \w+ team)\b",
    r"\b(?:please|kindly|can you|could you|you can) e-?mail\b",
    r"\b(?:send|drop|shoot|forward) (?:us|me|them) (?:an? )?e-?mail\b",
    r"\b(?:follow(?:ing)? up|contact(?:ing)?|reach(?:ing)? (?:out )?to|respond|reply|get back to|be in touch|write to"
    r"|get in touch(?: with)?)"
    r"(?: \w+){0,3} (?:via|by|over|through) e-?mail\b",
    r"\be-?mail (?:address )?(?:below|above)\b",
    r"\bfollowed up (?:with you )?(?:via|by) e-?mail\b",
    # a bank's secure message (online banking, the app): written, private, answered like an e-mail
    r"\bsecure (?:message|messaging|mail)\b",
    r"\bcheck (?:your|ur) (?:e-?mails?|e-?mail inbox|spam|mail ?box)\b",
    r"\b(?:support|help|assistance|respond(?:ed)?|responded to|updated?|contacted|in touch|reply) "
    r"(?:\w+ ){0,2}via e-?mail\b",
    r"\be-?mail (?:the|our)\b|\b(?:keep an eye on|look out for|watch) (?:your|the|our) (?:e-?mails?|inbox)\b",
    r"\b(?:will|we'?ll|shall|going to|have|we'?ve) (?:\w+ ){0,3}(?:e-?mail(?:ed)? you|sent you an? e-?mail)\b",
    r"\b(?:send|submit|write) (?:an|and|a) e-?mail to\b",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|co|uk|in|ie|de|fr|es|au|ca|io)\b",  # an address, not a @handle
)
#: The team will write to the customer (the address on file): e-mail, unless the reply names how ("send us a
#: note here: <link> and our team will be in touch" is the form), so it is read after every other channel.
_FOLLOW_UP = any_of_lowered(
    # "a specialist will follow up with you"
    r"\b(?:will|we'?ll|shall|going to) (?:\w+ ){0,3}(?:follow(?:ing)? up with you|reach(?:ing)? out to you"
    r"|be in (?:contact|touch) with you|contact you|get (?:back )?in touch with (?:you|yourself))\b",
    # "someone from that team will get back to you", "we will be in touch to discuss"
    r"\b(?:someone|team|they|colleagues?|specialists?|managers?|agents?|engineers?|technicians?|representatives?"
    r"|experts?) (?:\w+ ){0,4}(?:will|'ll|should) (?:\w+ ){0,2}"
    r"(?:get back to you|be in (?:touch|contact)|reach out\b|follow up\b|contact you)"
    r"|\bwe will be in (?:touch|contact)\b",
    # "you should be contacted within 2 business days", "you'll be contacted once it is found", "we'll be
    # contacting you"
    r"\byou(?:'ll| will| should| shall) (?:soon |shortly |then |also )?be contacted\b|\bbe contacting you\b",
    # a move already made: "our team has been in touch and is awaiting your reply"
    r"\b(?:team|colleagues?|specialists?|managers?|agents?|engineers?|someone) (?:has|have) (?:already )?"
    r"been in (?:touch|contact)\b",
    # "we have asked one of our specialists to follow up with you"
    r"\b(?:someone|team|colleagues?|specialists?|managers?|agents?|representatives?|experts?) (?:\w+ ){0,3}to "
    r"(?:follow up with you|reach out to you|contact you|get in touch with you|be in (?:touch|contact))\b",
)
_PHONE = any_of_lowered(
    r"\bgives? (?:us|me|them|our \w+(?: \w+)? team) a (?:call|ring|bell|buzz)\b",
    # the team will ring the customer: "a member of our team will call you shortly", "we'll give you a call"
    r"\b(?:will|'ll|shall|going to|can|to) (?:\w+ )?(?:call|ring|phone) you\b|\bgive you a (?:call|ring|bell)\b",
    r"\b(?:call|ring|phone|dial)(?:ing)? (?:us|me)\b",
    r"\b(?:call|ring|phone)(?:ing)? (?:our|the) (?:\w+ ){0,3}"
    r"(?:team|line|number|desk|department|cent(?:er|re)|office|folks|helpline|hotline)\b",
    r"\b(?:call|ring|dial)(?:ing)? (?:(?:us )?(?:at|on) )?\+?\d",
    r"\b(?:ring|call) (?:or chat )?in\b|\bcall ?back\b|\btoll[- ]free\b|\bphone (?:team|support|us)\b",
    # "calling in will be the fastest way" (not "we're calling in extra engineers")
    r"\bcalling in (?:is|will|would|may|might|could)\b",
    # "we tried you on the number you gave us"
    r"\btried (?:calling |to call |to reach |ringing )?you (?:on|at) (?:the|your) (?:\w+ ){0,2}"
    r"(?:number|phone|mobile)\b",
    r"\b(?:by|over the|via|on the) (?:tele)?phone\b|\b(?:help|hot|care|support|customer service) ?line\b",
    r"\b(?:\+?\d{1,3}[-. ])?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b",  # 1-800-956-4442, 800.222.2377
    r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b",  # 0344 556 5650
    r"\b(?:provide|share|send|give)(?: \w+){0,8} (?:alternate|alternative|contact|phone) (?:phone )?"
    r"(?:number|details)\b",
    r"\b(?:arrang\w+|request\w*|schedul\w+|book\w*) an? (?:call|callback|call ?back|phone call)\b",
    r"\b(?:best|convenient|suitable|good) time (?:for us )?to (?:call|ring|reach|contact|speak (?:to|with)) you\b"
    r"|\bbest time to call\b",
    # "we were unable to get through on the given contact numbers"
    r"\b(?:unable|not able|couldn'?t|could not) (?:to )?(?:get through|reach you|call you|contact you) (?:on|at) "
    r"(?:the |your )?(?:\w+ ){0,2}(?:numbers?|phone)\b",
    # "you will receive a call from our team", "expect a call back from us"
    r"\b(?:receive|get|expect) a (?:phone )?call(?: ?back)? from (?:us|our|the|one of|a member)\b",
    # "contact us phone or chat", "reach our team by telephone": the contact verb with the channel noun
    r"\b(?:contact|reach) (?:us|me|our (?:\w+ ){0,2}team) (?:by |via |over |on )?(?:the )?(?:tele)?phone\b",
    # the place that answers calls: "contact the Call Centre", "our customer care number"
    r"\bcall ?cent(?:er|re)s?\b|\b(?:customer (?:care|service)|support|contact|help) (?:phone )?number\b",
    # a number asked so the team can ring back: "share your alternate number"
    r"\balternat(?:e|ive) (?:contact |phone |mobile )?(?:no|number|details)s?\b",
    # a call already made: "we have advised on call", "as per our telecon"
    r"\btelecon\b|\b(?:advised|informed|discussed|spoke|spoken|talked|explained|confirmed) (?:\w+ ){0,3}"
    r"(?:on|over) (?:a |the )?(?:call|phone)\b",
    # an invitation to call anyone: "please call Reservations", "you may call our desk"
    r"\b(?:please|kindly|feel free to|you (?:can|may|could|should|might want to|will need to|need to)|best to|try)"
    r" (?:also |just |directly )?(?:call|ring|phone)\b",
    # "speak to our team on 0800 ...", "contact them at +44 ...": a number after a person or team to reach
    r"\b(?:contact|reach|speak (?:to|with)|talk (?:to|with)|call|ring) "
    r"(?:us|them|our (?:\w+ ){0,2}(?:team|line|department)|the (?:\w+ ){0,2}(?:team|line|department)) "
    r"(?:\w+ ){0,3}?(?:on|at|via) \+?\(?\d[\d ()-]{6,}",
    r"\b1[- ]?8\d\d[- ]\d{3}[- ]\d{3,4}\b|\+\d{1,3} ?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}\b",  # 1800 123 456, +44 20 ...
)
_CHAT = any_of_lowered(
    r"\bchat (?:with|to) (?:us|me|our|an?|one)\b",
    r"\b(?:live ?|web ?|online )chat\b",
    r"\bchat (?:team|support|agents?|service|in|here|at|via|using|online)\b",
    r"\bstart an? (?:live )?chat\b|\bin-app (?:chat|support|messag\w*)",
    r"\b(?:via|through|over|using) (?:our |the )?(?:chat|in-app)\b",
    r"\b(?:with|to) us on (?:our |the )?(?:live )?chat\b",
    r"\b(?:hit|click|tap|press|use|select) the chat (?:button|icon|option)\b",
)
#: A web form or ticket, as two patterns: one regex of all its phrasings outgrows the regex engine's fast
#: automaton cache and read three times slower (tests/benchmarks/bench_reading.py). Tickets, forms and links
#: to a person first; then a team, a forum or details reached through a link.
_FORM = any_of_lowered(
    r"\b(?:submit|open|rais|log|fil|creat|lodg)(?:e|es|ed|ing|ting|ged|s)? (?:a|an|your|the) (?:\w+ ){0,4}"
    r"(?:request|case|ticket|report|complaint|inquiry|enquiry)\b",
    # a claim or dispute is often the service itself ("filing a claim through Device Protection"): a move only
    # with the link to file it ("you can always open a claim <link>")
    r"\b(?:open|file|submit|start|raise|lodge|make) (?:a|an|your) (?:\w+ )?(?:claim|dispute)"
    r"(?:[ :]*(?:here|at|via)?[ :]*https?://| (?:via|through|using|on) (?:our|the) (?:website|web ?site|online form))",
    r"\b(?:file|lodge|submit) (?:it |a claim |a report |a complaint )?online\b",
    r"\bsend (?:us|me) an? (?:quick )?note\b|\bcomplete the link\b|\bwrite in\b(?: \w+){0,4} via\b",
    r"\b(?:log|leave|submit) (?:\w+ )?(?:details|feedback)\b(?: \w+){0,10}[ :]*https?://",
    r"\b(?:web ?|contact |online |support )form\b|\bform (?:here|below|at|via)\b|\bcontact (?:us )?page\b",
    r"\bcontact us (?:option|form|section|link|button|tab)\b|\b(?:using|via|through) (?:this|the|our) (?:\w+ )?form\b",
    # "our Baggage team can be reached at <link>", "our support team is available 24/7 at <link>"
    r"\b(?:can be|be) (?:reached|contacted)(?: \w+){0,2} (?:at|via|here|through|on)[ :]*" + _LINK,
    r"\b(?:team|support|agents?|specialists?) (?:is|are) available(?: [\w/]+){0,3} (?:at|via|on|here)[ :]*" + _LINK,
    # a link given as the way to a person: "please visit <link> to speak to an agent", "drop us a line at <link>"
    r"\b(?:visit|go to|head to|head over to|use)(?: \w+){0,2}[ :]*https?://\S+ (?:to|and) (?:speak|talk|contact|reach"
    r"|get in touch|connect|submit|send|request|report|raise|open)\b",
    r"\bdrop (?:us|me) a (?:line|note)(?: \w+){0,3}[ :]*https?://",
    # the help section of an app or site as the way to a person: "visit the Help Centre in the app to contact us"
    r"\b(?:help (?:centre|center|section|page)|contact (?:section|tab)|support (?:page|section|site))(?: \w+){0,4} to "
    r"(?:contact|reach|message|chat with|speak (?:to|with)|talk to|get in touch with) (?:us|our|an? )",
    r"\b(?:fill|complete) (?:in |out )?(?:this|the|our|a) (?:\w+ )?form\b",
    # "if you would like to leave feedback, you can do so here", "can I have you verify through this link" (a page of
    # repair or return options and a survey link stay self-service: readers of earlier rounds read them so)
    r"\b(?:you can|you could|please|feel free to|if you(?:'d| would) like to) (?:leave|give|share|submit) (?:us )?"
    r"(?:your |some |any )?feedback\b[^.!?]{0,40}\b(?:here|below)\b",
    r"\b(?:have you|please|kindly|you can|could you|can you) verify (?:\w+ )?(?:through|via|using|at|with) "
    r"(?:this|the) link\b",
    # "we recommend updating your forum post", "please update the open support request"
    r"\b(?:recommend|suggest|try|please|kindly|could you|can you) updat(?:e|ing) (?:your|the) (?:\w+ ){0,2}"
    r"(?:post|thread|request|case)\b",
    # "please provide them here: <link>", "we suggest that you share your suggestion here: <link>"
    r"\b(?:please|you can|you could|that you|kindly) (?:provide|share|submit|send|post|leave) (?:them|it|your "
    r"(?:suggestions?|ideas?|feedback))(?: with us)? (?:here|at|via)[ :]*https?://",
    r"\b(?:suggestions?|ideas?|feedback|requests?) can be (?:submitted|shared|left|posted|sent) (?:here|at|via)[ :]*"
    r"https?://",
)
_FORM_TEAM = any_of_lowered(
    # "please reach us here: <link>", "contact our team using the link"
    r"\b(?:reach(?:ing)?|contact(?:ing)?|connect(?:ing)? with|get(?:ting)? in touch with|follow up with|write to"
    r"|talk(?:ing)? to|speak(?:ing)? (?:to|with)) "
    r"(?:out )?(?:to )?" + _US + r"\b(?: \w+){0,8}?[ :;,.]*(?:here|at|via|through|using|on|at the|with)?[ :;]*" + _LINK,
    r"\b(?:reach|contact) (?:out )?(?:to )?" + _US + r" (?:\w+ ){0,3}?(?:here|via|through|using|by clicking)\b",
    r"\breach out(?: to us)?[,;:.]? (?:\w+ ){0,3}?(?:here|at|via|through)[ :]*https?://",
    r"\b(?:reached|contact(?:ed)?) (?:24/7 )?here\b|\b(?:follow up|contact us|reach us|reach out|get in touch) here\b",
    r"\b(?:tell|let) (?:us|our (?:\w+ )?team|me) (?:know )?(?:more )?(?:\w+ ){0,4}?"
    r"(?:at the link\??|here|at|via|using)?[ :]*https?://",
    # "tell us more so we can help: <link>" (words ending in a colon; "let us know if that helps: <link>" is not)
    r"\btell (?:us|me|our (?:\w+ )?team) more(?: \w+){0,4}?[ :]+https?://",
    # "contact our security teams > <link>", "reported this to our support team here: <link>"
    r"\b(?:our|the) (?:\w+ ){0,2}teams? (?:here|at|via|through|using)?[ :>]*https?://",
    r"\b(?:contact|reach|get in touch with) (?:them|him|her) (?:here|at|via|through|using)[ :]*" + _LINK,
    # "contact our Answer Desk", "contact customer support and ask for a supervisor", "reach out to our
    # Reservations Agents": the customer sent to a team of the brand's, no channel named
    r"\b(?:contact(?:ing)?|reach(?:ing)? out to|get(?:ting)? in touch with) (?:our (?:\w+ ){0,2}(?:support"
    r"|customer (?:service|care|support)"
    r"|help ?desk|desk)|(?:the )?customer (?:service|care|support))(?: team)?\b",
    r"\b(?:contact|reach out to|get in touch with|speak (?:to|with)|talk to) the (?:customer|guest|client) "
    r"(?:relations|care|services?|support|experience) (?:team|department|desk)\b",
    r"\b(?:contact(?:ing)?|reach(?:ing)? out to|get(?:ting)? in touch with|speak(?:ing)? (?:to|with)|talk(?:ing)? to)"
    r" our (?:\w+ ){0,2}(?:team|agents|specialists|representatives|department|experts)\b",
    # a community forum where staff take it up ("the forum" only as the way: "the answer is in the forums" is not)
    r"\b(?:(?:in|on|to|through|via) our|(?:through|via) the) (?:\w+ ){0,2}forums?\b",
    # "post your query through <link>", "create a forum post": the question goes to a board staff answer
    r"\bpost(?:ing)? (?:your|a|an|the|this|it|them|that) (?:\w+ ){0,2}?(?:on|in|to|through|at|via) (?:our |the )?"
    r"(?:\w+ ){0,2}(?:forums?|community|https?://)",
    r"\b(?:please|you (?:can|could|may)|could you|can you|if you could|kindly) post (?:it |this |them )?"
    r"(?:here|at|on|to|in)[ :]*https?://",
    r"\b(?:create|start|open|make) an? (?:new )?(?:forum |community )(?:post|thread|topic)\b",
    # "we suggest creating us a thread here": a thread is a forum's
    r"\b(?:creat|start|open|post)(?:e|es|ed|ing)? (?:us |a new |an? )+(?:\w+ )?(?:thread|topic)\b",
    # a claim for compensation is filed on the operator's form ("you can make a claim for compensation")
    r"\b(?:make|submit|file|put in|lodge|raise) an? (?:\w+ )?claim for (?:compensation|delay repay)\b",
    # Twitter is not where it can be handled ("not equipped to handle account issues here on Twitter"): the
    # support site is (a DM named in the same reply wins)
    r"\b(?:not (?:equipped|able|allowed|set up)|unable|can'?t|cannot) (?:to )?(?:handle|discuss|help with|assist with"
    r"|resolve|address)(?: [\w/&-]+){0,4}(?: here)? (?:on|over|via|through) twitter\b",
    # "suggest it in our Community at <link>", "suggest this feature to our developers through this link"
    # "casting your votes on <link> is the best way" (a feature board)
    r"\bcast(?:ing)? (?:your |a )?votes? (?:on|at|via|here)[ :]*" + _LINK,
    r"\b(?:suggest|submit|share|post|vote for|upvote|show your support for) (?:it|this|that|them|the idea|your idea"
    r"|this idea|(?:this|the) feature)"
    r"(?: \w+){0,5} (?:in|on|to|at|via|through) (?:our |the |this )?(?:\w+ )?(?:community|forums?|ideas?|feedback"
    r"|link|site|https?://)",
    r"\b(?:our|the) (?:forum|community) (?:team|moderators|staff|experts)\b",
    r"\b(?:report (?:them|him|her|it|this)|feedback (?:here|at|via|using)|(?:claim|apply)(?: for)? (?:your |a )?"
    r"(?:compensation|refund|delay repay)(?: \w+){0,2} (?:here|at|via|online|using))[ :]*" + _LINK,
    # "please provide some details here: <link>"
    r"\b(?:provide|share|send|pass|forward|leave|give|submit|report|enter|add|fill in|fill out) "
    r"(?:us )?(?:this |all |your |some |more |the |us |additional |further |any |a few |extra )*(?:\w+ )?"
    r"(?:details?|info(?:rmation)?|feedback|this)"
    r"(?: (?:\w+ ){0,5}?(?:here|at|via|through|using|with|(?:in|on) (?:this|the))\b)?[ :]*(?:the |this |our )?" + _LINK,
    r"\b(?:use|follow|click|visit) (?:this|the|our) (?:link|url|page|form)(?: \w+){0,3} (?:to|for) "
    r"(?:contact|reach|get in touch|send|provide|your request|request|report|share|submit|speak|talk|connect)",
    r"\blook into this (?:with you|for you|together) (?:here|via)\b",
    r"\b(?:sorted|sort this|get this sorted)(?: \w+){0,2} (?:via|here)[ :]*https?://",
)
#: A visit, as two patterns (one outgrows the automaton cache, as `_FORM`): a place to go, then a person on site.
_STORE = any_of_lowered(
    r"\b(?:visit|pop(?:ping)? (?:in)?to|pop(?:ping)? in(?: to)?|go (?:in)?to|going (?:in)?to|head (?:in)?to"
    r"|stop (?:by|in)|drop (?:by|in|into)"
    r"|(?:take|bring|return) (?:it|them|this|the \w+)(?: \w+){0,5} (?:back )?to|return to"
    r"|(?:brought|taken|returned) (?:back )?(?:in)?to"
    r"|speak(?:ing)? (?:to|with) (?:an? |the |one of )?(?:my |our )?(?:colleagues?|staff|team|manager|agent"
    r"|members? of (?:staff|the team|our team)|staff members?|team members?)s? (?:in|at))"
    r" (?:your |a |the |any |our |one of our |my )?(?:nearest |local |closest |nearby )?(?:\w+ ){0,2}" + _PLACE,
    # "contact the store location that called", "get in touch with your local branch"
    r"\b(?:contact|reach out to|get in touch with) (?:your|the|a|any|our|one of our) " + _PLACE + r"\b",
    # "at our store" is also where a complaint happened ("sorry for your visit at our store"): "via our" is the way
    r"\bat (?:your|a|any|one of our) " + _PLACE + r"|\bvia (?:your|a|any|our|one of our) " + _PLACE,
    # "seats and upgrades will need to be processed by the Gate Agent"
    r"\b(?:processed|handled|done|rebooked|sorted|assisted|helped) by (?:the |a |an |our )?" + _ON_SITE + r"\b",
    r"\b(?:in[- ]person|(?:go|going|pop|head)(?: in)?to store)\b",
    # "you can make payments at the counter on departure day", "you may want to ask at the branch" (not where to
    # buy, collect or change: "you will need to change trains at the station")
    r"\byou(?: can| could| may| should| need to| will need to|'ll need to| would need to| may want to| might want to"
    r"|'re welcome to| are welcome to) (?:also |just |then )?"
    r"(?:make|pay|settle|return|exchange|rebook|ask|request|report|claim|apply for|renew|upgrade|swap|replace|do)"
    r"(?:s|es|ed|ing)? (?:\w+ ){0,3}?at (?:the|your|a|any) "
    r"(?:nearest |local |closest )?" + _PLACE + r"\b",
    r"\b(?:help|assist|see|serve) (?:you |with (?:this|that|it) )?in[- ]store\b",
    # "our colleagues at the store will be able to help"
    r"\b(?:colleagues|staff|team|team members|experts) (?:at|in) (?:the|your|a|our|any of our) (?:local |nearest )?"
    r"(?:store|branch|shop|station|airport|restaurant|caf[eé])s? (?:will|can|should|would|are|'ll)\b",
)
_STORE_STAFF = any_of_lowered(
    # someone on site, reached in person: "please see our baggage team member", "approach the Document Check
    # counter", "speak to the station team", "address this with cafe management", "tell the staff on board"
    r"\b(?:see|approach|ask|speak(?:ing)? (?:to|with)|talk(?:ing)? (?:to|with)|check(?:ing)? with|contact|inform|tell"
    r"|let|reach out to"
    r"|(?:address|raise|discuss|mention|report)(?: this| it| that)? (?:with|to)) "
    # no free words before the person (each costs the regex engine a pass): the determiners are listed
    r"(?:a |an |the |our |your |one of (?:our|the) |any of (?:our|the) |a member of )?(?:local |nearest )?"
    + _ON_SITE
    + r"\b|\b(?:speak|talk|ask|see|approach|tell|inform|let) (?:\w+ ){0,3}(?:staff|crew) on ?board\b",
    r"\b(?:staff|crew|team) on ?board (?:can|will|could|would|should|are able to|may)(?: \w+)? (?:help|assist|advise)",
    # who will help the customer there: "the station team would be able to advise", "station staff are best placed
    # to advise" (not what staff do anyway: "ground staff will rebook all passengers", "crew will offer drinks")
    r"\b" + _ON_SITE + r" (?:(?:would|will|should|could|may) be able to|(?:are|is|would be|will be) (?:best|better) "
    r"placed to|can|could) (?:help|assist|advise)(?: you| with)?\b",
    # "let a manager know about this next time you're in" (a free run of words before "next time" costs a pass)
    r"\bknow(?: about (?:this|it|that))? next time you(?:'re| are)? "
    r"(?:in|at|there|visit|stop by|come in|pop in|drop in)\b",
    # "let our repair reps take a look at it": a device or car seen by hands-on staff
    r"\blet (?:our|one of our|a|the) (?:\w+ )?(?:repair|service|in-store) (?:reps?|representatives?|technicians?"
    r"|techs?|experts?|team|staff) (?:take a look|look at|check|inspect|assess)",
    r"\bon ?board (?:staff|crew|team|colleagues|train manager|host)s?\b",
    r"\bin[- ]store (?:colleagues?|staff|team|team members?|experts?)\b",
    # "we'll add your points whenever you're next in store"
    r"\b(?:when|whenever|next time|once) you(?:'re| are) (?:next )?in[- ]?store\b",
    r"\bairport (?:staff|agents?|personnel)\b",
    r"\bsee an? (?:\w+ )?agent\b|\b(?:authori[sz]ed|apple) service provider\b",
    # the way to a store: "you can find the stores nearest to you in the link", "use our store locator"
    r"\b(?:find|locate) (?:the |your |a )?(?:nearest |closest |local )?(?:stores?|branch(?:es)?|shops?)"
    r" (?:nearest|closest|near)(?: to)? you\b|\b(?:find|locate) (?:the |your |a )(?:nearest|closest|local) "
    r"(?:stores?|branch(?:es)?|shops?)\b|\b(?:store|branch) (?:locator|finder)\b",
    r"\b(?:book|make|schedule) (?:an|a) (?:\w+ )?appointment\b|\bgenius bar (?:reservation|appointment)\b",
)
_OTHER = any_of_lowered(
    r"\b(?:contact(?:ing)?|reach(?:ing)? (?:out )?to|call(?:ing)?|speak(?:ing)? (?:to|with)|get(?:ting)? in touch with"
    r"|check(?:ing)? with|talk(?:ing)? (?:to|with)|ask(?:ing)?) (?:your|the|their|a|an) (?:\w+ )?" + _PARTY + r"s?\b",
    r"\b(?:reach out to|contact) them (?:directly|for (?:assistance|help|support|updates))",
    # "claim delay repay by visiting the train operator's website", "a refund goes through the retailer's site"
    r"\b(?:claim|apply|request|refund|repay|compensation)\w* (?:\w+ ){0,4}(?:by visiting|through|via|on) (?:the|your) "
    r"(?:train |tour |travel )?(?:operator|retailer|seller|airline|provider|company)(?:'s|s'?)? (?:web ?)?site\b",
    r"\b(?:handled|processed|dealt with|sorted) by (?:the|your) (?:\w+ )?" + _PARTY + r"s?\b",
    # "check with the agent that you have made the booking with", "claim for this through them"
    r"\b(?:check|speak|talk|contact|get in touch|reach out)(?: with| to)? (?:the|your) (?:\w+ )?agen(?:t|cy) "
    r"(?:that |who |whom )?you (?:have |had )?(?:booked|made|bought|purchased)\b",
    r"\b(?:claim|apply|ask)(?: for)?(?: \w+){0,3} (?:through|via|from|with) them\b",
    # a desk the customer must reach: "the Aftersales team would be best placed to assist"
    r"\b(?:team|department|desk|office)(?:'d| would| will| is)? (?:be )?(?:best|better) placed to "
    r"(?:assist|help|advise|answer)\b",
    # someone else named before is the one to ask: "They'd be best placed to assist", "they would be best to advise"
    r"\bthey(?:'d| would| will| should| are)? (?:be )?(?:best placed|better placed|best able|in the best position"
    r"|the best people|best) to (?:assist|help|advise|answer)\b"
    r"|\bthey(?:'d| would| will)? be (?:happy|glad|able) to (?:assist|help) (?:you )?further\b",
    # the place of purchase handles it: "a refund is via point of purchase"
    r"\b(?:via|through|with|from) (?:your |the )?(?:point|place) of (?:purchase|sale)\b",
    # a back office of the brand's that the customer must reach: "check online or with Reservations"
    r"\b(?:check|speak|talk|follow up|deal directly|get in touch) (?:\w+ ){0,3}with (?:our |the )?(?:reservations"
    r"|customer relations|aftersales|after-sales|central baggage|lost property)\b",
    # a separate desk of the brand's, no channel named: "please communicate this directly with our Tier 3 team"
    r"\b(?:communicate|raise|discuss|take|address) (?:this|it|that|the (?:matter|issue)) (?:up )?(?:directly )?with "
    r"(?:our|the) (?:\w+ ){0,3}(?:team|department|desk|office)\b",
    # "sold by a third party seller, please do reach out to them"
    r"\b"
    + _PARTY
    + r"s?\b[^.!?]{0,60}[.,;!]? (?:\w+ ){0,3}(?:reach out to|contact|get in touch with|speak to|talk to|call) them\b",
    r"\b(?:contact|call|reach out to|get in touch with)(?:ing)? " + _COMPANIES + r"\b",
    # another company's handle: "please contact @AppleSupport", "our friends at @Uber_Support can help"
    r"\b(?:contact|reach out to|get in touch with|tweet|message|speak to|talk to|ask|try) "
    r"(?:(?:our )?(?:friends|colleagues|folks|pals|team) (?:over )?at )?@[a-z][a-z0-9_]+",
    r"\b(?:friends|colleagues|folks|pals) (?:over )?at @[a-z][a-z0-9_]+",
)
#: Another company named: "contact Apple Support", "reach out to Blizzard directly" (case kept: a name).
_OTHER_NAMED = ascii_boundaries(
    r"\b(?:[Cc]ontact|[Rr]each out to|[Gg]et in touch with) (?:[A-Z][\w&'.-]+ ){1,2}"
    r"(?:[Ss]upport|directly|[Cc]ustomer (?:[Ss]ervice|[Cc]are|[Ss]upport))\b"
    # "Check directly with Finnair.", "best to check with Finnair directly" (not "let me check directly with
    # Engineering"), "please continue working with Expedia" (not "we continue to work with Network Rail")
    r"|(?:^|[.!?:]\s+|@\w+\s+|[Pp]lease\s+|[Bb]est to\s+|need to\s+)[Cc]heck (?:directly )?with "
    r"(?:[A-Z][\w&'.-]+ ){0,2}[A-Z][\w&'.-]+\b"
    r"|\b(?:[Pp]lease|[Kk]indly|need to|[Yy]ou should) (?:keep|continue) (?:working|to work) with "
    r"(?:[A-Z][\w&'.-]+ ){0,2}[A-Z][\w&'.-]+\b"
)
#: Set aside before reading (replaced by "~"): "the App Store", "the Xbox Store" are not shops to visit; a
#: question about what the customer did before ("did you visit a branch?", "have you called them?") asks,
#: it does not move ("have you had a chance to speak with your bank?" suggests it, and stays); the agent
#: reaching a team ("I'll get in touch with our team") moves no one.
_SET_ASIDE = any_of_lowered(
    r"\b(?:app|play|xbox|microsoft|playstation|ps|online|web|itunes|windows|steam|nintendo|e|google play)"
    r"[ -]?(?:store|shop)\b",
    r"\b(?:did|have|had|were|was) (?:you|they|he|she) (?:already |recently |ever |previously |just |been able to )?"
    r"(?:visit(?:ed)?|call(?:ed)?|contact(?:ed)?|reach(?:ed)? out to|spoken|spoke|speak|talk(?:ed)?|go|gone|been"
    r"|pop(?:ped)?|drop(?:ped)?|ring|rang|rung|e-?mail(?:ed)?|chat(?:ted)?|ask(?:ed)?|mention(?:ed)?|tell|told"
    r"|receive(?:d)?|get|got"
    r"|inform(?:ed)?|approach(?:ed)?|let)\b(?:[^?.!]*\?)?",
    # conditions answered here: "if you speak to station staff, they will advise", "if you are on the phone with
    # another agent", an offer on a changed mind ("if you change your mind and decide to schedule an appointment")
    r"\bif you (?:speak|talk|ask)\b|\bif you(?:'re| are) (?:already |still )?(?:on|in) (?:the|a) (?:phone|call|chat)\b",
    r"\bif you change your mind\b[^,.;!?]*",
    # "just checking in to see if you managed to create a support case?"
    r"\b(?:see|check|know) (?:if|whether) you (?:managed|were able|have been able|got a chance) to\b[^?.!,;]*\??",
    # the agent, not the customer, reaches the team: "I'll get in touch with our team"
    r"\b(?:i|we)(?:'ll| will|'ve| have| can| shall| am going to| are going to)? (?:\w+ )?"
    r"(?:get in touch with|contact|reach out to|speak (?:to|with)|talk to|check with|let|inform|tell"
    r"|(?:raise|address|discuss|mention|report|pass|escalate) (?:this|it|that) (?:on )?(?:with|to)) (?:our|the)\b",
)

#: (channel, pattern) in precedence order: the first that matches names the channel. Another company's
#: name is read first, in the original case; the rest on the lower-cased text.
_NAMED = ("other_company", _OTHER_NAMED)
_ORDER = (
    ("dm", _DM),
    ("email", _EMAIL),
    ("phone", _PHONE),
    ("chat", _CHAT),
    ("form", _FORM),
    ("form", _FORM_TEAM),
    ("store", _STORE),
    ("store", _STORE_STAFF),
    ("other_company", _OTHER),
    _NAMED,
    ("email", _FOLLOW_UP),
)
#: The channel of a move the model alone reads: the first channel whose loosened cue the reply names, in
#: precedence order (the words the rules' families key on, without their constructions), else "form".
_CUES = (
    ("dm", any_of_lowered(r"\b(?:dms?|dm'?d|direct(?:ly)? messag\w*|private(?:ly)? messag\w*|inbox|messenger)\b")),
    ("email", any_of_lowered(r"\b(?:e-?mails?|mail|mailbox|contact details|get back to you|in touch)\b")),
    ("phone", any_of_lowered(r"\b(?:call|calls|calling|phone|ring|telephone|helpline|hotline)\b")),
    ("chat", any_of_lowered(r"\bchat\b")),
    ("store", any_of_lowered(r"\b(?:in[- ]person|in[- ]store|visit|" + _PLACE + r"|" + _ON_SITE + r")\b")),
    (
        "other_company",
        any_of_lowered(
            r"(?:^|\s)[^@\s]+\s+@[a-z0-9_]+|\bbest placed\b|\bthrough them\b|\b(?:your|their) " + _PARTY + r"s?\b"
        ),
    ),
)


#: A link given to do something oneself ("add your email at <link>", "track your parcel here: <link>", "follow
#: the steps here: <link>"): self-service, which the model alone never reads as a move (the rules may).
_SELF_SERVICE = any_of_lowered(
    r"\b(?:add|update|change|reset|track|manage|download|install|learn|read|follow|view|check out|find out)\b"
    r"(?: [^ ]+){0,6}? (?:at|here|on|via|in|from|using|with)?[ :]*https?://"
)


def model_channel(text: pl.Expr) -> pl.Expr:
    """The channel of a reply the model alone reads as a move, by `_CUES`: a DM, an e-mail (the mail, contact
    details on file, "get back to you"), a call, a chat, a place or on-site staff, another company (a handle
    after the reply's opening ones, "best placed", "through them", the customer's bank / seller / airline ...);
    when no cue names one, a form: on dev, the moves the rules miss are most often a link or a team to reach
    (rounds 9-11 fresh: form 11 of 28, other_company 7, store 7, email 3; of the 10 the model caught there,
    form 4), and a contact page is the least specific move."""
    lowered = text.str.to_lowercase()
    chosen = pl.lit("form", dtype=pl.String)
    for channel, cue in reversed(_CUES):
        chosen = pl.when(lowered.str.contains(cue)).then(pl.lit(channel)).otherwise(chosen)
    return chosen


#: The mark a match leaves right after itself: a control character that no phrasing reads, one per rank.
_MARK = {rank: "\x1e" + chr(0x10 + rank) for rank in range(len(_ORDER))}


def reply_channel(text: pl.Expr) -> pl.Expr:
    """The channel a reply moves the customer to (one of CHANNELS), null when it stays public
    or answers by itself (a help article). Empty or null text: null. The rules (`rules_channel`) OR the
    learned model (`read_channels`), each distinct text read once."""
    return text.map_batches(read_channels, return_dtype=pl.String, is_elementwise=True).alias("channel")


def read_channels(
    texts: pl.Series, rules: Callable[[pl.Expr], pl.Expr] | None = None, table: pl.DataFrame | None = None
) -> pl.Series:
    """`reply_channel` of each text: each distinct text is read once by the rules (`rules`, default
    `rules_channel`), and those the rules leave public are scored by the model (`table`, default the shipped
    `channel_model`); a move the model alone reads gets the channel of `model_channel`. Null text: null."""
    rows = texts.rename("text").to_frame()
    distinct = (
        rows.lazy()
        .unique()
        .drop_nulls()
        .with_columns((rules or rules_channel)(pl.col("text")).alias("channel"))
        .collect()
    )
    public = distinct.filter(pl.col("channel").is_null())["text"]
    weights = channel_model() if table is None else table
    # integer weights numbered once for every chunk (`numbered_weights`); others scored as given
    by: pl.DataFrame | Numbered = (
        numbered_weights(weights, ["moved"]) if weights["moved"].dtype.is_integer() else weights
    )
    unaddressed = public.to_frame().select(model_text(pl.col("text")))["text"]
    moved = pl.concat(
        [
            scores(unaddressed.slice(offset, CHUNK), by, ["moved"], lexicon=False)["moved"] > 0
            for offset in range(0, len(public), CHUNK)
        ]
        or [pl.Series("moved", [], dtype=pl.Boolean)]
    )
    modelled = (
        public.to_frame()
        .filter(moved & ~public.str.to_lowercase().str.contains(_SELF_SERVICE))
        .select("text", model_channel(pl.col("text")).alias("modelled"))
    )
    read = distinct.join(modelled, on="text", how="left").select(
        "text", pl.coalesce("channel", "modelled").alias("channel")
    )
    return rows.join(read, on="text", how="left", maintain_order="left")["channel"].alias(texts.name)


def model_text(text: pl.Expr) -> pl.Expr:
    """The text the model reads: without the handles a reply opens with (whom it answers, not how: on twcs every
    reply opens with one, so the model would learn the handle as a second bias, and a reply of another platform
    without one would read as twice as likely a move)."""
    return text.str.replace(r"^(?:\s*@\w+)+\s*", "")


def rules_channel(text: pl.Expr) -> pl.Expr:
    """The channel the hand-written phrasings read (one of CHANNELS), null when none matches.

    One chain of string steps, so the text is cleaned and lower-cased once: each channel's phrasings
    leave their rank's mark after every match, and the best-ranked mark names the channel. (Several
    `contains` on one shared cleaned text are not shared by an eager `with_columns`: each re-cleaned it,
    0.60 s against 0.33 s per 20,000 replies.)"""
    marked = (
        text.fill_null("")
        .str.replace_many(["&amp;", "&gt;", "&lt;"], ["&", ">", "<"])
        # each run of white space or control characters (a mark comes only from a match) as one space; a run
        # that is already one space is left (the same text as `[\s\x00-\x1f]+` replaced, 5x faster)
        .str.replace_all(r"[\s\x00-\x1f]{2,}|[\s\x00-\x1f&&[^ ]]", " ")
        .str.replace_all(_OTHER_NAMED, "${0}" + _MARK[_ORDER.index(_NAMED)])
        .str.to_lowercase()
        .str.replace_all(_SET_ASIDE, "~")
    )
    for rank, (_, pattern) in enumerate(_ORDER):
        if pattern != _OTHER_NAMED:
            marked = marked.str.replace_all(pattern, "${0}" + _MARK[rank])
    return (
        marked.str.extract_all("\x1e[\x10-\x1f]")
        .list.min()
        .replace_strict(
            {_MARK[rank]: channel for rank, (channel, _) in enumerate(_ORDER)}, default=None, return_dtype=pl.String
        )
        .alias("channel")
    )
