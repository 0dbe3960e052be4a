"""The brand registry: handles, aliases, SLA targets, time zones and business hours, from TOML.

    [brands.Tesco]
    aliases = ["TescoUK"]
    sla_target_seconds = 7200
    timezone = "Europe/London"          # days are cut at the brand's local midnight
    holidays = ["2017-12-25"]           # closed all day
    after_hours_replies = "clock"       # or "exclude"; see tasks/metrics/business_time.py
    [brands.Tesco.business_hours]       # local times; a day left out is closed
    mon = "09:00-17:00"
    sat = "10:00-14:00"
    [[brands.Tesco.category]]           # tried before the shared complaint categories
    name = "clubcard"
    pattern = 'club ?card'

    [brands.SpotifyCares]
    signature = '/([A-Z]{2})$'          # the signature, one group, on the reply without its trailing
                                        # links; else learnt from the replies (tasks/metrics/agents.py)
    [brands.SpotifyCares.agents]        # signature → name, or name and team
    NQ = "Nina Quist"
    KB = { name = "Kim Berg", team = "Billing" }

A brand without `business_hours` is open around the clock (business time =
calendar time); without `timezone` its days are UTC days.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from tasks.metrics.agents import Agent, Signatures
from tasks.metrics.categories import Category, Taxonomy, default_taxonomy, parse_taxonomy

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AFTER_HOURS_RULES = ("clock", "exclude")


@dataclass(frozen=True)
class Calendar:
    """When a brand's care team works: local opening hours per weekday (seconds), holidays."""

    timezone: str = "UTC"
    #: weekday (0 = Monday) → (open, close) in seconds after local midnight; missing = closed
    hours: dict[int, tuple[int, int]] = field(default_factory=lambda: {d: (0, 86400) for d in range(7)})
    holidays: tuple[date, ...] = ()
    after_hours_replies: str = "clock"


@dataclass(frozen=True)
class BrandRegistry:
    sla_targets: dict[str, int] = field(default_factory=dict)
    #: lower-cased handle or alias → canonical handle
    handles: dict[str, str] = field(default_factory=dict)
    #: brands with a time zone or business hours; the rest are UTC and open 24/7
    calendars: dict[str, Calendar] = field(default_factory=dict)
    #: handle → industry group, for peer percentiles within an industry
    industries: dict[str, str] = field(default_factory=dict)
    #: complaint categories: the registry's `[[category]]` list (else the shipped one), and
    #: per brand its own `[[brands.X.category]]` entries
    taxonomy: Taxonomy = field(default_factory=lambda: Taxonomy(default_taxonomy()))
    #: brands' signature patterns and the agents their signatures name
    signatures: Signatures = field(default_factory=Signatures)

    @property
    def day_lag_s(self) -> int:
        """How long after UTC midnight a brand's local day may still run (UTC−12 at most)."""
        return 12 * 3600 if any(c.timezone != "UTC" for c in self.calendars.values()) else 0


def load_registry(path: Path | None) -> BrandRegistry:
    """An empty registry when no file is configured: brands are then learnt from their posts."""
    if path is None:
        return BrandRegistry()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        brands = document.get("brands", {})
        shared = parse_taxonomy(document.get("category", []), str(path)) or default_taxonomy()
        handles: dict[str, str] = {}
        sla: dict[str, int] = {}
        calendars: dict[str, Calendar] = {}
        industries: dict[str, str] = {}
        own: dict[str, tuple[Category, ...]] = {}
        patterns: dict[str, str] = {}
        agents: dict[str, dict[str, Agent]] = {}
        for handle, entry in brands.items():
            if "category" in entry:
                own[handle] = parse_taxonomy(entry["category"], f"{path} [brands.{handle}]")
            if "signature" in entry:
                patterns[handle] = _signature(handle, entry["signature"])
            if "agents" in entry:
                agents[handle] = {str(sign): _agent(handle, sign, who) for sign, who in entry["agents"].items()}
            if "industry" in entry:
                industries[handle] = str(entry["industry"])
            for name in [handle, *entry.get("aliases", [])]:
                handles[name.lower().lstrip("@")] = handle
            if "sla_target_seconds" in entry:
                sla[handle] = int(entry["sla_target_seconds"])
            if {"timezone", "business_hours", "holidays", "after_hours_replies"} & entry.keys():
                calendars[handle] = _calendar(handle, entry)
    except (OSError, tomllib.TOMLDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"brand registry {path}: {exc}") from None
    return BrandRegistry(
        sla_targets=sla,
        handles=handles,
        calendars=calendars,
        industries=industries,
        taxonomy=Taxonomy(shared, own),
        signatures=Signatures(patterns, agents),
    )


def _signature(handle: str, pattern: object) -> str:
    """A pattern polars can run, with the one group that is the signature."""
    try:
        groups = re.compile(str(pattern)).groups
        pl.select(pl.lit("").str.extract(str(pattern), 1))
    except (re.error, pl.exceptions.ComputeError):
        raise ValueError(f"{handle}: signature {pattern!r} is not a regular expression") from None
    if groups != 1:
        raise ValueError(f"{handle}: signature {pattern!r} needs exactly one group (the signature), not {groups}")
    return str(pattern)


def _agent(handle: str, sign: str, who: object) -> Agent:
    """`NQ = "Nina Quist"` or `NQ = { name = "Nina Quist", team = "Billing" }`."""
    if isinstance(who, str):
        return Agent(who)
    if isinstance(who, dict) and isinstance(who.get("name"), str) and isinstance(who.get("team", ""), str):
        return Agent(who["name"], who.get("team"))
    raise ValueError(f"{handle}: agents.{sign} must be a name or {{ name = ..., team = ... }}")


def _calendar(handle: str, entry: dict) -> Calendar:
    timezone = entry.get("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"{handle}: unknown time zone {timezone!r}") from None
    rule = entry.get("after_hours_replies", "clock")
    if rule not in AFTER_HOURS_RULES:
        raise ValueError(f"{handle}: after_hours_replies must be one of {AFTER_HOURS_RULES}, not {rule!r}")
    hours = Calendar().hours
    if "business_hours" in entry:
        unknown = set(entry["business_hours"]) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"{handle}: unknown weekday(s) {sorted(unknown)} in business_hours")
        hours = {WEEKDAYS.index(day): _span(handle, day, text) for day, text in entry["business_hours"].items()}
    return Calendar(
        timezone=timezone,
        hours=hours,
        holidays=tuple(sorted(date.fromisoformat(d) for d in entry.get("holidays", []))),
        after_hours_replies=rule,
    )


def _span(handle: str, day: str, text: str) -> tuple[int, int]:
    """'09:00-17:30' → (32400, 63000)."""
    try:
        start, end = (int(h) * 3600 + int(m) * 60 for h, m in (part.split(":") for part in text.split("-")))
    except ValueError:
        raise ValueError(f"{handle}: business_hours.{day} = {text!r} is not 'HH:MM-HH:MM'") from None
    if not 0 <= start < end <= 86400:
        raise ValueError(f"{handle}: business_hours.{day} = {text!r} does not open before it closes")
    return start, end
