"""The simulator over real sockets: the standalone server, Pinterest's own Python SDK, the CLI, mitmproxy."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from mitmproxy import http
from mitmproxy.test import taddons, tflow, tutils

from pinscope.simulator import DEMO_STANDARD, Simulator
from pinscope.simulator.mount import SimulatorMount
from pinscope.simulator.server import SimServer, serve


@pytest.fixture
def server() -> Iterator[SimServer]:
    with serve(Simulator(), 0, 0) as running:
        yield running


def token(server: SimServer, scopes: str, environment: str = "production") -> str:
    base = server.url(environment).removesuffix("/v5")
    reply = httpx.post(f"{base}/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": scopes})
    return reply.json()["access_token"]


def test_two_ports_serve_two_environments(server: SimServer) -> None:
    sandbox_token = token(server, "boards:read", "sandbox")
    headers = {"Authorization": f"Bearer {sandbox_token}"}
    assert httpx.get(f"{server.url('sandbox')}/boards", headers=headers).status_code == 200
    refused = httpx.get(f"{server.url('production')}/boards", headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == 2
    by_host = httpx.get(f"{server.url('production')}/boards",
                        headers={**headers, "Host": "api-sandbox.pinterest.com"})
    assert by_host.status_code == 200
    assert server.url().startswith("http://127.0.0.1:")


def test_official_sdk_lists_boards_and_sees_missing_scope(server: SimServer) -> None:
    from openapi_generated.pinterest_client.exceptions import UnauthorizedException
    from pinterest.client import PinterestSDKClient
    from pinterest.organic.boards import Board

    def sdk(access_token: str) -> PinterestSDKClient:
        # The SDK's only way to another host: a Configuration built with api_uri.
        config = PinterestSDKClient._get_config(access_token, api_uri=server.url())
        return PinterestSDKClient(configuration=config)

    boards, bookmark = Board.get_all(client=sdk(token(server, "boards:read")))
    expected = httpx.get(f"{server.url()}/boards",
                         headers={"Authorization": f"Bearer {token(server, 'boards:read')}"}).json()["items"]
    assert [b.id for b in boards] == [b["id"] for b in expected] and boards[0].name == expected[0]["name"]
    assert bookmark is None
    with pytest.raises(UnauthorizedException) as raised:
        Board.get_all(client=sdk(token(server, "pins:read")))
    assert raised.value.status == 401 and '"code": 3' in raised.value.body


def test_simulate_command_serves_until_interrupted() -> None:
    process = subprocess.Popen([sys.executable, "-m", "pinscope.cli", "simulate", "--port", "0",
                                "--rate-scale", "0.001"], stdout=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.startswith("production: http://127.0.0.1:")
        base = first.split()[-1].removesuffix("/v5")
        access = httpx.post(f"{base}/_sim/token", data={"app_id": DEMO_STANDARD.app_id,
                                                        "scope": "boards:read"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {access}"}
        assert httpx.get(f"{base}/v5/boards", headers=headers).status_code == 200
        assert httpx.get(f"{base}/v5/boards", headers=headers).status_code == 429  # --rate-scale applied
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)  # a bound, not a timing: stopping takes under a second
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "simulator stopped" in out
    assert DEMO_STANDARD.secret not in out


def pinterest_flow(host: str, path: str, access: str) -> http.HTTPFlow:
    """A live HTTPS request flow without a response, as the proxy's request hook sees it."""
    request = tutils.treq(host=host, port=443, scheme=b"https", path=path.encode(),
                          headers=http.Headers(authorization=f"Bearer {access}"))
    flow = tflow.tflow(req=request)
    flow.response = None
    return flow


def test_mount_answers_both_hosts_inside_mitmproxy() -> None:
    mount = SimulatorMount()
    with taddons.context(mount) as tctx:
        tctx.configure(mount, pinscope_sim_rate_scale="0.001")
        access, _ = mount.simulator.state.mint("access", DEMO_STANDARD.app_id, "pinscope_demo",
                                               frozenset({"boards:read"}), "sandbox")
        flows = [pinterest_flow("api-sandbox.pinterest.com", "/v5/boards", access),
                 pinterest_flow("api-sandbox.pinterest.com", "/v5/boards", access),
                 pinterest_flow("api.pinterest.com", "/v5/boards", access),
                 pinterest_flow("example.com", "/v5/boards", access)]
        for flow in flows:
            asyncio.run(mount.request(flow))
    statuses = [f.response.status_code if f.response else None for f in flows]
    assert statuses == [200, 429, 401, None]  # rate scale from the option; other hosts untouched
    assert flows[0].response.headers["x-pinterest-rid"]
    assert flows[0].response.json()["items"]


@pytest.mark.parametrize(("strategy", "warned"), [("eager", True), ("lazy", False)])
def test_mount_warns_unless_connections_are_lazy(caplog: pytest.LogCaptureFixture, strategy: str,
                                                 warned: bool) -> None:
    mount = SimulatorMount()
    with taddons.context(mount) as tctx:
        tctx.options.add_option("connection_strategy", str, "eager", "as in mitmproxy's proxyserver",
                                choices=("eager", "lazy"))
        caplog.clear()
        tctx.configure(mount, connection_strategy=strategy)
    assert ("connection_strategy=lazy" in caplog.text) == warned
