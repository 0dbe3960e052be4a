"""One settings object for the whole pipeline.

Values come from `SPS_*` environment variables (or keyword arguments in tests),
so a scheduled deployment and a laptop run are configured the same way.
Credentials are deliberately absent: boto3 finds them through its own chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, NonNegativeFloat, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tasks.ingest.policy import Policy, load_policy

#: Fields that change published numbers; where and how fast a run goes do not.
_RESULT_FIELDS = {
    "reply_horizon_hours",
    "sla_target_seconds",
    "quarantine_threshold",
    "brands_file",
    "policy_file",
}


class Settings(BaseSettings):
    """Pipeline configuration; every field is overridable as `SPS_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="SPS_", frozen=True)

    storage: str = Field(
        default="./sps-data",
        description="Storage URL: a local path, file:///path or s3://bucket/prefix.",
    )
    reply_horizon_hours: float = Field(default=72.0, gt=0)
    sla_target_seconds: int = Field(default=3600, gt=0)
    quarantine_threshold: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Largest share of an archive's rows that may be quarantined "
        "before the whole archive is rejected and its days are not published.",
    )
    brands_file: Path | None = Field(default=None, description="Brand registry (TOML); see infra/brands.example.toml.")
    max_concurrent_days: int = Field(default=4, ge=1, description="Days measured and published at once.")
    memory_budget_mb: int = Field(
        default=1024,
        ge=1,
        description="Estimated memory (MiB) the archives, days and reports a run works on side by side may "
        "take together (tasks/model/cost.py), beyond the ~0.6 GiB its libraries hold; one piece larger "
        "than this runs alone.",
    )
    task_runner: Literal["threads", "dask"] = Field(
        default="threads", description="Prefect's thread pool, or a Dask cluster (prefect-dask)."
    )
    dask_address: str | None = Field(
        default=None, description="Scheduler address (tcp://host:8786); none starts a local cluster."
    )
    dask_workers: int = Field(default=2, ge=1, description="Worker processes of a local Dask cluster.")
    retry_delays: list[NonNegativeFloat] = Field(
        default=[2.0, 8.0, 30.0], description="Seconds before each retry of a transient storage failure."
    )
    lock_lease_seconds: float = Field(
        default=60, gt=0, description="Lease of a report day's lock; renewed while held, lapses if the run dies."
    )
    nightly_cron: str = Field(default="0 2 * * *", description="When the nightly deployment runs.")
    nightly_timezone: str = Field(default="UTC", description="Time zone of nightly_cron (IANA name).")
    alert_webhook_url: SecretStr | None = Field(
        default=None, description="Where the nightly POSTs new alerts as JSON (a secret: never shown or logged)."
    )
    alert_block: str | None = Field(
        default=None,
        description="A saved Prefect notification block, as <block type>/<name> (slack-webhook/care-team), "
        "the nightly sends new alerts to.",
    )
    digest_smtp_url: SecretStr | None = Field(
        default=None,
        description="SMTP server the nightly's digest is mailed through: smtp://[user:password@]host[:port] "
        "(STARTTLS when the server offers it) or smtps://… (TLS); a secret: never shown or logged.",
    )
    digest_to: str | None = Field(default=None, description="The digest's recipients, comma-separated.")
    digest_from: str = Field(default="sps-pipeline@localhost", description="The digest's sender address.")
    digest_webhook: SecretStr | None = Field(
        default=None, description="Where the nightly POSTs its digest as JSON (a secret: never shown or logged)."
    )
    policy_file: Path | None = Field(
        default=None,
        description="Validation policy (severities, thresholds, limits); default expectations/policy.json.",
    )

    @field_validator("policy_file")
    @classmethod
    def _policy_readable(cls, path: Path | None) -> Path | None:
        """Read when the settings are made: a bad file is a bad setting (one sentence), not a failed run."""
        if path is not None:
            load_policy(path)
        return path

    @field_validator("brands_file")
    @classmethod
    def _brands_readable(cls, path: Path | None) -> Path | None:
        from tasks.metrics.registry import load_registry

        load_registry(path)
        return path

    @classmethod
    def for_storage(cls, storage: str | None) -> Settings:
        """The environment's settings, with `storage` (a --storage option) in place of SPS_STORAGE when given."""
        return cls(storage=storage) if storage else cls()

    @property
    def reply_horizon(self) -> timedelta:
        """The reply horizon as the one duration every window and measure is judged by."""
        return timedelta(hours=self.reply_horizon_hours)

    def policy(self) -> Policy:
        """The validation policy these settings name (the shipped one by default)."""
        return load_policy(self.policy_file)

    @property
    def memory_budget_bytes(self) -> int:
        return self.memory_budget_mb * 2**20

    def fingerprint(self) -> str:
        """Hash of everything that changes published numbers (not where they go)."""
        relevant = self.model_dump(include=_RESULT_FIELDS, mode="json")
        for name in ("brands_file", "policy_file"):
            path = getattr(self, name)
            if path is not None:
                relevant[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]
