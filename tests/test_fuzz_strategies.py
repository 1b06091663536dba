"""Hypothesis strategies for the fuzz tests (arbitrary, often broken, real mitmproxy flows) and a check
that they reach every kind of input they promise.

Bodies come truncated, binary, non-UTF-8, empty, oversized or wrongly encoded; headers duplicated,
absurd or undecodable; flows without responses, with errors, over HTTP/2 or as websockets.
Every secret used is one of tests.flowkit.SECRETS, so a test can search any output for them.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from mitmproxy import http
from mitmproxy.flow import Error
from mitmproxy.net import encoding
from mitmproxy.test import tflow
from mitmproxy.websocket import WebSocketData

from pinscope.exchange import MAX_PARSE_BYTES
from tests.flowkit import ACCESS, ACCESS_2, APP_ID, APP_SECRET, AUTH_CODE, PROD, REFRESH, SANDBOX, SECRETS, T0, basic

CI = bool(os.environ.get("CI"))
# Moderate by default so the suite stays fast; PINSCOPE_FUZZ_EXAMPLES=2000 for a long local hunt.
FUZZ = settings(
    max_examples=int(os.environ.get("PINSCOPE_FUZZ_EXAMPLES", "40")), deadline=None, derandomize=CI,
    database=None if CI else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

HUGE = (b'{"code": 3, "message": "' + b"x" * MAX_PARSE_BYTES + b'"}', b"\x00\xff" * (MAX_PARSE_BYTES // 2 + 8))
WORDS = ("pins", "boards", "user_account", "ad_accounts", "analytics", "targeting_analytics", "reports",
         "oauth", "token", "media", "sections", "ads", "campaigns", "catalogs", "me", "following", "pin")
IDS = ("123", "813744226420795884", "549755885175", "abc", "-1", "%2F", "..", "", ACCESS, "x" * 300, "\u00e9")
VERSIONS = ("/v5", "/v5", "/v3", "/v1", "", "/V5", "/v")
QUERY_KEYS = ("access_token", "refresh_token", "ad_account_id", "start_date", "end_date", "granularity",
              "campaign_ids", "ad_ids", "targeting_types", "columns", "page_size", "bookmark", "level",
              "conversion_report_time", "click_window_days", "aggregate_report_rows", "code", "x")
# Token-shaped secrets may appear anywhere; an app secret or an authorization code has no shape, so it
# only appears under the names that carry one (pinscope recognises it by the name).
TOKENS = (ACCESS, ACCESS_2, REFRESH)
NAMED_SECRETS = {"code": AUTH_CODE, "client_secret": APP_SECRET, "refresh_token": REFRESH, "access_token": ACCESS}
QUERY_VALUES = ("2026-01-01", "2025-01-01", "2026-13-45", "DAY", "HOUR", "COUNTRY,REGION", "LOCATION", "1,2,3",
                "true", "TIME_OF_CONVERSION", "7", "", *TOKENS, "%FF", "a=b", "\u2603")
KEYS = ("code", "message", "message_detail", "status", "items", "exceptions", "errors", "media", "media_type",
        "video_url", "item_type", "access_token", "refresh_token", "scope", "expires_in", "response_type",
        "refresh_token_expires_in", "data", "metrics", "DATE", "CAMPAIGN_ID", "id", "pin_id", "is_removable",
        "item_id", "bookmark", "start_date", "end_date", "granularity", "level")
AUTHORIZATIONS = (f"Bearer {ACCESS}", f"Bearer {REFRESH}", f"bearer  {ACCESS} ", ACCESS, "Bearer", "Bearer ",
                  basic(), basic(secret=""), f"Basic {APP_ID}:{APP_SECRET}", "Basic !!!notbase64", "Token abc",
                  f"Bearer {APP_SECRET}", "", "Basic " + "QQ==" * 3)
RATE_VALUES = ("100, 100;w=1, 1000;w=60", "0", "1", "-1", "1e309", "nan", "inf", "99999999999999999999",
               "100;w=0", ",,,;;;", "100;w=1;w=2", "\u0663", "1.5", "", " 7 ", "100, 100;w=1" * 50)
ENCODINGS = ("gzip", "br", "zstd", "deflate", "identity")
STATUSES = (200, 200, 201, 204, 400, 401, 401, 403, 404, 405, 429, 500, 503)

text = st.text(max_size=24)
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), text,
                      st.sampled_from((*QUERY_VALUES, "video", "image", "sandbox")))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(KEYS) | text, inner, max_size=5), max_leaves=12)
error_body = st.fixed_dictionaries({
    "code": st.one_of(st.sampled_from((1, 2, 3, 8, 29, 283, 1104, 1201, 2625, 2626, 4197)), st.integers(),
                      st.sampled_from(("3", " 2 ", "29", "1e3", "\u0663", "9" * 30)), st.booleans(), st.none(),
                      st.floats(allow_nan=True)),
    "message": st.one_of(text, st.sampled_from(("Authentication failed.", "Access token expired", "spam",
                                                 f"token {ACCESS} is revoked", "use the sandbox"))),
}, optional={"message_detail": json_leaf, "status": json_leaf})
json_bytes = st.one_of(json_value, error_body).map(lambda v: json.dumps(v).encode())


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """Valid, truncated, binary, non-UTF-8, empty or oversized bodies."""
    kind = draw(st.sampled_from(("json", "json", "truncated", "binary", "latin1", "empty", "huge")))
    if kind == "json":
        return draw(json_bytes)
    if kind == "truncated":
        whole = draw(json_bytes)
        return whole[:draw(st.integers(0, max(0, len(whole) - 1)))]
    if kind == "binary":
        return draw(st.binary(max_size=64))
    if kind == "latin1":
        return json.dumps({"message": draw(text)}, ensure_ascii=False).encode("utf-8") + b"\xff\xfe\x80"
    return b"" if kind == "empty" else draw(st.sampled_from(HUGE))


@st.composite
def encoded(draw: st.DrawFn, body: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The body, possibly compressed (validly or not), with its Content-Encoding field."""
    name = draw(st.none() | st.sampled_from((*ENCODINGS, "gzip, br", "bogus", "GZIP")))
    if name is None:
        return body, []
    if name in ENCODINGS and len(body) < 4096 and draw(st.booleans()):
        body = encoding.encode(body, name)  # valid, unless cut short below
        if draw(st.booleans()):
            body = body[: len(body) // 2]
    return body, [(b"content-encoding", name.encode())]


def header_fields(names: tuple[str, ...], values: st.SearchStrategy) -> st.SearchStrategy:
    """Header fields as raw bytes: duplicated names, odd case, undecodable values."""
    value = st.one_of(values.map(lambda v: v.encode("utf-8", "surrogatepass")), st.binary(max_size=24))
    name = st.sampled_from(names).map(lambda n: n.encode()) | st.sampled_from(names).map(lambda n: n.upper().encode())
    return st.lists(st.tuples(name, value), max_size=8)


request_fields = header_fields(
    ("authorization", "content-type", "user-agent", "cookie", "x-pinscope-silence", "x-custom", "accept"),
    st.one_of(st.sampled_from(AUTHORIZATIONS), st.sampled_from((
        "application/json", "application/x-www-form-urlencoded", "Mozilla/5.0 (Pinterest Image Proxy/1.0)",
        "insufficient-scope, rate-limited", "no-such-rule", f"session={ACCESS}")), text))
response_fields = header_fields(
    ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-pinterest-rid", "content-type",
     "set-cookie"), st.one_of(st.sampled_from(RATE_VALUES), text))


