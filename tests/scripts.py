"""Load a file of scripts/ as a module (scripts/ is not a package), for staleness tests."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py, imported."""
    if str(ROOT / "scripts") not in sys.path:  # scripts import their shared spec_tool as a sibling
        sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def regenerated(name: str, spec: Path, out: Path) -> str:
    """What scripts/<name>.py writes from `spec` now (run as a user runs it), for a staleness test."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / f"{name}.py"), str(spec), str(out)],
                   check=True, capture_output=True)
    return out.read_text()
