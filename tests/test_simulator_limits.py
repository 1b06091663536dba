"""Rate limits: Pinterest's header format, per-category quotas, 429 code 8, windows that reset."""

from __future__ import annotations

import httpx
import pytest

from pinscope.ratelimit import parse_ratelimit
from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, SimConfig, Simulator
from pinscope.simulator.limits import CATEGORY_PER_MINUTE, RateLimiter
from tests.flowkit import T0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def session(sim: Simulator, scopes: str = "boards:read,ads:read", app_id: str = DEMO_STANDARD.app_id,
            user: str = "pinscope_demo") -> httpx.Client:
    http = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="https://api.pinterest.com")
    reply = http.post("/_sim/token", data={"app_id": app_id, "scope": scopes, "user": user})
    http.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
    return http


def test_headers_match_the_observed_format() -> None:
    reply = session(Simulator(clock=Clock())).get("/v5/boards")  # org_read: 1000/min
    assert reply.headers["x-ratelimit-limit"] == "100, 100;w=1, 1000;w=60"
    assert reply.headers["x-ratelimit-remaining"] == "99"
    assert reply.headers["x-ratelimit-reset"] == "1"
    policy = parse_ratelimit({k.lower(): v for k, v in reply.headers.items()})
    assert policy is not None and policy.windows == ((100, 1), (1000, 60)) and policy.binding_window == 1


def test_scaled_category_quota_runs_out_then_resets() -> None:
    clock = Clock()
    http = session(Simulator(SimConfig(rate_scale=0.003), clock=clock))  # org_read 1000 -> 3 per minute
    remaining = [http.get("/v5/boards").headers["x-ratelimit-remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    clock.now += 10
    limited = http.get("/v5/boards")
    assert limited.status_code == 429 and limited.json()["code"] == 8
    assert limited.headers["x-ratelimit-limit"] == "3, 100;w=1, 3;w=60"
    assert limited.headers["x-ratelimit-remaining"] == "0" and limited.headers["x-ratelimit-reset"] == "50"
    assert http.get("/v5/ad_accounts").status_code == 200  # another category has its own budget
    clock.now += 50
    assert http.get("/v5/boards").status_code == 200


def test_universal_limit_of_100_per_second() -> None:
    clock = Clock()
    http = session(Simulator(clock=clock))
    statuses = [http.get("/v5/boards" if i % 2 else "/v5/ad_accounts").status_code for i in range(101)]
    assert statuses[:100] == [200] * 100 and statuses[100] == 429
    clock.now += 1
    assert http.get("/v5/boards").status_code == 200


def test_budget_is_per_user_per_app() -> None:
    sim = Simulator(SimConfig(rate_scale=0.001), clock=Clock())  # org_read -> 1 per minute
    first = session(sim)
    assert first.get("/v5/boards").status_code == 200
    assert session(sim).get("/v5/boards").status_code == 429  # same user and app, new token
    assert session(sim, user="someone_else").get("/v5/boards").status_code == 200
    assert session(sim, app_id=DEMO_TRIAL.app_id).get("/v5/boards").status_code == 200


@pytest.mark.parametrize("category", sorted(CATEGORY_PER_MINUTE))
def test_every_category_quota_is_announced(category: str) -> None:
    limiter = RateLimiter(Clock(), scale=1.0)
    verdict = limiter.take(("k",), category)
    assert verdict.allowed
    assert verdict.headers["X-RateLimit-Limit"].endswith(f", {CATEGORY_PER_MINUTE[category]};w=60")


def test_rejected_requests_do_not_count() -> None:
    limiter = RateLimiter(Clock(), scale=0.001)
    assert limiter.take("k", "org_write").allowed  # 100 * 0.001 -> at least 1
    assert not limiter.take("k", "org_write").allowed
    assert limiter.take("k", "org_read").headers["X-RateLimit-Remaining"] == "0"  # org_read: 1 per minute
    universal = limiter.take("k", None).headers
    assert universal["X-RateLimit-Limit"] == "100, 100;w=1"
    assert universal["X-RateLimit-Remaining"] == "97"  # 3 counted: the refused request is not among them
