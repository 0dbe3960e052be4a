"""Every column of every published table: name, type, unit, definition.

The one place consumers (and the tests, against real published files) read
what a column means. Changing a column here or in the code without the other
fails the tests; changing either changes SCHEMA_VERSION's meaning, so bump it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tasks.metrics.alerts import ALERT_KINDS


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    unit: str
    definition: str


def _channel_columns() -> list[Column]:
    """taken_offline split by the channel the first response names (tasks/metrics/channels.py); they sum to it."""
    what = {
        "dm": "a direct/private message",
        "email": "e-mail",
        "phone": "a phone call or number",
        "chat": "a live chat",
        "form": "a web form, ticket, case or contact page link",
        "store": "a store, branch, desk or other in-person visit",
        "other_company": "another company's support (the bank, the seller, the maker, ...)",
    }
    return [
        Column(f"taken_offline_{channel}", pl.Int64(), "mentions", f"Of taken_offline, those sent to {text}.")
        for channel, text in what.items()
    ]


def _peer_columns() -> list[Column]:
    """Peer percentiles (tasks/metrics/benchmarks.py): among all brands, then within the registry's industry."""
    measured = {
        "response_rate_pctile": "response rate",
        "frt_median_pctile": "median first response (faster ranks higher)",
        "sla_attainment_pctile": "SLA attainment",
        "sps_pctile": "SPS (readable brands only)",
    }
    rule = (
        "share of the other brands with ≥ 20 mentions this brand beats, ties half (100 = best); "
        "null below 20 mentions (not enough data), without peers, or when every placed brand has the "
        "same figure (e.g. a response rate of 0 where nobody replied: nothing to rank, not 50)"
    )
    columns = [Column("peers", pl.Int64(), "brands", "Brands with ≥ 20 mentions in the period: the peer group.")]
    columns += [
        Column(n, pl.Float64(), "percentile 0–100", f"Percentile for {what}: {rule}.") for n, what in measured.items()
    ]
    columns += [
        Column("industry", pl.String(), "", "The brand's industry group from the registry (null when it has none)."),
        Column("industry_peers", pl.Int64(), "brands", "Brands with ≥ 20 mentions in the same industry group."),
    ]
    columns += [
        Column(f"industry_{n}", pl.Float64(), "percentile 0–100", f"Within the industry group: percentile for {what}.")
        for n, what in measured.items()
    ]
    return columns


#: Response rate as every table that shows it documents it (computed once: tasks/metrics/definitions.py).
RESPONSE_RATE = Column("response_rate", pl.Float64(), "share 0–1", "responded / inbound.")

