"""Build the wheel from the checkout, install it in a fresh virtual environment, run its CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_IDS = sorted(path.stem for path in (ROOT / "rules").glob("*.toml"))
# Left out of the copy the wheel is built from: local state, never part of a build.
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
    ".hypothesis", "test-artifacts", "*.pyc",
)

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, timeout: float = 600) -> str:
    """Run a command; on failure the assertion shows its output."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "PIP_NO_INPUT": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (so the build leaves nothing in the work tree)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", tmp / "dist", source, cwd=tmp)
    (built,) = (tmp / "dist").glob("pinscope-*.whl")
    return built


@pytest.fixture(scope="module")
def venv_bin(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no system site-packages) with only the wheel installed."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    run(venv / "bin" / "python", "-m", "pip", "install", wheel, cwd=venv.parent)
    return venv / "bin"


def test_wheel_carries_rules_and_catalogue(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pinscope/rules/endpoints.json" in names
    assert RULE_IDS, "rules/ holds no rule files"
    missing = [rid for rid in RULE_IDS if f"pinscope/rules/{rid}.toml" not in names]
    assert not missing, f"rule files missing from the wheel: {missing}"
    assert not [n for n in names if n.startswith(("tests/", "scripts/"))]


def test_wheel_carries_every_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "addons" / "pinscope"
    modules = {f"pinscope/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")}
    missing = sorted(modules - names)
    assert not missing, f"add their packages to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_installed_package_is_not_the_checkout(venv_bin: Path, tmp_path: Path) -> None:
    where = run(venv_bin / "python", "-c", "import pinscope; print(pinscope.__file__)", cwd=tmp_path)
    assert Path(where.strip()).resolve().is_relative_to(venv_bin.parent.resolve())


def test_installed_cli_lists_every_rule(venv_bin: Path, tmp_path: Path) -> None:
    listing = run(venv_bin / "pinscope", "rules", cwd=tmp_path)
    missing = [rid for rid in RULE_IDS if rid not in listing]
    assert not missing, f"`pinscope rules` from the wheel omits {missing}:\n{listing}"


def test_installed_cli_explains_scopes(venv_bin: Path, tmp_path: Path) -> None:
    explained = run(venv_bin / "pinscope", "scopes", "GET", "/v5/pins/1", cwd=tmp_path)
    assert "boards:read" in explained and "pins:read" in explained, explained
