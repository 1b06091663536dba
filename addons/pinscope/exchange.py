"""The one place a mitmproxy flow becomes plain data: the Exchange detectors read.

Secrets are reduced to Credentials (prefix + fingerprint) here, before anything else sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal
from urllib.parse import parse_qsl

from mitmproxy import http

from pinscope.ratelimit import RateLimitPolicy, parse_ratelimit
from pinscope.redact import TOKEN_START, Found, loads, mask_pairs, masked_query, query_tokens, tokens_in
from pinscope.tokens import Credential, classify_token, parse_authorization

Environment = Literal["production", "sandbox"]
API_HOSTS: dict[str, Environment] = {
    "api.pinterest.com": "production",
    "api-sandbox.pinterest.com": "sandbox",
}
MAX_PARSE_BYTES = 1 << 20  # bodies above 1 MiB are never decoded or parsed
REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
IMAGE_PROXY_AGENT = "Pinterest Image Proxy"  # Pinterest's image fetcher, seen when pinscope fronts a site


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """What an `/oauth/token` response issued: the tokens (as Credentials), scopes and lifetimes."""

    access: Credential | None
    refresh: Credential | None
    scopes: frozenset[str] | None
    expires_in: float | None
    refresh_expires_in: float | None
    response_type: str | None


class Exchange:
    """One request/response pair as plain, secret-free data."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    flow_id: str
    timestamp: float
    duration_ms: float | None
    method: str
    scheme: str
    host: str
    port: int
    path: str  # without the query string
    url: str  # masked: secret query values replaced by their labels
    query: dict[str, str]  # masked
    environment: Environment | None  # None: not a Pinterest API host
    api_version: str | None  # "v5", "v3", ... from the first path segment
    api_path: str | None  # path after `/v5` (or the whole path when no version is given)
    request_headers: dict[str, str]  # lower-case names; credentials redacted
    credential: Credential | None
    request_form: dict[str, str]  # urlencoded body fields, secrets masked
    request_body: bytes | None  # JSON bodies only (capped); None otherwise
    status: int | None
    response_headers: dict[str, str]
    response_body: bytes | None  # capped; None for /oauth/token (it carries tokens)
    grant: TokenGrant | None
    error: str | None  # connection-level error, when there is no response
    leaked: tuple[tuple[str, Credential], ...]  # (where, token) found in request text
    query_tokens: tuple[tuple[str, Credential], ...] = ()  # (query key, token) found in the query string

    @cached_property
    def request_json(self) -> Any:
        """The request JSON body, or None."""
        return loads(self.request_body)

    @cached_property
    def response_json(self) -> Any:
        """The response JSON body, or None."""
        return loads(self.response_body)

    @cached_property
    def error_code(self) -> int | None:
        """Pinterest's `code` from an error body (accepts a numeric string)."""
        body = self.response_json
        if not isinstance(body, dict) or (self.status or 0) < 400:
            return None
        code = body.get("code")
        if isinstance(code, bool):
            return None
        if isinstance(code, int):
            return code
        if isinstance(code, str) and code.strip().isdigit() and len(code.strip()) < 10:
            return int(code)
        return None

    @cached_property
    def error_message(self) -> str:
        """The error body's `message` (plus `message_detail`), or ''."""
        body = self.response_json
        if not isinstance(body, dict):
            return ""
        parts = [body.get(k) for k in ("message", "message_detail")]
        return " ".join(p for p in parts if isinstance(p, str))[:500]

    @cached_property
    def rate_limit(self) -> RateLimitPolicy | None:
        """The rate-limit policy from the response headers."""
        return parse_ratelimit(self.response_headers)

    @property
    def request_id(self) -> str | None:
        """`x-pinterest-rid`, the id Pinterest support asks for."""
        return self.response_headers.get("x-pinterest-rid")

    @property
    def is_api(self) -> bool:
        """Whether the request went to a Pinterest API host."""
        return self.environment is not None


def _headers(headers: http.Headers) -> dict[str, str]:
    """Lower-case header dict, duplicates joined, credentials redacted."""
    out: dict[str, str] = {}
    for name, value in headers.items(multi=True):
        name = name.lower()
        if name in REDACTED_HEADERS:
            value = "[redacted]"
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _body(message: http.Message | None) -> bytes | None:
    """Decoded body, or None when absent, too large or undecodable."""
    if message is None or not message.raw_content or len(message.raw_content) > MAX_PARSE_BYTES:
        return None
    try:
        content = message.get_content(strict=False)
    except Exception:  # noqa: BLE001 - a broken encoding is just an unreadable body
        return None
    return content if content is not None and len(content) <= MAX_PARSE_BYTES else None


