"""engine.py: detector isolation, phases, silencing, severity filter, session updates."""

from __future__ import annotations

import itertools
import logging

import pytest

from pinscope.detectors import ALL, Settings, detects
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from tests.cases import ALL_CASES
from tests.flowkit import (ACCESS, APP_ID, APP_SECRET, AUTH_CODE, PROD, REFRESH, SANDBOX, basic, error, flow,
                           ratelimit, token_grant)

AUTH_FAILED = error(2, "Authentication failed.")


@detects("rate-limited")
def broken(ex, ctx):
    """A detector with a bug."""
    raise KeyError("boom")


def test_a_failing_detector_is_logged_once_and_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    engine = Engine(detectors=(broken, *ALL))
    with caplog.at_level(logging.ERROR, logger="pinscope"):
        first = engine.analyze(from_flow(flow("GET", "/v5/boards", status=401, body=AUTH_FAILED)))
        second = engine.analyze(from_flow(flow("GET", "/v5/boards", at=1, status=401, body=AUTH_FAILED)))
    assert {f.rule for f in first} == {f.rule for f in second} == {"authentication-failed"}
    failures = [r for r in caplog.records if "failed" in r.getMessage()]
    assert len(failures) == 1
    assert "rate-limited" in failures[0].getMessage() and "broken" in failures[0].getMessage()
    assert engine.session.flows == 2  # the session still learns from the flows


@detects("rate-limited")
def quoting(ex, ctx):
    """A detector whose exception quotes traffic: its message must reach the log masked."""
    raise KeyError(f"{ex.request_headers.get('x-echo')} \x1b[2J")


def test_a_failure_is_logged_without_traffic_secrets_or_escapes(caplog: pytest.LogCaptureFixture) -> None:
    engine = Engine(detectors=(quoting,))
    with caplog.at_level(logging.DEBUG, logger="pinscope"):
        engine.analyze(from_flow(flow("GET", "/v5/boards", request_headers={"x-echo": f"Bearer {ACCESS}"})))
    assert "KeyError" in caplog.text and "quoting" in caplog.text and 'raise KeyError' in caplog.text
    assert ACCESS[5:] not in caplog.text and "\x1b" not in caplog.text


def test_request_phase_does_not_update_the_session(engine: Engine) -> None:
    ex = from_flow(flow("GET", "/v5/user_account/following", host=SANDBOX, status=None))
    assert {f.rule for f in engine.on_request(ex)} == {"sandbox-endpoint-unavailable", "sandbox-host-in-use"}
    assert engine.session.flows == 0 and engine.session.rules["sandbox-host-in-use"].count == 1
    assert engine.on_response(ex) == [] and engine.session.flows == 1


def test_analyze_runs_both_phases_in_order_and_says_a_confirmed_cause_once(engine: Engine) -> None:
    rules = [f.rule for f in engine.analyze(from_flow(flow(
        "GET", "/v5/user_account/following", host=SANDBOX, status=400, body=error(400, "not in sandbox"))))]
    assert rules == ["sandbox-host-in-use", "sandbox-endpoint-unavailable"]  # the answer's, confirmed
    assert engine.session.rules["sandbox-endpoint-unavailable"].count == 1
    assert "not in sandbox" in engine.session.rules["sandbox-endpoint-unavailable"].examples[0].message


def test_silence_by_setting_and_by_header() -> None:
    limited = dict(status=429, body=error(8, "Rate limit exceeded"))
    engine = Engine(Settings(silence=frozenset({"rate-limited"})))
    assert engine.analyze(from_flow(flow("GET", "/v5/boards", **limited))) == []
    engine = Engine()
    silenced = flow("GET", "/v5/boards", request_headers={"X-Pinscope-Silence": " rate-limited , x"}, **limited)
    assert engine.analyze(from_flow(silenced)) == []
    assert [f.rule for f in engine.analyze(from_flow(flow("GET", "/v5/boards", at=5, **limited)))] == ["rate-limited"]


def test_silenced_findings_are_not_recorded() -> None:
    engine = Engine(Settings(silence=frozenset({"authentication-failed"})))
    engine.analyze(from_flow(flow("GET", "/v5/boards", status=401, body=AUTH_FAILED)))
    assert "authentication-failed" not in engine.session.rules


