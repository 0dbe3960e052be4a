"""Published weeks and months read the period before as its own page does (a backfilled month)."""

from __future__ import annotations

import json

import pytest

from tasks.model.periods import parse_period, previous


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_published_weeks_and_months_read_the_period_before_as_its_own_page_does(published_sample, kind):
    """Every published week or month of the sample set against the period before, where that one is
    published too: its `against_previous` holds that page's own headline (the same stored days'
    facts, summed the same way), and its changes are the differences."""
    folders = sorted(k for k in published_sample.keys(f"reports/{kind}/") if k.endswith("/summary.json"))
    pages = {parse_period(k.split("=")[1].split("/")[0]): json.loads(published_sample.read(k)) for k in folders}
    assert sum(previous(p) in pages for p in pages) >= 2
    for period, page in pages.items():
        before = pages.get(previous(period))
        if before is None:
            continue
        against, head, was = page["against_previous"], page["headline"], before["headline"]
        assert against["period"] == previous(period).label
        for key in ("mentions", "response_rate_pct", "frt_median_min", "sla_attainment_pct", "sps"):
            assert against[key] == was[key], (period, key)
        assert against["mentions_change"] == head["mentions"] - was["mentions"]
        assert against["response_rate_change_pts"] == pytest.approx(
            head["response_rate_pct"] - was["response_rate_pct"], abs=0.11
        )
        if against["sps_change"] is not None:
            assert against["sps_change_ci_low"] <= against["sps_change"] <= against["sps_change_ci_high"]
            assert against["sps_change"] == pytest.approx(head["sps"] - was["sps"], abs=0.11)
