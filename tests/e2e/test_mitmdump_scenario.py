"""mitmdump (started through pinscope's launcher) with the simulator mounted, driven over real TLS.

The demo scenario is the test data: every grant and step names the rules pinscope must put on its
flow, so each becomes one case asserting the flow's comment, marker and metadata read back from `-w`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from mitmproxy import http

from pinscope.demo.client import DemoClient, Outcome
from pinscope.demo.localsite import LocalSite, Received, payload
from pinscope.demo.scenario import GRANTS, RATE_SCALE, REFRESH_REUSE, Grant, expected_rules, steps
from pinscope.rulebook import Severity
from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, DEMO_UNAPPROVED
from pinscope.simulator.limits import CATEGORY_PER_MINUTE
from pinscope.tokens import classify_token
from tests.e2e.conftest import Capture, read_capture, rules_of, running_dump

pytestmark = pytest.mark.e2e

TODAY = dt.datetime.now(dt.UTC).date()
ITEMS = [*GRANTS, *steps(TODAY)]
UPLOAD = bytes(range(256)) * 64 + b"\r\n\x00pina_ is not a token here"  # binary, not UTF-8
MARKERS = {s.value: s.marker for s in Severity}


@dataclass
class Played:
    outcomes: list[Outcome]
    capture: Capture
    wallet: dict[str, str]  # raw tokens by name, and the apps' Basic credentials
    received: list[Received]
    upload_answer: bytes
    blob_answer: bytes

    @property
    def secrets(self) -> list[str]:
        """Every raw secret the run used: tokens, refresh tokens, app secrets."""
        tokens = [v for k, v in self.wallet.items() if not k.endswith("_basic")]
        return [*tokens, DEMO_STANDARD.secret, DEMO_TRIAL.secret, DEMO_UNAPPROVED.secret]

    def flow(self, path_end: str) -> http.HTTPFlow:
        return next(f for f in self.capture.flows if f.request.path.endswith(path_end))


@pytest.fixture(scope="module")
def played(ca_dir, tmp_path_factory) -> Played:  # noqa: ANN001 (pytest fixtures)
    """Play the whole scenario plus plain non-Pinterest traffic, then stop mitmdump and read it back."""
    workdir = tmp_path_factory.mktemp("dump")
    with running_dump(ca_dir, workdir, RATE_SCALE, REFRESH_REUSE) as mitm, LocalSite() as site, \
            DemoClient(mitm.proxy_url, mitm.ca_cert, site.url) as client:
        outcomes = client.run(ITEMS)
        upload = client.http.post(f"{site.url}/upload", content=UPLOAD,
                                  headers={"Content-Type": "application/octet-stream"})
        blob = client.http.get(f"{site.url}/blob.bin")
        capture = read_capture(mitm, workdir)
        return Played(outcomes, capture, dict(client.wallet), site.received, upload.content, blob.content)


@pytest.mark.parametrize("index", range(len(ITEMS)),
                         ids=[f"{i:02d}-{'+'.join(item.rules) or 'healthy'}" for i, item in enumerate(ITEMS)])
def test_each_call_gets_exactly_its_rules(played: Played, index: int) -> None:
    item, outcome, flow = ITEMS[index], played.outcomes[index], played.capture.flows[index]
    assert outcome.error is None
    method, target = ("POST", "/v5/oauth/token") if isinstance(item, Grant) else \
        (item.method, item.target.partition(":")[2])
    assert (flow.request.method, flow.request.path.partition("?")[0]) == (method, target)
    assert flow.response is not None and flow.response.status_code == outcome.status
    findings = flow.metadata.get("pinscope", [])
    assert set(rules_of(flow)) == set(item.rules)
    if not item.rules:
        assert (flow.comment, flow.marked) == ("", "")
        return
    for finding in findings:
        assert all(finding[key] for key in ("rule", "severity", "title", "message", "fix", "docs"))
    lines = flow.comment.splitlines()
    assert len(lines) == len(findings)
    worst_first = sorted(findings, key=lambda f: Severity(f["severity"]).rank)
    assert lines == [f"{f['rule']}: {f['essence']}" for f in worst_first]
    worst = min((Severity(f["severity"]) for f in findings), key=lambda s: s.rank)
    assert flow.marked == MARKERS[worst.value]


def test_insufficient_scope_names_operation_scopes_and_token(played: Played) -> None:
    index = next(i for i, item in enumerate(ITEMS) if "insufficient-scope" in item.rules)
    flow = played.capture.flows[index]
    finding = next(f for f in flow.metadata["pinscope"] if f["rule"] == "insufficient-scope")
    reader = played.wallet["reader"]
    assert "GET /v5/boards" in finding["message"] and "boards:read" in finding["message"]
    assert classify_token(reader).label in finding["message"]
    assert flow.comment.splitlines()[0] == "insufficient-scope: missing boards:read"  # the error first
    assert flow.marked == ":no_entry:"
    context = flow.metadata["pinscope_context"]
    assert (context["operation"], context["scopes"], context["category"]) == \
        ("GET /v5/boards", [["boards:read"]], "org_read")


def test_rate_limited_flow_carries_the_policy_and_reset(played: Played) -> None:
    limited = [f for f in played.capture.flows if "rate-limited" in rules_of(f)]
    assert [f.response.status_code for f in limited] == [429, 429]
    message = next(f for f in limited[0].metadata["pinscope"] if f["rule"] == "rate-limited")["message"]
    quota = max(1, int(CATEGORY_PER_MINUTE["org_analytics"] * RATE_SCALE))
    assert "org_analytics" in message and f"{quota};w=60" in limited[0].response.headers["x-ratelimit-limit"]
    first, second = limited[1].comment.splitlines()
    assert first.startswith("rate-limited: ") and second.startswith("retry-before-reset: ")


def test_report_written_at_exit_names_every_rule(played: Played) -> None:
    report = played.capture.report
    assert report["schema"] == "pinscope-report/1"
    assert {f["rule"] for f in report["findings"]} == expected_rules(TODAY)
    assert report["summary"]["pinterest_flows"] == sum(1 for f in played.capture.flows
                                                       if f.request.pretty_host.startswith("api"))
    example = next(f for f in report["findings"] if f["rule"] == "insufficient-scope")["flows"][0]
    assert example["url"] == "https://api.pinterest.com/v5/boards" and example["request_id"]


def test_no_secret_reaches_annotations_report_or_output(played: Played) -> None:
    annotations = "\n".join(f.comment + json.dumps(f.metadata, default=str) for f in played.capture.flows)
    outputs = annotations + json.dumps(played.capture.report) + played.capture.output
    assert len(played.secrets) >= 10
    for secret in played.secrets:
        assert secret not in outputs


def test_simulator_shortcuts_are_not_diagnosed(played: Played) -> None:
    assert [f.request.path for f in played.capture.shortcuts] == ["/_sim/authorize"] * len(GRANTS)
    for flow in played.capture.shortcuts:
        assert (flow.comment, flow.marked, flow.response.status_code) == ("", "", 200)
        assert not {"pinscope", "pinscope_context"} & set(flow.metadata)


def test_non_pinterest_traffic_is_byte_identical_and_unannotated(played: Played) -> None:
    uploaded = next(r for r in played.received if r.path == "/upload")
    assert uploaded.body == UPLOAD
    assert played.upload_answer == payload("/upload")
    assert played.blob_answer == payload("/blob.bin")
    for path in ("/upload", "/blob.bin", "/feed.xml"):
        flow = played.flow(path)
        assert (flow.comment, flow.marked) == ("", "")
        assert not {"pinscope", "pinscope_context"} & set(flow.metadata)
    assert played.flow("/upload").request.content == UPLOAD