form_fields = st.sampled_from(sorted(NAMED_SECRETS.items())) | st.tuples(
    st.sampled_from(("grant_type", "redirect_uri", "scope", "continuous_refresh")),
    st.sampled_from(("refresh_token", "authorization_code", "client_credentials", "true", *TOKENS)) | text)


@st.composite
def paths(draw: st.DrawFn) -> bytes:
    """A request target: an API-ish path with segments, ids and a query, as raw bytes."""
    segments = draw(st.lists(st.sampled_from(WORDS) | st.sampled_from(IDS) | text, max_size=5))
    path = draw(st.sampled_from(VERSIONS)) + "/" + "/".join(segments) + draw(st.sampled_from(("", "", "/")))
    pairs = draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), st.sampled_from(QUERY_VALUES) | text), max_size=5))
    pairs += draw(st.lists(st.sampled_from(sorted(NAMED_SECRETS.items())), max_size=2))
    if pairs:
        path += "?" + "&".join(f"{k}={v}" for k, v in pairs)
    raw = path.encode("utf-8", "surrogatepass")
    return raw + draw(st.sampled_from((b"", b"", b"&x=\xff\xfe", b"\x80")))


@st.composite
def flows(draw: st.DrawFn, *, at: float | None = None) -> http.HTTPFlow:
    """One arbitrary flow: request, maybe a response, maybe an error, sometimes HTTP/2 or a websocket."""
    host = draw(st.sampled_from((PROD, PROD, SANDBOX, "API.Pinterest.com", "www.pinterest.com", "example.com",
                                 "127.0.0.1", "xn--6553565535a")))
    version = draw(st.sampled_from((b"HTTP/1.1", b"HTTP/1.1", b"HTTP/2.0", b"HTTP/1.0")))
    # The name the client asked for (Host, :authority): in transparent mode `host` is only the address.
    asked = draw(st.sampled_from((host, host, PROD, "example.com")))
    body, encoding_field = draw(bodies().flatmap(encoded))
    host_field = [(b"host", asked.encode())] if version != b"HTTP/2.0" or draw(st.booleans()) else []
    fields = [*host_field, *encoding_field, *draw(request_fields)]
    if draw(st.booleans()):
        form = "&".join(f"{k}={v}" for k, v in draw(st.lists(form_fields, max_size=4)))
        body = form.encode("utf-8", "surrogatepass")
        fields.append((b"content-type", b"application/x-www-form-urlencoded"))
    start = T0 + (draw(st.floats(0, 1e5)) if at is None else at)
    req = http.Request(host, draw(st.sampled_from((443, 80, 8443))), draw(st.sampled_from(
        (b"GET", b"POST", b"PATCH", b"DELETE", b"PUT", b"OPTIONS", b"HEAD", b"get", b"BREW"))),
        draw(st.sampled_from((b"https", b"http"))), asked.encode() if version == b"HTTP/2.0" else b"",
        draw(paths()), version, http.Headers(fields), body, None, start, start + 0.01)
    flow = tflow.tflow(req=req)
    flow.response = draw(st.none() | responses(version, start))
    if flow.response is None or draw(st.integers(0, 9)) == 0:
        flow.error = Error(draw(st.sampled_from(("connection closed", "timeout", f"bad {ACCESS}"))))
    if flow.response is not None and draw(st.integers(0, 9)) == 0:
        flow.response.status_code = 101
        flow.websocket = WebSocketData()
    return flow


