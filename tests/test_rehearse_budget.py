"""pinscope_rehearse_budget: published quotas scaled, counted per token and category like the simulator."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from mitmproxy import exceptions, http
from mitmproxy.test import taddons, tflow, tutils

from pinscope.catalog import default_catalog
from pinscope.published import quotas
from pinscope.rehearse import METADATA_KEY, inject, rehearsed
from pinscope.rehearse.addon import BUDGET_KEY, Rehearsal
from pinscope.rehearse.budget import BudgetBook, ScaledBudget, parse_fraction, rejection, rewrite_headers
from pinscope.rehearse.plan import RehearsalError
from pinscope.simulator import DEMO_STANDARD, SimConfig, Simulator
from pinscope.simulator.errors import RATE_LIMITED
from tests.flowkit import ACCESS, ACCESS_2, PROD, T0

ANALYTICS = "/v5/user_account/analytics"  # org_analytics: 60 per minute, 6 at 0.1


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def book(scale: float = 0.1) -> tuple[BudgetBook, Clock]:
    clock = Clock()
    return BudgetBook(scale, clock), clock


def operation(path: str = ANALYTICS, method: str = "GET"):  # noqa: ANN201
    return default_catalog().match(method, path.removeprefix("/v5")).operation


def remaining(book: BudgetBook, token: str = ACCESS, path: str = ANALYTICS) -> str:
    charge = book.charge(PROD, operation(path), f"Bearer {token}")
    assert charge is not None
    return charge.verdict.headers["X-RateLimit-Remaining"] if charge.verdict.allowed else "429"


@pytest.mark.parametrize("text", ["0", "-0.1", "1.5", "abc", "nan", "inf", "10%"])
def test_only_a_fraction_is_accepted(text: str) -> None:
    with pytest.raises(RehearsalError, match="pinscope_rehearse_budget must be a fraction") as caught:
        parse_fraction(text)
    assert "\n" not in str(caught.value)


def test_empty_is_off_and_fractions_parse() -> None:
    assert parse_fraction("") is None and parse_fraction(" ") is None
    assert parse_fraction("0.1") == 0.1 and parse_fraction("1") == 1.0


def test_every_published_quota_is_scaled() -> None:
    limiter = ScaledBudget(Clock(), 0.1)
    for name, quota in quotas().categories.items():
        per_minute = quota.standard_per_minute or 1000  # msot_write: no published number
        assert limiter.policies(name) == [(100, 1), (max(1, int(per_minute * 0.1)), 60)], name


def test_budget_runs_out_per_token_and_category() -> None:
    budget, _ = book()
    assert [remaining(budget) for _ in range(7)] == ["5", "4", "3", "2", "1", "0", "429"]
    assert remaining(budget, ACCESS_2) == "5"  # another token has its own budget
    boards = budget.charge(PROD, operation("/v5/boards"), f"Bearer {ACCESS}")  # org_read: 1000 -> 100
    assert boards is not None and boards.verdict.allowed
    # The universal 100/s (unscaled, shared by all categories) binds: 6 counted + this one.
    assert boards.verdict.headers == {"X-RateLimit-Limit": "100, 100;w=1, 100;w=60",
                                      "X-RateLimit-Remaining": "93", "X-RateLimit-Reset": "1"}


def test_budget_resets_after_the_window() -> None:
    budget, clock = book()
    for _ in range(6):
        remaining(budget)
    clock.now += 59
    charge = budget.charge(PROD, operation(), f"Bearer {ACCESS}")
    assert charge is not None and not charge.verdict.allowed
    assert charge.verdict.headers["X-RateLimit-Reset"] == "1"
    clock.now += 1
    assert remaining(budget) == "5"


def test_a_call_without_a_token_is_not_counted() -> None:
    budget, _ = book()
    assert budget.charge(PROD, operation(), None) is None  # Pinterest answers 401 before counting
    assert remaining(budget) == "5"


def test_each_host_has_its_own_budget() -> None:
    budget, _ = book()
    remaining(budget)
    sandbox = budget.charge("api-sandbox.pinterest.com", operation(), f"Bearer {ACCESS}")
    assert sandbox is not None and sandbox.verdict.headers["X-RateLimit-Remaining"] == "5"


def simulator_session(clock: Clock) -> tuple[Simulator, httpx.Client]:
    sim = Simulator(SimConfig(rate_scale=0.1), clock=clock)
    client = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=f"https://{PROD}")
    token = client.post("/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": "user_accounts:read"})
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return sim, client


def test_headers_and_429_equal_the_simulators_field_by_field() -> None:
    clock = Clock()
    _, client = simulator_session(clock)
    budget = BudgetBook(0.1, clock)
    for step in range(8):
        clock.now += 3  # resets count down the same way on both sides
        real = client.get(ANALYTICS, params={"start_date": "2026-01-01", "end_date": "2026-01-02"})
        charge = budget.charge(PROD, operation(), client.headers["Authorization"])
        assert charge is not None
        ours = {k.lower(): v for k, v in charge.verdict.headers.items()}
        theirs = {k: v for k, v in real.headers.items() if k.startswith("x-ratelimit-")}
        assert ours == theirs, step
        assert charge.verdict.allowed == (real.status_code == 200), step
    assert real.status_code == 429
    injected = inject.render(rejection(charge.verdict), real.headers["x-pinterest-rid"])
    assert injected.status == 429
    assert injected.headers == [(k.decode(), v.decode()) for k, v in real.headers.raw]  # names, case, order
    assert injected.body == real.content
    assert json.loads(injected.body) == {"code": RATE_LIMITED[1], "message": RATE_LIMITED[2]}


def test_rewrite_replaces_every_ratelimit_header_and_keeps_the_rest() -> None:
    headers = http.Headers([(b"Content-Type", b"application/json"), (b"X-RateLimit-Limit", b"100, 100;w=1"),
                            (b"x-ratelimit-remaining", b"99"), (b"X-RateLimit-Reset", b"1"),
                            (b"x-pinterest-rid", b"abc")])
    scaled = {"X-RateLimit-Limit": "6, 100;w=1, 6;w=60", "X-RateLimit-Remaining": "5",
              "X-RateLimit-Reset": "60"}
    rewrite_headers(headers, scaled)
    assert headers.fields == ((b"Content-Type", b"application/json"), (b"x-pinterest-rid", b"abc"),
                              (b"X-RateLimit-Limit", b"6, 100;w=1, 6;w=60"),
                              (b"X-RateLimit-Remaining", b"5"), (b"X-RateLimit-Reset", b"60"))


def call(path: str = ANALYTICS, host: str = PROD, token: str = ACCESS) -> http.HTTPFlow:
    request = tutils.treq(host=host, port=443, scheme=b"https", path=path.encode(), method=b"GET",
                          headers=((b"Authorization", f"Bearer {token}".encode()),))
    flow = tflow.tflow(req=request)
    flow.live = True
    return flow


def answered(addon: Rehearsal, flow: http.HTTPFlow, pinterest: http.Response) -> http.HTTPFlow:
    """The request hook, then (unless it answered) Pinterest's answer and the response hook."""
    asyncio.run(addon.request(flow))
    if flow.response is None:
        flow.response = pinterest.copy()
        addon.response(flow)
    return flow


