"""What the report model says about a session: needed vs granted scopes, quotas, charts, sandbox, examples."""

from __future__ import annotations

import pytest

from pinscope.catalog import Operation
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.published import quotas
from pinscope.report import build_report
from pinscope.report.build import needed_scopes
from pinscope.tokens import classify_token
from tests.flowkit import ACCESS, ACCESS_2, SANDBOX, T0, error, flow, ratelimit, token_grant
from tests.test_report import run


def report_of(flows):
    engine, _ = run(flows)
    return engine, build_report(engine.session, engine.catalog, generated_at=T0)


def token(report, secret: str):
    return next(t for t in report.tokens if t.label == classify_token(secret).label)


def op(*sets: set[str]) -> Operation:
    return Operation("x/y", "GET", "/x", "", ("pinterest_oauth2",), tuple(map(frozenset, sets)), None,
                     True, False)


def test_needed_scopes_against_a_known_grant() -> None:
    _, report = report_of([
        token_grant("pins:read user_accounts:read boards:write"),
        flow("GET", "/v5/user_account", at=1, body={}),
        flow("GET", "/v5/boards", at=2, status=401, body=error(3, "Not authorized")),
        flow("GET", "/v5/pins/1", at=3, status=401, body=error(3, "Not authorized")),
    ])
    main = token(report, ACCESS)
    assert main.operations == ["GET /v5/boards", "GET /v5/pins/{pin_id}", "GET /v5/user_account"]
    assert main.needed_scopes == ["boards:read", "pins:read", "user_accounts:read"]
    assert main.missing_scopes == ["boards:read"]
    assert main.scopes == ["boards:write", "pins:read", "user_accounts:read"]


def test_needed_scopes_without_a_grant() -> None:
    _, report = report_of([flow("GET", "/v5/pins/1", token=ACCESS_2, body={})])
    other = token(report, ACCESS_2)
    assert other.scopes is None and other.missing_scopes is None
    assert other.needed_scopes == ["boards:read", "pins:read"]


def test_operations_are_a_bounded_set() -> None:
    engine, report = report_of([flow("GET", f"/v5/pins/{i}", at=i, body={}) for i in range(50)])
    assert engine.session.tokens[classify_token(ACCESS).fingerprint].operations == {"pins/get"}
    assert token(report, ACCESS).requests == 50


def test_needed_scopes_picks_the_granted_alternative_else_the_closest() -> None:
    either = op({"a", "b"}, {"c"})
    assert needed_scopes([either], frozenset({"a", "b"})) == {"a", "b"}
    assert needed_scopes([either], frozenset({"c", "x"})) == {"c"}
    assert needed_scopes([either], None) == {"c"}, "unknown grant: the smallest set"
    assert needed_scopes([either], frozenset({"a"})) == {"c"}, "a tie on missing: the smaller set"
    assert needed_scopes([op({"a", "b"}, {"c", "d"})], frozenset({"a"})) == {"a", "b"}, "fewest missing"
    assert needed_scopes([op(), either], frozenset({"c"})) == {"c"}, "no-scope operations add nothing"


def test_rate_limits_carry_published_quota_and_token_series() -> None:
    _, report = report_of([
        flow("GET", "/v5/pins/1", at=1, body={}, headers=ratelimit(9)),
        flow("GET", "/v5/pins/2", at=2, token=ACCESS_2, body={}, headers=ratelimit(50)),
        flow("GET", "/v5/pins/3", at=3, status=429, body=error(8, "Rate limit exceeded"), headers=ratelimit(0)),
    ])
    (org,) = report.rate_limits
    assert org.published == quotas().categories["org_read"]
    assert [(p.token, p.remaining, p.limited) for p in org.points] == [
        (classify_token(ACCESS).label, 9, False), (classify_token(ACCESS_2).label, 50, False),
        (classify_token(ACCESS).label, 0, True)]


def test_endpoint_error_rate() -> None:
    _, report = report_of([flow("GET", "/v5/pins/1", at=i, status=500 if i < 1 else 200, body={})
                           for i in range(4)])
    (pins,) = report.endpoints
    assert (pins.requests, pins.errors, pins.error_rate) == (4, 1, 0.25)


def test_sandbox_checklist_when_the_sandbox_was_used() -> None:
    _, production = report_of([flow("GET", "/v5/boards", body={})])
    assert production.sandbox is None
    _, sandbox = report_of([flow("GET", "/v5/boards", host=SANDBOX, token=ACCESS_2, body={}),
                            flow("GET", "/v5/boards", at=1, body={})])
    assert sandbox.sandbox is not None and sandbox.sandbox.flows == 1
    assert sandbox.sandbox.tokens == [classify_token(ACCESS_2).label]
    assert sandbox.sandbox.steps[0].title == "Point the base URL at production"


def test_examples_name_the_operation_and_quote_pinterest_with_tokens_masked() -> None:
    _, report = report_of([flow("GET", "/v5/pins/77?fields=a", status=401, rid="rid-x",
                                body=error(2, f"Authentication failed for {ACCESS}"))])
    (example,) = next(f for f in report.findings if f.rule == "authentication-failed").flows
    assert example.operation == "GET /v5/pins/{pin_id}" and example.error_code == 2
    assert example.error_message == f"Authentication failed for {classify_token(ACCESS).label}"
    assert example.request_id == "rid-x"


@pytest.mark.parametrize("path", ["/v5/no/such/thing", "/elsewhere"])
def test_examples_off_the_catalogue_have_no_operation(path: str) -> None:
    engine = Engine()
    ex = from_flow(flow("GET", path, status=404, body=error(404, "Not found")))
    engine.analyze(ex)
    report = build_report(engine.session, engine.catalog, generated_at=T0)
    assert all(e.operation is None for f in report.findings for e in f.flows)
