"""Wording is data: every variant a detector produces is declared in its rule file, and every
declared variant is produced by some case (so no template is dead text)."""

from __future__ import annotations

from pinscope.detectors import ALL, Settings
from pinscope.detectors.base import Detector
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.findings import Finding
from pinscope.rulebook import default_rules
from tests.cases import ALL_CASES


def produced_findings() -> list[Finding]:
    """Every finding any detector produced over all cases (before rendering)."""
    seen: list[Finding] = []

    def spying(detector: Detector) -> Detector:
        def fn(ex, ctx) -> list[Finding]:  # noqa: ANN001 - the detector signature
            found = list(detector.fn(ex, ctx))
            seen.extend(found)
            return found

        fn.__name__ = detector.fn.__name__
        return Detector(fn, detector.phase, detector.rules, detector.errors_only)

    detectors = tuple(spying(d) for d in ALL)
    for case in ALL_CASES:
        engine = Engine(Settings(**(case.settings or {})), detectors=detectors)
        for flow in case.flows():
            engine.analyze(from_flow(flow))
    return seen


def produced_variants() -> set[tuple[str, str]]:
    """(rule, variant) of every finding any detector produced over all cases."""
    return {(f.rule, f.variant) for f in produced_findings()}


def test_produced_variants_are_declared_and_declared_ones_produced() -> None:
    produced = produced_variants()
    declared = {(rule.id, variant) for rule in default_rules().values()
                for variant in {*rule.message, *rule.fix}}  # a variant may change only the fix
    assert produced - declared == set(), "a detector names a variant its rule file lacks"
    assert declared - produced == set(), "a declared variant no case produces: add a case or drop it"
