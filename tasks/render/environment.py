"""The one Jinja2 environment every published page is rendered with.

Autoescape is on: a value from the wild placed in a page is always text. Values are escaped
with `html.escape` (quotes as &quot; and &#x27;), as the pages always were, so a page's bytes
do not move with the template engine; charts come in as `Markup`, drawn and escaped by
`charts.py`. The formatters of `formats.py` are the templates' filters.
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from tasks.render import formats
from tasks.render.folder import docs_copy


def _escaped(value: Any) -> Any:
    """Text escaped as `html.escape` does; Markup (a chart, a rendered partial) as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return Markup(html.escape(value))
    return value


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tasks.render", "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,  # a name missing from a page's values fails the render, never prints ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        duration=formats.duration,
        share=formats.share,
        points=formats.points,
        percentile=formats.percentile,
        plain=formats.plain,
        waited=lambda row: formats.waited(row["age_h"], row.get("beyond_horizon")),
        count=lambda n: f"{n:,}",
        docs_copy=docs_copy,
    )
    env.globals.update(interval=formats.interval)
    return env


def render(template: str, **values: Any) -> str:
    """A page (`report.html`, `index.html`) or a partial (`sections/queue.html`) with its values."""
    return environment().get_template(template).render(**values)