@pytest.mark.parametrize(("minimum", "expected"), [
    ("info", {"rate-limit-low", "sandbox-host-in-use"}),
    ("warning", {"rate-limit-low"}),
    ("error", set()),
])
def test_min_severity(minimum: str, expected: set[str]) -> None:
    engine = Engine(Settings(min_severity=minimum))
    found = engine.analyze(from_flow(flow("GET", "/v5/boards", host=SANDBOX, headers=ratelimit(1))))
    assert {f.rule for f in found} == expected


def test_now_defaults_to_the_exchange_time(engine: Engine) -> None:
    seen = []

    @detects("rate-limited", phase="request")
    def spy(ex, ctx):
        seen.append((ctx.now, ex.timestamp))
        return ()

    engine = Engine(detectors=(spy,))
    ex = from_flow(flow("GET", "/v5/boards", at=7))
    engine.on_request(ex)
    engine.on_request(ex, now=123.0)
    assert seen == [(ex.timestamp, ex.timestamp), (123.0, ex.timestamp)]


@pytest.mark.parametrize("status, body", [
    (401, AUTH_FAILED), (429, error(8, "spam")), (403, error(29, "use sandbox")), (400, error(1104, "x")),
    (200, {"items": []}),
])
def test_non_api_traffic_is_never_annotated(engine: Engine, status: int, body: dict) -> None:
    for host in ("example.com", "www.pinterest.com"):
        f = flow("GET", "/v5/boards", host=host, token=None, status=status, body=body, headers=ratelimit(0))
        assert engine.analyze(from_flow(f)) == []


def test_every_case_fills_every_placeholder_of_its_rules() -> None:
    for case in ALL_CASES:
        engine = Engine(Settings(**(case.settings or {})))
        for f in case.flows():
            for finding in engine.analyze(from_flow(f)):
                rule = engine.rules[finding.rule]
                text = finding.message + " " + finding.fix
                left = [name for name in rule.placeholders() if "{" + name + "}" in text]
                assert not left, f"{case.name}: {finding.rule} left {left} unfilled"


DIAGNOSES = {"token-expired", "authentication-failed", "sandbox-token-on-production", "production-token-on-sandbox",
             "missing-token", "malformed-authorization", "refresh-failed"}
HISTORY = {
    "none": lambda: [],
    "worked-production": lambda: [flow("GET", "/v5/user_account")],
    "worked-sandbox": lambda: [flow("GET", "/v5/user_account", host=SANDBOX)],
    "short-grant": lambda: [token_grant("boards:read", expires_in=60)],
    "sandbox-grant": lambda: [token_grant("boards:read", host=SANDBOX)],
}
AUTHORIZATION = {"access": f"Bearer {ACCESS}", "refresh": f"Bearer {REFRESH}", "foreign": "Bearer AQ3x0000000000000",
                 "no-scheme": ACCESS, "basic": basic(), "unencoded": f"Basic {APP_ID}:{APP_SECRET}", "none": None}
REQUEST = {
    "boards": ("GET", "/v5/boards", None),
    "unknown": ("GET", "/v5/not/an/operation/at/all", None),
    "events": ("POST", "/v5/ad_accounts/549755885175/events", None),
    "refresh": ("POST", "/v5/oauth/token", {"grant_type": "refresh_token", "refresh_token": REFRESH}),
    "code": ("POST", "/v5/oauth/token", {"grant_type": "authorization_code", "code": AUTH_CODE}),
}


def test_exactly_one_diagnosis_per_401_code_2() -> None:
    """Every combination of history, credential, request, host, message and time: one diagnosis."""
    messages = ("Authentication failed.", "Access token expired", "App is deactivated")
    diagnosing = [d for d in ALL if DIAGNOSES & set(d.rules)]
    for history, auth, request, host, message, at in itertools.product(
            HISTORY, AUTHORIZATION, REQUEST, (PROD, SANDBOX), messages, (10, 100_000)):
        engine = Engine(detectors=diagnosing)
        for f in HISTORY[history]():
            engine.analyze(from_flow(f))
        method, path, form = REQUEST[request]
        last = flow(method, path, host=host, token=None, authorization=AUTHORIZATION[auth], form=form,
                    status=401, body=error(2, message), at=at)
        found = {f.rule for f in engine.analyze(from_flow(last))} & DIAGNOSES
        assert len(found) == 1, (history, auth, request, host, message, at, found)