@st.composite
def responses(draw: st.DrawFn, version: bytes, start: float) -> http.Response:
    """A response, sometimes streamed (content None)."""
    body, encoding_field = draw(bodies().flatmap(encoded))
    status = draw(st.sampled_from(STATUSES) | st.integers(100, 599))
    resp = http.Response(version, status, b"", http.Headers([*encoding_field, *draw(response_fields)]), body, None,
                         start + 0.05, start + 0.06)
    if draw(st.integers(0, 9)) == 0:
        resp.stream = True
        resp.data.content = None
    return resp


def secret_free(text: str) -> bool:
    """Whether none of the fake secrets appears in `text`."""
    return not any(secret in text for secret in SECRETS)


@pytest.mark.parametrize(("what", "condition"), [
    ("no response", lambda f: f.response is None),
    ("an error", lambda f: f.error is not None),
    ("HTTP/2", lambda f: f.request.is_http2),
    ("a websocket", lambda f: f.websocket is not None),
    ("a streamed response", lambda f: f.response is not None and f.response.raw_content is None),
    ("a body over the parse cap", lambda f: len(f.request.raw_content or b"") > MAX_PARSE_BYTES),
    ("a compressed body", lambda f: "content-encoding" in f.request.headers),
    ("duplicated rate-limit headers", lambda f: f.response is not None
     and len(f.response.headers.get_all("x-ratelimit-limit")) > 1),
    ("a bearer access token", lambda f: f.request.headers.get("authorization", "").endswith(ACCESS)),
])
def test_flows_reach_every_kind_of_input(what: str, condition) -> None:
    """The strategies really produce each kind of input the fuzz tests claim to cover."""
    found = find(flows(), condition, settings=settings(max_examples=2000, database=None, deadline=None,
                                                     suppress_health_check=list(HealthCheck)))
    assert condition(found), what
