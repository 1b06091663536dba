"""Property-based tests of the addon's hooks: any traffic passes unchanged apart from pinscope's own
annotations, no hook or detector fails, and no secret reaches a comment or the metadata."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from mitmproxy import http

from pinscope.addon import Pinscope
from pinscope.engine import SILENCE_HEADER
from tests.test_fuzz_strategies import FUZZ, flows, secret_free

ANNOTATIONS = ("comment", "marked", "metadata")


def untouched_state(flow: http.HTTPFlow) -> dict:
    """The flow's state without what pinscope may write (and without the header it strips)."""
    state = {k: v for k, v in flow.get_state().items() if k not in ANNOTATIONS}
    request = dict(state["request"])
    request["headers"] = tuple(f for f in request["headers"] if f[0].lower() != SILENCE_HEADER.encode())
    state["request"] = request
    return state


def run(addon: Pinscope, flow: http.HTTPFlow) -> None:
    """The hooks mitmproxy calls for a finished flow, in its order."""
    addon.request(flow)
    if flow.response is not None:
        addon.response(flow)
    if flow.error is not None:
        addon.error(flow)


@FUZZ
@given(st.lists(flows(), min_size=1, max_size=5))
def test_hooks_never_fail_and_change_only_annotations(traffic: list[http.HTTPFlow]) -> None:
    addon = Pinscope()
    for flow in traffic:
        before = untouched_state(flow)
        run(addon, flow)
        assert untouched_state(flow) == before
        assert SILENCE_HEADER not in flow.request.headers
        assert secret_free(flow.comment) and secret_free(repr(flow.metadata))
    assert addon.failed_hooks == set()
    assert addon.engine._failed_rules == set()


@FUZZ
@given(flows())
def test_a_request_changed_between_hooks_is_read_again(flow: http.HTTPFlow) -> None:
    addon = Pinscope()
    addon.request(flow)
    flow.request.path = "/v5/boards"  # another addon rewrote it after pinscope's request hook
    flow.request.host_header = "api.pinterest.com"
    run_rest = addon.response if flow.response is not None else addon.error
    run_rest(flow)
    assert addon.failed_hooks == set()
    context = flow.metadata.get("pinscope_context")
    if flow.response is not None or flow.error is not None:
        assert context is not None and context["operation"] == "GET /v5/boards" or flow.request.method != "GET"
