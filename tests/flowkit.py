"""Build realistic Pinterest flows for tests: real mitmproxy HTTPFlow objects, no mocks."""

from __future__ import annotations

import base64
import json
from typing import Any

from mitmproxy import http
from mitmproxy.test import tflow

PROD = "api.pinterest.com"
SANDBOX = "api-sandbox.pinterest.com"
T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z: fixtures never read the wall clock

# Recognisable fake secrets: tests search every output for them.
ACCESS = "pina_AMAFAKEACCESSTOKEN0000000000000000000000000001"
ACCESS_2 = "pina_AMAFAKEACCESSTOKEN0000000000000000000000000002"
REFRESH = "pinr.FAKEREFRESHTOKEN00000000000000000000000000001"
APP_ID = "1234567"
APP_SECRET = "fakeappsecret0000000000000000000000000001"
AUTH_CODE = "fakeauthcode000000000000000000000001"
SECRETS = (ACCESS, ACCESS_2, REFRESH, APP_SECRET, AUTH_CODE)
IMAGE_PROXY_UA = "Mozilla/5.0 (Pinterest Image Proxy/1.0; +https://www.pinterest.com/image-proxy.html)"


def basic(app_id: str = APP_ID, secret: str = APP_SECRET) -> str:
    """`Basic base64(app_id:app_secret)`."""
    return "Basic " + base64.b64encode(f"{app_id}:{secret}".encode()).decode()


def flow(
    method: str,
    path: str,
    *,
    host: str = PROD,
    scheme: str = "https",
    token: str | None = ACCESS,
    authorization: str | None = None,
    status: int | None = 200,
    body: Any = None,
    request_json: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    request_headers: dict[str, str] | None = None,
    at: float = 0.0,
    rid: str | None = "rid-0001",
) -> http.HTTPFlow:
    """One flow: request to `host` + `path`, and (unless status is None) a JSON response."""
    req_headers = {"user-agent": "pinscope-tests/1.0"}
    if authorization is not None:
        req_headers["authorization"] = authorization
    elif token is not None:
        req_headers["authorization"] = f"Bearer {token}"
    content = b""
    if request_json is not None:
        content = json.dumps(request_json).encode()
        req_headers["content-type"] = "application/json"
    elif form is not None:
        content = "&".join(f"{k}={v}" for k, v in form.items()).encode()
        req_headers["content-type"] = "application/x-www-form-urlencoded"
    req_headers.update(request_headers or {})
    port = 443 if scheme == "https" else 80
    req = http.Request.make(method, f"{scheme}://{host}:{port}{path}", content, req_headers)
    req.timestamp_start = T0 + at
    req.timestamp_end = T0 + at + 0.01
    resp = None
    if status is not None:
        resp_headers = {"content-type": "application/json"}
        if rid:
            resp_headers["x-pinterest-rid"] = rid
        resp_headers.update(headers or {})
        resp_body = b"" if body is None else json.dumps(body).encode()
        resp = http.Response.make(status, resp_body, resp_headers)
        resp.timestamp_start = T0 + at + 0.05
        resp.timestamp_end = T0 + at + 0.06
    f = tflow.tflow(req=req, resp=resp) if resp is not None else tflow.tflow(req=req)
    if resp is None:
        f.response = None
    return f


def error(code: int, message: str, **extra: Any) -> dict[str, Any]:
    """Pinterest's error body."""
    return {"code": code, "message": message, "status": "failure", **extra}


def ratelimit(remaining: int, reset: float | None = 1, limit: str = "100, 100;w=1, 1000;w=60") -> dict[str, str]:
    """X-RateLimit-* response headers in Pinterest's multi-policy form (no Reset when reset is None)."""
    headers = {"x-ratelimit-limit": limit, "x-ratelimit-remaining": str(remaining)}
    if reset is not None:
        headers["x-ratelimit-reset"] = f"{reset:g}"
    return headers


def token_grant(
    scopes: str,
    *,
    access: str = ACCESS,
    refresh: str = REFRESH,
    expires_in: int = 2_592_000,
    host: str = PROD,
    at: float = 0.0,
    grant_type: str = "authorization_code",
) -> http.HTTPFlow:
    """A successful POST /v5/oauth/token issuing `access` with `scopes` (space-separated)."""
    form = {"grant_type": grant_type, "code": AUTH_CODE, "redirect_uri": "http://localhost:8085/"}
    if grant_type == "refresh_token":
        form = {"grant_type": grant_type, "refresh_token": refresh}
    return flow(
        "POST", "/v5/oauth/token", host=host, authorization=basic(), form=form, at=at,
        body={
            "access_token": access, "refresh_token": refresh, "token_type": "bearer",
            "expires_in": expires_in, "refresh_token_expires_in": 5_184_000,
            "scope": scopes, "response_type": grant_type,
        },
    )
