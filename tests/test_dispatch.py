"""Dispatch only skips detectors that could find nothing: every rule case, and any fuzzed traffic,
yields exactly the findings of an engine that calls every detector of the phase on every flow."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mitmproxy import http

from pinscope.detectors import Context, Detector, Settings
from pinscope.engine import Engine
from pinscope.exchange import Exchange, from_flow
from tests.cases import ALL_CASES
from tests.cases.base import Case
from tests.flowkit import flow, token_grant
from tests.test_fuzz_strategies import FUZZ, flows


class CallsEveryDetector(Engine):
    """An engine without dispatch: each phase calls all its detectors, whatever the call."""

    def _for(self, phase: str, ex: Exchange, ctx: Context) -> tuple[Detector, ...]:
        return tuple(d for d in self.detectors if d.phase == phase and d.rules)


def findings(engine: Engine, traffic: list[http.HTTPFlow]) -> list[list[dict]]:
    """Each flow's findings, analysed in order by `engine` (on copies: the flows stay as they are)."""
    return [[f.as_dict() for f in engine.analyze(from_flow(copy.deepcopy(one)))] for one in traffic]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_dispatch_finds_what_every_detector_finds_in_every_case(case: Case) -> None:
    traffic = list(case.flows())
    settings = Settings(**(case.settings or {}))
    assert findings(Engine(settings), traffic) == findings(CallsEveryDetector(settings), traffic)


def test_the_engine_without_dispatch_calls_detectors_dispatch_skips() -> None:
    # The comparison above means something only if dispatch does skip detectors on ordinary calls.
    engine = Engine()
    ex = from_flow(flow("GET", "/v5/pins/1", body={"id": "1"}))
    ctx = Context(engine.catalog, engine.match(ex), engine.session, ex.timestamp, engine.settings)
    assert len(engine._for("response", ex, ctx)) < len(CallsEveryDetector()._for("response", ex, ctx))


@FUZZ
@given(st.lists(st.builds(token_grant, st.sampled_from(("pins:read", "boards:read pins:read", ""))) | flows(),
                min_size=1, max_size=6))
def test_dispatch_finds_what_every_detector_finds_in_any_traffic(traffic: list[http.HTTPFlow]) -> None:
    assert findings(Engine(), traffic) == findings(CallsEveryDetector(), traffic)
