"""A realistic traffic mix as real mitmproxy flows: Pinterest errors, healthy calls, other traffic.

Fake, recognisable tokens only; timestamps advance one second per flow from a fixed start.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

from mitmproxy import http
from mitmproxy.test import tflow

PROD = "api.pinterest.com"
SANDBOX = "api-sandbox.pinterest.com"
T0 = 1_767_225_600.0
ACCESS = "pina_AMABENCHACCESSTOKEN00000000000000000000000000{:03d}"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
RATE = {"x-ratelimit-limit": "100, 100;w=1, 1000;w=60", "x-ratelimit-remaining": "87", "x-ratelimit-reset": "1"}
PIN = {"id": "813744226420795884", "title": "Bench pin", "board_id": "549755885175",
       "created_at": "2026-01-01T00:00:00",
       "media": {"media_type": "image", "images": {"150x150": {"url": "https://i.pinimg.com/x.jpg"}}}}
NEW_PIN = {"board_id": "549755885175", "media_source": {"source_type": "image_url", "url": "https://x/y.jpg"}}
TRIAL = "Apps with Trial access may not create Pins in production. Please use the sandbox."


@dataclass(frozen=True)
class Kind:
    """One kind of flow in the mix: how often, whether it is Pinterest traffic, and how to build it."""

    name: str
    weight: int
    pinterest: bool
    method: str
    host: str
    path: str
    status: int
    body: object = None
    request_json: object = None
    headers: tuple[tuple[str, str], ...] = ()
    token: str = "shared"  # "shared": one of a few app tokens; "own": a batch job's token; "none"

    def bearer(self, n: int) -> str | None:
        """The Authorization value of the n-th flow of this kind, if it sends one."""
        if self.token == "none":
            return None
        return "Bearer " + ACCESS.format(n % 7 if self.token == "shared" else 999)


def _err(code: int, message: str) -> dict:
    return {"code": code, "message": message, "status": "failure"}


KINDS: tuple[Kind, ...] = (
    # healthy Pinterest calls
    Kind("get-pin", 14, True, "GET", PROD, "/v5/pins/{n}", 200, PIN, headers=tuple(RATE.items())),
    Kind("list-boards", 10, True, "GET", PROD, "/v5/boards?page_size=25", 200,
         {"items": [{"id": str(i), "name": f"b{i}"} for i in range(25)], "bookmark": None}),
    Kind("create-pin", 5, True, "POST", PROD, "/v5/pins", 201, PIN, request_json=NEW_PIN),
    Kind("user-account", 4, True, "GET", PROD, "/v5/user_account", 200,
         {"username": "bench", "account_type": "BUSINESS"}),
    Kind("sandbox-board", 3, True, "POST", SANDBOX, "/v5/boards", 201, {"id": "1", "name": "b"},
         request_json={"name": "bench"}),
    # Pinterest errors
    Kind("insufficient-scope", 3, True, "GET", PROD, "/v5/ad_accounts", 401,
         _err(3, "Not authorized to access the user associated with this request.")),
    Kind("auth-failed", 2, True, "GET", PROD, "/v5/pins/{n}", 401, _err(2, "Authentication failed.")),
    Kind("rate-limited", 2, True, "GET", PROD, "/v5/boards/{n}/pins", 429, _err(8, "Rate limit exceeded"),
         headers=(("x-ratelimit-limit", "100, 100;w=1"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1")),
         token="own"),  # a batch job over its limit; the app's other calls are fine
    Kind("unknown-endpoint", 1, True, "GET", PROD, "/v5/pin/{n}/detail", 404, _err(404, "Not found")),
    Kind("server-error", 1, True, "GET", PROD, "/v5/boards", 503, _err(1, "Service unavailable")),
    Kind("trial-write", 1, True, "POST", PROD, "/v5/pins", 403, _err(29, TRIAL), request_json={"board_id": "1"}),
    # other traffic: no Pinterest host, no token
    Kind("page", 20, False, "GET", "www.example.com", "/articles/{n}", 200, None, token="none"),
    Kind("asset", 20, False, "GET", "cdn.example.net", "/static/app.{n}.js", 200, None, token="none"),
    Kind("api-json", 10, False, "POST", "shop.example.org", "/api/cart", 200, {"ok": True, "items": 3},
         request_json={"sku": "A-1", "qty": 1}, token="none"),
)
PAGE = b"<!doctype html><title>bench</title>" + b"<p>lorem ipsum dolor sit amet</p>" * 60


def build(kind: Kind, n: int) -> http.HTTPFlow:
    """A complete flow of `kind`; `n` varies ids, tokens and time."""
    headers = {"host": kind.host,
               "user-agent": "pinscope-bench/1.0 python-requests" if kind.pinterest else BROWSER,
               "accept": "application/json" if kind.pinterest else "*/*", "accept-encoding": "gzip"}
    if kind.bearer(n):
        headers["authorization"] = kind.bearer(n)
    content = b""
    if kind.request_json is not None:
        content = json.dumps(kind.request_json).encode()
        headers["content-type"] = "application/json"
    url = f"https://{kind.host}{kind.path.format(n=100000 + n)}"
    req = http.Request.make(kind.method, url, content, headers)
    req.timestamp_start, req.timestamp_end = T0 + n, T0 + n + 0.001
    body = PAGE if kind.body is None else json.dumps(kind.body).encode()
    resp_headers = {"content-type": "text/html" if kind.body is None else "application/json",
                    "date": "Thu, 01 Jan 2026 00:00:00 GMT", **dict(kind.headers)}
    if kind.pinterest:
        resp_headers["x-pinterest-rid"] = f"{n:016x}"
    resp = http.Response.make(kind.status, body, resp_headers)
    resp.timestamp_start, resp.timestamp_end = T0 + n + 0.05, T0 + n + 0.06
    return tflow.tflow(req=req, resp=resp)


def kinds(count: int, seed: int = 5) -> list[Kind]:
    """`count` kinds drawn by weight, reproducibly."""
    rng = random.Random(seed)
    return rng.choices(KINDS, weights=[k.weight for k in KINDS], k=count)


def flows(count: int, seed: int = 5) -> Iterator[tuple[Kind, http.HTTPFlow]]:
    """`count` flows of the mix, each with its kind."""
    for n, kind in enumerate(kinds(count, seed)):
        yield kind, build(kind, n)
