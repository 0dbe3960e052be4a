"""First stance classifier for SPS: promoter (+1), detractor (−1) or neutral (0).

A deliberately small lexicon, kept behind `classify_stance` so a trained model
can replace it without touching SPS. It leans on customer-care wording
("still waiting", "on hold") because complaints there rarely use negative
words. Vectorised regexes: no Python loop per post.
"""

from __future__ import annotations

import polars as pl

_PROMOTER = [
    r"\bthank(s| you|ful)?\b",
    r"\bthx\b",
    r"\bty\b",
    r"\blove\b",
    r"\bgreat\b",
    r"\bawesome\b",
    r"\bamazing\b",
    r"\bexcellent\b",
    r"\bperfect\b",
    r"\bappreciate[ds]?\b",
    r"\brecommend\b",
    r"\bthe best\b",
    r"\byou rock\b",
    r"\bfixed\b",
    r"\bworks now\b",
    "❤|😍|😊|🙏|👍|🙌|💙|😀|😃|😄",
]
_DETRACTOR = [
    r"\bworst\b",
    r"\bterrible\b",
    r"\bawful\b",
    r"\bhorrible\b",
    r"\bhate\b",
    r"\bridiculous\b",
    r"\bunacceptable\b",
    r"\bdisappoint",
    r"\bfrustrat",
    r"\bannoy",
    r"\bstill (waiting|no|not|haven'?t|hasn'?t|can'?t|doesn'?t)\b",
    r"\bon hold\b",
    r"\bdelay(ed)?\b",
    r"\bcancel+(ed|led)?\b",
    r"\brefund\b",
    r"\bbroken\b",
    r"\b(not|isn'?t|doesn'?t|won'?t|didn'?t) work",
    r"\bno one\b",
    r"\bnobody\b",
    r"\bwaste\b",
    r"\bnever again\b",
    r"\bswitching to\b",
    r"\bfix (this|it|your)\b",
    r"\bwtf\b",
    r"\bsucks?\b",
    r"\bpathetic\b",
    r"\bjoke\b",
    "😡|😠|🤬|👎|😤|😒|😩|😫|🙄",
]


def _hits(patterns: list[str]) -> pl.Expr:
    text = pl.col("text").str.to_lowercase()
    return pl.sum_horizontal([text.str.contains(p).cast(pl.Int8) for p in patterns])


def classify_stance() -> pl.Expr:
    """Stance of the `text` column: sign of promoter cues minus detractor cues."""
    return (_hits(_PROMOTER) - _hits(_DETRACTOR)).sign().fill_null(0).cast(pl.Int8)
