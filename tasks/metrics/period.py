"""Everything one report (a day, a week, a month) needs, from a window of the warehouse.

A period's numbers depend on more than its own partitions: replies arrive up
to the horizon later, and attribution may follow a reply chain back a few
days. A day's per-mention facts (`MentionFacts`) are kept with its measure,
and a week or a month is summed from its days' facts: its percentiles are
exact, never averages of daily medians, and it never holds a month of raw
warehouse rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

import polars as pl

from tasks.metrics import next_reply
from tasks.metrics.agent_metrics import agent_metrics, agent_work
from tasks.metrics.agents import reply_agents
from tasks.metrics.alerts import customer_replies
from tasks.metrics.answered import answered_within
from tasks.metrics.attribution import attribute
from tasks.metrics.backlog import hourly_backlog
from tasks.metrics.benchmarks import with_peer_percentiles
from tasks.metrics.business_time import local_dates, with_business_frt
from tasks.metrics.categories import category_metrics, unanswered_queue, with_categories, with_industries
from tasks.metrics.conversations import conversation_metrics, conversations_and_follow_ups, thread_posts
from tasks.metrics.definitions import brand_sla_target, daily_metrics, hour_of_week, mention_facts, report_status
from tasks.metrics.mention_table import mention_table
from tasks.metrics.registry import BrandRegistry
from tasks.metrics.repeat import repeat_contacts, with_thread_root
from tasks.metrics.themes import themes_and_members
from tasks.metrics.urgent import urgent_unanswered
from tasks.model.periods import Period
from tasks.model.records import BrandPosts
from tasks.sps.advocacy import advocacy, recovery, with_advocacy
from tasks.sps.compare import with_sps_change
from tasks.sps.score import MIN_AUTHORS, daily_sps, with_stance

#: What recovery reads of the mentions after a period.
_LATER = ("brand", "author_id", "created_at", "stance", "date", "thread_root")


@dataclass(frozen=True)
class PeriodMeasure:
    period: Period
    metrics: pl.DataFrame
    platforms: pl.DataFrame  # the metrics per brand and platform
    hours: pl.DataFrame  # volume and answers per brand, weekday and hour
    sps: pl.DataFrame
    anomalies: pl.DataFrame
    inbound_total: int
    unattributed: int
    facts: pl.DataFrame  # the period's inbound mentions: first response, stance, reach (charts, alerts)
    trends: pl.DataFrame | None = None  # per brand and trend point: 28 days, 12 weeks or 12 months (measure_store)
    urgent: pl.DataFrame | None = None  # urgent mentions still unanswered, text masked
    categories: pl.DataFrame | None = None  # per brand and complaint category: volume, answers, SPS
    queue: pl.DataFrame | None = None  # the unanswered mentions to answer first (severity, then age)
    themes: pl.DataFrame | None = None  # a day's "other" mentions grouped by distinctive terms (themes.py)
    category_trends: pl.DataFrame | None = None  # per brand, day and category over the last 28 days
    source: MentionFacts | None = None  # what it was summed from (stored with a day, for its week and month)
    mention_table: pl.DataFrame | None = None  # a day's readings per mention (mentions.parquet); None for a week
    agents: pl.DataFrame | None = None  # per brand and agent (signatures, tasks/metrics/agents.py): agents.parquet
    backlog: pl.DataFrame | None = None  # the period's mentions open per brand and UTC hour (tasks/metrics/backlog.py)

    @property
    def day(self) -> date:
        return self.period.start


@dataclass(frozen=True)
class MeasureRules:
    """What a measure is judged by besides its mentions: the brands (handles, calendars, SLAs,
    taxonomy), the reply horizon, the default SLA and the run's watermark."""

    registry: BrandRegistry
    horizon_s: float
    default_sla_s: int
    watermark: datetime


@dataclass(frozen=True)
class Afterwards:
    """What the period's answered customers did after it: detractors recovered (SPS) and authors
    who came back in another thread (repeat contact), per brand."""

    recovered: pl.DataFrame
    repeats: pl.DataFrame


def _with_repeats(metrics: pl.DataFrame, repeats: pl.DataFrame, period: Period) -> pl.DataFrame:
    counts = ["answered_authors", "repeat_authors"]
    return metrics.join(
        repeats.with_columns(pl.lit(period.start).alias("date")), on=["brand", "date"], how="left"
    ).with_columns(pl.col(counts).fill_null(0))


