"""What a person at the terminal sees when the environment is wrong: one sentence, what to do, an exit code.

Each case runs `sps` as a process (as a user would), against moto's server on 127.0.0.1
or a closed loopback port; none starts a Prefect run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).parents[2]
_AWS = ("AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN")


def sps(*args: str, env: dict[str, str], tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = (
        {k: v for k, v in os.environ.items() if k not in _AWS}
        | {
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "COLUMNS": "200",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",  # no instance-role probe off this machine
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_MAX_ATTEMPTS": "1",
        }
        | env
    )
    return subprocess.run(
        [sys.executable, "-c", "from flows.cli.app import app; app()", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    text = " ".join(result.stderr.split())
    assert text.startswith("storage failed:"), text
    return text


def test_a_missing_bucket_is_named(tmp_path, s3_endpoint):
    keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_S3": s3_endpoint}
    result = sps("reports", "list", "--storage", "s3://no-such-bucket-here/p", env=keys, tmp_path=tmp_path)
    assert result.returncode == 3
    assert "NoSuchBucket (the bucket does not exist: check the bucket in --storage / SPS_STORAGE)" in one_sentence(
        result
    )


def test_an_unreachable_endpoint_is_named(tmp_path):
    keys = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}
    result = sps("reports", "list", "--storage", "s3://bucket/p", env=keys, tmp_path=tmp_path)
    assert result.returncode == 3
    assert "cannot reach http://127.0.0.1:9 (check AWS_ENDPOINT_URL_S3 and the network)" in one_sentence(result)


def test_missing_credentials_say_which_variables_to_set(tmp_path, s3_endpoint):
    result = sps(
        "reports", "list", "--storage", "s3://bucket/p", env={"AWS_ENDPOINT_URL_S3": s3_endpoint}, tmp_path=tmp_path
    )
    assert result.returncode == 3
    assert "no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in one_sentence(result)


def test_the_version_is_printed(tmp_path):
    result = sps("--version", env={}, tmp_path=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"sps-pipeline {version('sps-pipeline')}\n")
