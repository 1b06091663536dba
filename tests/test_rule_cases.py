"""Every rule case yields exactly its expected rules; every rule has a hit and a miss case."""

from __future__ import annotations

import pytest

from pinscope.detectors import ALL, Settings
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.rulebook import default_rules
from tests.cases import ALL_CASES
from tests.cases.base import Case


def run_case(case: Case) -> set[str]:
    """Analyze the case's flows in order; the rules of the last flow."""
    engine = Engine(Settings(**(case.settings or {})))
    found: list = []
    for f in case.flows():
        found = engine.analyze(from_flow(f))
    return {finding.rule for finding in found}


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_case_yields_exactly_expected_rules(case: Case) -> None:
    assert run_case(case) == set(case.expect)


@pytest.mark.parametrize("rule_id", sorted(default_rules()))
def test_every_rule_has_hit_and_miss_cases(rule_id: str) -> None:
    names = [c for c in ALL_CASES if c.rule == rule_id]
    assert any(c.is_hit and rule_id in c.expect for c in names), f"{rule_id}: no hit case"
    assert any(not c.is_hit and rule_id not in c.expect for c in names), f"{rule_id}: no miss case"


def test_every_rule_is_emitted_by_some_detector() -> None:
    emitted = {rule for detector in ALL for rule in detector.rules}
    assert set(default_rules()) <= emitted
    assert emitted <= set(default_rules()), "a detector names a rule without a rule file"


def test_case_names_are_unique() -> None:
    names = [c.name for c in ALL_CASES]
    assert len(names) == len(set(names))
