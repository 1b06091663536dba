"""The simulator's token endpoint, revoke endpoint and /_sim shortcuts, driven in-process over WSGI."""

from __future__ import annotations

import base64

import httpx
import pytest

from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, SimConfig, Simulator
from pinscope.simulator.state import REFRESH_TTL
from tests.flowkit import T0

PROD = "https://api.pinterest.com"
SANDBOX = "https://api-sandbox.pinterest.com"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def basic(app_id: str = DEMO_STANDARD.app_id, secret: str = DEMO_STANDARD.secret) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{app_id}:{secret}".encode()).decode()}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(clock: Clock) -> Simulator:
    return Simulator(SimConfig(token_ttl=3600), clock=clock)


def client(sim: Simulator, base: str = PROD) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=base)


def authorize(http: httpx.Client, scopes: str, **extra: str) -> str:
    reply = http.post("/_sim/authorize", data={"app_id": DEMO_STANDARD.app_id, "scope": scopes, **extra})
    assert reply.status_code == 200, reply.text
    return reply.json()["code"]


def exchange(http: httpx.Client, code: str, redirect_uri: str = DEMO_STANDARD.redirect_uri) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return http.post("/v5/oauth/token", data=form, headers=basic())


def test_authorization_code_grant_issues_pinterest_shaped_tokens(sim: Simulator) -> None:
    http = client(sim)
    reply = exchange(http, authorize(http, "pins:read,boards:read"))
    body = reply.json()
    assert reply.status_code == 200
    assert body["access_token"].startswith("pina_") and body["refresh_token"].startswith("pinr.")
    assert body["token_type"] == "bearer" and body["response_type"] == "authorization_code"
    assert body["scope"] == "boards:read pins:read"  # space-separated
    assert body["expires_in"] == 3600 and body["refresh_token_expires_in"] == REFRESH_TTL
    assert reply.headers["x-ratelimit-limit"].startswith("100, 100;w=1, ")  # category org_read
    boards = http.get("/v5/boards", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert boards.status_code == 200


@pytest.mark.parametrize("status", [400, 401])
def test_invalid_grant_answers_283_with_the_configured_status(clock: Clock, status: int) -> None:
    http = client(Simulator(SimConfig(invalid_grant_status=status), clock=clock))
    code = authorize(http, "boards:read")
    assert exchange(http, code).status_code == 200
    reused = exchange(http, code)  # codes are single use
    assert reused.status_code == status
    assert reused.json() == {"code": 283, "message": "The authorization grant is invalid"}


def test_code_needs_same_redirect_uri_environment_and_app(sim: Simulator) -> None:
    http = client(sim)
    assert exchange(http, authorize(http, "boards:read"), "https://elsewhere.example/").json()["code"] == 283
    sandbox_code = authorize(http, "boards:read", environment="sandbox")
    assert exchange(http, sandbox_code).json()["code"] == 283
    assert exchange(client(sim, SANDBOX), authorize(client(sim, SANDBOX), "boards:read")).status_code == 200
    trial_form = {"grant_type": "authorization_code", "code": authorize(http, "boards:read"),
                  "redirect_uri": DEMO_STANDARD.redirect_uri}
    other_app = http.post("/v5/oauth/token", data=trial_form,
                          headers=basic(DEMO_TRIAL.app_id, DEMO_TRIAL.secret))
    assert other_app.json()["code"] == 283


@pytest.mark.parametrize("headers", [
    {},
    basic(secret="not-the-secret"),
    {"Authorization": f"Basic {DEMO_STANDARD.app_id}:{DEMO_STANDARD.secret}"},  # not base64-encoded
    {"Authorization": "Bearer pina_AMAFAKE0000000000000000000"},
])
def test_token_endpoint_needs_basic_client_credentials(sim: Simulator, headers: dict[str, str]) -> None:
    form = {"grant_type": "client_credentials", "scope": "ads:read"}
    reply = client(sim).post("/v5/oauth/token", data=form, headers=headers)
    assert reply.status_code == 401
    assert reply.json()["code"] == 2 and reply.json()["message"] == "Authentication failed."


def refresh(http: httpx.Client, token: str, **extra: str) -> httpx.Response:
    return http.post("/v5/oauth/token", data={"grant_type": "refresh_token", "refresh_token": token, **extra},
                     headers=basic())


@pytest.mark.parametrize("reading", ["allowed", "rotated"])
def test_continuous_refresh_returns_a_new_refresh_token(clock: Clock, reading: str) -> None:
    http = client(Simulator(SimConfig(token_ttl=3600, refresh_reuse=reading), clock=clock))
    first = exchange(http, authorize(http, "boards:read,pins:read")).json()
    clock.now += 100
    second = refresh(http, first["refresh_token"]).json()
    assert second["response_type"] == "refresh_token"
    assert second["refresh_token"].startswith("pinr.") and second["refresh_token"] != first["refresh_token"]
    assert second["refresh_token_expires_at"] == int(clock.now + REFRESH_TTL)
    assert second["scope"] == first["scope"]
    narrowed = refresh(http, second["refresh_token"], scope="pins:read ads:write")
    assert narrowed.json()["scope"] == "pins:read"  # a refresh can narrow scopes, never widen them


def test_client_credentials_needs_a_scope_and_has_no_refresh_token(sim: Simulator) -> None:
    http = client(sim)
    missing = http.post("/v5/oauth/token", data={"grant_type": "client_credentials"}, headers=basic())
    assert missing.status_code == 400 and missing.json()["code"] == 1
    body = http.post("/v5/oauth/token", data={"grant_type": "client_credentials", "scope": "ads:read"},
                     headers=basic()).json()
    assert body["response_type"] == "client_credentials" and body["scope"] == "ads:read"
    assert "refresh_token" not in body
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert http.get("/v5/ad_accounts", headers=bearer).status_code == 200


def test_access_token_expires_after_its_ttl(sim: Simulator, clock: Clock) -> None:
    http = client(sim)
    token = exchange(http, authorize(http, "boards:read")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    clock.now += 3599
    assert http.get("/v5/boards", headers=headers).status_code == 200
    clock.now += 1
    expired = http.get("/v5/boards", headers=headers)
    assert expired.status_code == 401 and expired.json()["code"] == 2


def test_sim_expire_ends_a_token_at_once(sim: Simulator) -> None:
    http = client(sim)
    token = http.post("/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": "boards:read"}).json()
    assert http.post("/_sim/expire", data={"token": token["access_token"]}).json() == {"expired": True}
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert http.get("/v5/boards", headers=bearer).status_code == 401
    assert http.post("/_sim/expire", data={"token": "pina_unknown"}).status_code == 404


def test_revoke_checks_the_client_then_refuses_non_system_tokens(sim: Simulator) -> None:
    http = client(sim)
    assert http.post("/v5/oauth/token/revoke", data={"token": "x"}).json()["code"] == 2
    refused = http.post("/v5/oauth/token/revoke", data={"token": "x"}, headers=basic())
    assert refused.status_code == 403 and refused.json()["code"] == 29


def test_token_endpoint_rejects_other_methods(sim: Simulator) -> None:
    reply = client(sim).get("/v5/oauth/token")
    assert reply.status_code == 405 and reply.json()["code"] == 5
    assert reply.headers["allow"] == "POST"


def test_sim_shortcuts_explain_bad_input_and_never_list_secrets(sim: Simulator) -> None:
    http = client(sim)
    listing = http.get("/_sim")
    assert {a["tier"] for a in listing.json()["apps"]} == {"trial", "standard"}
    assert DEMO_STANDARD.secret not in listing.text and DEMO_TRIAL.secret not in listing.text
    assert http.post("/_sim/token", data={"app_id": "999", "scope": "ads:read"}).status_code == 400
    unknown = http.post("/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": "ads:reed"})
    assert unknown.status_code == 400 and "ads:reed" in unknown.json()["error"]
    redirect = http.post("/_sim/authorize", json={"app_id": DEMO_STANDARD.app_id, "scope": "ads:read",
                                                 "state": "a b"}).json()["redirect"]
    assert redirect.startswith(DEMO_STANDARD.redirect_uri + "?code=") and redirect.endswith("&state=a+b")


def test_an_authorization_can_ask_for_a_short_lived_token(sim: Simulator, clock: Clock) -> None:
    http = client(sim)
    body = exchange(http, authorize(http, "boards:read", ttl="2")).json()
    assert body["expires_in"] == 2
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert http.get("/v5/boards", headers=bearer).status_code == 200
    clock.now += 2
    expired = http.get("/v5/boards", headers=bearer)
    assert expired.status_code == 401 and expired.json()["code"] == 2
    assert http.post("/_sim/authorize", data={"app_id": DEMO_STANDARD.app_id, "scope": "boards:read",
                                              "ttl": "soon"}).status_code == 400