def _answered_in(in_period: pl.Expr) -> pl.Expr:
    """The period's mentions answered within the horizon (later mentions carry no `responded`)."""
    return in_period & pl.col("responded").fill_null(False)


@dataclass(frozen=True)
class PeriodThreads:
    """The conversations a period's customers opened, and the follow-ups they wrote in the period
    after the brand had answered (tasks/metrics/next_reply.py), each dated the period's first day."""

    conversations: pl.DataFrame
    follow_ups: pl.DataFrame


def _with_threads(metrics: pl.DataFrame, threads: PeriodThreads, keys: list[str], rules: MeasureRules) -> pl.DataFrame:
    """The metrics with their conversation and next-reply figures (counts 0 where there were none)."""
    counts = ["conversations", "conversations_answered", "broadcasts", *next_reply.COUNTS]
    waits = next_reply.next_reply_metrics(
        threads.follow_ups,
        keys=keys,
        horizon_s=rules.horizon_s,
        sla_target=brand_sla_target(rules.registry.sla_targets, rules.default_sla_s),
        watermark=rules.watermark,
    )
    return (
        metrics.join(conversation_metrics(threads.conversations, keys=keys), on=keys, how="left")
        .join(waits, on=keys, how="left")
        .with_columns(pl.col(counts).fill_null(0))
    )


def _utc_span(period: Period) -> tuple[datetime, datetime]:
    """Every instant that is inside the period in some time zone (UTC−12 … UTC+14)."""
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=UTC) - timedelta(hours=14)
    return start, datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=12
    )


def _recovery(facts: pl.DataFrame, inside: pl.DataFrame, in_period: pl.Expr) -> pl.DataFrame:
    """Recovery needs the later mentions of the period's answered detractors: stance them only."""
    answered = inside.filter((pl.col("stance") < 0) & pl.col("first_response_at").is_not_null())
    if answered.is_empty():
        return recovery(inside, in_period)
    later = facts.filter(~in_period & (pl.col("created_at") > answered["first_response_at"].min())).join(
        answered.select("brand", "author_id"), on=["brand", "author_id"], how="semi"
    )
    return recovery(pl.concat([inside, with_stance(later)], how="diagonal_relaxed"), in_period)


def _sps_table(as_one: pl.DataFrame, recovered: pl.DataFrame, period: Period) -> pl.DataFrame:
    """SPS with explicit advocacy and recovery beside it, per brand."""
    counts = ["advocates", "advocates_reach", "critics", "critics_reach", "answered_detractors", "recovered"]
    table = (
        daily_sps(as_one)
        .join(advocacy(as_one, ["brand", "date"]), on=["brand", "date"], how="left")
        .join(recovered.with_columns(pl.lit(period.start).alias("date")), on=["brand", "date"], how="left")
        .with_columns(pl.col(counts).fill_null(0))
    )
    return with_sps_change(table, None)  # the period before is known to the page (its trend rows)


def period_status(period: Period, horizon_s: float, watermark: datetime, registry: BrandRegistry) -> str:
    """'final' once the horizon of the period's last mention has passed, in every brand's time zone."""
    return report_status(period.end, horizon_s + registry.day_lag_s, watermark)


@dataclass(frozen=True)
class MentionFacts:
    """A period's inbound mentions, one row each, with everything a report derives from them.

    Stored with each day's measure: a week or a month is summed from its days'
    facts instead of re-reading (and re-attributing) a window of the warehouse,
    so its peak memory is its own mentions', not a month of raw rows and replies.
    """

    mentions: pl.DataFrame  # stanced, first response, business time, customer replies, responded; local `date`
    thread_posts: pl.DataFrame  # the posts of every thread a customer wrote to in the period
    anomalies: pl.DataFrame  # responses stamped before the mention they answer

    def for_summing(self) -> MentionFacts:
        """What a week or a month keeps of a day (and what is stored of it): what was read from
        texts is in flags (stance, advocacy, category, first response taken offline), so only the
        texts of unanswered mentions stay (its queue and urgent list show them). Idempotent."""
        text = pl.when(~pl.col("responded")).then(pl.col("text")).alias("text")
        mentions = self.mentions.drop("first_response_text", "sentiment", strict=False).with_columns(text)
        return MentionFacts(mentions, self.thread_posts, self.anomalies)


