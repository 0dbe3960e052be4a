"""The nightly's digest, built from hand-made values: the page's five numbers, alerts, masked urgent text."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from tasks.jobs.digest import TOP_URGENT, digest_email, digest_json, digest_of

HEAD = {
    "mentions": 1234,
    "response_rate_pct": 86.1,
    "frt_median_min": 92.6,
    "sla_attainment_pct": 40.0,
    "sps": 12.4,
    "sps_ci_low": -3.0,
    "sps_ci_high": 27.6,
    "sps_brands": 2,
}
ALERTS = [{"brand": "AcmeHelp", "kind": "detractor_spike", "detail": "30 detractors where 4.0 are usual"}]


def urgent(n: int) -> pl.DataFrame:
    """n urgent unanswered mentions, oldest first, the first one's text hostile."""
    return pl.DataFrame(
        {
            "mention_id": [f"m{i}" for i in range(n)],
            "brand": ["AcmeHelp"] * (n - 1) + [None],
            "created_at": [datetime(2017, 10, 1, 10, i, tzinfo=UTC) for i in range(n)],
            "age_h": [13.9] * (n - 1) + [72.0],
            "beyond_horizon": [False] * (n - 1) + [True],
            "text": ["hacked! mail [email] &lt;script&gt;alert(1)&lt;/script&gt; <b>now</b>"] + ["fraud"] * (n - 1),
        }
    )


def test_the_digest_holds_the_five_numbers_the_alerts_and_the_oldest_urgent_mentions():
    digest = digest_of("2017-10-01", HEAD, ALERTS, urgent(7), "s3://b/reports/daily/dt=2017-10-01/report.html")
    # 1,234 with a thousands comma; 92.6 min is 1 h 33 min (rounded to the minute); SPS in whole points
    assert [(f.label, f.value) for f in digest.figures] == [
        ("Mentions", "1,234"),
        ("Response rate", "86.1%"),
        ("Median first response", "1 h 33 min"),
        ("SLA attainment", "40.0%"),
        ("SPS", "+12 (-3 … +28)"),
    ]
    assert digest.alerts == ["AcmeHelp: 30 detractors where 4.0 are usual"]
    assert digest.urgent_total == 7 and [u.mention_id for u in digest.urgent] == [f"m{i}" for i in range(TOP_URGENT)]
    first = digest.urgent[0]
    assert (first.brand, first.created_at, first.waited) == ("AcmeHelp", "2017-10-01T10:00:00Z", "13.9 h")
    assert digest.subject == "sps-pipeline 2017-10-01: 1 alert(s), 7 urgent unanswered"


def test_customers_words_are_text_in_the_mail_and_escaped_in_its_html_part():
    digest = digest_of("2017-10-01", HEAD, [], urgent(1), "https://b.example/report.html?X-Amz-Signature=a&b=1")
    (only,) = digest.urgent
    assert (only.brand, only.waited) == ("(unattributed)", "> 72 h")
    message = digest_email(digest, "sps@localhost", ["care@localhost", "lead@localhost"])
    assert message["To"] == "care@localhost, lead@localhost"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    # decoded once (as the page does), then text in the plain part and escaped in the HTML part
    assert "hacked! mail [email] <script>alert(1)</script> <b>now</b>" in text
    assert "<script>" not in html and "<b>now</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;now&lt;/b&gt;" in html
    assert "Alerts (0):\n- none" in text
    assert '<a href="https://b.example/report.html?X-Amz-Signature=a&amp;b=1">' in html
    assert digest_json(digest)["urgent"][0]["text"] == only.text


def test_a_day_without_urgent_mentions_or_an_sps_says_so():
    head = HEAD | {"sps": None, "sps_ci_low": None, "sps_ci_high": None, "frt_median_min": None}
    digest = digest_of("2017-10-01", head, [], pl.DataFrame(), "./sps-data/reports/daily/dt=2017-10-01/report.html")
    assert [f.value for f in digest.figures][2:] == ["–", "40.0%", "–"]
    assert digest.urgent == [] and digest.urgent_total == 0
    text = digest_email(digest, "a@localhost", ["b@localhost"]).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Urgent unanswered mentions (0, oldest 0 shown):\n- none" in text
    assert "The page: ./sps-data/reports/daily/dt=2017-10-01/report.html" in text