#: The care metrics per brand and day (and per platform in platforms.parquet).
CARE_METRICS = [
    Column("brand", pl.String(), "", "Brand handle the inbound mentions are attributed to."),
    Column(
        "date",
        pl.Date(),
        "day (brand's zone)",
        (
            "Day the inbound mentions were created, cut at the brand's local midnight (registry time zone; UTC "
            "when none). Weeks and months: the period's first day."
        ),
    ),
    Column("inbound", pl.Int64(), "mentions", "Customer mentions attributed to the brand, created that day."),
    Column(
        "responded", pl.Int64(), "mentions", "Mentions whose first reply by the brand came within the reply horizon."
    ),
    Column(
        "pending",
        pl.Int64(),
        "mentions",
        "Unanswered mentions whose horizon reaches past the newest collected archive.",
    ),
    RESPONSE_RATE,
    Column(
        "frt_median_s",
        pl.Float64(),
        "seconds",
        "Median first response time over responded mentions (linear interpolation).",
    ),
    Column(
        "frt_p90_s", pl.Float64(), "seconds", "90th percentile first response time over responded mentions (linear)."
    ),
    Column("frt_mean_s", pl.Float64(), "seconds", "Mean first response time over responded mentions."),
    Column(
        "frt_business_median_s",
        pl.Float64(),
        "business seconds",
        (
            "Median first response time counted in the brand's business hours (registry; around the clock when "
            "none), over responded mentions; see tasks/metrics/business_time.py for replies sent after hours."
        ),
    ),
    Column(
        "frt_business_p90_s",
        pl.Float64(),
        "business seconds",
        "90th percentile first response time in business hours (linear).",
    ),
    Column("sla_target_s", pl.Int64(), "seconds", "The brand's first-response target (registry, else the default)."),
    Column("sla_met", pl.Int64(), "mentions", "Mentions answered within the target."),
    Column("sla_attainment", pl.Float64(), "share 0–1", "sla_met / inbound; unanswered mentions count as misses."),
    Column(
        "km_frt_median_s",
        pl.Float64(),
        "seconds",
        (
            "Kaplan–Meier median time to first response over all inbound mentions, unanswered ones censored at "
            "the horizon or the newest archive; null when fewer than half are answered (not reached)."
        ),
    ),
    Column(
        "km_frt_p90_s",
        pl.Float64(),
        "seconds",
        "Kaplan–Meier 90th percentile time to first response (null when not reached).",
    ),
    Column(
        "km_answered_1h", pl.Float64(), "share 0–1", "Kaplan–Meier share of inbound mentions answered within 1 hour."
    ),
    Column("km_answered_24h", pl.Float64(), "share 0–1", "Kaplan–Meier share answered within 24 hours."),
    Column(
        "km_answered_horizon",
        pl.Float64(),
        "share 0–1",
        "Kaplan–Meier share answered within the reply horizon (equals response_rate once the day is final).",
    ),
    Column(
        "taken_offline",
        pl.Int64(),
        "mentions",
        (
            "Answered mentions whose first response sends the customer to another channel: a DM, e-mail, phone, "
            "live chat, a web form or ticket, a store or desk, another company's support (a help-article link "
            "that answers is not a move)."
        ),
    ),
    Column("taken_offline_rate", pl.Float64(), "share 0–1", "taken_offline / responded (null when none answered)."),
    *_channel_columns(),
    Column(
        "praise_inbound",
        pl.Int64(),
        "mentions",
        "Inbound mentions with a positive stance (archive label, else the stance model).",
    ),
    Column(
        "praise_response_rate",
        pl.Float64(),
        "share 0–1",
        "Share of praise answered within the horizon (null when no praise).",
    ),
    Column("complaint_inbound", pl.Int64(), "mentions", "Inbound mentions with a negative stance."),
    Column(
        "complaint_response_rate",
        pl.Float64(),
        "share 0–1",
        "Share of complaints answered within the horizon (null when none).",
    ),
    Column(
        "conversations",
        pl.Int64(),
        "threads",
        "Threads (rebuilt from reply links) whose first customer post was created that day, broadcasts left out.",
    ),
    Column(
        "conversations_answered",
        pl.Int64(),
        "threads",
        "Conversations with at least one reply by the brand after the customer's first post.",
    ),
    Column("conversation_response_rate", pl.Float64(), "share 0–1", "conversations_answered / conversations."),
    Column("replies_per_conversation", pl.Float64(), "posts", "Mean number of brand replies per conversation."),
    Column(
        "follow_ups_per_conversation",
        pl.Float64(),
        "posts",
        "Mean number of customer posts after the first, per conversation.",
    ),
    Column(
        "last_word_median_s",
        pl.Float64(),
        "seconds",
        "Median time from the customer's first post to the brand's last reply, over answered conversations.",
    ),
    Column(
        "follow_ups_after_answer",
        pl.Int64(),
        "posts",
        (
            "Customer posts created that day in a conversation after the brand had answered that customer in it, "
            "replying to the brand's post or to the customer's own (broadcasts left out): each waits for the "
            "brand's next reply. Posts before the brand's first answer wait for a first response; replies to "
            "other customers or other brands wait for no one from the brand: neither is counted here."
        ),
    ),
    Column(
        "follow_ups_answered",
        pl.Int64(),
        "posts",
        "Of those, follow-ups the brand wrote in the thread again within the reply horizon (to any of its posts).",
    ),
    Column(
        "km_next_reply_median_s",
        pl.Float64(),
        "seconds",
        (
            "Kaplan–Meier median time from a follow-up to the brand's next post in its thread, unanswered ones "
            "censored at the horizon or the newest archive; null when fewer than half are answered or none."
        ),
    ),
    Column(
        "km_next_reply_p90_s",
        pl.Float64(),
        "seconds",
        "Kaplan–Meier 90th percentile next-reply time (null when not reached).",
    ),
    Column(
        "next_reply_sla_met",
        pl.Int64(),
        "posts",
        "Follow-ups whose next reply came within the brand's response target (sla_target_s).",
    ),
    Column(
        "next_reply_sla_attainment",
        pl.Float64(),
        "share 0–1",
        "next_reply_sla_met / follow_ups_after_answer; unanswered follow-ups count as misses (null when none).",
    ),
    Column(
        "broadcasts",
        pl.Int64(),
        "threads",
        "Brand posts answered by 10 or more distinct customers: announcements, kept out of the conversation figures.",
    ),
    Column(
        "status",
        pl.String(),
        "",
        "'final' once the day's last reply horizon has passed the newest archive, else 'provisional'.",
    ),
]
#: metrics.parquet: the care metrics, then where the brand stands among its peers.
#: Repeat contact (tasks/metrics/repeat.py), per brand in metrics.parquet.
REPEAT_CONTACT = [
    Column(
        "answered_authors",
        pl.Int64(),
        "authors",
        "Distinct authors with a mention of the day (period) answered within the reply horizon.",
    ),
    Column(
        "repeat_authors",
        pl.Int64(),
        "authors",
        (
            "Of those, who wrote to the brand again within 7 days after a first response (7 days exactly still "
            "counts), in another thread than the answered one: a proxy for an issue not solved at first contact. "
            "Writing on in the answered thread does not count; a post whose thread cannot be traced back to its "
            "start among the posts read never counts. Seen only as far as the report reads: the period, then the "
            "reply horizon and one day more, so a daily figure covers the first days of the week."
        ),
    ),
    Column(
        "repeat_contact_rate",
        pl.Float64(),
        "share 0–1",
        "repeat_authors / answered_authors (null when nobody was answered).",
    ),
]

