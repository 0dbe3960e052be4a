"""Agents: who on a brand's care team wrote a reply, read from the signature the team signs with.

Most care teams end a public reply with the writer's initials or first name
after a mark — `… /NQ`, `^JD`, `-AB`, `~Mike`, `*AFC` — before any trailing
link. A brand's convention is learnt from its own replies: a mark counts when
its signatures repeat (the same few people sign again and again), and the
brand's marks are accepted when they cover MIN_SHARE of at least MIN_REPLIES
replies. Prose rarely ends in `-word` by chance (on the twcs sample no reply of
a brand that does not sign ends so; `tests/unit/metrics/test_agents.py` bounds the
chance that such endings reach the threshold), so an unsigned brand gets no
agents. The registry may fix a brand's pattern and map signatures to names
and teams (`tasks/metrics/registry.py`). Replies without a signature are UNSIGNED: a
line of their own, never spread over the agents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

#: The marks a signature follows.
MARKS = "^/-~*"
#: A brand's convention needs this many replies in the window read …
MIN_REPLIES = 8
#: … this share of them signed with its marks …
MIN_SHARE = 0.3
#: … and, per mark, this share of its signed replies by a signature seen at least twice (people sign again).
MIN_REPEATED = 0.25
UNSIGNED = "unsigned"

#: What may follow a signature: links, and a thread counter ("- Nick 2/3").
_TRAILING = r"(?:\s*(?:https?://\S+|\(?\d{1,2}/\d{1,2}\)?))+\s*$"
#: The mark after a space or a sentence's end ("there!- Anwar"), never inside a word ("well-done").
_SIGNATURE = r"(?:^|[\s.!?,;:)])([\^/~*-]) ?([A-Za-z]{1,15})\.?\s*$"


@dataclass(frozen=True)
class Agent:
    """A signature's person, as the registry names them."""

    name: str
    team: str | None = None


@dataclass(frozen=True)
class Signatures:
    """What the registry says of brands' signatures."""

    #: brand → regex with one group (the signature), read on the reply without its trailing links
    patterns: dict[str, str] = field(default_factory=dict)
    #: brand → signature → the agent
    agents: dict[str, dict[str, Agent]] = field(default_factory=dict)

    def names(self) -> pl.DataFrame:
        """brand, agent, agent_name, agent_team: every mapped signature."""
        rows = [(b, s, a.name, a.team) for b, by in self.agents.items() for s, a in by.items()]
        return pl.DataFrame(
            rows,
            schema={"brand": pl.String, "agent": pl.String, "agent_name": pl.String, "agent_team": pl.String},
            orient="row",
        )


def _bare(text: pl.Expr) -> pl.Expr:
    return text.fill_null("").str.replace(_TRAILING, "")


def signature(text: pl.Expr) -> pl.Expr:
    """The reply's trailing signature as a struct (mark, sign); both null when it ends otherwise."""
    return _bare(text).str.extract_groups(_SIGNATURE).struct.rename_fields(["mark", "sign"])


def conventions(replies: pl.DataFrame) -> pl.DataFrame:
    """brand, mark: the marks each brand signs with, for brands whose replies (brand, text) follow
    a convention by the rule above."""
    signed = replies.lazy().select("brand", signature(pl.col("text")).alias("_s")).unnest("_s")
    totals = signed.group_by("brand").agg(pl.len().alias("replies"))
    per_sign = signed.filter(pl.col("mark").is_not_null()).group_by("brand", "mark", "sign").agg(pl.len().alias("n"))
    marks = (
        per_sign.group_by("brand", "mark")
        .agg(pl.col("n").sum().alias("signed"), pl.col("n").filter(pl.col("n") >= 2).sum().alias("repeated"))
        .filter((pl.col("repeated") > 0) & (pl.col("repeated") >= MIN_REPEATED * pl.col("signed")))
        .join(totals, on="brand")
    )
    covered = (pl.col("signed").sum().over("brand") >= MIN_SHARE * pl.col("replies")) & (
        pl.col("replies") >= MIN_REPLIES
    )
    return marks.filter(covered).select("brand", "mark").sort("brand", "mark").collect()


def reply_agents(replies: pl.DataFrame, signatures: Signatures) -> pl.DataFrame:
    """platform, mention_id, agent for each brand reply (platform, mention_id, brand, text): its
    signature under the brand's convention (the registry's pattern first, else the learnt one),
    else UNSIGNED."""
    learnt = conventions(replies.filter(~pl.col("brand").is_in(list(signatures.patterns))))
    agent: pl.Expr = pl.when(pl.col("_learnt")).then(pl.col("sign"))
    for brand, pattern in signatures.patterns.items():
        agent = pl.when(pl.col("brand") == brand).then(_bare(pl.col("text")).str.extract(pattern, 1)).otherwise(agent)
    return (
        replies.lazy()
        .with_columns(signature(pl.col("text")).alias("_s"))
        .unnest("_s")
        .join(
            learnt.lazy().with_columns(pl.lit(True).alias("_learnt")),
            on=["brand", "mark"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("_learnt").fill_null(False))
        .select("platform", "mention_id", agent.fill_null(UNSIGNED).alias("agent"))
        .collect()
    )
