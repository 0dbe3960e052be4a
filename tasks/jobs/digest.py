"""The nightly's digest: the day's headline, its alerts and the urgent mentions still waiting, with
where its page is.

Nobody opens a page to learn the day was quiet, and an urgent mention nobody answered should not
wait for someone to. The digest carries the five numbers of the page's headline (as its
summary.json gives them), the alerts its page raised, the oldest urgent unanswered mentions
(masked as the page masks them: the day's stored measure holds them masked, tasks/metrics/urgent.py)
and the same link the run summary gives. Building it is pure; `read_digest` reads the published day;
the nightly sends it (flows/tasks.py, send_digest).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from email.message import EmailMessage

import polars as pl

from tasks.jobs.notify import alert_text
from tasks.metrics.alerts import AlertJson
from tasks.render import formats
from tasks.render.environment import render
from tasks.store import layout, measure_store
from tasks.store.backends import Storage
from tasks.store.codecs import read_json

#: Urgent unanswered mentions a digest lists (oldest first); the page lists them all.
TOP_URGENT = 5


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class Urgent:
    mention_id: str
    brand: str
    created_at: str  # ISO, UTC
    waited: str  # "5.0 h", "> 72 h"
    text: str  # masked, entities decoded (formats.plain): the HTML part escapes it again


@dataclass(frozen=True)
class Digest:
    day: str
    figures: list[Figure]
    alerts: list[str]
    urgent: list[Urgent]  # the oldest TOP_URGENT
    urgent_total: int
    link: str

    @property
    def subject(self) -> str:
        return f"sps-pipeline {self.day}: {len(self.alerts)} alert(s), {self.urgent_total} urgent unanswered"


def figures(head: dict) -> list[Figure]:
    """The page's five headline numbers from summary.json's `headline` (percentages and minutes)."""

    def fraction(pct: float | None) -> float | None:
        return None if pct is None else pct / 100

    frt = head["frt_median_min"]
    sps = formats.points(head["sps"])
    if head["sps_ci_low"] is not None and head["sps_ci_high"] is not None and head["sps"] is not None:
        sps += f" ({formats.interval(head['sps_ci_low'], head['sps_ci_high'])})"
    return [
        Figure("Mentions", f"{head['mentions']:,}"),
        Figure("Response rate", formats.share(fraction(head["response_rate_pct"]))),
        Figure("Median first response", formats.duration(None if frt is None else frt * 60)),
        Figure("SLA attainment", formats.share(fraction(head["sla_attainment_pct"]))),
        Figure("SPS", sps),
    ]


def digest_of(day: str, head: dict, alerts: list[AlertJson], urgent: pl.DataFrame, link: str) -> Digest:
    """`urgent`: the day's urgent unanswered mentions as measured (tasks/metrics/urgent.py), oldest first."""
    top = urgent.head(TOP_URGENT).to_dicts()
    return Digest(
        day=day,
        figures=figures(head),
        alerts=alert_text(alerts).splitlines(),
        urgent=[
            Urgent(
                mention_id=r["mention_id"],
                brand=r["brand"] or "(unattributed)",
                created_at=r["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                waited=formats.waited(r["age_h"], r["beyond_horizon"]),
                text=formats.plain(r["text"] or ""),
            )
            for r in top
        ],
        urgent_total=urgent.height,
        link=link,
    )


def read_digest(storage: Storage, day: date, link: str) -> Digest:
    """The digest of a published day: its summary.json, alerts.json and the stored measure's urgent
    mentions (the one measure a day keeps, under its inputs' fingerprint; none stored: none listed)."""
    folder = layout.report_folder(day)
    head = read_json(storage, folder + "summary.json")["headline"]
    alerts = read_json(storage, folder + "alerts.json")["alerts"]
    stored = [k for k in storage.keys(layout.day_measures(day)) if k.endswith("/complete.json")]
    measure = (
        measure_store.load(storage, day, stored[0].split("/")[-2], names=("urgent",)) if len(stored) == 1 else None
    )
    urgent = measure.urgent if measure is not None and measure.urgent is not None else pl.DataFrame()
    return digest_of(day.isoformat(), head, alerts, urgent, link)


def digest_text(digest: Digest) -> str:
    lines = [f"sps-pipeline, {digest.day}", ""]
    lines += [f"{f.label}: {f.value}" for f in digest.figures]
    lines += ["", f"Alerts ({len(digest.alerts)}):"] + [f"- {a}" for a in digest.alerts or ["none"]]
    lines += ["", f"Urgent unanswered mentions ({digest.urgent_total}, oldest {len(digest.urgent)} shown):"]
    lines += [f"- {u.brand}, {u.created_at}, waited {u.waited}: {u.text}" for u in digest.urgent] or ["- none"]
    return "\n".join([*lines, "", f"The page: {digest.link}", ""])


def digest_email(digest: Digest, sender: str, to: list[str]) -> EmailMessage:
    """Plain text, with an HTML part from templates/digest.html (autoescaped: customers' words are data)."""
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = digest.subject, sender, ", ".join(to)
    message.set_content(digest_text(digest))
    message.add_alternative(render("digest.html", digest=digest), subtype="html")
    return message


def digest_json(digest: Digest) -> dict:
    """The webhook's body: the digest's values, and its text for receivers that show one message."""
    return {"source": "sps-pipeline", "subject": digest.subject, **asdict(digest), "text": digest_text(digest)}