METRICS = [*CARE_METRICS, *REPEAT_CONTACT, *_peer_columns()]

#: agents.parquet: per brand, day (period) and agent read from the replies' signatures.
AGENTS = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column("date", pl.Date(), "day (brand's zone)", "As in metrics: the day, or the period's first day."),
    Column(
        "agent",
        pl.String(),
        "",
        (
            "The signature the reply ends with under the brand's convention (`… /NQ` → NQ; the registry's "
            "pattern, else learnt from the brand's replies in the report's window: tasks/metrics/agents.py). "
            "'unsigned': the brand's replies without one (all of them when the brand does not sign), never "
            "spread over the agents."
        ),
    ),
    Column("agent_name", pl.String(), "", "The agent's name, when the registry maps the signature (else null)."),
    Column("agent_team", pl.String(), "", "The agent's team, when the registry names one (else null)."),
    Column(
        "replies",
        pl.Int64(),
        "posts",
        "The brand's replies the agent signed in the conversations opened that day (as metrics' conversations).",
    ),
    Column("conversations", pl.Int64(), "conversations", "Of those conversations, how many the agent replied in."),
    Column(
        "first_responses",
        pl.Int64(),
        "mentions",
        "The day's inbound mentions whose first response (within the horizon) the agent signed.",
    ),
    Column("frt_median_s", pl.Float64(), "seconds", "Median time of those first responses (linear)."),
    Column("frt_p90_s", pl.Float64(), "seconds", "90th percentile time of those first responses (linear)."),
    Column(
        "sla_attainment",
        pl.Float64(),
        "share 0–1",
        "Of the agent's first responses, the share within the brand's target (unanswered mentions are nobody's).",
    ),
    Column(
        "taken_offline_rate",
        pl.Float64(),
        "share 0–1",
        "Of the agent's first responses, the share that moves the customer off the public thread.",
    ),
]

