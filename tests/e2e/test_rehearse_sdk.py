"""`pinscope dump --simulator` with pinscope_rehearse_scopes: the official SDK meets the injected 401 code 3."""

from __future__ import annotations

import httpx
import pytest

from pinscope.demo import launcher
from pinscope.demo.client import DemoClient
from pinscope.demo.scenario import Grant
from pinscope.rehearse import rehearsed
from pinscope.simulator import DEMO_STANDARD, Simulator
from tests.e2e.conftest import read_capture, rules_of
from tests.e2e.test_sdk import PRODUCTION, import_sdk

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning:openapi_generated")]
GRANTED = ("boards:read", "pins:read", "user_accounts:read")


def simulators_own_401() -> httpx.Response:
    """The simulator's answer when the token itself lacks boards:read."""
    sim = Simulator()
    client = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="https://api.pinterest.com")
    token = client.post("/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": "pins:read"}).json()
    return client.get("/v5/boards", headers={"Authorization": f"Bearer {token['access_token']}"})


def test_sdk_under_rehearsed_scopes_gets_the_simulators_401_code_3(ca_dir, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "cwd").mkdir()
    sdk_client, boards, _ = import_sdk(tmp_path / "cwd")
    from openapi_generated.pinterest_client.configuration import Configuration
    from openapi_generated.pinterest_client.exceptions import ApiException

    extra = [*launcher.simulator_args(), "-w", str(tmp_path / "flows.mitm"),
             "--set", f"pinscope_report={tmp_path / 'report.json'}",
             "--set", "pinscope_rehearse_scopes=pins:read,user_accounts:read"]
    mitm = launcher.start("dump", ca_dir, extra)
    try:
        with DemoClient(mitm.proxy_url, mitm.ca_cert, "http://127.0.0.1:9") as client:
            client.grant(Grant("full", DEMO_STANDARD, GRANTED))  # the token really has boards:read
            token = client.wallet["full"]
            passed = client.http.get(f"{PRODUCTION}/user_account", headers={"Authorization": f"Bearer {token}"})
        configuration = Configuration(access_token=token, host=PRODUCTION)
        configuration.proxy, configuration.ssl_ca_cert = mitm.proxy_url, str(mitm.ca_cert)
        with pytest.raises(ApiException) as raised:
            boards.Board.get_all(client=sdk_client.PinterestSDKClient(configuration=configuration))
    finally:
        capture = read_capture(mitm, tmp_path)
    assert passed.status_code == 200
    own = simulators_own_401()
    assert raised.value.status == 401 and raised.value.body == own.text
    (flow,) = [f for f in capture.flows if f.request.path.startswith("/v5/boards")]
    assert flow.response.content == own.content and flow.response.status_code == own.status_code
    assert {k.lower() for k in flow.response.headers} >= {"content-type", "x-pinterest-rid", "content-length"}
    assert rehearsed(flow.metadata)["source"] == "scopes"
    assert "rehearsal: injected 401 code 3 (pinscope_rehearse_scopes=pins:read,user_accounts:read)" in flow.comment
    assert "insufficient-scope" in rules_of(flow)  # pinscope diagnoses the injected answer like any other
    (user,) = [f for f in capture.flows if f.request.path == "/v5/user_account"]
    assert rehearsed(user.metadata) is None and user.response.status_code == 200
