"""The hot-path modules pass mypy: their annotations match the values that really flow at run time.

That is the precondition for compiling the hot path (BENCHMARKS.md, "A compiled hot path"): mypyc
checks annotations at run time, so one narrower than a real value (a HeaderView typed as `dict`, an
`int` that can be None) would become a TypeError there. The modules are one list, HOT_PATH, so the
set checked here is the set a compiled build would take.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ADDONS = Path(__file__).resolve().parent.parent / "addons"
# The per-flow modules (pinscope/...); detectors/*.py is added whole below.
HOT_PATH = (
    "exchange/build.py", "exchange/answer.py", "exchange/body.py", "exchange/request.py", "exchange/headers.py",
    "exchange/model.py", "engine.py", "session.py", "recovery.py", "ratelimit.py", "redact.py", "masking.py",
    "untrusted.py", "findings.py", "plans.py",
)
# Imports are read for their types but not reported on (only HOT_PATH must be clean); untyped
# third-party packages are taken as Any.
FLAGS = ("--follow-imports=silent", "--ignore-missing-imports")


def hot_path_files() -> list[str]:
    """HOT_PATH and every detector module, as paths mypy takes."""
    pinscope = ADDONS / "pinscope"
    return [str(pinscope / name) for name in HOT_PATH] + sorted(str(p) for p in (pinscope / "detectors").glob("*.py"))


def test_hot_path_is_mypy_clean(tmp_path: Path) -> None:
    """mypy finds no error in the hot-path modules."""
    try:
        from mypy import api
    except ImportError:
        pytest.skip("mypy is not installed (it comes with the `test` extra: pip install -e '.[test]')")
    out, err, status = api.run([*FLAGS, "--cache-dir", str(tmp_path / "mypy-cache"), *hot_path_files()])
    assert status == 0, f"mypy found errors in the hot path:\n{out}{err}"