SPS = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column(
        "date",
        pl.Date(),
        "day (brand's zone)",
        "Day the mentions were created (weeks and months: the period's first day).",
    ),
    Column(
        "authors",
        pl.Int64(),
        "authors",
        "Distinct customers who mentioned the brand in the period (each counted once).",
    ),
    Column(
        "authorless",
        pl.Int64(),
        "mentions",
        (
            "Mentions of the brand whose archive names no author: counted in the response metrics, left out of "
            "every author count."
        ),
    ),
    Column(
        "promoters",
        pl.Int64(),
        "authors",
        "Authors whose stances sum above zero (raw count: archive labels and model verdicts as they are).",
    ),
    Column("detractors", pl.Int64(), "authors", "Authors whose stances sum below zero (raw count)."),
    Column("passives", pl.Int64(), "authors", "Authors whose stances sum to zero (raw count)."),
    Column("mentions", pl.Int64(), "mentions", "Inbound mentions behind those authors."),
    Column(
        "labelled_mentions",
        pl.Int64(),
        "mentions",
        "Mentions whose stance came from the archive's own sentiment label.",
    ),
    Column(
        "labelled_authors",
        pl.Int64(),
        "authors",
        (
            "Authors whose every mention carried an archive label: their verdicts are taken as given; the rest "
            "come from the stance model."
        ),
    ),
    Column(
        "sps_raw",
        pl.Float64(),
        "points −100…100",
        "100 × (promoters − detractors) / authors, whatever the number of authors.",
    ),
    Column(
        "sps",
        pl.Float64(),
        "points −100…100",
        (
            "SPS: every author's verdict (archive label, else the stance model) counted as it is; null below 30 "
            "authors, where a score is noise (sps_raw still shows the count)."
        ),
    ),
    Column(
        "sps_ci_low",
        pl.Float64(),
        "points",
        (
            "Lower end of the 95 % interval: sampling of authors plus how far the model's count strayed on "
            "domains it never saw (tasks/sps/estimate.py); null below 30 authors."
        ),
    ),
    Column("sps_ci_high", pl.Float64(), "points", "Upper end of the 95 % interval."),
    Column("readable", pl.Boolean(), "", "authors ≥ 30: below that the report shows the counts but no score."),
    Column(
        "advocates",
        pl.Int64(),
        "authors",
        (
            "Authors who explicitly recommend the brand ('highly recommend', 'you are the best') and never warn "
            "against it."
        ),
    ),
    Column(
        "advocates_reach",
        pl.Int64(),
        "followers",
        "Sum of the advocates' author_followers (0 where the archive has none).",
    ),
    Column(
        "critics",
        pl.Int64(),
        "authors",
        "Authors who explicitly recommend against the brand ('stay away', 'never again', 'switching to').",
    ),
    Column("critics_reach", pl.Int64(), "followers", "Sum of the critics' author_followers."),
    Column(
        "answered_detractors",
        pl.Int64(),
        "authors",
        "Authors with a detractor mention in the period that the brand answered.",
    ),
    Column(
        "recovered",
        pl.Int64(),
        "authors",
        "Of those, authors whose later mentions of the brand (after the answer) read neutral or positive.",
    ),
    Column("recovery_rate", pl.Float64(), "share 0–1", "recovered / answered_detractors (null when none)."),
    Column(
        "sps_change",
        pl.Float64(),
        "points",
        (
            "SPS minus the period before's (the day, ISO week or month before, the week's or month's summed "
            "from its days as its own report is; null when either period's score is not readable): counted "
            "from promoters, detractors and authors as sps is."
        ),
    ),
    Column(
        "sps_change_ci_low",
        pl.Float64(),
        "points",
        (
            "Lower end of the change's own 95 % interval: both days' sampling of authors plus the model's "
            "bias on the difference of their model-judged shares (shared, it largely cancels; "
            "tasks/sps/compare.py)."
        ),
    ),
    Column("sps_change_ci_high", pl.Float64(), "points", "Upper end of the change's 95 % interval."),
    Column(
        "sps_change_verdict",
        pl.String(),
        "",
        "'higher' or 'lower' only where the change's interval excludes zero, else 'no clear difference'.",
    ),
]

