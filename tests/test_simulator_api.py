"""The simulator's checks on API calls: tokens, environments, scopes, sandbox, Trial apps, routing, faults."""

from __future__ import annotations

import httpx
import pytest

from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, App, Simulator
from pinscope.simulator.errors import TRIAL_PINS
from pinscope.simulator.fixtures import World

PROD = "https://api.pinterest.com"
SANDBOX = "https://api-sandbox.pinterest.com"


@pytest.fixture
def sim() -> Simulator:
    return Simulator()


def client(sim: Simulator, base: str = PROD) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=base)


def token(sim: Simulator, scopes: str, environment: str = "production", app: App = DEMO_STANDARD) -> dict:
    """Authorization headers for a fresh token from the /_sim/token shortcut."""
    reply = client(sim).post("/_sim/token", data={"app_id": app.app_id, "scope": scopes,
                                                  "environment": environment})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def video_pin_id() -> str:
    return next(p["id"] for p in World("production", "pinscope_demo", "pinscope").pins()
                if p["media"]["media_type"] == "video")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer pina_AMANOTISSUEDBYTHESIMULATOR0000"},
                                     {"Authorization": "pina_AMANOBEARERSCHEME"}])
def test_missing_or_unknown_token_is_401_code_2(sim: Simulator, headers: dict) -> None:
    reply = client(sim).get("/v5/boards", headers=headers)
    assert reply.status_code == 401
    assert reply.json() == {"code": 2, "message": "Authentication failed.", "status": "failure"}
    assert reply.headers["content-type"] == "application/json" and reply.headers["x-pinterest-rid"]
    assert "x-ratelimit-limit" not in reply.headers  # as observed on real 401s


def test_a_token_works_only_in_its_own_environment(sim: Simulator) -> None:
    sandbox_token, prod_token = token(sim, "boards:read", "sandbox"), token(sim, "boards:read")
    assert client(sim, SANDBOX).get("/v5/boards", headers=sandbox_token).status_code == 200
    on_prod = client(sim).get("/v5/boards", headers=sandbox_token)
    assert on_prod.status_code == 401 and on_prod.json()["code"] == 2
    on_sandbox = client(sim, SANDBOX).get("/v5/boards", headers=prod_token)
    assert on_sandbox.status_code == 401 and on_sandbox.json()["code"] == 2


def test_scopes_are_anded_within_a_set(sim: Simulator) -> None:
    path = f"/v5/pins/{video_pin_id()}"  # needs boards:read AND pins:read
    reply = client(sim).get(path, headers=token(sim, "pins:read"))
    assert reply.status_code == 401 and reply.json()["code"] == 3
    assert client(sim).get(path, headers=token(sim, "pins:read,boards:read")).status_code == 200


def test_sandbox_disabled_operation_on_the_sandbox_host_is_400(sim: Simulator) -> None:
    headers = token(sim, "pins:read,boards:read", "sandbox")
    reply = client(sim, SANDBOX).get("/v5/pins/analytics?pin_ids=1", headers=headers)  # x-sandbox disabled
    assert reply.status_code == 400 and "Sandbox" in reply.json()["message"]
    assert client(sim, SANDBOX).get("/v5/pins", headers=headers).status_code == 200


def test_trial_apps_may_create_pins_only_in_the_sandbox(sim: Simulator) -> None:
    scopes = "boards:read,boards:write,pins:read,pins:write"
    pin = {"board_id": "123", "title": "Hello",
           "media_source": {"source_type": "image_url", "url": "https://example.com/a.jpg"}}
    refused = client(sim).post("/v5/pins", json=pin, headers=token(sim, scopes, app=DEMO_TRIAL))
    assert refused.status_code == 403
    assert refused.json() == {"code": 29, "message": TRIAL_PINS[2]}
    assert "use API Sandbox https://api-sandbox.pinterest.com instead." in TRIAL_PINS[2]
    sandbox_token = token(sim, scopes, "sandbox", DEMO_TRIAL)
    in_sandbox = client(sim, SANDBOX).post("/v5/pins", json=pin, headers=sandbox_token)
    assert in_sandbox.status_code == 201 and in_sandbox.json()["title"] == "Hello"
    standard = client(sim).post("/v5/pins", json=pin, headers=token(sim, scopes))
    assert standard.status_code == 201 and standard.json()["board_id"] == "123"


def test_routing_unknown_paths_and_methods(sim: Simulator) -> None:
    headers = token(sim, "boards:read")
    assert client(sim).get("/v5/no_such_thing", headers=headers).status_code == 404
    assert client(sim).get("/v3/boards", headers=headers).status_code == 404
    wrong = client(sim).put("/v5/boards", headers=headers)
    assert wrong.status_code == 405 and wrong.json()["code"] == 5
    assert wrong.headers["allow"] == "GET, POST"
    assert client(sim).get("/v5/boards/", headers=headers).status_code == 200  # trailing slash


def test_parameter_patterns_from_the_catalogue(sim: Simulator) -> None:
    reply = client(sim).get("/v5/ad_accounts/abc", headers=token(sim, "ads:read"))
    assert reply.status_code == 400 and reply.json()["code"] == 1
    assert "must match the pattern: ^\\d+$" in reply.json()["message"]
    too_long = client(sim).get("/v5/ad_accounts/" + "1" * 19, headers=token(sim, "ads:read"))
    assert too_long.status_code == 400


@pytest.mark.parametrize(("fault", "status", "code"), [
    ("500", 500, 500), ("503-4197", 503, 4197), ("501-4181", 501, 4181), ("429", 429, 8),
    ("spam-429", 429, 8)])
def test_forced_faults(sim: Simulator, fault: str, status: int, code: int) -> None:
    reply = client(sim).get("/v5/boards", headers={**token(sim, "boards:read"), "X-Sim-Fault": fault})
    assert reply.status_code == status and reply.json()["code"] == code
    assert reply.headers["x-pinterest-rid"]
    assert ("spam" in reply.json().get("message_detail", "")) == (fault == "spam-429")
    if code == 4197:
        assert "ramped down" in reply.json()["message"]


def test_unreadable_fault_is_reported(sim: Simulator) -> None:
    reply = client(sim).get("/v5/boards", headers={"X-Sim-Fault": "boom"})
    assert reply.status_code == 400 and "X-Sim-Fault" in reply.json()["message"]


def test_every_response_has_its_own_request_id(sim: Simulator) -> None:
    http = client(sim)
    rids = {http.get(path).headers["x-pinterest-rid"] for path in ("/v5/boards", "/nope", "/_sim", "/v5/x")}
    assert len(rids) == 4


def test_host_header_beats_the_bound_environment(sim: Simulator) -> None:
    sandbox_token = token(sim, "boards:read", "sandbox")
    bound_prod = httpx.Client(transport=httpx.WSGITransport(app=sim.bound("production")), base_url=SANDBOX)
    assert bound_prod.get("/v5/boards", headers=sandbox_token).status_code == 200
    bound_sandbox = httpx.Client(transport=httpx.WSGITransport(app=sim.bound("sandbox")),
                                 base_url="http://127.0.0.1:9")
    assert bound_sandbox.get("/v5/boards", headers=sandbox_token).status_code == 200
