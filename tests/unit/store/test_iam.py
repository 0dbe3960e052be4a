"""The IAM policies cover exactly the storage the compose file names (issue 18's hostile case 11)."""

from __future__ import annotations

import json

from tasks.store import layout


def test_iam_policies_match_the_compose_storage_and_the_layout():
    import re
    from pathlib import Path

    infra = Path(__file__).parents[3] / "infra"
    storage = re.search(r"SPS_STORAGE: s3://([^/\s]+)/(\S+)", (infra / "docker-compose.yml").read_text())
    bucket, prefix = storage.groups()

    def grants(name: str) -> dict[str, set[str]]:
        """Action → object-key prefixes (relative to the storage root) it is allowed on."""
        out: dict[str, set[str]] = {}
        for statement in json.loads((infra / name).read_text())["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in statement["Action"]:
                for resource in resources:
                    if action == "s3:ListBucket":
                        assert resource == f"arn:aws:s3:::{bucket}"
                        keys = statement["Condition"]["StringLike"]["s3:prefix"]
                    else:
                        keys = [resource.removeprefix(f"arn:aws:s3:::{bucket}/")]
                    for key in keys:
                        assert key.startswith(f"{prefix}/") and key.endswith("*"), (name, key)
                        out.setdefault(action, set()).add(key.removeprefix(f"{prefix}/").removesuffix("*"))
        return out

    owned = {"warehouse/", layout.QUARANTINE, "reports/", "locks/"}
    for written in (
        layout.WAREHOUSE,
        layout.SOURCES,
        layout.MISPLACED,
        layout.BRAND_POSTS,
        layout.DAILY_REPORTS,
        layout.DATA_DOCS,
        layout.LATEST_LOCK,
        layout.QUARANTINE,
    ):
        assert any(written.startswith(p) for p in owned), written  # every place the pipeline writes is granted
    assert grants("iam-policy.json") == {
        "s3:ListBucket": {""},
        "s3:GetObject": {layout.ARCHIVES} | owned,
        "s3:PutObject": owned,
        "s3:DeleteObject": owned,
    }
    assert grants("iam-policy-reader.json") == {"s3:ListBucket": {"reports/"}, "s3:GetObject": {"reports/"}}
