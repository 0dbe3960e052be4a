"""Data Docs: one self-contained page per validated archive, rendered from GX's validation result.

GX's own renderer links Bootstrap, jQuery, fonts and a logo from CDNs (unstyled
and broken offline, and a reader's browser calls third parties) and writes
unexpected values into the page unescaped. This page is built from the same
result: every expectation with its verdict and counts, each example value
through `tasks/model/masking.py` first (archive text is data, never markup), inline
CSS, no script, no network.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from tasks.model.masking import shown

if TYPE_CHECKING:  # GX's import takes seconds: only the type checker pays it here
    from great_expectations.core import ExpectationSuiteValidationResult

#: Result fields that quote archive values.
_QUOTED = (
    "partial_unexpected_list",
    "unexpected_list",
    "partial_unexpected_counts",
    "partial_unexpected_index_list",
    "unexpected_index_list",
    "details",
)

_CSS = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2430}"
    "main{max-width:1100px;margin:0 auto;padding:1.2rem}.wrap{overflow-x:auto;background:#fff;"
    "border:1px solid #dfe3ea;border-radius:8px}table{border-collapse:collapse;width:100%}"
    "th,td{padding:.4rem .6rem;border-bottom:1px solid #eef0f4;text-align:left;vertical-align:top}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1e7b4a}.broken{color:#a02b1f;font-weight:600}"
    "code{font-size:.85em;white-space:pre-wrap;word-break:break-word}.note{color:#5b6577}"
)


def masked(value: Any) -> Any:
    """Every leaf of a result structure through `masking.shown`; keys and counts kept."""
    if isinstance(value, dict):
        return {k: (v if k == "count" else masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return shown(value)


def _text(value: Any) -> str:
    return html.escape(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _examples(found: dict) -> Any:
    """The examples as text: GX quotes an archive judged alone in its column's types, one judged
    with others through their rows' index (`validation.split_run`) as text, and the page must
    not depend on how archives were batched."""
    if "partial_unexpected_list" not in found:
        return found.get("observed_value", "")
    return [None if v is None else str(v) for v in found["partial_unexpected_list"]]


def data_docs_page(result: ExpectationSuiteValidationResult, title: str) -> bytes:
    """The page for one suite run over one archive (`title` names the archive)."""
    rows = []
    for outcome in sorted(result.results, key=lambda o: bool(o.success)):  # broken rules first
        config = outcome.expectation_config
        kwargs = {k: v for k, v in (config.kwargs if config else {}).items() if k != "batch_id"}
        found = {k: masked(v) if k in _QUOTED else v for k, v in (outcome.result or {}).items()}
        verdict = '<span class="ok">passed</span>' if outcome.success else '<span class="broken">broken</span>'
        meta = (config.meta or {}) if config else {}
        rows.append(
            f"<tr><td>{verdict}</td><td><strong>{html.escape(str(meta.get('rule', '')))}</strong><br>"
            f'<span class="note">{html.escape(str(meta.get("why", "")))}</span></td>'
            f"<td><code>{html.escape(config.type if config else '?')}</code></td>"
            f"<td><code>{_text(kwargs)}</code></td>"
            f'<td class="n">{html.escape(str(found.get("element_count", "")))}</td>'
            f'<td class="n">{html.escape(str(found.get("unexpected_count", "")))}</td>'
            f"<td><code>{_text(_examples(found))}</code></td></tr>"
        )
    stats = result.statistics or {}
    run = (result.meta or {}).get("validation_time") or (result.meta or {}).get("run_id", "")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Data Docs: {html.escape(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>Data Docs</h1><p><strong>{html.escape(title)}</strong>, suite "
        f"<code>{html.escape(result.suite_name or '')}</code>: "
        + ('<span class="ok">all expectations met</span>' if result.success else '<span class="broken">broken</span>')
        + f" ({stats.get('successful_expectations', 0)} of {stats.get('evaluated_expectations', 0)} met).</p>"
        '<div class="wrap"><table><thead><tr><th>verdict</th><th>rule and why</th><th>expectation</th>'
        "<th>arguments</th>"
        "<th>rows</th><th>unexpected</th><th>examples (masked) or observed value</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
        f'<p class="note">Rendered from Great Expectations\' validation result ({html.escape(str(run))}); '
        "example values are shown only when they are plain tokens, else masked with their length.</p>"
        "</main></body></html>\n"
    ).encode()