def _distinct_posts(posts: pl.DataFrame) -> pl.DataFrame:
    """Each post once. Days' facts come without the posts the day before held, so a copy is
    made only when a thread ran across three days or more (a month's posts: +370 MiB).

    Ids whose hashes are all distinct are distinct: that test holds a month's 3.1 M posts
    +30 MiB, where looking for duplicate (platform, id) pairs held +560 MiB."""
    if posts.select(pl.col("mention_id").hash().n_unique()).item() == posts.height:
        return posts
    return posts.lazy().filter(pl.struct("platform", "mention_id").is_first_distinct()).collect()


def _reply_agents(attributed: pl.DataFrame, registry: BrandRegistry) -> pl.DataFrame:
    """platform, mention_id, agent of every brand post in the window (its own brand's convention)."""
    brand = pl.col("author_id").str.to_lowercase().replace_strict(registry.handles, default=pl.col("author_id"))
    posts = attributed.filter(pl.col("is_brand_author")).select("platform", "mention_id", brand.alias("brand"), "text")
    return reply_agents(posts, registry.signatures)


def _with_thread_text(facts: pl.DataFrame, attributed: pl.DataFrame) -> pl.DataFrame:
    """`facts` with `thread_text`: the text of the customer post that started each mention's thread, for a mention
    that did not start it (null when it did, when a brand's post started it, or when the chain back is cut), which
    a mention whose own words name no category is categorised by (`with_categories`)."""
    roots = facts.select("platform", "thread_root").drop_nulls().unique()
    starts = (
        attributed.filter(~pl.col("is_brand_author"))
        .select("platform", pl.col("mention_id").alias("thread_root"), pl.col("text").alias("thread_text"))
        .join(roots, on=["platform", "thread_root"], how="semi")  # only the roots asked for
    )
    return facts.join(
        starts.unique(["platform", "thread_root"], keep="first"),
        on=["platform", "thread_root"],
        how="left",
        maintain_order="left",
    ).with_columns(pl.when(pl.col("thread_root") != pl.col("mention_id")).then(pl.col("thread_text")))


def period_facts(
    window: pl.DataFrame, period: Period, rules: MeasureRules, brand_posts: BrandPosts | None = None
) -> tuple[MentionFacts, Afterwards]:
    """The period's mention facts, and what its answered customers did afterwards, from the
    mentions in its window. Brand posts carry their `agent`, first responses theirs."""
    registry, horizon_s = rules.registry, rules.horizon_s
    attributed = attribute(window, registry.handles, brand_posts)
    agents = _reply_agents(attributed, registry)
    facts, anomalies = mention_facts(attributed, _utc_span(period))  # a window's other days' channels are not read
    facts = with_thread_root(facts, attributed).join(
        agents.rename({"mention_id": "first_response_id", "agent": "first_response_agent"}),
        on=["platform", "first_response_id"],
        how="left",
        maintain_order="left",
    )
    facts = with_business_frt(local_dates(facts, registry.calendars), registry.calendars)
    in_period = pl.col("date").is_between(period.start, period.end)
    # the stance model runs once on the period; metrics, platforms and SPS all read it
    # what is read from a mention's text is read here, once: a week or a month sums flags, not texts
    stanced = with_advocacy(
        with_stance(facts.filter(in_period))
        .join(customer_replies(attributed), on=["platform", "mention_id"], how="left")
        .with_columns(pl.col("replies").fill_null(0), answered_within(horizon_s).alias("responded"))
    )
    # each brand's industry categories: the registry's industry, else read from its mentions
    taxonomy = with_industries(registry.taxonomy, registry.industries, stanced)
    inside = with_categories(_with_thread_text(stanced, attributed), taxonomy)
    anomalies = anomalies.join(inside.select("platform", "mention_id"), on=["platform", "mention_id"], how="semi")
    posts = thread_posts(attributed, _utc_span(period)).join(
        agents, on=["platform", "mention_id"], how="left", maintain_order="left"
    )
    everyone = pl.concat([inside.lazy(), facts.lazy().filter(~in_period)], how="diagonal_relaxed")
    after = Afterwards(_recovery(facts, inside, in_period), repeat_contacts(everyone, _answered_in(in_period)))
    return MentionFacts(inside, posts, anomalies), after


