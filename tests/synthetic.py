"""Small synthetic archives for flow tests: a few days of mentions with replies, some late."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

#: The synthetic month several tests share (the `published_month` fixture backfills it).
MONTH_FIRST, MONTH_DAYS = date(2018, 1, 1), 30


def archive_days(first: date, days: int, per_day: int = 12) -> dict[str, bytes]:
    """{key: NDJSON bytes}, one archive per collection day; a third of replies land a day later.

    Replies that would fall after the last day are left out, so no delivery is a stub.
    """
    archives: dict[str, list[str]] = {}
    for d in range(days):
        day = first + timedelta(days=d)
        for i in range(per_day):
            created = datetime.combine(day, datetime.min.time(), UTC) + timedelta(seconds=i * 86400 // per_day)
            mention = {
                "mention_id": f"{day:%Y%m%d}{i:03d}",
                "author_id": f"c{i % 5}",
                "is_brand_author": False,
                "created_at": created.isoformat(),
                "text": f"@AcmeHelp order {i} still not here",
                "brand": "AcmeHelp",
            }
            delay = timedelta(hours=26) if i % 3 == 0 else timedelta(minutes=5 + 7 * (i % 20))
            reply = {
                "mention_id": f"{day:%Y%m%d}{i:03d}r",
                "author_id": "AcmeHelp",
                "is_brand_author": True,
                "created_at": (created + delay).isoformat(),
                "text": "@c sorry, DM us",
                "in_reply_to_id": mention["mention_id"],
            }
            archives.setdefault(_key(day), []).append(json.dumps(mention))
            if (created + delay).date() < first + timedelta(days=days):
                archives.setdefault(_key((created + delay).date()), []).append(json.dumps(reply))
    return {key: "\n".join(lines).encode() for key, lines in archives.items()}


def _key(day: date) -> str:
    return f"archives/twitter/dt={day.isoformat()}/feed.jsonl"
