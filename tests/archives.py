"""Small archives in each format, built in code: 30 good rows of a day, plus whatever lines a test adds."""

from __future__ import annotations

import json

DAY = "2017-11-01"
TWCS_HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def twcs_row(i: int, text: str = "@AcmeHelp where is my parcel") -> str:
    return f'{i},c{i},True,Wed Nov 01 10:{i % 60:02d}:00 +0000 2017,"{text}",,\n'


def twcs(*extra: str, good: int = 30) -> bytes:
    return (TWCS_HEADER + "".join(twcs_row(i) for i in range(1, good + 1)) + "".join(extra)).encode()


def jsonl_row(i: int, **fields) -> str:
    base = {
        "mention_id": str(i),
        "author_id": f"c{i}",
        "is_brand_author": False,
        "created_at": f"{DAY}T10:{i % 60:02d}:00Z",
        "text": "@AcmeHelp where is my parcel",
    }
    return json.dumps(base | fields)


def jsonl(*extra: str, good: int = 30, **fields) -> bytes:
    """`good` valid rows (with `fields` on each), then `extra` lines as they are."""
    return "\n".join([jsonl_row(i, **fields) for i in range(1, good + 1)] + list(extra)).encode()


#: The archive names the brand (attribution's first evidence): the day has an attributed mention,
#: so it has a page (a day none of whose mentions reaches a brand is a line of the run, not a page).
ACME = {"brand": "AcmeHelp"}
