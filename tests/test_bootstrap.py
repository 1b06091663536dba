"""scripts/_env.sh, scripts/test and scripts/pinscope, run by bash against fake interpreters."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV_SH = ROOT / "scripts" / "_env.sh"
BASH = shutil.which("bash") or "/bin/bash"


def fake(path: Path, body: str) -> Path:
    """An executable shell script at path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def real_python(path: Path) -> Path:
    """A stand-in that runs this test's own (>= 3.12) interpreter but refuses to install anything."""
    return fake(path, f'case "$*" in *"pip install"*) echo "refusing: $*" >&2; exit 3;; esac\n'
                      f'exec "{sys.executable}" "$@"')


def find_python(tmp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Source _env.sh, then run pinscope_find_python with only tmp/bin on PATH."""
    script = f'source "{ENV_SH}"; PATH="{tmp / "bin"}"; pinscope_find_python'
    return subprocess.run([BASH, "-c", script], capture_output=True, text=True, timeout=60,
                          env={"HOME": str(tmp / "home"), "PATH": os.environ["PATH"], **env})


@pytest.fixture
def shims(tmp_path: Path) -> Path:
    """pyenv-style shims that fail with 127 and a python3 that is too old (exits 1 on the check)."""
    for name in ("python3.13", "python3.12"):
        fake(tmp_path / "bin" / name, "echo 'pyenv: command not found' >&2; exit 127")
    fake(tmp_path / "bin" / "python3", "exit 1")
    return tmp_path


def test_working_python_on_path_wins(shims: Path) -> None:
    chosen = real_python(shims / "bin" / "python3.13")
    done = find_python(shims)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(chosen)


def test_failing_shims_fall_back_to_newest_pyenv_install(shims: Path) -> None:
    versions = shims / "home" / ".pyenv" / "versions"
    real_python(versions / "3.12.5" / "bin" / "python3")
    newest = real_python(versions / "3.13.0" / "bin" / "python3")
    fake(versions / "3.11.7" / "bin" / "python3", "exit 1")
    done = find_python(shims)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(newest)


def test_pinscope_python_that_is_too_old_is_refused(shims: Path) -> None:
    real_python(shims / "bin" / "python3.13")
    done = find_python(shims, PINSCOPE_PYTHON=str(shims / "bin" / "python3"))
    assert done.returncode == 1
    assert "PINSCOPE_PYTHON" in done.stderr and done.stdout == ""


@pytest.mark.skipif(bool(glob.glob("/usr/bin/python3.1[2-9]")), reason="this machine has a system Python >= 3.12")
def test_no_python_says_what_to_install(shims: Path) -> None:
    done = find_python(shims)
    assert done.returncode == 1 and done.stdout == ""
    assert "apt-get install python3.12" in done.stderr and "pyenv install" in done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the scripts beside a tiny pyproject and a .venv whose install stamp is current."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("*.py"))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.pytest.ini_options]\ntestpaths = ["checks"]\n', encoding="utf-8")
    (tmp_path / "checks").mkdir()
    real_python(tmp_path / ".venv" / "bin" / "python")
    digest = hashlib.sha256(pyproject.read_bytes()).hexdigest()
    (tmp_path / ".venv" / ".pinscope-install-stamp").write_text(f"{digest} test\n", encoding="utf-8")
    return tmp_path


def run_script(project: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/<name> in the fake project."""
    return subprocess.run([BASH, str(project / "scripts" / name), *args], capture_output=True,
                          text=True, timeout=120, cwd=project)


def test_test_script_treats_no_tests_as_failure(project: Path) -> None:
    done = run_script(project, "test", "-q")
    assert done.returncode == 1
    assert "no tests" in done.stderr


def test_test_script_passes_arguments_to_pytest(project: Path) -> None:
    (project / "checks" / "test_one.py").write_text(
        "def test_a():\n    pass\n\ndef test_b():\n    assert False\n", encoding="utf-8"
    )
    assert run_script(project, "test", "-q", "-k", "test_a").returncode == 0
    assert run_script(project, "test", "-q").returncode == 1


def test_changed_pyproject_reinstalls_and_fails_loudly(project: Path) -> None:
    with (project / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write("# changed\n")
    done = run_script(project, "test", "-q")
    assert done.returncode == 1
    assert "refusing:" in done.stderr and "pip install failed" in done.stderr


@pytest.mark.parametrize(("help_text", "expected"), [("commands: web dump demo", "demo"), ("commands: web dump", "web")])
def test_pinscope_script_defaults_to_demo_when_it_exists(project: Path, help_text: str, expected: str) -> None:
    fake(project / ".venv" / "bin" / "pinscope",
         f'if [ "$1" = --help ]; then echo "{help_text}"; else echo "ran: $*"; fi')
    assert run_script(project, "pinscope").stdout.strip() == f"ran: {expected}"
    assert run_script(project, "pinscope", "rules", "-x").stdout.strip() == "ran: rules -x"