@dataclass(frozen=True)
class SummedDays:
    """The days a week, a month or a range is summed from (`summed_days`, those with mentions), read
    in two passes: every day's thread posts first, rebuilt into the period's conversations and let
    go, then the days' mentions. Held at once, a 5 M-mention month's 3.1 M thread posts sat beside
    its 1.7 M mentions while both were summarised."""

    days: list[date]  # in date order
    posts: Callable[[date], pl.DataFrame]  # a day's thread posts
    facts: Callable[[date], MentionFacts]  # a day's mentions and anomalies (its thread posts are not read)

    @staticmethod
    def held(days: Iterable[tuple[date, MentionFacts]]) -> SummedDays:
        """Days whose facts are in memory already."""
        by_day = dict(days)
        return SummedDays(sorted(by_day), lambda day: by_day[day].thread_posts, by_day.__getitem__)


def _own_posts(days: SummedDays, period: Period) -> pl.DataFrame:
    """Each post of the period's days' threads once. A day's posts the day before held are dropped
    on arrival (a month of days' posts held 2× its distinct posts)."""
    keys = ["platform", "mention_id"]
    kept: list[pl.DataFrame] = []
    previous: pl.DataFrame | None = None
    for day in days.days:
        if period.start <= day <= period.end:
            posts = days.posts(day)
            new = (
                posts
                if previous is None
                else posts.join(previous.select(keys), on=keys, how="anti", maintain_order="left")
            )
            kept.append(new)
            previous = posts
    return _distinct_posts(pl.concat(kept, how="diagonal_relaxed", rechunk=False))


def measure_from_days(days: SummedDays, period: Period, rules: MeasureRules) -> PeriodMeasure:
    """A week, a month or any range from the facts of its `summed_days` (at least one inside the
    period; any other day is not read): the same frames as `measure_period` on its window, without
    the `source` they were summed from. Only what the period keeps of each day is held."""
    posts = _own_posts(days, period)
    threads = period_threads(posts, period, rules.registry)
    work = agent_work(posts, threads.conversations)
    del posts
    mentions: list[pl.DataFrame] = []
    anomalies: list[pl.DataFrame] = []
    later: list[pl.DataFrame] = []  # recovery: the later mentions of the detractors it answered
    for day in days.days:
        if day < period.start:
            continue
        facts = days.facts(day)
        if day <= period.end:
            mentions.append(facts.mentions)
            anomalies.append(facts.anomalies)
        else:
            later.append(facts.mentions.select(_LATER))
    own = pl.concat(mentions, how="diagonal_relaxed", rechunk=False)
    # lazily: recovery and repeats read a few of the month's columns (eager, all were copied)
    everyone = pl.concat([own.lazy(), *(frame.lazy() for frame in later)], how="diagonal_relaxed")
    in_period = pl.col("date").is_between(period.start, period.end)
    after = Afterwards(recovery(everyone, in_period), repeat_contacts(everyone, _answered_in(in_period)))
    return summarise(own, pl.concat(anomalies, how="diagonal_relaxed"), threads, work, after, period, rules)


def measure_period(
    window: pl.DataFrame, period: Period, rules: MeasureRules, brand_posts: BrandPosts | None = None
) -> PeriodMeasure:
    """Metrics and SPS for one period (UTC days), from the mentions in its window."""
    facts, after = period_facts(window, period, rules, brand_posts)
    threads = period_threads(facts.thread_posts, period, rules.registry)
    work = agent_work(facts.thread_posts, threads.conversations)
    measure = summarise(facts.mentions, facts.anomalies, threads, work, after, period, rules)
    return replace(measure, source=facts)


def period_threads(posts: pl.DataFrame, period: Period, registry: BrandRegistry) -> PeriodThreads:
    """The conversations the period's customers opened and the follow-ups they wrote in it (in their
    brand's time zone), one row each with what `conversation_metrics`, `agent_work` and
    `next_reply_metrics` read."""
    opened, follow_ups = conversations_and_follow_ups(posts, _utc_span(period))

    def in_period(frame: pl.DataFrame, *columns: str | pl.Expr) -> pl.DataFrame:
        return (
            local_dates(frame.with_columns(pl.col("created_at").dt.date().alias("date")), registry.calendars)
            .filter(pl.col("date").is_between(period.start, period.end))
            .select("brand", "platform", *columns, pl.lit(period.start).alias("date"))
        )

    return PeriodThreads(
        in_period(
            opened,
            *("answered", "replies", "follow_ups", "last_word_s", "broadcast", "root_id"),
            pl.col("created_at").alias("opened_at"),
        ),
        in_period(follow_ups, "created_at", "next_reply_s"),
    )


