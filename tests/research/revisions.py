"""A project file as it was at another commit, loaded as a module of its own: old and new code side by
side in one process (a benchmark's baseline, a rule judged as it was before a round was read)."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def module_at(revision: str, path: str) -> types.ModuleType:
    """`path` (relative to the repository, e.g. tasks/render/charts.py) at `revision`, as a new module."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:{path}"], check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(f"{Path(path).stem}_at_{revision}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:{path}", "exec"), module.__dict__)
    return module
