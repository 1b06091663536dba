"""Property-based tests of exchange.py: any flow becomes an Exchange, secret-free, and the fast paths
(candidate, pretty_host, header reading, request-phase reuse) agree with what they replace."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st
from mitmproxy.net.http import url

from pinscope import exchange
from pinscope.engine import SILENCE_HEADER
from pinscope.exchange import REDACTED_HEADERS
from tests.test_fuzz_strategies import FUZZ, flows, secret_free

CACHED = ("request_json", "response_json", "error_code", "error_message", "rate_limit")


def plain(ex: exchange.Exchange) -> dict:
    """An Exchange's fields, without values cached on first use."""
    return {k: v for k, v in vars(ex).items() if k not in CACHED}


@FUZZ
@given(flows())
def test_any_flow_becomes_a_secret_free_exchange(flow) -> None:
    ex = exchange.from_flow(flow)
    # The derived values must not raise either, whatever the bodies and headers hold.
    assert ex.error_code is None or isinstance(ex.error_code, int)
    assert isinstance(ex.error_message, str) and len(ex.error_message) <= 500
    ex.request_json, ex.response_json, ex.rate_limit, ex.request_id  # noqa: B018
    shown = [ex.url, ex.path, ex.query, ex.request_form, ex.credential, ex.leaked, ex.query_tokens, ex.grant,
             {k: v for k, v in ex.request_headers.items() if k in REDACTED_HEADERS}]
    assert secret_free(repr(shown))
    assert all(ex.request_headers[name].replace("[redacted]", "").strip(", ") == ""
               for name in REDACTED_HEADERS if name in ex.request_headers)
    if ex.response_body is not None:
        assert len(ex.response_body) <= exchange.MAX_PARSE_BYTES


@FUZZ
@given(flows())
def test_candidate_admits_everything_the_addon_reads(flow) -> None:
    request = flow.request
    wanted = (exchange.pretty_host(request).lower() in exchange.API_HOSTS or exchange.might_leak(request)
              or SILENCE_HEADER in request.headers)
    assert exchange.candidate(request) or not wanted


@FUZZ
@given(flows())
def test_pretty_host_and_headers_read_as_mitmproxy_reads_them(flow) -> None:
    request = flow.request
    try:
        expected = request.pretty_host
    except OverflowError:  # mitmproxy's IDNA decoding of crafted names; pinscope falls back
        expected = None
    if expected is not None:
        assert exchange.pretty_host(request) == expected
    reference: dict[str, str] = {}
    for name, value in request.headers.items(multi=True):
        name = name.lower()
        value = "[redacted]" if name in REDACTED_HEADERS else value
        reference[name] = f"{reference[name]}, {value}" if name in reference else value
    headers, authorization = exchange.read_headers(request.headers)
    assert headers == reference
    assert authorization == request.headers.get("authorization")


@FUZZ
@given(st.text(max_size=40) | st.sampled_from(("api.pinterest.com:443", "xn--6553565535a", "[::1]:8080",
                                                "a..b", "a.b.:99999", "API.PINTEREST.COM.", "h\n")))
def test_authority_host_is_mitmproxys_parse_authority(authority: str) -> None:
    try:
        expected = url.parse_authority(authority, check=False)[0]
    except OverflowError:
        expected = authority
    assert exchange.authority_host(authority) == expected


@FUZZ
@given(flows())
def test_response_phase_reuses_the_request_phase_exactly(flow) -> None:
    response, flow.response = flow.response, None
    before = exchange.from_flow(flow)  # the request phase
    key = exchange.request_key(flow.request)
    flow.response = response
    assert exchange.unchanged(key, flow.request)
    assert plain(exchange.from_flow(flow, before)) == plain(exchange.from_flow(flow))


@FUZZ
@given(flows(), st.sampled_from(("header", "path", "content", "host", "method")))
def test_a_changed_request_is_noticed(flow, change: str) -> None:
    key = exchange.request_key(flow.request)
    edited = copy.deepcopy(flow.request)
    if change == "header":
        edited.headers["authorization"] = "Bearer pina_CHANGEDCHANGEDCHANGED0001"
    elif change == "path":
        edited.path = edited.path + "x"
    elif change == "content":
        edited.content = (edited.raw_content or b"") + b"x"
    elif change == "host":
        edited.host = "changed.example"
    else:
        edited.method = "PURGE"
    flow.request = edited
    assert not exchange.unchanged(key, flow.request)
