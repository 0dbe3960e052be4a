"""What each validation rule does when broken, and the values the suites read.

Everything lives in one reviewed file, expectations/policy.json (or the file
SPS_POLICY_FILE names), so a change of severity or limit is a pull request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path


class Severity(StrEnum):
    WARN = "warn"
    QUARANTINE = "quarantine"
    FAIL = "fail"


@dataclass(frozen=True)
class Policy:
    severities: dict[str, Severity]
    max_shares: dict[str, float]
    parameters: dict

    def severity(self, rule: str) -> Severity:
        return self.severities.get(rule, Severity.QUARANTINE)

    def text_limit(self, platform: str) -> int:
        limits = self.parameters["max_text_chars"]
        return int(limits.get(platform, limits["default"]))


@cache
def load_policy(path: Path | None = None) -> Policy:
    text = path.read_text() if path else resources.files("expectations").joinpath("policy.json").read_text()
    body = json.loads(text)
    rules = body["rules"]
    return Policy(
        severities={name: Severity(r["severity"]) for name, r in rules.items()},
        max_shares={name: float(r["max_share"]) for name, r in rules.items() if "max_share" in r},
        parameters=body["parameters"],
    )
