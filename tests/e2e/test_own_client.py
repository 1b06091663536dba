"""Your own client, unchanged, against `pinscope dump --simulator`; and against an unreachable Pinterest.

The clients only get the proxy and mitmproxy's CA, as the README tells a user to set them: `requests`
from HTTPS_PROXY / REQUESTS_CA_BUNDLE, the official SDK from its Configuration. Unreachable Pinterest
is an upstream proxy on a loopback port nobody listens on: every connection fails on this machine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from mitmproxy import http

from pinscope.demo import CONTROL_HOST, launcher
from pinscope.simulator import DEMO_STANDARD
from tests.e2e.conftest import Capture, read_capture, rules_of
from tests.e2e.test_sdk import import_sdk

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning:openapi_generated")]

PRODUCTION = "https://api.pinterest.com/v5"
GRANTED = "pins:read,user_accounts:read"  # no boards:read: listing boards is refused


@dataclass
class Run:
    capture: Capture
    answers: dict[str, Any]  # case -> status code (requests) or the SDK's exception

    def flow(self, method: str, url: str) -> http.HTTPFlow:
        return next(f for f in self.capture.flows if (f.request.method, f.request.pretty_url) == (method, url))

    def findings(self, flow: http.HTTPFlow, rule: str) -> dict:
        return next(f for f in flow.metadata["pinscope"] if f["rule"] == rule)


@pytest.fixture
def client_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point `requests` at a proxy the way a user does: environment variables only."""
    def route(mitm: launcher.MitmProcess) -> None:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.setenv(name, mitm.proxy_url)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mitm.ca_cert))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
    yield route


def test_own_clients_rehearse_offline_with_full_diagnoses(ca_dir: Path, tmp_path: Path, client_env) -> None:
    (tmp_path / "cwd").mkdir()
    sdk_client, boards, _ = import_sdk(tmp_path / "cwd")
    from openapi_generated.pinterest_client.configuration import Configuration
    from openapi_generated.pinterest_client.exceptions import ApiException

    extra = ["-w", str(tmp_path / "flows.mitm"), "--set", f"pinscope_report={tmp_path / 'report.json'}"]
    mitm = launcher.start("dump", ca_dir, extra, simulator=True)
    answers: dict[str, Any] = {}
    try:
        client_env(mitm)
        # The app's own OAuth flow: the consent shortcut gives a code, the app exchanges it with Pinterest.
        code = requests.post(f"https://{CONTROL_HOST}/_sim/authorize", timeout=30,
                             data={"app_id": DEMO_STANDARD.app_id, "scope": GRANTED}).json()["code"]
        token = requests.post(f"{PRODUCTION}/oauth/token", auth=(DEMO_STANDARD.app_id, DEMO_STANDARD.secret),
                              timeout=30, data={"grant_type": "authorization_code", "code": code,
                                                "redirect_uri": DEMO_STANDARD.redirect_uri}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        answers["me"] = requests.get(f"{PRODUCTION}/user_account", headers=bearer, timeout=30).status_code
        answers["boards"] = requests.get(f"{PRODUCTION}/boards", headers=bearer, timeout=30).status_code
        configuration = Configuration(access_token=token, host=PRODUCTION)
        configuration.proxy, configuration.ssl_ca_cert = mitm.proxy_url, str(mitm.ca_cert)
        try:
            boards.Board.get_all(client=sdk_client.PinterestSDKClient(configuration=configuration))
        except ApiException as err:
            answers["sdk boards"] = err
        # The token goes back to the simulator's control host: its shortcut, never a leak.
        answers["expire"] = requests.post(f"https://{CONTROL_HOST}/_sim/expire", data={"token": token},
                                          timeout=30).status_code
    finally:
        run = Run(read_capture(mitm, tmp_path), answers)
    assert answers["me"] == 200 and answers["boards"] == 401 and answers["expire"] == 200
    assert answers["sdk boards"].status == 401
    boards_flows = [f for f in run.capture.flows if f.request.pretty_url == f"{PRODUCTION}/boards"]
    assert len(boards_flows) == 2 and boards_flows[1].request.headers["user-agent"].startswith("pins-sdk/python/")
    for index, flow in enumerate(boards_flows):  # requests, then the SDK: the same request, so a retry
        assert sorted(rules_of(flow)) == ["insufficient-scope", *(["retry-unrecoverable"] if index else [])]
        finding = run.findings(flow, "insufficient-scope")
        assert "missing boards:read" in finding["message"] and "pins:read" in finding["message"]
    assert rules_of(run.flow("GET", f"{PRODUCTION}/user_account")) == []
    assert {f["rule"] for f in run.capture.report["findings"]} == {"insufficient-scope", "retry-unrecoverable"}  # no token-leak
    assert all(not rules_of(f) for f in run.capture.shortcuts) and len(run.capture.shortcuts) == 2
    assert rules_of(run.flow("POST", f"{PRODUCTION}/oauth/token")) == []
    output = run.capture.output
    assert "the Pinterest API simulator answers for api.pinterest.com and api-sandbox.pinterest.com" in output
    assert f"https://{CONTROL_HOST}/_sim/token -d app_id=" in output and token not in output


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but never listening: connections to it are refused, and no one else takes it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_unreachable_pinterest_is_diagnosed(ca_dir: Path, tmp_path: Path, client_env, closed_port: int) -> None:
    extra = ["--mode", f"upstream:http://127.0.0.1:{closed_port}", "-w", str(tmp_path / "flows.mitm"),
             "--set", f"pinscope_report={tmp_path / 'report.json'}"]
    mitm = launcher.start("dump", ca_dir, extra)
    try:
        client_env(mitm)
        token = "pina_AMAFAKEACCESSTOKEN0000000000000000000000000001"
        bearer = {"Authorization": f"Bearer {token}"}
        https_answer = requests.get(f"{PRODUCTION}/boards", headers=bearer, timeout=30)
        http_answer = requests.get("http://api.pinterest.com/v5/user_account", headers=bearer, timeout=30)
    finally:
        run = Run(read_capture(mitm, tmp_path), {})
    assert https_answer.status_code == http_answer.status_code == 502  # mitmproxy's page, not Pinterest's
    over_https = run.flow("GET", f"{PRODUCTION}/boards")
    over_http = run.flow("GET", "http://api.pinterest.com/v5/user_account")
    assert rules_of(over_https) == ["pinterest-unreachable"]
    assert sorted(rules_of(over_http)) == ["pinterest-unreachable", "plain-http"]
    unreachable = run.findings(over_https, "pinterest-unreachable")
    # mitmproxy reports the failed hop to the upstream proxy as a refused connection: the fix names both.
    assert "never reached api.pinterest.com: the connection was refused" in unreachable["message"]
    assert f"('127.0.0.1', {closed_port})" in unreachable["message"]
    assert "(--mode upstream:URL), check that it runs" in unreachable["fix"]
    plain = run.findings(over_http, "plain-http")
    assert "never reached" in plain["message"] and "crossed the network" not in plain["fix"]
    assert {f["rule"] for f in run.capture.report["findings"]} == {"pinterest-unreachable", "plain-http"}
    assert "ERROR pinterest-unreachable" in run.capture.output and token not in run.capture.output
