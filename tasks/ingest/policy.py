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


def _shipped() -> str:
    return resources.files("expectations").joinpath("policy.json").read_text()


@cache
def load_policy(path: Path | None = None) -> Policy:
    """The policy `path` names (else the shipped one); a file that cannot be read, is not JSON or
    lacks a rule's severity or a parameter the shipped policy sets is a ValueError naming it."""
    try:
        body = json.loads(path.read_text(encoding="utf-8") if path else _shipped())
        rules = body["rules"]
        policy = Policy(
            severities={name: Severity(r["severity"]) for name, r in rules.items()},
            max_shares={name: float(r["max_share"]) for name, r in rules.items() if "max_share" in r},
            parameters=dict(body["parameters"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        raise ValueError(f"policy file {path}: {reason}") from None
    missing = sorted(set(json.loads(_shipped())["parameters"]) - set(policy.parameters))
    if missing:
        raise ValueError(f"policy file {path}: parameters {', '.join(missing)} missing")
    return policy