PLATFORMS = [
    *CARE_METRICS[:2],
    Column("platform", pl.String(), "", "Platform the mentions were posted on (twitter, facebook, …)."),
    *CARE_METRICS[2:],
]

CATEGORIES = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column("date", pl.Date(), "day (brand's zone)", "As in metrics: the day, or the period's first day."),
    Column(
        "category",
        pl.String(),
        "",
        "What the mentions are about: the first pattern of the brand's taxonomy that matches "
        "(its industry's, tasks/metrics/taxonomy/<industry>.toml, by the registry or inferred; "
        "else categories.toml; or the registry's own list), else 'other'.",
    ),
    Column("inbound", pl.Int64(), "mentions", "Customer mentions of that category."),
    Column("responded", pl.Int64(), "mentions", "Of those, answered within the reply horizon."),
    Column("frt_median_s", pl.Float64(), "seconds", "Median first response time over the answered ones (linear)."),
    Column("authors", pl.Int64(), "authors", "Distinct authors who wrote about it."),
    Column("promoters", pl.Int64(), "authors", "Of those, promoters (their stances in the category sum > 0)."),
    Column("detractors", pl.Int64(), "authors", "Of those, detractors (sum < 0)."),
    RESPONSE_RATE,
    Column(
        "sps", pl.Float64(), "points −100…100", "SPS over the category's authors; null below 30 authors, as for brands."
    ),
]

THEMES = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column("date", pl.Date(), "day (brand's zone)", "The report's day (themes are published in daily reports only)."),
    Column("theme", pl.Int64(), "rank", "1 = the largest theme of the brand's day among its mentions left 'other'."),
    Column("mentions", pl.Int64(), "mentions", "'Other' mentions in the theme (each in one theme at most)."),
    Column(
        "terms",
        pl.List(pl.String()),
        "",
        "Its distinctive words, first the one that formed it: used by the most of them, rare in the rest "
        "of the day's mentions (tasks/metrics/themes.py).",
    ),
    Column("examples", pl.List(pl.String()), "", "Up to 3 of its mentions, the earliest first, text masked."),
]

HOURS = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column("weekday", pl.Int8(), "1–7", "Day of the week the mentions were created, 1 = Monday (UTC)."),
    Column("hour", pl.Int8(), "0–23", "Hour of the day the mentions were created (UTC)."),
    Column(
        "inbound",
        pl.Int64(),
        "mentions",
        "Customer mentions attributed to the brand in that hour of the week, over the period.",
    ),
    Column("responded", pl.Int64(), "mentions", "Of those, answered within the reply horizon."),
    Column("frt_median_s", pl.Float64(), "seconds", "Median first response time over the answered ones (linear)."),
    RESPONSE_RATE,
]

#: backlog.parquet: the report's own mentions open hour by hour (tasks/metrics/backlog.py).
BACKLOG = [
    Column("brand", pl.String(), "", "Brand handle."),
    Column(
        "date",
        pl.Date(),
        "day (brand's zone)",
        "The report's day (weeks and months: the period's first day): whose mentions are counted.",
    ),
    Column(
        "hour",
        pl.Datetime("us", "UTC"),
        "UTC",
        (
            "Start of the hour. A report counts its own mentions (created in its period, in the brand's zone) in "
            "every hour they stood open, so its hours run past its end: a mention posted 23:30 and answered 00:45 "
            "is in hour 23 and in hour 00 of the next day, both in its own day's file. Reports add up: the "
            "mentions open at an hour are the sum of `open` over every report holding it. Hours stop at the "
            "newest archive."
        ),
    ),
    Column("inbound", pl.Int64(), "mentions", "Mentions posted in the hour."),
    Column(
        "answered",
        pl.Int64(),
        "mentions",
        "Mentions whose first response by the brand (within the horizon) came in the hour.",
    ),
    Column(
        "expired",
        pl.Int64(),
        "mentions",
        "Unanswered mentions whose reply horizon ended in the hour: no longer waited for, so no longer open.",
    ),
    Column(
        "open",
        pl.Int64(),
        "mentions",
        "The backlog: mentions posted and not yet answered, within their horizon, at any moment of the hour.",
    ),
    Column(
        "open_at_end", pl.Int64(), "mentions", "Mentions still open when the hour ended (open − answered − expired)."
    ),
    Column(
        "staffing_gap",
        pl.Boolean(),
        "",
        "Inbound ran ahead of replies: more mentions posted than answered in the hour, and more open at its end "
        "than at its start.",
    ),
    Column("peak", pl.Boolean(), "", "The brand's first hour with the most mentions open in this report."),
]

