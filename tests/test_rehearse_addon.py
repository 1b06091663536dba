"""The Rehearsal addon: options, seeded selection, marking, pass-through, resets."""

from __future__ import annotations

import asyncio

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons, tflow, tutils

from pinscope.rehearse import METADATA_KEY, rehearsed
from pinscope.rehearse.addon import Rehearsal

TOKEN = {"Authorization": "Bearer pina_AMAREHEARSALTOKEN0000000000000000"}


def call(path: str = "/v5/boards", method: str = "GET", host: str = "api.pinterest.com",
         headers: dict[str, str] = TOKEN):  # noqa: ANN201
    request = tutils.treq(host=host, port=443, scheme=b"https", path=path.encode(), method=method.encode(),
                          headers=tuple((k.encode(), v.encode()) for k, v in headers.items()))
    flow = tflow.tflow(req=request)
    flow.live = True
    return flow


def run(addon: Rehearsal, flow) -> object:  # noqa: ANN001
    asyncio.run(addon.request(flow))
    return flow


def test_off_by_default_everything_passes_untouched() -> None:
    addon = Rehearsal()
    with taddons.context(addon):
        flow = call()
        before = flow.get_state()
        run(addon, flow)
        assert flow.get_state() == before and flow.response is None


def test_scopes_answer_401_code_3_and_mark_the_flow() -> None:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_scopes="boards:read,pins:read")
        allowed, refused = run(addon, call("/v5/boards")), run(addon, call("/v5/ad_accounts"))
        assert allowed.response is None and METADATA_KEY not in allowed.metadata
        assert refused.response.status_code == 401 and refused.response.json()["code"] == 3
        assert len(refused.response.headers["x-pinterest-rid"]) == 16
        assert rehearsed(refused.metadata) == {"source": "scopes", "rule": "pinscope_rehearse_scopes=boards:read,"
                                               "pins:read", "effect": "scopes", "status": 401, "code": 3,
                                               "seed": addon.seed}
        assert refused.comment == "rehearsal: injected 401 code 3 (pinscope_rehearse_scopes=boards:read,pins:read)"
        no_token = run(addon, call("/v5/ad_accounts", headers={}))
        other_host = run(addon, call("/v5/ad_accounts", host="example.com"))
        assert no_token.response is None and other_host.response is None


def test_count_then_pass_and_targets() -> None:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_faults="500x2@org_read then pass")
        statuses = [getattr(run(addon, call()).response, "status_code", None) for _ in range(4)]
        assert statuses == [500, 500, None, None]
        assert run(addon, call("/v5/ad_accounts")).response is None  # ads_read: not targeted


def selected(seed: int) -> tuple[list[int], list[str | None]]:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_faults="429@org_read:0.3; reset:0.2", pinscope_rehearse_seed=seed)
        flows = [run(addon, call()) for _ in range(60)]
        return [i for i, f in enumerate(flows) if METADATA_KEY in f.metadata], [
            f.metadata.get(METADATA_KEY, {}).get("effect") for f in flows]


def test_a_seeded_plan_selects_the_same_flows_on_two_runs() -> None:
    first, second, other = selected(7), selected(7), selected(8)
    assert first == second and first != other
    assert {"status", "reset"} <= set(first[1])  # both rules fired, and the rest passed
    assert 0 < len(first[0]) < 60


def test_reset_kills_the_flow_and_says_so() -> None:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_faults="reset")
        flow = run(addon, call())
        assert flow.error is not None and flow.response is None
        assert flow.comment == "rehearsal: connection reset (plan rule reset)"


def test_expire_token_after_its_first_sighting() -> None:
    now = [1000.0]
    addon = Rehearsal(clock=lambda: now[0])
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_rehearse_faults="expire-token:after 300s")
        assert run(addon, call()).response is None
        now[0] += 299
        assert run(addon, call()).response is None
        now[0] += 1
        expired = run(addon, call())
        assert (expired.response.status_code, expired.response.json()["code"]) == (401, 2)
        fresh = {"Authorization": "Bearer pina_AMAREFRESHEDTOKEN000000000000000"}
        assert run(addon, call(headers=fresh)).response is None  # a refreshed token starts its own clock


def test_bad_plans_are_option_errors() -> None:
    addon = Rehearsal()
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match="unknown target 'nowhere'"):
            tctx.configure(addon, pinscope_rehearse_faults="429@nowhere")
        with pytest.raises(exceptions.OptionsError, match="unknown scope"):
            tctx.configure(addon, pinscope_rehearse_scopes="boards:reed")
