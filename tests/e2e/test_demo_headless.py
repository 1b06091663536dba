"""`pinscope demo --headless`: the whole demo under mitmdump, as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pinscope.catalog import default_catalog
from pinscope.demo.scenario import CORE_RULES, UNUSED
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
    _assert_plan_matches_catalogue(report)
    _assert_forecast_came_before_the_429(report)


def _assert_plan_matches_catalogue(report: dict) -> None:
    """The plan's scopes are exactly what the catalogue says the demo's calls need."""
    catalog, needed = default_catalog(), set()
    for endpoint in report["endpoints"]:
        method, path = endpoint["operation"].split(" ", 1)
        op = catalog.find(method, path)
        assert op is not None, endpoint["operation"]
        assert len(op.scope_sets) <= 1, "every v5 operation has one OAuth scope set"
        needed |= set().union(*op.scope_sets)
    plan = report["scope_plan"]
    assert set(plan["scopes"]) == needed and plan["minimal_sets"] == [sorted(needed)]
    assert "scope=" + ",".join(sorted(needed)) in plan["authorization_url"]
    over = [t for t in plan["tokens"] if set(UNUSED) <= set(t["granted"])]  # `full` and its refreshed token
    assert over and all(set(t["excessive"]) == set(UNUSED) and t["missing"] == [] for t in over)


def _assert_forecast_came_before_the_429(report: dict) -> None:
    """rate-limit-forecast warned on an earlier flow than the first 429."""
    by_rule = {finding["rule"]: finding for finding in report["findings"]}
    first_429 = min(flow["timestamp"] for flow in by_rule["rate-limited"]["flows"])
    assert min(flow["timestamp"] for flow in by_rule["rate-limit-forecast"]["flows"]) < first_429


def test_demo_rejects_an_unwritable_report_before_starting(tmp_path: Path) -> None:
    command, env = pinscope_cli("demo", "--headless", "--report", str(tmp_path / "missing" / "r.json"))
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 2
    assert "folder" in done.stderr and "starting" not in done.stdout
