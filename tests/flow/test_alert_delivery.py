"""A nightly that finds a detractor spike publishes it and sends it to a webhook on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from flows.pipeline import PipelineFailed, backfill, nightly
from tasks.store.backends import open_storage

pytestmark = pytest.mark.usefixtures("prefect_harness")
FIRST, SPIKE = date(2017, 10, 1), date(2017, 10, 29)


def _day(day: date, negative: int, neutral: int) -> bytes:
    """A day of mentions to AcmeHelp, each from its own author with a people's label, and one brand reply."""
    rows = []
    for i in range(negative + neutral):
        rows.append(
            {
                "mention_id": f"{day:%m%d}{i:03d}",
                "author_id": f"c{day:%m%d}{i}",
                "is_brand_author": False,
                "created_at": f"{day}T10:{i % 60:02d}:00Z",
                "text": "@AcmeHelp about my order",
                "sentiment": "negative" if i < negative else "neutral",
            }
        )
    rows.append(
        {
            "mention_id": f"{day:%m%d}r",
            "author_id": "AcmeHelp",
            "is_brand_author": True,
            "created_at": f"{day}T11:00:00Z",
            "text": "@c sorry to hear that",
            "in_reply_to_id": f"{day:%m%d}000",
        }
    )
    return "\n".join(json.dumps(r) for r in rows).encode()


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[dict] = []
    status = 204

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        _Receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(_Receiver.status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.bodies, _Receiver.status = [], 204
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_port}/hook?token=s3cret"
    server.shutdown()


def _store(tmp_path):
    store = open_storage(str(tmp_path))
    day = FIRST
    while day < SPIKE:  # 28 quiet days: 4 detractors a day
        store.write(f"archives/twitter/dt={day}/a.jsonl", _day(day, 4, 16))
        day += timedelta(days=1)
    backfill(FIRST, SPIKE - timedelta(days=1), storage=store.url)
    store.write(f"archives/twitter/dt={SPIKE}/a.jsonl", _day(SPIKE, 30, 10))  # the spike
    return store


def test_a_spike_is_published_and_sent_to_the_webhook(tmp_path, receiver, monkeypatch):
    _, url = receiver
    store = _store(tmp_path)
    assert _Receiver.bodies == []  # a backfill pages nobody
    monkeypatch.setenv("SPS_ALERT_WEBHOOK_URL", url)
    nightly(SPIKE, storage=store.url)
    (body,) = _Receiver.bodies
    (alert,) = body["alerts"]
    # 30 of 40 authors where 108 of 540 (20 %) were on the 27 past days the trend shows: expected
    # 40 · 0.2 = 8 (the day's 40 mentions where 20 are usual is within ordinary variation: no volume alert)
    assert (alert["brand"], alert["kind"], alert["observed"], alert["expected"]) == (
        "AcmeHelp",
        "detractor_spike",
        30.0,
        8.0,
    )
    folder = f"reports/daily/dt={SPIKE}/"
    assert json.loads(store.read(folder + "alerts.json"))["alerts"] == [alert]
    assert 'id="alerts"' in store.read(folder + "report.html").decode()
    assert json.loads(store.read(f"reports/daily/dt={SPIKE - timedelta(days=1)}/alerts.json")) == {"alerts": []}


def test_an_alert_the_webhook_refuses_fails_the_run_without_showing_the_address(tmp_path, receiver, monkeypatch):
    _, url = receiver
    store = _store(tmp_path)
    _Receiver.status = 500
    monkeypatch.setenv("SPS_ALERT_WEBHOOK_URL", url)
    monkeypatch.setenv("SPS_RETRY_DELAYS", "[0]")
    with pytest.raises(PipelineFailed) as failed:
        nightly(SPIKE, storage=store.url)
    assert failed.value.failed["alerts"] == "1 alert(s) not sent: the alert webhook answered 500"
    assert len(_Receiver.bodies) == 2  # tried, then retried once
    assert "s3cret" not in str(failed.value)


def test_a_spike_goes_through_a_saved_prefect_notification_block(tmp_path, receiver, monkeypatch):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    _, url = receiver
    store = _store(tmp_path)
    CustomWebhookNotificationBlock(
        name="sps-test", url=url, method="POST", json_data={"subject": "{{subject}}", "text": "{{body}}"}
    ).save("sps-alerts-test", overwrite=True)
    monkeypatch.setenv("SPS_ALERT_BLOCK", "custom-webhook/sps-alerts-test")
    nightly(SPIKE, storage=store.url)
    (body,) = _Receiver.bodies
    assert body["subject"] == "sps-pipeline: 1 alert(s)"
    # the 27 past days a day's trend shows (10-02 … 10-28), 20 authors and 4 detractors each: 108 of 540
    assert body["text"].startswith(
        "AcmeHelp: 30 of its 40 authors are detractors (75%) where 108 of 540 (20%) were on its 27 past days (p = "
    )
