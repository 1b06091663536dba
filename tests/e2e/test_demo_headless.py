"""`pinscope demo --headless`: the whole demo under mitmdump, as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pinscope.demo.scenario import CORE_RULES
from tests.e2e.conftest import pinscope_cli

pytestmark = pytest.mark.e2e
TIMEOUT = 120


def test_demo_headless_exits_0_and_its_report_names_every_core_rule(tmp_path: Path) -> None:
    command, env = pinscope_cli("demo", "--headless", "--listen-port", "0", "--report", "demo.json")
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((tmp_path / "demo.json").read_text(encoding="utf-8"))
    reported = {finding["rule"] for finding in report["findings"]}
    assert set(CORE_RULES) <= reported, sorted(set(CORE_RULES) - reported)
    assert "Findings" in done.stdout and "report written to" in done.stdout
    assert "not reported" not in done.stdout
    assert not list(tmp_path.glob("*.pem")), "the demo's CA belongs in its temporary confdir"


def test_demo_rejects_an_unwritable_report_before_starting(tmp_path: Path) -> None:
    command, env = pinscope_cli("demo", "--headless", "--report", str(tmp_path / "missing" / "r.json"))
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 2
    assert "folder" in done.stderr and "starting" not in done.stdout
