"""The report model, its JSON and Markdown files, atomic writes, and the published schema."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections import Counter
from pathlib import Path

import pytest
from mitmproxy import http

from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report import (
    Report, ReportPathError, build_report, check_report_path, report_schema, write_report,
)
from pinscope.report.markdown import table
from pinscope.session import Session
from pinscope.tokens import classify_token
from tests.flowkit import ACCESS, ACCESS_2, SANDBOX, SECRETS, T0, error, flow, token_grant

ROOT = Path(__file__).resolve().parent.parent
RL = {"x-ratelimit-limit": "100, 100;w=1, 1000;w=60", "x-ratelimit-remaining": "5",
      "x-ratelimit-reset": "30"}


def scenario() -> list[http.HTTPFlow]:
    """A session with scope, auth, rate-limit, server-error, sandbox and leak traffic."""
    return [
        token_grant("pins:read user_accounts:read"),
        flow("GET", "/v5/user_account", at=1, body={"username": "x"},
             headers={**RL, "x-ratelimit-remaining": "50"}),
        flow("GET", "/v5/boards", at=2, status=401, body=error(3, "Not authorized"), rid="rid-b1"),
        flow("GET", "/v5/pins/9", at=3, status=401, body=error(2, "Authentication failed."), token=ACCESS_2),
        flow("GET", "/v5/pins/10", at=4, headers=RL, body={"id": "10"}),
        flow("GET", "/v5/pins/11", at=5, status=429, headers={**RL, "x-ratelimit-remaining": "0"},
             body=error(8, "Rate limit exceeded")),
        flow("GET", "/v5/pins/12", at=6, status=500, body=error(1, "Internal"), rid="rid-500"),
        flow("GET", f"/v5/pins/13?access_token={ACCESS_2}&fields=a", at=7, token=None, body={}),
        flow("POST", "/collect", host="example.com", at=8, form={"t": ACCESS}, token=None),
        flow("GET", "/v5/boards", host=SANDBOX, at=9, body={"items": []}),
        token_grant("pins:read", access=ACCESS_2, grant_type="refresh_token", at=10),
    ]


def run(flows: list[http.HTTPFlow]) -> tuple[Engine, list]:
    """Analyze flows as offline analysis does; the engine and every finding it returned."""
    engine = Engine()
    found = [f for fl in flows for f in engine.analyze(from_flow(fl))]
    return engine, found


@pytest.fixture(scope="module")
def analyzed() -> tuple[Report, list]:
    engine, found = run(scenario())
    return build_report(engine.session, engine.catalog, generated_at=T0 + 60), found


def test_summary(analyzed) -> None:
    report, found = analyzed
    s = report.summary
    assert (s.flows, s.pinterest_flows) == (11, 10)
    assert (s.environments.production, s.environments.sandbox) == (9, 1)
    assert s.time_span is not None and s.time_span.seconds == pytest.approx(10)
    assert s.time_span.start.timestamp() == T0
    severities = Counter(f.severity.value for f in found)
    assert (s.severities.error, s.severities.warning, s.severities.info) == (
        severities["error"], severities["warning"], severities["info"])
    assert s.findings == len(found)


def test_findings_per_rule_worst_first(analyzed) -> None:
    report, found = analyzed
    assert {f.rule for f in report.findings} == {f.rule for f in found}
    assert {f.rule: f.count for f in report.findings} == Counter(f.rule for f in found)
    ranks = [f.severity.rank for f in report.findings]
    assert ranks == sorted(ranks)
    scope = next(f for f in report.findings if f.rule == "insufficient-scope")
    assert scope.severity.value == "error" and scope.docs.startswith("https://")
    assert scope.faq and "scope" in scope.fix
    (example,) = scope.flows
    assert (example.method, example.url, example.status, example.request_id) == (
        "GET", "https://api.pinterest.com/v5/boards", 401, "rid-b1")
    assert "GET /v5/boards" in example.message and example.timestamp.timestamp() == T0 + 2


def test_tokens(analyzed) -> None:
    report, _ = analyzed
    tokens = {t.label: t for t in report.tokens}
    main = tokens[classify_token(ACCESS).label]
    assert main.kind == "access" and main.fingerprint == classify_token(ACCESS).fingerprint
    assert main.scopes == ["pins:read", "user_accounts:read"]
    assert main.environments == ["production", "sandbox"] and main.issued_on == "production"
    assert main.expires_at is not None and main.expires_at.timestamp() == T0 + 2_592_000
    assert main.failures == 1 and main.requests >= 6
    other = tokens[classify_token(ACCESS_2).label]
    assert other.scopes == ["pins:read"] and other.failures == 1 and other.environments == []


def test_rate_limits(analyzed) -> None:
    report, _ = analyzed
    (org_read,) = [r for r in report.rate_limits if r.category == "org_read"]
    assert org_read.policy == "100/1s, 1000/60s" and org_read.limit == 100
    assert org_read.lowest_remaining == 0 and org_read.rate_limited == 1
    assert [p.remaining for p in org_read.points][:3] == [50, 5, 0]
    assert [p.limited for p in org_read.points].count(True) == 1


def test_endpoints(analyzed) -> None:
    report, _ = analyzed
    pins = next(e for e in report.endpoints if e.operation == "GET /v5/pins/{pin_id}")
    assert (pins.operation_id, pins.category) == ("pins/get", "org_read")
    assert (pins.requests, pins.errors, pins.server_errors) == (5, 3, 1)
    assert pins.request_ids == ["rid-500"]
    assert pins.latency_median_ms == pytest.approx(60.0) and pins.latency_p95_ms == pytest.approx(60.0)
    assert report.endpoints[0] == pins, "the endpoint with the most errors comes first"


def test_empty_session() -> None:
    report = build_report(Session(), Engine().catalog, generated_at=T0)
    assert report.findings == [] and report.summary.time_span is None
    assert report.summary.flows == 0 and report.tokens == []


def test_json_file(tmp_path: Path, analyzed) -> None:
    report, _ = analyzed
    path = write_report(report, tmp_path / "report.json")
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["schema"] == "pinscope-report/1"
    assert set(data) >= {"summary", "findings", "tokens", "rate_limits", "endpoints"}
    assert data["summary"]["severities"]["error"] == report.summary.severities.error
    assert Report.model_validate_json(text) == report
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not any(secret in text for secret in SECRETS)


def test_markdown_file(tmp_path: Path, analyzed) -> None:
    report, _ = analyzed
    text = write_report(report, tmp_path / "report.md").read_text(encoding="utf-8")
    for heading in ("# pinscope report", "## Summary", "## Findings", "## Tokens", "## Rate limits",
                    "## Endpoints"):
        assert f"\n{heading}\n" in f"\n{text}"
    for finding in report.findings:
        assert f"`{finding.rule}`" in text and finding.title in text
    assert classify_token(ACCESS).label in text and "rid-b1" in text and "100/1s, 1000/60s" in text
    assert "| `GET /v5/pins/{pin_id}` | 5 | 3 | 60% | 60 | 60 |" in text.replace(".0 |", " |")
    assert text.count("For a Pinterest support ticket:") == sum(
        f.severity.value == "error" for f in report.findings)
    assert "object at 0x" not in text and not any(secret in text for secret in SECRETS)


def test_markdown_cells_stay_in_their_column() -> None:
    lines = table(["A", "B"], [["x | y", "two\nlines"], [None, []]])
    assert lines[2] == "| x \\| y | two lines |" and lines[3] == "| - | - |"
    assert all(line.replace("\\|", "").count("|") == 3 for line in lines if line)


def test_write_is_atomic_and_private(tmp_path: Path, analyzed) -> None:
    report, _ = analyzed
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o644)
    write_report(report, target)
    assert json.loads(target.read_text())["schema"] == "pinscope-report/1"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"], "no temporary file left"


@pytest.mark.parametrize("name", ["report.pdf", "report.txt", "report"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    with pytest.raises(ReportPathError, match=r"\.json, \.md, \.html"):
        check_report_path(tmp_path / name)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ReportPathError, match="does not exist"):
        check_report_path(tmp_path / "absent" / "report.json")


def test_folder_as_report(tmp_path: Path) -> None:
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(ReportPathError, match="is a folder"):
        check_report_path(tmp_path / "dir.json")


def test_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root may write anyway: answer as the OS would for an ordinary user
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: real(p, mode) and not (
            Path(p) == locked and mode & os.W_OK))
    with pytest.raises(ReportPathError, match="not writable"):
        check_report_path(locked / "report.json")


def test_published_schema_is_current() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_report_schema
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    published = (ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8")
    assert published == build_report_schema.schema_text(), \
        "docs/report-schema.json is stale: run scripts/build_report_schema.py"
    schema = report_schema()
    assert schema["properties"]["schema"]["const"] == "pinscope-report/1"
    assert {"summary", "findings", "tokens", "rate_limits", "endpoints"} <= set(schema["required"])
