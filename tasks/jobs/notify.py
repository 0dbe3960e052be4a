"""Alerts sent where the user says: a plain webhook (JSON POST) or a Prefect notification block.

Nobody watches a nightly run, so an alert that only sits in alerts.json is found
too late. The address may carry a token: it never appears in a message or a log.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tasks.metrics.alerts import AlertJson


class AlertNotDelivered(RuntimeError):
    """The alerts were not accepted; the run says so (it does not fail silently)."""


class TransientAlertError(AlertNotDelivered):
    """The receiver was down or busy: worth retrying."""


def alert_text(alerts: list[AlertJson]) -> str:
    return "\n".join(f"{a['brand']}: {a['detail']}" for a in alerts)


def post_alerts(url: str, alerts: list[AlertJson], timeout_s: float = 10.0) -> None:
    post_json(url, {"source": "sps-pipeline", "alerts": alerts, "text": alert_text(alerts)}, "alert webhook", timeout_s)


def post_json(url: str, body: dict, what: str, timeout_s: float = 10.0) -> None:
    """POST `body`; a refusal or an unreachable receiver is an AlertNotDelivered naming `what`, never the address."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s):  # noqa: S310 (the user's own address)
            return
    except urllib.error.HTTPError as exc:
        error = TransientAlertError if exc.code >= 500 or exc.code == 429 else AlertNotDelivered
        raise error(f"the {what} answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransientAlertError(f"the {what} could not be reached ({type(reason).__name__})") from None


def notify_block(name: str, alerts: list[AlertJson]) -> None:
    """Through a Prefect notification block the user saved (Slack, e-mail, a custom webhook, …)."""
    from prefect.blocks.core import Block

    try:
        block = Block.load(name)
    except ValueError:
        raise AlertNotDelivered(f"no Prefect notification block {name!r} (give it as <block type>/<name>)") from None
    block.notify(alert_text(alerts), subject=f"sps-pipeline: {len(alerts)} alert(s)")  # type: ignore[union-attr]
