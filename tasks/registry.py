"""The brand registry: handles, aliases and SLA targets, from a TOML file.

    [brands.AmazonHelp]
    aliases = ["Amazon", "AmazonUK"]
    sla_target_seconds = 3600
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BrandRegistry:
    sla_targets: dict[str, int] = field(default_factory=dict)
    #: lower-cased handle or alias → canonical handle
    handles: dict[str, str] = field(default_factory=dict)


def load_registry(path: Path | None) -> BrandRegistry:
    """An empty registry when no file is configured: brands are then learnt from their posts."""
    if path is None:
        return BrandRegistry()
    try:
        brands = tomllib.loads(path.read_text(encoding="utf-8")).get("brands", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"brand registry {path}: {exc}") from None
    handles: dict[str, str] = {}
    sla: dict[str, int] = {}
    for handle, entry in brands.items():
        for name in [handle, *entry.get("aliases", [])]:
            handles[name.lower().lstrip("@")] = handle
        if "sla_target_seconds" in entry:
            sla[handle] = int(entry["sla_target_seconds"])
    return BrandRegistry(sla_targets=sla, handles=handles)
