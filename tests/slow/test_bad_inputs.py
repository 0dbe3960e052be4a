"""Decompression bombs (issue 18's hostile case 2), inflated in a subprocess whose peak memory is
measured: about a minute, two gibibytes read."""

from __future__ import annotations

import gzip
import json

from tasks.store.backends import open_storage
from tests.archives import DAY, jsonl
from tests.slow.test_ingest_bad_inputs import _gzip_of, _policy_with

_INGEST_AND_REPORT_PEAK = """
import json, resource, sys
from pathlib import Path
from tasks.jobs.ingest_archive import ingest_object
from tasks.ingest.policy import load_policy
from tasks.store.backends import open_storage
store = open_storage(sys.argv[1])
obj = store.list("archives/")[0]
record = ingest_object(store, obj, policy=load_policy(Path(sys.argv[2])), quarantine_threshold=0.05, fingerprint="t")
print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "failed": record.failed_rules, "read": record.rows_read}))
"""


def _peak_of_ingest(tmp_path, name: str, data: bytes, policy_file) -> dict:
    import subprocess
    import sys
    from pathlib import Path

    root = tmp_path / name.replace(".", "_")
    open_storage(str(root)).write(f"archives/twitter/dt={DAY}/{name}", data)
    done = subprocess.run(
        [sys.executable, "-c", _INGEST_AND_REPORT_PEAK, str(root), str(policy_file)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_decompression_bombs_stay_within_a_memory_bound_and_are_rejected(tmp_path):
    """Limit 64 MiB: a 1 GiB CSV of zeros and a 1 GiB single JSON line (each about 1 MB
    gzipped) cost at most 3 × 64 MiB above an ordinary 30-row archive's peak. Before the
    limit, gzip.decompress alone held the whole gibibyte."""
    _policy_with(tmp_path, max_decompressed_bytes=64 << 20)
    policy_file = tmp_path / "policy.json"
    gib = 1 << 30
    baseline = _peak_of_ingest(tmp_path, "ok.jsonl.gz", gzip.compress(jsonl()), policy_file)
    assert baseline["failed"] == [] and baseline["read"] == 30
    bombs = {
        "zeros.csv.gz": _gzip_of((b"tweet_id,author_id\n", b"0" * (1 << 20), b"\n"), gib),
        "line.jsonl.gz": _gzip_of((b'{"mention_id": "1", "text": "', b"x" * (1 << 20), b'"}\n'), gib),
    }
    for name, data in bombs.items():
        assert len(data) < 2 << 20  # a small object by the stored-size limit
        run = _peak_of_ingest(tmp_path, name, data, policy_file)
        assert run["failed"] == ["file_inflates_within_limit"], name
        assert (run["peak_kib"] - baseline["peak_kib"]) * 1024 < 3 * (64 << 20), (name, run, baseline)
