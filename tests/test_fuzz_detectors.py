"""Property-based tests of every detector: called directly (not through the engine, which would hide a
crash), on exchanges built from arbitrary flows, after a session that has seen arbitrary traffic; and
the unknown-endpoint suggestions, cached and bounded for speed, against plain difflib."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import given
from hypothesis import strategies as st
from mitmproxy import http

from pinscope.catalog import default_catalog
from pinscope.detectors import ALL, Context, routing
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.findings import render
from pinscope.tokens import classify_token
from tests.flowkit import ACCESS, ACCESS_2, PROD, SANDBOX, flow, ratelimit, token_grant
from tests.test_fuzz_strategies import FUZZ, WORDS, flows, secret_free

SCOPES = ("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read", "ads:read", "ads:write",
          "catalogs:read")
grants = st.builds(
    lambda scopes, token, host, at: token_grant(" ".join(scopes), access=token, host=host, at=at),
    st.lists(st.sampled_from(SCOPES), max_size=4), st.sampled_from((ACCESS, ACCESS_2)),
    st.sampled_from((PROD, SANDBOX)), st.floats(0, 1e5))
history = st.lists(grants | flows(), max_size=6)


def flow_with(token: str, at: float) -> http.HTTPFlow:
    """A healthy call with rate-limit headers, made with `token`."""
    return flow("GET", "/v5/boards", token=token, at=at, body={"items": []}, headers=ratelimit(90))


def exchange_and_context(engine: Engine, flow: http.HTTPFlow) -> tuple:
    """The flow's Exchange and the Context the engine would give its detectors."""
    ex = from_flow(flow)
    return ex, Context(engine.catalog, engine.match(ex), engine.session, ex.timestamp, engine.settings)


@FUZZ
@given(history, flows())
def test_every_detector_takes_any_exchange_and_renders_secret_free(seen: list, flow: http.HTTPFlow) -> None:
    engine = Engine()
    for earlier in seen:
        engine.analyze(from_flow(earlier))
    assert engine._failed_rules == set()
    response = flow.response
    for flow.response in (None, response):  # the request phase sees no response yet
        ex, ctx = exchange_and_context(engine, flow)
        error = ex.status is not None and ex.status >= 400
        for detector in ALL:
            findings = list(detector.fn(ex, ctx))
            # The engine skips errors-only detectors on other answers: they must find nothing there.
            assert error or not detector.errors_only or findings == [], detector.name
            for finding in findings:
                assert finding.rule in detector.rules, detector.name
                rendered = render(finding, engine.rules[finding.rule])
                assert secret_free(rendered.message + rendered.fix), (detector.name, rendered.message)


@FUZZ
@given(history, st.lists(flows(), min_size=1, max_size=3))
def test_the_session_stays_consistent_under_any_traffic(seen: list, traffic: list) -> None:
    engine = Engine()
    for one in [*seen, *traffic]:
        engine.analyze(from_flow(one))
    session = engine.session
    assert engine._failed_rules == set()
    assert session.flows == len(seen) + len(traffic) >= session.api_flows
    assert all(len(log.examples) <= 5 and log.count >= len(log.examples) for log in session.rules.values())
    assert secret_free(repr(session.rules)) and secret_free(repr(session.tokens))


def reference_nearest(catalog, method: str, api_path: str, n: int = 3) -> list:
    """routing.nearest() as first written: difflib against every operation, no bounds, no cache."""
    shape = routing._shape(api_path)
    scored = [(SequenceMatcher(None, shape, routing._shape(op.path)).ratio(), op) for op in catalog.operations]
    scored = [(ratio + (0.05 if op.method == method else 0.0), op) for ratio, op in scored
              if ratio >= routing.MIN_SIMILARITY]
    return [op for _, op in sorted(scored, key=lambda s: (-s[0], s[1].label))[:n]]


@FUZZ
@given(st.sampled_from(("GET", "POST", "DELETE")),
       st.lists(st.sampled_from(WORDS) | st.sampled_from(("123", "abc123def", "{x}", "")) | st.text(max_size=8),
                max_size=5).map(lambda parts: "/" + "/".join(parts)) | st.text(max_size=200))
def test_nearest_suggestions_match_plain_difflib(method: str, api_path: str) -> None:
    catalog = default_catalog()
    if api_path.strip("/").lower() in routing.LEGACY_PATHS:
        return
    assert routing.nearest(catalog, method, api_path) == reference_nearest(catalog, method, api_path)


def test_the_session_stays_bounded_however_many_tokens_appear(monkeypatch) -> None:
    from pinscope import session as session_module

    monkeypatch.setattr(session_module, "MAX_TOKENS", 5)
    monkeypatch.setattr(session_module, "MAX_RATES", 3)
    engine = Engine()
    tokens = [f"pina_AMABOUNDEDTOKEN{n:032d}" for n in range(20)]
    for n, token in enumerate(tokens):
        engine.analyze(from_flow(flow_with(token, at=n)))
    session = engine.session
    assert len(session.tokens) == 5 and len(session.rates) == 3
    assert engine.session.token(classify_token(tokens[-1])).requests == 1  # the newest are the ones kept
    assert engine.session.token(classify_token(tokens[0])) is None
