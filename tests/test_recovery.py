"""Recovery grading: scripted clients after an error, their grades, findings, and the report's section."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from mitmproxy import http
from rich.console import Console

from pinscope import recovery
from pinscope.console import print_summary
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report import build_report
from pinscope.report.html import render_html
from pinscope.report.markdown import render_markdown
from pinscope.recovery import RecoveryTracker
from pinscope.tokens import classify_token
from tests.flowkit import ACCESS, ACCESS_2, SECRETS, T0, error, flow, ratelimit, token_grant

LIMITED = error(8, "Rate limit exceeded. Please try again later.")
BOOM = error(1, "Something went wrong on our end.")
PIN = {"board_id": "1022106146605358865", "media_source": {"source_type": "image_url",
                                                           "url": "https://example.com/a.jpg"}}
BOARDS = {"items": []}


def honours_reset() -> list[http.HTTPFlow]:
    """A 429 with a 2 s reset; the client waits 2.5 s."""
    return [flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0, reset=2)),
            flow("GET", "/v5/boards", at=2.5, body=BOARDS, headers=ratelimit(99))]


def hammers() -> list[http.HTTPFlow]:
    """A 503 retried every 50 ms, three times, then dropped."""
    return [flow("GET", "/v5/boards", at=t, status=503, body=BOOM) for t in (0, 0.05, 0.1, 0.15)]


def post_after_500() -> list[http.HTTPFlow]:
    """A Pin create answered 500, sent again 1.5 s later with no read in between."""
    return [flow("POST", "/v5/pins", request_json=PIN, status=500, body=BOOM),
            flow("POST", "/v5/pins", at=1.5, request_json=PIN, status=201, body={"id": "1"})]


def refreshes_on_expiry() -> list[http.HTTPFlow]:
    """A 401 code 2; the client refreshes and calls again with the new token."""
    return [flow("GET", "/v5/boards", status=401, body=error(2, "Authentication failed.")),
            token_grant("boards:read", access=ACCESS_2, grant_type="refresh_token", at=1),
            flow("GET", "/v5/boards", at=2, token=ACCESS_2, body=BOARDS)]


def run(flows: list[http.HTTPFlow]) -> tuple[Engine, Counter[str]]:
    """Analyze the flows in order; the engine and how often each rule was found."""
    engine = Engine()
    rules: Counter[str] = Counter()
    for f in flows:
        rules.update(finding.rule for finding in engine.analyze(from_flow(f)))
    return engine, rules


CLIENTS = {
    "honours-reset": (honours_reset, "backed-off", {"backed-off": 1}, {"rate-limited": 1}),
    "hammers": (hammers, "no-backoff", {"no-backoff": 3, "gave-up": 1},
                {"server-error": 2, "server-error-persistent": 2, "retry-without-backoff": 2}),
    "post-after-500": (post_after_500, "write-retried-after-5xx", {"write-retried-after-5xx": 1},
                       {"server-error": 1, "write-retried-after-5xx": 1}),
    "refreshes-on-expiry": (refreshes_on_expiry, "refreshed", {"refreshed": 1}, {"authentication-failed": 1}),
}


@pytest.mark.parametrize("name", CLIENTS)
def test_grade_outcomes_and_findings(name: str) -> None:
    build, grade, outcomes, findings = CLIENTS[name]
    engine, rules = run(build())
    [row] = build_report(engine.session, engine.catalog, generated_at=T0 + 60).recovery
    assert (row.grade, row.outcomes) == (grade, outcomes)
    assert dict(rules) == findings


def test_retry_inside_the_window_is_graded_before_reset() -> None:
    flows = [flow("GET", "/v5/boards", at=t, status=429, body=LIMITED, headers=ratelimit(0, reset=5))
             for t in (0, 0.05, 0.1)]
    engine, rules = run(flows)
    [row] = build_report(engine.session, engine.catalog).recovery
    assert (row.grade, row.outcomes) == ("retried-before-reset", {"retried-before-reset": 2, "gave-up": 1})
    assert dict(rules) == {"rate-limited": 3, "retry-before-reset": 2}


def test_evidence_flows_in_every_format() -> None:
    engine, _ = run(post_after_500() + hammers())
    report = build_report(engine.session, engine.catalog, generated_at=T0 + 60)
    assert [r.operation for r in report.recovery] == ["POST /v5/pins", "GET /v5/boards"]  # worst grade first
    pins = report.recovery[0]
    assert [(e.method, e.url, e.status, e.outcome) for e in pins.evidence] == [
        ("POST", "https://api.pinterest.com/v5/pins", 500, None),
        ("POST", "https://api.pinterest.com/v5/pins", 201, "write-retried-after-5xx")]
    assert pins.evidence[1].timestamp.timestamp() == pytest.approx(T0 + 1.5)
    assert {e.token for e in pins.evidence} == {classify_token(ACCESS).label}
    data = report.to_json_data()["recovery"]
    assert data[1]["faults"] == 4 and data[1]["verdict"] == "bad"
    md = render_markdown(report)
    assert "| `POST /v5/pins` | 1 | write-retried-after-5xx \\(bad\\): retried a POST after a 5xx" in md
    assert "| `GET /v5/boards` | 4 | no-backoff \\(bad\\)" in md and "| no-backoff 3, gave-up 1 |" in md
    assert "| 0.05 s | pina…" in md  # the gap a second-resolution timestamp hides
    page = render_html(report)
    assert 'id="recovery"' in page and 'data-grade="write-retried-after-5xx"' in page
    text = json.dumps(report.to_json_data()) + md + page
    assert not any(secret in text for secret in SECRETS)


def test_no_errors_no_section() -> None:
    engine, _ = run([flow("GET", "/v5/boards", body=BOARDS)])
    report = build_report(engine.session, engine.catalog)
    assert report.recovery == [] and "## Recovery" not in render_markdown(report)
    assert 'id="recovery"' not in render_html(report)


def test_open_errors_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery, "MAX_OPEN", 3)
    tracker = RecoveryTracker()
    tokens = [ACCESS[:-2] + f"{i:02d}" for i in range(10)]
    for i, token in enumerate(tokens):
        tracker.observe(from_flow(flow("GET", "/v5/boards", at=i, token=token, status=503, body=BOOM)),
                        "GET /v5/boards")
    assert len(tracker.open) == 3
    assert tracker.operations["GET /v5/boards"].faults == 10
    assert len(tracker.operations["GET /v5/boards"].evidence) == recovery.MAX_EVIDENCE


def test_console_names_a_bad_recovery() -> None:
    engine, _ = run(hammers())
    out = io.StringIO()
    print_summary(Console(file=out, width=100, color_system=None),
                  build_report(engine.session, engine.catalog, generated_at=T0 + 60))
    assert "Recovery GET /v5/boards: no-backoff after 4 faults" in out.getvalue()
