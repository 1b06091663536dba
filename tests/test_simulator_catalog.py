"""Every catalogue operation, answered by the simulator the way the catalogue says it should be."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from pinscope.catalog import Operation, default_catalog
from pinscope.simulator import DEMO_STANDARD, SimConfig, Simulator
from pinscope.simulator.fixtures import World
from pinscope.simulator.resources import index
from pinscope.simulator.validation import invalid_parameters
from tests.flowkit import T0
from tests.simkit import EVERY_FEATURE, Clock

CATALOG = default_catalog()
BEARER_OPS = [op for op in CATALOG.operations if "basic" not in op.auth]
ROLES = index(CATALOG)  # operations answered from the simulator's store: unknown ids are 404s
STORED = {f"{{{r.key}}}" for r in ROLES.values() if r.key}  # `{pin_id}`: a path naming a stored object
HOSTS = {"production": "https://api.pinterest.com", "sandbox": "https://api-sandbox.pinterest.com"}
TODAY = dt.datetime.fromtimestamp(T0, dt.UTC).date()


def concrete(op: Operation, environment: str) -> tuple[str, dict[str, str]]:
    """A request path for `op` with ids the simulator knows, and the query it needs."""
    world = World(environment, "pinscope_demo", "pinscope")
    known = {"pin_id": world.pins()[0]["id"], "board_id": world.boards()[0]["id"],
             "ad_account_id": world.ad_accounts()[0]["id"], "username": "pinscope_demo", "batch_id": "abc123"}
    segments = [known.get(s[1:-1], "1234") if s.startswith("{") else s for s in op.path.split("/")]
    query = {}
    if op.operation_id == "ad_account/analytics":
        query = {"start_date": (TODAY - dt.timedelta(days=6)).isoformat(), "end_date": TODAY.isoformat(),
                 "columns": "TOTAL_CLICKTHROUGH", "granularity": "DAY"}
    return "/v5" + "/".join(segments), query


@pytest.fixture(scope="module")
def sim() -> Simulator:
    return Simulator(SimConfig(apps=(EVERY_FEATURE,), rate_scale=100), clock=Clock())


def body(op: Operation) -> dict | None:
    return {} if op.method in ("POST", "PATCH", "PUT") else None


def call(sim: Simulator, op: Operation, scopes: frozenset[str],
         environment: str = "production") -> httpx.Response:
    token, _ = sim.state.mint("access", DEMO_STANDARD.app_id, "pinscope_demo", scopes, environment)
    path, query = concrete(op, environment)
    http = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=HOSTS[environment])
    return http.request(op.method, path, params=query, headers={"Authorization": f"Bearer {token}"},
                        json=body(op))


def assert_past_every_check(op: Operation, reply: httpx.Response, environment: str) -> None:
    """A success, or (only when the spec's schema refuses the made-up request) 400 code 1 saying why."""
    path, query = concrete(op, environment)
    invalid = invalid_parameters(op, op.path_params(path.removeprefix("/v5")), query, body(op))
    touches_store = op.operation_id in ROLES or any(key in op.path for key in STORED)
    if invalid is None and touches_store and reply.status_code == 404:
        assert reply.json()["message"].endswith("not found.")  # a made-up id, or one deleted by an earlier case
    elif invalid is None:
        assert reply.status_code < 400, reply.text
    else:
        assert (reply.status_code, reply.json()) == (400, {"code": 1, "message": invalid})


def test_catalogue_has_the_expected_shape() -> None:
    assert len(CATALOG.operations) == 231 and len(BEARER_OPS) == 229
    assert all(op.scope_sets for op in BEARER_OPS)


@pytest.mark.parametrize("op", BEARER_OPS, ids=lambda op: op.label)
def test_no_scopes_is_401_code_3(sim: Simulator, op: Operation) -> None:
    reply = call(sim, op, frozenset())
    assert (reply.status_code, reply.json()["code"]) == (401, 3)


@pytest.mark.parametrize("op", BEARER_OPS, ids=lambda op: op.label)
def test_each_scope_set_is_enough_in_production(sim: Simulator, op: Operation) -> None:
    for scopes in op.scope_sets:
        reply = call(sim, op, scopes)
        assert_past_every_check(op, reply, "production")
        if reply.status_code < 400:
            assert reply.headers["x-ratelimit-limit"].startswith("100, 100;w=1")
        other = scopes - {sorted(scopes)[0]}  # one scope short of the set
        if not op.satisfied_by(other):
            assert call(sim, op, other).status_code == 401


@pytest.mark.parametrize("op", BEARER_OPS, ids=lambda op: op.label)
def test_sandbox_host_serves_only_sandbox_enabled_operations(sim: Simulator, op: Operation) -> None:
    reply = call(sim, op, op.scope_sets[0], "sandbox")
    if op.sandbox:
        assert_past_every_check(op, reply, "sandbox")
    else:
        assert reply.status_code == 400 and "Sandbox" in reply.json()["message"]
