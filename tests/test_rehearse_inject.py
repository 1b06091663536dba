"""Each injected answer against the simulator's answer for the same case, field by field."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from pinscope.catalog import default_catalog
from pinscope.rehearse import inject
from pinscope.rehearse.plan import parse_faults
from pinscope.simulator import DEMO_STANDARD, Simulator
from pinscope.simulator.faults import HEADER
from pinscope.simulator.state import SimConfig

CATALOG = default_catalog()
ANALYTICS = "/v5/user_account/analytics?start_date=2025-01-01&end_date=2025-01-10"
EVENTS = "/v5/ad_accounts/549755885175/events"


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def simulator(ttl: float = 3600) -> tuple[Simulator, Clock, httpx.Client]:
    clock = Clock()
    sim = Simulator(SimConfig(token_ttl=ttl), clock=clock)
    return sim, clock, httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="https://api.pinterest.com")


def bearer(client: httpx.Client, scopes: str) -> dict[str, str]:
    reply = client.post("/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": scopes})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def injected(reply: inject.Reply) -> tuple[int, dict[str, str], bytes]:
    answer = inject.render(reply, "0123456789abcdef")
    assert dict(answer.headers)["x-pinterest-rid"] == "0123456789abcdef"
    return answer.status, _fields(answer.headers), answer.body


def simulated(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    assert len(response.headers["x-pinterest-rid"]) == inject.RID_LENGTH
    return response.status_code, _fields(response.headers.items()), response.content


def _fields(headers) -> dict[str, str]:  # noqa: ANN001
    """Every header but the request id, which differs on every answer."""
    return {k.lower(): v for k, v in headers if k.lower() != "x-pinterest-rid"}


def operation(method: str, path: str):  # noqa: ANN201
    return CATALOG.match(method, path.partition("?")[0].removeprefix("/v5")).operation


def rule(text: str):  # noqa: ANN201
    (parsed,) = parse_faults(text, CATALOG)
    return parsed


def test_missing_scopes_is_the_simulators_401_code_3() -> None:
    _, _, client = simulator()
    answer = client.get("/v5/boards", headers=bearer(client, "pins:read"))
    assert answer.json()["code"] == 3
    assert injected(inject.missing_scopes()) == simulated(answer)


def test_a_429_is_the_simulators_when_the_category_quota_is_spent() -> None:
    _, _, client = simulator()
    token = bearer(client, "user_accounts:read")
    statuses = [client.get(ANALYTICS, headers=token).status_code for _ in range(61)]  # org_analytics: 60/min
    assert statuses == [200] * 60 + [429]
    answer = client.get(ANALYTICS, headers=token)
    fields = injected(inject.fault_reply(rule("429@org_analytics"), operation("GET", ANALYTICS)))
    assert fields == simulated(answer)
    assert fields[1]["x-ratelimit-limit"] == "60, 100;w=1, 60;w=60" and fields[1]["x-ratelimit-remaining"] == "0"


def test_a_429_without_a_category_names_the_universal_limit() -> None:
    op = dataclasses.replace(operation("GET", "/v5/boards"), category=None)  # none today; the universal limit stays
    _, headers, _ = injected(inject.rate_limited(op))
    assert headers["x-ratelimit-limit"] == "100, 100;w=1" and headers["x-ratelimit-reset"] == "1"


@pytest.mark.parametrize(("text", "fault"), [("500", "500"), ("503-4197", "503-4197"), ("501-4181", "501-4181"),
                                             ("spam-429", "spam-429"), ("429-8", "429")])
def test_forced_faults_are_the_simulators(text: str, fault: str) -> None:
    _, _, client = simulator()
    answer = client.post(EVENTS, headers={HEADER: fault}, json={"data": []})
    if fault == "429":  # X-Sim-Fault's 429 carries no rate-limit headers; the rehearsal's does, as a real 429
        reply = inject.fault_reply(rule(text), operation("POST", EVENTS))
        status, headers, body = injected(reply)
        assert (status, body) == simulated(answer)[::2] and "x-ratelimit-limit" in headers
        return
    assert injected(inject.fault_reply(rule(text), operation("POST", EVENTS))) == simulated(answer)


def test_an_expired_token_is_the_simulators_401_code_2() -> None:
    _, clock, client = simulator(ttl=60)
    token = bearer(client, "boards:read")
    assert client.get("/v5/boards", headers=token).status_code == 200
    clock.now += 61
    answer = client.get("/v5/boards", headers=token)
    assert answer.json()["code"] == 2
    assert injected(inject.fault_reply(rule("expire-token:after 60s"), operation("GET", "/v5/boards"))) \
        == simulated(answer)


def test_request_ids_are_deterministic_and_distinct() -> None:
    assert inject.rid(7, 1) == inject.rid(7, 1) != inject.rid(7, 2) != inject.rid(8, 1)
    assert len(inject.rid(7, 1)) == inject.RID_LENGTH
