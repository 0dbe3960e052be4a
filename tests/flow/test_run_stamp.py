"""A run stamp answers a repeated backfill that ended clean without a flow run."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from tasks.store.backends import open_storage


def test_repeating_a_backfill_that_ended_clean_answers_without_a_flow_run(published_sample, tmp_path):
    """The sample's CLI backfill stamped itself; the same command on a copy of its storage finds it up to
    date (a local ETag is the content's MD5, so a copy is the same store) and changes nothing."""
    from flows.cli.app import app

    copy = tmp_path / "copy"
    shutil.copytree(published_sample.root, copy)
    before = {o.key: o.etag for o in open_storage(str(copy)).list("")}
    result = CliRunner().invoke(
        app,
        ["backfill", "--start", "2017-10-01", "--end", "2017-12-03", "--storage", str(copy)],
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Up to date: nothing this run reads has changed since the same run ended at" in text
    # 55 days with posts less 6 without an attributed mention (10-04, 10-05, 10-06, 10-16, 10-17, 10-18)
    assert "(49 day(s) and 12 weekly/monthly report(s) stand as published)" in text
    assert "days published" not in text  # no summary table: no flow ran
    assert {o.key: o.etag for o in open_storage(str(copy)).list("")} == before
