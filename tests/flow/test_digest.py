"""The nightly's digest reaches a real SMTP server (aiosmtpd) and an HTTP receiver on 127.0.0.1;
a closed port is a warning in the run summary, the pages are published all the same."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from flows.pipeline import nightly
from tasks.store.backends import open_storage

pytestmark = pytest.mark.usefixtures("prefect_harness")
DAY = date(2017, 10, 1)
URGENT_TEXT = "@AcmeHelp my account was hacked, write to jo.doe@example.com &lt;b&gt;now&lt;/b&gt;"


def _archive() -> bytes:
    """Four mentions to AcmeHelp: the first answered after 30 min, the last an urgent one nobody answered."""
    texts = ["@AcmeHelp where is my order", "@AcmeHelp still waiting", "@AcmeHelp hello?", URGENT_TEXT]
    rows = [
        {"mention_id": f"m{i}", "author_id": f"c{i}", "is_brand_author": False, "created_at": f"{DAY}T10:0{i}:00Z"}
        | {"text": text}
        for i, text in enumerate(texts)
    ]
    rows.append(
        {
            "mention_id": "r0",
            "author_id": "AcmeHelp",
            "is_brand_author": True,
            "created_at": f"{DAY}T10:30:00Z",
            "text": "@c0 on its way",
            "in_reply_to_id": "m0",
        }
    )
    return "\n".join(json.dumps(r) for r in rows).encode()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _only_care(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"care", b"s3cret pw")
    return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        _Receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def store(tmp_path):
    store = open_storage(str(tmp_path))
    store.write(f"archives/twitter/dt={DAY}/a.jsonl", _archive())
    return store


def test_the_digest_is_mailed_and_posted(store, monkeypatch):
    mailbox = _Mailbox()
    smtp = Controller(
        mailbox, hostname="127.0.0.1", port=_free_port(), authenticator=_only_care, auth_require_tls=False
    )
    smtp.start()
    http = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.bodies = []
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("SPS_DIGEST_SMTP_URL", f"smtp://care:s3cret%20pw@127.0.0.1:{smtp.port}")
        monkeypatch.setenv("SPS_DIGEST_TO", "team@localhost, lead@localhost")
        monkeypatch.setenv("SPS_DIGEST_WEBHOOK", f"http://127.0.0.1:{http.server_port}/digest?token=s3cret")
        summary = nightly(DAY, storage=store.url)
    finally:
        smtp.stop()
        http.shutdown()
    assert summary["published"] == [str(DAY)] and summary["warnings"] == []
    ((to, mail),) = mailbox.messages
    assert to == ["team@localhost", "lead@localhost"]
    assert mail["Subject"] == f"sps-pipeline {DAY}: 0 alert(s), 1 urgent unanswered"
    text = mail.get_body(("plain",)).get_content()
    # 4 mentions, 1 answered (25.0%), after 30 min, within the hour's SLA (1 of 4: 25.0%)
    for line in ("Mentions: 4", "Response rate: 25.0%", "Median first response: 30.0 min", "SLA attainment: 25.0%"):
        assert line in text
    # the urgent one, masked as the page masks it, waited from 10:03 to the day's end (13.95 h, 14.0)
    assert (
        f"- AcmeHelp, {DAY}T10:03:00Z, waited 14.0 h: @AcmeHelp my account was hacked, write to [email] <b>now</b>"
        in text
    )
    assert "jo.doe@example.com" not in mail.as_string()
    page = f"{store.url}/reports/daily/dt={DAY}/report.html"
    assert f"The page: {page}" in text
    html = mail.get_body(("html",)).get_content()
    assert "[email] &lt;b&gt;now&lt;/b&gt;" in html and "<b>now" not in html
    (body,) = _Receiver.bodies
    assert (body["day"], body["urgent_total"], body["link"]) == (str(DAY), 1, page)
    assert body["figures"][0] == {"label": "Mentions", "value": "4"}
    assert body["urgent"][0]["text"] == "@AcmeHelp my account was hacked, write to [email] <b>now</b>"


def test_a_closed_port_is_a_warning_the_run_still_publishes_and_no_secret_shows(store, monkeypatch, caplog):
    closed = _free_port()
    monkeypatch.setenv("SPS_DIGEST_SMTP_URL", f"smtp://care:s3cret@127.0.0.1:{closed}")
    monkeypatch.setenv("SPS_DIGEST_TO", "team@localhost")
    monkeypatch.setenv("SPS_DIGEST_WEBHOOK", f"http://127.0.0.1:{closed}/digest?token=s3cret")
    summary = nightly(DAY, storage=store.url)
    assert summary["published"] == [str(DAY)]
    assert store.exists(f"reports/daily/dt={DAY}/report.html")
    assert summary["warnings"] == [
        f"digest of {DAY} not mailed: the SMTP server did not take it (ConnectionRefusedError)",
        f"digest of {DAY} not posted: the digest webhook could not be reached (ConnectionRefusedError)",
    ]
    assert "not mailed" in caplog.text  # the warning is logged: the log is searched for the secret
    assert "s3cret" not in json.dumps(summary) and "s3cret" not in caplog.text
