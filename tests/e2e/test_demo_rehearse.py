"""`pinscope demo --rehearse --headless`: two variants of one client under a fault plan, graded apart."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from pinscope.recovery import OUTCOMES
from tests.e2e.conftest import pinscope_cli

pytestmark = pytest.mark.e2e
TIMEOUT = 120
TOKENS = re.compile(r"tokens of the (\S+) variant: (.+)")
CARELESS_RULES = {"retry-without-backoff", "write-retried-after-5xx", "retry-unrecoverable", "retry-before-reset"}


def outcomes_by_variant(report: dict, labels: dict[str, set[str]]) -> dict[str, dict[str, set[str]]]:
    """Per variant, per operation: the outcomes of the evidence flows its tokens sent."""
    found: dict[str, dict[str, set[str]]] = {name: {} for name in labels}
    for row in report["recovery"]:
        for flow in row["evidence"]:
            owner = [name for name, mine in labels.items() if flow["token"] in mine]
            assert len(owner) == 1, flow  # every recovery flow is one variant's
            outcomes = found[owner[0]].setdefault(row["operation"], set())
            if flow["outcome"]:
                outcomes.add(flow["outcome"])
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict]:
    """Run the rehearsal demo once; its output and its JSON report."""
    folder = tmp_path_factory.mktemp("rehearse")
    command, env = pinscope_cli("demo", "--rehearse", "--headless", "--listen-port", "0", "--report", "r.json")
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads((folder / "r.json").read_text(encoding="utf-8"))


def test_the_well_behaved_variant_recovers_well_and_the_careless_one_badly(run) -> None:
    done, report = run
    labels = {name: set(listed.split(", ")) for name, listed in TOKENS.findall(done.stdout)}
    assert set(labels) == {"well-behaved", "careless"} and not labels["well-behaved"] & labels["careless"]
    found = outcomes_by_variant(report, labels)
    good = {o for ops in found["well-behaved"].values() for o in ops}
    assert good == {"backed-off", "refreshed"}
    assert found["well-behaved"]["GET /v5/boards"] == {"backed-off"}
    assert found["well-behaved"]["POST /v5/pins"] == {"backed-off"}  # it read before writing again
    assert found["well-behaved"]["GET /v5/user_account"] == {"refreshed"}
    assert found["careless"] == {
        "GET /v5/boards": {"no-backoff"},
        "POST /v5/pins": {"write-retried-after-5xx"},
        "GET /v5/user_account/analytics": {"retried-before-reset"},
        "GET /v5/ad_accounts": {"retried-unrecoverable"},
        "GET /v5/user_account": {"no-backoff"},
    }
    assert all(OUTCOMES[o][0] == "bad" for ops in found["careless"].values() for o in ops)


def test_recovery_findings_name_the_careless_tokens_only(run) -> None:
    done, report = run
    labels = {name: set(listed.split(", ")) for name, listed in TOKENS.findall(done.stdout)}
    by_rule = {f["rule"]: f for f in report["findings"] if f["rule"] in CARELESS_RULES}
    assert set(by_rule) == CARELESS_RULES
    for finding in by_rule.values():
        for flow in finding["flows"]:
            assert any(label in flow["message"] for label in labels["careless"]), flow["message"]
            assert not any(label in flow["message"] for label in labels["well-behaved"]), flow["message"]


def test_the_plan_was_injected_and_the_grades_were_printed(run) -> None:
    done, report = run
    counts = {f["rule"]: f["count"] for f in report["findings"]}
    # The plan: 500x3 on GET /v5/boards, 500x2 on POST /v5/pins, 429x2 on org_analytics; nothing more.
    assert counts.get("server-error", 0) + counts.get("server-error-persistent", 0) == 5
    assert counts["rate-limited"] == 2
    assert "recovery findings on the well-behaved flows: none" in done.stdout
    assert re.search(r"POST /v5/pins\s+backed-off \(good\)\s+write-retried-after-5xx \(bad\)", done.stdout)
