"""A week's page compares itself with the week before, summed once a process (ReportInputs.before)."""

from __future__ import annotations

import json
from datetime import date

from tasks.ingest.policy import load_policy
from tasks.jobs.ingest_archive import ingest_object
from tasks.jobs.period_report import ReportInputs
from tasks.jobs.settings import Settings
from tasks.model.periods import period_of
from tasks.store.backends import open_storage

W44, W45 = period_of("weekly", date(2017, 10, 30)), period_of("weekly", date(2017, 11, 6))


def _inputs(tmp_path, answered: int) -> ReportInputs:
    """Three customer mentions of AcmeHelp on 2017-10-31 (W44), `answered` of them answered within 10 minutes,
    and one on 2017-11-07 (W45)."""
    store = open_storage(str(tmp_path))
    rows = [
        {"mention_id": f"m{i}", "author_id": f"c{i}", "is_brand_author": False, "text": "@AcmeHelp where is my parcel",
         "created_at": f"2017-10-31T10:0{i}:00Z"}
        for i in range(3)
    ] + [
        {"mention_id": f"r{i}", "author_id": "AcmeHelp", "is_brand_author": True, "text": "@c sorry, DM us",
         "created_at": f"2017-10-31T10:1{i}:00Z", "in_reply_to_id": f"m{i}"}
        for i in range(answered)
    ] + [
        {"mention_id": "m9", "author_id": "c9", "is_brand_author": False, "text": "@AcmeHelp hi",
         "created_at": "2017-11-07T10:00:00Z"}
    ]  # fmt: skip
    key = "archives/twitter/dt=2017-11-10/a.jsonl"
    store.write(key, "\n".join(json.dumps(r) for r in rows).encode())
    ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    return ReportInputs(store, Settings(storage=str(tmp_path)))


def test_the_week_before_is_summed_once_and_its_own_pages_summary_is_taken(tmp_path, monkeypatch):
    """W45's page asks for W44 twice: summed the first time only (3 mentions, 2 answered: 66.7 %). In another
    store, W44's own page left its summary: W45's asks sum nothing and get the same numbers."""
    inputs = _inputs(tmp_path / "a", answered=2)
    summed = []
    real = ReportInputs.summed
    monkeypatch.setattr(
        ReportInputs, "summed", lambda self, period, keep: summed.append(period) or real(self, period, keep=keep)
    )
    first = inputs.before(W45)
    again = inputs.before(W45)
    assert summed == [W44] and first is again
    assert first is not None and (first.numbers.totals.mentions, first.numbers.totals.responded) == (3, 2)
    other = _inputs(tmp_path / "b", answered=2)
    other.remember_summary(W44, real(other, W44, keep=True))
    summed.clear()
    taken = other.before(W45)
    assert summed == [] and taken is not None and taken.numbers == first.numbers and taken.sps.equals(first.sps)
