"""The simulator's app-level refusals: an app awaiting approval, restricted (beta) features [FACTS §8]."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from pinscope import cli
from pinscope.catalog import Operation, default_catalog
from pinscope.commands.simulate import config_from
from pinscope.simulator import DEMO_STANDARD, DEMO_UNAPPROVED, App, SimConfig, Simulator
from pinscope.simulator.access import feature
from pinscope.simulator.errors import MISSING_SCOPES

PROD = "https://api.pinterest.com"
SEARCH = "/v5/search/partner/pins"
SEARCH_QUERY = {"term": "pasta", "country_code": "US"}
PIN_SEARCH = "Your application does not have access to this restricted feature: pin_search"
CONSUMER_TYPE = "Your application consumer type is not supported, please contact support."
BETA_OPS = [op for op in default_catalog().operations if op.beta]


def client(sim: Simulator) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=PROD)


def bearer(sim: Simulator, scopes: str | frozenset[str], app: App = DEMO_STANDARD) -> dict[str, str]:
    """Authorization headers for a fresh production token of `app`."""
    wanted = frozenset(scopes.split(",")) if isinstance(scopes, str) else scopes
    token, _ = sim.state.mint("access", app.app_id, "pinscope_demo", wanted, "production")
    return {"Authorization": f"Bearer {token}"}


def test_partner_pin_search_is_refused_naming_pin_search() -> None:
    sim = Simulator()
    reply = client(sim).get(SEARCH, params=SEARCH_QUERY, headers=bearer(sim, "boards:read,pins:read"))
    assert (reply.status_code, reply.json()) == (401, {"code": 3, "message": PIN_SEARCH})


def test_an_app_given_the_feature_gets_the_answer() -> None:
    given = replace(DEMO_STANDARD, features=frozenset({"pin_search"}))
    sim = Simulator(SimConfig(apps=(given,)))
    reply = client(sim).get(SEARCH, params=SEARCH_QUERY, headers=bearer(sim, "boards:read,pins:read", given))
    assert reply.status_code == 200


@pytest.mark.parametrize(("features", "given"), [
    ([], set()), (["--features", "all"], {feature(op) for op in BETA_OPS}),
    (["--features", "pin_search, ad_groups_create"], {"pin_search", "ad_groups_create"})])
def test_simulate_features_option_gives_every_app_those_features(features: list[str], given: set) -> None:
    config = config_from(cli.build_parser().parse_args(["simulate", *features]))
    assert [set(app.features) for app in config.apps] == [given] * len(config.apps)
    sim = Simulator(config)
    reply = client(sim).get(SEARCH, params=SEARCH_QUERY, headers=bearer(sim, "boards:read,pins:read"))
    assert reply.status_code == (200 if "pin_search" in given else 401)


def test_missing_scopes_are_said_before_the_feature() -> None:
    sim = Simulator()
    reply = client(sim).get(SEARCH, params=SEARCH_QUERY, headers=bearer(sim, "pins:read"))
    assert (reply.status_code, reply.json()["message"]) == (401, MISSING_SCOPES[2])


@pytest.mark.parametrize("op", BETA_OPS, ids=lambda op: op.label)
def test_every_beta_operation_names_its_feature(op: Operation) -> None:
    sim = Simulator()
    path = "/v5" + "/".join("1234" if s.startswith("{") else s for s in op.path.split("/"))
    reply = client(sim).request(op.method, path, headers=bearer(sim, op.scope_sets[0]))
    message = f"Your application does not have access to this restricted feature: {feature(op)}"
    assert (reply.status_code, reply.json()) == (401, {"code": 3, "message": message})


def test_only_beta_operations_belong_to_a_feature() -> None:
    catalog = default_catalog()
    assert feature(catalog.by_id["search_partner_pins"]) == "pin_search"
    assert feature(catalog.by_id["multi_pins/analytics"]) == "multi_pins_analytics"
    assert {op.operation_id for op in catalog.operations if feature(op)} == {op.operation_id for op in BETA_OPS}


@pytest.mark.parametrize(("method", "path", "scopes"), [
    ("GET", "/v5/user_account", "user_accounts:read"),
    ("GET", "/v5/boards", "boards:read,boards:write,pins:read,pins:write,user_accounts:read"),
    ("POST", "/v5/pins", "boards:read,boards:write,pins:read,pins:write"),
    ("GET", "/v5/boards", "pins:read"),  # even a token short of scopes hears about the app first
])
def test_an_app_awaiting_approval_is_refused_every_call(method: str, path: str, scopes: str) -> None:
    sim = Simulator()
    reply = client(sim).request(method, path, headers=bearer(sim, scopes, DEMO_UNAPPROVED), json={})
    assert (reply.status_code, reply.json()) == (401, {"code": 3, "message": CONSUMER_TYPE})


def test_an_app_awaiting_approval_still_gets_tokens_and_is_listed() -> None:
    sim = Simulator()
    http = client(sim)
    granted = http.post("/_sim/token", data={"app_id": DEMO_UNAPPROVED.app_id, "scope": "user_accounts:read"})
    assert granted.status_code == 200 and granted.json()["access_token"].startswith("pina_")
    listed = {a["app_id"]: a for a in http.get("/_sim").json()["apps"]}
    assert listed[DEMO_UNAPPROVED.app_id]["approved"] is False
    assert (listed[DEMO_STANDARD.app_id]["approved"], listed[DEMO_STANDARD.app_id]["features"]) == (True, [])
    assert DEMO_UNAPPROVED.secret not in http.get("/_sim").text


def test_unknown_token_is_still_401_code_2_for_the_unapproved_app() -> None:
    reply = client(Simulator()).get("/v5/user_account", headers={"Authorization": "Bearer pina_AMAnope"})
    assert reply.json()["code"] == 2