def pinterest_200() -> http.Response:
    return tutils.tresp(status_code=200, content=b'{"all": {}}', headers=http.Headers(
        [(b"content-type", b"application/json"), (b"x-ratelimit-limit", b"100, 100;w=1, 60;w=60"),
         (b"x-ratelimit-remaining", b"59"), (b"x-ratelimit-reset", b"1"), (b"x-pinterest-rid", b"r1")]))


def test_through_the_addon_headers_rewritten_then_429_never_reaching_pinterest() -> None:
    clock = Clock()
    addon = Rehearsal(clock=clock)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match="fraction"):
            tctx.configure(addon, pinscope_rehearse_budget="2")
        tctx.configure(addon, pinscope_rehearse_budget="0.1")
        flows = [answered(addon, call(), pinterest_200()) for _ in range(7)]
        first, spent = flows[0], flows[6]
        assert first.response.headers.fields == (
            (b"content-type", b"application/json"), (b"x-pinterest-rid", b"r1"),
            (b"X-RateLimit-Limit", b"6, 100;w=1, 6;w=60"), (b"X-RateLimit-Remaining", b"5"),
            (b"X-RateLimit-Reset", b"60"))
        assert first.response.content == b'{"all": {}}' and first.comment == ""
        assert rehearsed(first.metadata) is None and first.metadata[BUDGET_KEY]["category"] == "org_analytics"
        left = [f.response.headers["x-ratelimit-remaining"] for f in flows]
        assert left == ["5", "4", "3", "2", "1", "0", "0"]
        assert spent.response.status_code == 429 and BUDGET_KEY not in spent.metadata
        assert spent.response.json() == {"code": 8, "message": RATE_LIMITED[2]}
        assert spent.response.headers["x-ratelimit-reset"] == "60"
        assert len(spent.response.headers["x-pinterest-rid"]) == 16
        assert spent.comment == "rehearsal: injected 429 code 8, org_analytics budget spent " \
                                "(pinscope_rehearse_budget=0.1)"
        assert rehearsed(spent.metadata) == {"source": "budget", "rule": "pinscope_rehearse_budget=0.1",
                                             "effect": "budget", "status": 429, "code": 8, "seed": addon.seed}
        assert answered(addon, call(token=ACCESS_2), pinterest_200()).response.status_code == 200
        clock.now += 60
        assert answered(addon, call(), pinterest_200()).response.headers["x-ratelimit-remaining"] == "5"


@pytest.mark.parametrize("flow", [call(host="example.com"), call("/v4/boards"), call("/oauth/authorize")],
                         ids=["other host", "not v5", "not the API"])
def test_through_the_addon_other_calls_pass_byte_identical(flow: http.HTTPFlow) -> None:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_budget="0.001")  # every category down to 1 per minute
        for _ in range(3):
            before = flow.copy()
            answered(addon, flow, pinterest_200())
            assert flow.request.get_state() == before.request.get_state()
            response = flow.response
            times = {"timestamp_start": response.timestamp_start, "timestamp_end": response.timestamp_end}
            assert response.get_state() == pinterest_200().get_state() | times
            assert METADATA_KEY not in flow.metadata and BUDGET_KEY not in flow.metadata
            flow.response = None


def test_a_real_429_keeps_pinterests_headers() -> None:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_budget="0.1")
        real = tutils.tresp(status_code=429, headers=http.Headers([(b"x-ratelimit-remaining", b"0")]))
        flow = answered(addon, call(), real)
        assert flow.response.headers.fields == ((b"x-ratelimit-remaining", b"0"),)