def _split_version(path: str) -> tuple[str | None, str]:
    """`/v5/pins/1` -> ("v5", "/pins/1"); a path without a version is taken as v5."""
    first, _, rest = path.lstrip("/").partition("/")
    if len(first) >= 2 and first[0] == "v" and first[1:].isdigit():
        return first, "/" + rest
    return None, path


def _grant(body: bytes | None) -> TokenGrant | None:
    """Read an OAuth token response; tokens become Credentials at once."""
    data = loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return None
    scope = data.get("scope")
    scopes = frozenset(scope.replace(",", " ").split()) if isinstance(scope, str) else None
    refresh = data.get("refresh_token")
    return TokenGrant(
        access=classify_token(data["access_token"]),
        refresh=classify_token(refresh) if isinstance(refresh, str) else None,
        scopes=scopes,
        expires_in=_seconds(data.get("expires_in")),
        refresh_expires_in=_seconds(data.get("refresh_token_expires_in")),
        response_type=data.get("response_type") if isinstance(data.get("response_type"), str) else None,
    )


def _seconds(value: object) -> float | None:
    """A lifetime in seconds, or None."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def might_leak(request: http.Request) -> bool:
    """Cheap pre-check for non-API traffic: the start of a v5 token, or Pinterest's image proxy."""
    raw = request.raw_content or b""
    return (
        TOKEN_START.search(request.data.path) is not None
        or any(TOKEN_START.search(value) for _, value in request.headers.fields)
        or IMAGE_PROXY_AGENT in request.headers.get("user-agent", "")
        or (len(raw) <= MAX_PARSE_BYTES and TOKEN_START.search(raw) is not None)
    )


def _leaks(request: http.Request, body: bytes | None) -> Found:
    """Tokens present anywhere in the request: query, headers (Authorization included), body."""
    found = [*tokens_in("query", request.path)]
    for name, value in request.headers.items():
        found.extend(tokens_in(f"header {name}", value))
    if body and TOKEN_START.search(body):
        found.extend(tokens_in("body", body.decode("utf-8", "replace")))
    return tuple(dict.fromkeys(found))


def from_flow(flow: http.HTTPFlow) -> Exchange:
    """Build the Exchange for a flow (request only, or request and response)."""
    req, resp = flow.request, flow.response
    host = req.pretty_host.lower()
    environment = API_HOSTS.get(host)
    path, _, raw_query = req.path.partition("?")
    version, api_path = _split_version(path)
    query_pairs = parse_qsl(raw_query, keep_blank_values=True)
    query = mask_pairs(query_pairs)
    req_body = _body(req)
    content_type = req.headers.get("content-type", "")
    form: dict[str, str] = {}
    if "x-www-form-urlencoded" in content_type and req_body is not None:
        form = mask_pairs(parse_qsl(req_body.decode("utf-8", "replace"), keep_blank_values=True))
    resp_body = _body(resp)
    grant = None
    if environment and api_path.rstrip("/") == "/oauth/token":
        grant = _grant(resp_body) if resp and resp.status_code < 400 else None
        resp_body = resp_body if resp is not None and resp.status_code >= 400 else None
    url = f"{req.scheme}://{req.pretty_host}{'' if req.port in (80, 443) else f':{req.port}'}{path}"
    return Exchange(
        flow_id=flow.id,
        timestamp=req.timestamp_start,
        duration_ms=(resp.timestamp_end - req.timestamp_start) * 1000
        if resp is not None and resp.timestamp_end else None,
        method=req.method.upper(),
        scheme=req.scheme,
        host=host,
        port=req.port,
        path=path,
        url=url + (f"?{masked_query(query_pairs)}" if query_pairs else ""),
        query=query,
        environment=environment,
        api_version=version if environment else None,
        api_path=api_path if environment else None,
        request_headers=_headers(req.headers),
        credential=parse_authorization(req.headers.get("authorization")),
        request_form=form,
        request_body=req_body if form == {} and "json" in content_type else None,
        status=resp.status_code if resp is not None else None,
        response_headers=_headers(resp.headers) if resp is not None else {},
        response_body=resp_body,
        grant=grant,
        error=flow.error.msg if flow.error else None,
        leaked=() if environment or not might_leak(req) else _leaks(req, req_body),
        query_tokens=query_tokens(query_pairs) if raw_query else (),
    )