#: mentions.parquet (daily reports only): every reading behind the day's figures, per mention.
MENTIONS = [
    Column("mention_id", pl.String(), "", "The platform's id of the customer's post, as text."),
    Column("platform", pl.String(), "", "Platform it was posted on; (platform, mention_id) identifies it."),
    Column("brand", pl.String(), "", "Brand it is attributed to (DESIGN.md's attribution rules)."),
    Column(
        "author_id",
        pl.String(),
        "pseudonym",
        (
            "Not the platform's id: 16 hex digits of SHA-256 over 'sps-author-v1', platform, brand and the "
            "archive's author id (tasks/metrics/mention_table.py says why). The same author of the same brand "
            "reads the same every day; null when the archive names no author (left out of SPS)."
        ),
    ),
    Column("created_at", pl.Datetime("us", "UTC"), "UTC", "When it was posted."),
    Column("category", pl.String(), "", "The category the report counts it under (as in categories.parquet)."),
    Column(
        "category_source",
        pl.String(),
        "",
        (
            "'text' when the mention's own words named the category; 'thread' when they named none and the "
            "customer post that started its thread did (a later turn such as 'still not working' is about the "
            "thread's issue); null when neither did (category 'other', unless a registry names a category so)."
        ),
    ),
    Column(
        "theme",
        pl.String(),
        "",
        "The theme of an uncategorised mention (themes.parquet), when the report groups them; else null.",
    ),
    Column("severity", pl.String(), "", "urgent, major, minor or none: how the unanswered queue ranks it."),
    Column("urgent", pl.Boolean(), "", "severity is 'urgent': safety, security or money at risk now."),
    Column("stance", pl.Int8(), "−1, 0, +1", "Detractor −1, neutral 0, promoter +1: the reading SPS counts."),
    Column(
        "stance_source",
        pl.String(),
        "",
        "'archive_label' when the archive's own sentiment label gave the stance, else 'model' (the stance model).",
    ),
    Column("answered", pl.Boolean(), "", "A first response by the brand came within the reply horizon."),
    Column(
        "first_response_s",
        pl.Float64(),
        "seconds",
        "Time to the brand's first response, even one later than the horizon (then answered is false); null: none.",
    ),
    Column("first_response_id", pl.String(), "", "The brand's first response (its mention_id on the platform)."),
    Column(
        "taken_offline",
        pl.Boolean(),
        "",
        "Answered, and the first response moves the customer off the public thread (metrics' taken_offline).",
    ),
    Column(
        "channel",
        pl.String(),
        "",
        "Where that response sends the customer (dm, email, phone, chat, form, store, other_company), when "
        "the report reads it; null when answered in public, unanswered, or not read (English phrasings only: "
        "a reply in another language reads as null).",
    ),
    Column(
        "text",
        pl.String(),
        "",
        "The post as the report page shows post text: e-mail addresses, card and phone numbers masked.",
    ),
]


def for_people(column: Column) -> Column:
    """The spreadsheet form of a column: minutes and percentages, as people read them.

    Parquet keeps seconds and fractions for analysts; a CSV opened in a spreadsheet
    shows 132.1 minutes and 61.5 %, not 7923.000000 and 0.615000."""
    if column.unit.endswith("seconds"):
        unit = column.unit.replace("seconds", "minutes")
        return Column(column.name.removesuffix("_s") + "_min", pl.Float64(), unit, column.definition)
    if column.unit == "share 0–1":
        return Column(column.name + "_pct", pl.Float64(), "percent", column.definition)
    return column