def summarise(
    inside: pl.DataFrame,
    anomalies: pl.DataFrame,
    threads: PeriodThreads,
    work: pl.DataFrame,
    after: Afterwards,
    period: Period,
    rules: MeasureRules,
) -> PeriodMeasure:
    """A period's report frames from its inbound mentions' facts (its own, or its days' put
    together), its anomalies, its conversations (`period_threads`), its agents' replies in them
    (`agent_work`) and what its answered customers did afterwards.

    Over a week or a month every brand gets one row (`date` = the period's first day) and an author
    is counted once however often they wrote.
    """
    registry, horizon_s, watermark = rules.registry, rules.horizon_s, rules.watermark
    as_one = inside.with_columns(pl.lit(period.start).alias("date"))
    status = pl.lit(period_status(period, horizon_s, watermark, registry)).alias("status")
    metrics_of = metrics_under(rules)
    sps = _sps_table(as_one, after.recovered, period)
    metrics = with_peer_percentiles(
        _with_repeats(
            _with_threads(metrics_of(as_one), threads, ["brand", "date"], rules), after.repeats, period
        ).with_columns(status),
        sps,
        registry.industries,
    )
    platforms = _with_threads(
        metrics_of(as_one, by=("platform",)), threads, ["brand", "date", "platform"], rules
    ).with_columns(status)
    shown = inside.select(
        "mention_id",
        "brand",
        "created_at",
        "text",
        "frt_s",
        "responded",
        "stance",
        "author_followers",
        "replies",
    )
    categorised = as_one.lazy().filter(pl.col("brand").is_not_null())
    # a week or a month keeps only unanswered texts (`for_summing`): themes of a day alone;
    # only a day has every text for a per-mention table (a week's summed facts keep the unanswered ones')
    themes, members = themes_and_members(categorised) if period.kind == "daily" else (None, None)
    return PeriodMeasure(
        period=period,
        metrics=metrics,
        platforms=platforms,
        hours=hour_of_week(inside, horizon_s=horizon_s),
        sps=sps,
        anomalies=anomalies,
        inbound_total=inside.height,
        unattributed=inside.filter(pl.col("brand").is_null()).height,
        facts=shown,
        urgent=urgent_unanswered(shown, watermark, horizon_s),
        categories=category_metrics(categorised, MIN_AUTHORS),
        queue=unanswered_queue(categorised, watermark, horizon_s),
        themes=themes,
        mention_table=None if members is None else mention_table(_with_themes(inside, members)),
        agents=agent_metrics(
            as_one,
            work,
            registry.signatures.names(),
            horizon_s=horizon_s,
            sla_targets=registry.sla_targets,
            default_sla_s=rules.default_sla_s,
        ),
        backlog=hourly_backlog(as_one, keys=["brand", "date"], horizon_s=horizon_s, watermark=watermark),
    )


def metrics_under(rules: MeasureRules) -> Callable[..., pl.DataFrame]:
    """`daily_metrics` judged by the rules' horizon, SLA targets and watermark."""
    return partial(
        daily_metrics,
        horizon_s=rules.horizon_s,
        sla_targets=rules.registry.sla_targets,
        default_sla_s=rules.default_sla_s,
        watermark=rules.watermark,
    )


def brand_rows(mentions: pl.DataFrame, period: Period, rules: MeasureRules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A period's metrics and SPS per brand (`date` its first day) from its mentions' facts, counted
    as its own page counts them: rates from the summed counts, medians of the mentions' own times,
    an author once however often they wrote. What a week's or a month's trend point is."""
    as_one = mentions.with_columns(pl.lit(period.start).alias("date"))
    return metrics_under(rules)(as_one), daily_sps(as_one)


def _with_themes(inside: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """A day's facts with the theme each "other" mention was grouped in (null for the rest)."""
    return inside.join(members, on=["brand", "date", "mention_id"], how="left")
