"""session.py: what the session learns from exchanges, bounded, and never a raw secret."""

from __future__ import annotations

import pickle

from pinscope.catalog import default_catalog
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.findings import RenderedFinding
from pinscope.rulebook import Severity
from pinscope.findinglog import MAX_EXAMPLES
from pinscope.session import MAX_HISTORY, MAX_RIDS, Session
from pinscope.tokens import classify_token
from tests.flowkit import ACCESS, REFRESH, SANDBOX, SECRETS, T0, basic, error, flow, ratelimit, token_grant


def observe(session: Session, *flows) -> None:
    """Fold flows into the session the way the engine does."""
    for f in flows:
        ex = from_flow(f)
        match = default_catalog().match(ex.method, ex.api_path) if ex.api_path else None
        session.observe(ex, match.operation if match else None)


def test_grant_records_scopes_expiry_and_environment() -> None:
    session = Session()
    observe(session, token_grant("boards:read pins:read", expires_in=3600, host=SANDBOX, at=10))
    access = session.token(classify_token(ACCESS))
    assert access.scopes == {"boards:read", "pins:read"}
    assert access.expires_at == T0 + 10 + 3600 and access.issued_on == "sandbox"
    refresh = session.token(classify_token(REFRESH))
    assert refresh.expires_at == T0 + 10 + 5_184_000 and refresh.scopes is None
    assert session.environments == {"sandbox": 1}


def test_success_and_failure_per_environment() -> None:
    session = Session()
    observe(session,
            flow("GET", "/v5/boards", at=1),
            flow("GET", "/v5/boards", host=SANDBOX, at=2, status=401, body=error(2, "Authentication failed.")),
            flow("GET", "/v5/boards", at=3, status=500, body=error(500, "oops")))
    state = session.token(classify_token(ACCESS))
    assert state.succeeded_on == {"production"} and state.last_success == T0 + 1
    assert state.requests == 3 and state.failures == 1 and state.last_failure == T0 + 2


def test_client_credentials_are_not_tracked_as_tokens() -> None:
    session = Session()
    observe(session, flow("POST", "/v5/oauth/token", authorization=basic(), status=401,
                          form={"grant_type": "client_credentials"}, body=error(2, "Authentication failed.")))
    assert session.tokens == {} and session.api_flows == 1


def test_non_api_flows_only_count() -> None:
    session = Session()
    observe(session, flow("GET", "/v5/boards", host="example.com", status=429))
    assert (session.flows, session.api_flows, session.tokens, session.rates) == (1, 0, {}, {})
    assert session.first_seen is None


def test_rate_state_tracks_budget_and_429s() -> None:
    session = Session()
    observe(session,
            flow("GET", "/v5/boards", at=0, headers=ratelimit(50, reset=1)),
            flow("GET", "/v5/boards", at=1, headers=ratelimit(7, reset=1)),
            flow("GET", "/v5/boards", at=2, headers=ratelimit(80, reset=1)),
            flow("GET", "/v5/boards", at=3, status=429, headers=ratelimit(0, reset=30)))
    rate = session.rate(classify_token(ACCESS), "org_read")
    assert rate.remaining == 0 and rate.lowest_remaining == 0 and rate.limited == 1
    assert rate.reset_at == rate.last_limited_reset_at == T0 + 33
    assert rate.policy.windows == ((100, 1), (1000, 60))
    assert [point[2] for point in rate.history] == [False, False, False, True]
    assert session.rate(classify_token(ACCESS), "ads_read") is None
    assert session.rate(None, "org_read") is None


def test_429_without_reset_assumes_the_shortest_window() -> None:
    session = Session()
    observe(session, flow("GET", "/v5/boards", at=5, status=429))
    assert session.rate(classify_token(ACCESS), "org_read").last_limited_reset_at == T0 + 6


def test_history_and_request_ids_are_bounded() -> None:
    session = Session()
    for i in range(MAX_HISTORY + 50):
        observe(session, flow("GET", "/v5/boards", at=i, status=500, rid=f"rid-{i}", headers=ratelimit(99)))
    assert len(session.rate(classify_token(ACCESS), "org_read").history) == MAX_HISTORY
    stats = session.operations["GET /v5/boards"]
    assert stats.requests == stats.errors == stats.server_errors == MAX_HISTORY + 50
    assert list(stats.request_ids) == [f"rid-{i}" for i in range(MAX_HISTORY + 50 - MAX_RIDS, MAX_HISTORY + 50)]
    assert len(stats.latencies_ms) == MAX_HISTORY + 50


def test_record_counts_and_caps_examples() -> None:
    session = Session()
    finding = RenderedFinding("rate-limited", Severity.ERROR, "t", "m", "f", "https://d", None)
    for i in range(MAX_EXAMPLES + 3):
        session.record(from_flow(flow("GET", "/v5/boards", status=429, rid="rid-9", at=i)), [finding])
    log = session.rules["rate-limited"]
    assert log.count == MAX_EXAMPLES + 3 and len(log.examples) == MAX_EXAMPLES
    assert log.examples[0].request_id == "rid-9" and log.examples[0].status == 429
    assert session.severities == {"error": MAX_EXAMPLES + 3}


def test_a_rule_found_in_both_phases_counts_once_per_flow() -> None:
    session = Session()
    finding = RenderedFinding("sandbox-endpoint-unavailable", Severity.ERROR, "t", "m", "f", "https://d", None)
    one, two = (from_flow(flow("GET", "/v5/search/pins", host=SANDBOX, status=400, at=i)) for i in (0, 1))
    session.record(one, [finding])  # request phase
    session.record(one, [finding])  # response phase
    session.observe(one, None)
    session.record(two, [finding])
    assert session.rules[finding.rule].count == 2 and len(session.rules[finding.rule].examples) == 2


def test_first_and_last_seen() -> None:
    session = Session()
    observe(session, flow("GET", "/v5/boards", at=9), flow("GET", "/v5/boards", at=2))
    assert (session.first_seen, session.last_seen) == (T0 + 2, T0 + 9)


def test_no_secret_is_kept() -> None:
    engine = Engine()
    flows = [
        token_grant("boards:read"),
        flow("GET", f"/v5/boards?access_token={ACCESS}", at=1),
        flow("GET", "/v5/boards", token=REFRESH, at=2, status=401, body=error(2, "Authentication failed.")),
        flow("POST", "/v5/oauth/token", authorization=basic(), at=3, status=400,
             form={"grant_type": "refresh_token", "refresh_token": REFRESH}, body=error(283, "invalid grant")),
    ]
    for f in flows:
        engine.analyze(from_flow(f))
    dump = pickle.dumps(engine.session)
    assert not [s for s in SECRETS if s.encode() in dump]
