"""Pinterest's official Python SDK (pinterest-api-sdk) as the client, through mitmdump with pinscope.

The SDK's generated client reads `Configuration.proxy` and `Configuration.ssl_ca_cert` when it builds
its urllib3 pool (openapi_generated/pinterest_client/rest.py), so both are set before the client exists.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from mitmproxy import http

from pinscope.demo.client import DemoClient
from pinscope.demo.scenario import Grant
from pinscope.simulator import DEMO_STANDARD
from tests.e2e.conftest import Capture, read_capture, rules_of, running_dump

# The SDK's generated client calls urllib3 APIs that warn about their own deprecation.
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning:openapi_generated")]

PRODUCTION, SANDBOX = "https://api.pinterest.com/v5", "https://api-sandbox.pinterest.com/v5"
PIN_SCOPES = ("boards:read", "boards:write", "pins:read", "pins:write")
IMAGE = {"source_type": "image_url", "url": "https://example.com/lemon-pasta.jpg"}
RATE_SCALE = 0.01  # the simulator's org_write quota becomes 1 a minute: the second Pin is rate-limited


@dataclass
class SdkRun:
    errors: dict[str, Any]  # case -> the exception the SDK raised
    capture: Capture
    created: list[Any]  # Pins the SDK created (and read back) before the 429

    def flows(self, method: str, url: str) -> list[http.HTTPFlow]:
        return [f for f in self.capture.flows if (f.request.method, f.request.pretty_url) == (method, url)]


def import_sdk(cwd: Path) -> tuple[ModuleType, ModuleType, ModuleType]:
    """Import the SDK from a clean folder: on import it walks the parent of the current folder for config.json."""
    pytest.importorskip("openapi_generated.pinterest_client")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        client = importlib.import_module("pinterest.client")
        boards = importlib.import_module("pinterest.organic.boards")
        pins = importlib.import_module("pinterest.organic.pins")
    return client, boards, pins


@pytest.fixture(scope="module")
def sdk_run(ca_dir, tmp_path_factory) -> SdkRun:  # noqa: ANN001 (pytest fixtures)
    """Tokens through the OAuth flow (httpx), then the SDK's own calls; mitmdump stopped and read back."""
    workdir = tmp_path_factory.mktemp("sdk")
    (workdir / "cwd").mkdir()
    sdk_client, boards, pins = import_sdk(workdir / "cwd")
    from openapi_generated.pinterest_client.configuration import Configuration
    from openapi_generated.pinterest_client.exceptions import ApiException

    errors: dict[str, Any] = {}
    with running_dump(ca_dir, workdir, RATE_SCALE) as mitm:
        def sdk(token: str, host: str) -> Any:
            configuration = Configuration(access_token=token, host=host)
            configuration.proxy = mitm.proxy_url
            configuration.ssl_ca_cert = str(mitm.ca_cert)
            return sdk_client.PinterestSDKClient(configuration=configuration)

        def attempt(case: str, call: Any) -> Any:
            try:
                return call()
            except ApiException as err:
                errors[case] = err
                return None

        with DemoClient(mitm.proxy_url, mitm.ca_cert, "http://127.0.0.1:9") as client:
            client.grant(Grant("reader", DEMO_STANDARD, ("pins:read", "user_accounts:read")))
            client.grant(Grant("sandbox", DEMO_STANDARD, PIN_SCOPES, "sandbox"))
            reader, sandbox = client.wallet["reader"], client.wallet["sandbox"]
        attempt("no boards:read", lambda: boards.Board.get_all(client=sdk(reader, PRODUCTION)))
        board_list, _ = boards.Board.get_all(client=sdk(sandbox, SANDBOX))  # the token works on the sandbox
        board = board_list[0].id
        attempt("sandbox token on production", lambda: pins.Pin.create(
            board_id=board, media_source=IMAGE, title="Lemon pasta", client=sdk(sandbox, PRODUCTION)))
        created = []
        for _ in range(3):  # one Pin a minute on the scaled sandbox budget; the SDK raises on the 429
            pin = attempt("rate limited", lambda: pins.Pin.create(
                board_id=board, media_source=IMAGE, title="Lemon pasta", client=sdk(sandbox, SANDBOX)))
            created += [pin] if pin is not None else []
            if getattr(errors.get("rate limited"), "status", None) == 429:
                break
        return SdkRun(errors, read_capture(mitm, workdir), created)


def test_sdk_lists_boards_without_boards_read(sdk_run: SdkRun) -> None:
    assert sdk_run.errors["no boards:read"].status == 401
    flow = sdk_run.flows("GET", f"{PRODUCTION}/boards")[0]
    assert flow.request.headers["user-agent"].startswith("pins-sdk/python/")
    assert rules_of(flow) == ["insufficient-scope"]  # the 401 confirms scope-not-granted's prediction: said once
    assert flow.marked == ":no_entry:"
    assert flow.comment == "insufficient-scope: missing boards:read"


def test_sdk_creates_a_pin_with_a_sandbox_token_on_production(sdk_run: SdkRun) -> None:
    assert sdk_run.errors["sandbox token on production"].status == 401
    flow = sdk_run.flows("POST", f"{PRODUCTION}/pins")[0]
    assert rules_of(flow) == ["sandbox-token-on-production"]
    assert flow.comment == "sandbox-token-on-production: use api-sandbox.pinterest.com"
    assert flow.metadata["pinscope"][0]["severity"] == "error"


def test_sdk_creates_and_reads_back_a_pin_in_the_sandbox(sdk_run: SdkRun) -> None:
    assert sdk_run.created and sdk_run.created[0].title == "Lemon pasta"  # Pin.create reads the new Pin back
    pin_id = sdk_run.created[0].id
    (read_back,) = sdk_run.flows("GET", f"{SANDBOX}/pins/{pin_id}")
    assert read_back.response.status_code == 200 and not rules_of(read_back)


def test_sdk_rate_limited_call(sdk_run: SdkRun) -> None:
    assert sdk_run.errors["rate limited"].status == 429
    limited = [f for f in sdk_run.flows("POST", f"{SANDBOX}/pins") if f.response.status_code == 429]
    assert limited, "the scaled budget should have answered 429"
    assert "rate-limited" in rules_of(limited[0])
    finding = next(f for f in limited[0].metadata["pinscope"] if f["rule"] == "rate-limited")
    assert "org_write" in finding["message"] and finding["fix"]
    assert {f["rule"] for f in sdk_run.capture.report["findings"]} >= {
        "insufficient-scope", "sandbox-token-on-production", "rate-limited"}
