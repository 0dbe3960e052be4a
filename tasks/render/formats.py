"""How a number reads wherever people meet it: pages, the reports index, the command line's tables.

One function per kind of value, so a duration never reads "28 h 07 min" on a page and
"1,686.7 min" beside it; "–" where there is no value.
"""

from __future__ import annotations

import html

NONE = "–"


def duration(seconds: float | None) -> str:
    """12.5 min under an hour; 28 h 07 min from an hour on (rounded to the minute)."""
    if seconds is None:
        return NONE
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{seconds / 60:.1f} min"


def share(value: float | None) -> str:
    """A rate as a percentage with one decimal: 0.8612 reads 86.1%."""
    return NONE if value is None else f"{100 * value:.1f}%"


def points(value: float | None) -> str:
    """An SPS, or a difference of two, in whole signed points: +12, -3."""
    return NONE if value is None else f"{value:+.0f}"


def count_change(value: int | None) -> str:
    """A count's change, signed: +1,204."""
    return NONE if value is None else f"{value:+,}"


def share_change(value: float | None) -> str:
    """A rate's change in percentage points: 0.031 reads +3.1 pts."""
    return NONE if value is None else f"{100 * value:+.1f} pts"


def duration_change(seconds: float | None) -> str:
    """A duration's change in minutes, signed: +12.5 min."""
    return NONE if seconds is None else f"{seconds / 60:+,.1f} min"


def interval(low: float, high: float) -> str:
    """A 95% interval of points: +43 … +117."""
    return f"{low:+.0f} … {high:+.0f}"


def percentile(value: float | None) -> str:
    return "not enough data" if value is None else f"{value:.0f}"


def waited(age_h: float, beyond_horizon: bool | None) -> str:
    """How long an unanswered mention has waited: its hours, or "> 72 h" past the reply horizon."""
    return f"> {age_h:g} h" if beyond_horizon else f"{age_h:.1f} h"


def plain(text: str) -> str:
    """A post's text as its author wrote it. Twitter delivers text HTML-encoded (`&amp;`, `&lt;`,
    `&gt;`), and the archives keep it so (the data files and the stance model see it as delivered).
    This is the one place it is decoded, once, where a page shows it; the page then escapes it
    again, so "&amp;" reads "&" and "&lt;script&gt;" reads "<script>", as text, never markup."""
    return html.unescape(text)