def people_value(column: Column) -> pl.Expr:
    """The expression that turns a Parquet column into its spreadsheet form (rounded to 0.1)."""
    value = pl.col(column.name)
    if column.unit.endswith("seconds"):
        value = (value / 60).round(1)
    elif column.unit == "share 0–1":
        value = (value * 100).round(1)
    elif column.dtype == pl.Float64():
        value = value.round(1)
    return value.alias(for_people(column).name)


#: summary.json's `against_previous` (weekly and monthly reports only): the period before's headline
#: numbers and the changes, all-brand pooled as `headline` is. In summary.json, not metrics.parquet:
#: they are one page's pooled numbers (metrics.parquet holds one row per brand; a brand's SPS change
#: is sps.parquet's sps_change). Null where the period before had no mention (a first week: every
#: value but `period` is null, never 0), or where either side has no value.
AGAINST_PREVIOUS = [
    Column("period", pl.String(), "", "The period before: 2017-W43 for 2017-W44, 2017-09 for 2017-10."),
    Column("mentions", pl.Int64(), "mentions", "Its customer mentions attributed to a brand (headline.mentions)."),
    Column("mentions_change", pl.Int64(), "mentions", "This period's mentions minus its."),
    Column("response_rate_pct", pl.Float64(), "percent", "Its pooled response rate (one decimal)."),
    Column("response_rate_change_pts", pl.Float64(), "points", "This period's response_rate_pct minus its."),
    Column("frt_median_min", pl.Float64(), "minutes", "Its median first response over answered mentions."),
    Column("frt_median_change_min", pl.Float64(), "minutes", "This period's frt_median_min minus its."),
    Column("sla_attainment_pct", pl.Float64(), "percent", "Its pooled SLA attainment (one decimal)."),
    Column("sla_attainment_change_pts", pl.Float64(), "points", "This period's sla_attainment_pct minus its."),
    Column("sps", pl.Float64(), "points −100…100", "Its pooled SPS over its readable brands (headline.sps)."),
    Column(
        "sps_change",
        pl.Float64(),
        "points",
        "This period's pooled SPS minus its, counted from each side's readable brands' summed promoters, "
        "detractors and authors (what the pooled score is); null when either side has no readable brand.",
    ),
    Column(
        "sps_change_ci_low", pl.Float64(), "points", "Lower end of the change's own 95 % interval (as sps.parquet's)."
    ),
    Column("sps_change_ci_high", pl.Float64(), "points", "Upper end of the change's 95 % interval."),
    Column(
        "sps_change_verdict",
        pl.String(),
        "",
        "'higher' or 'lower' only where the change's interval excludes zero, else 'no clear difference'.",
    ),
]

#: Published tables and the columns they must have, in order.
TABLES: dict[str, list[Column]] = {
    "metrics.parquet": METRICS,
    "metrics.csv": [for_people(c) for c in METRICS],
    "platforms.parquet": PLATFORMS,
    "hours.parquet": HOURS,
    "backlog.parquet": BACKLOG,
    "categories.parquet": CATEGORIES,
    "themes.parquet": THEMES,
    "sps.parquet": SPS,
    "sps.csv": [for_people(c) for c in SPS],
    "mentions.parquet": MENTIONS,
    "agents.parquet": AGENTS,
}


def schema_of(table: str) -> dict[str, pl.DataType]:
    return {c.name: c.dtype for c in TABLES[table]}


def markdown() -> str:
    """The documentation table for README and the HTML report."""
    tables = [(f"### {table}", "column", columns) for table, columns in TABLES.items()]
    tables.append(("### summary.json: against_previous (weekly and monthly reports)", "key", AGAINST_PREVIOUS))
    lines = []
    for title, name, columns in tables:
        lines += [title, "", f"| {name} | type | unit | definition |", "|---|---|---|---|"]
        lines += [f"| {c.name} | {c.dtype} | {c.unit} | {c.definition} |" for c in columns]
        lines.append("")
    lines += ["### alerts.json", "", "`alerts`: a list of {brand, kind, observed, expected, p_value, detail}.", ""]
    lines += ["| kind | meaning |", "|---|---|", *[f"| {k} | {m} |" for k, m in ALERT_KINDS.items()], ""]
    return "\n".join(lines)
