"""The one place a mitmproxy flow becomes plain data: the Exchange detectors read.

Secrets are reduced to Credentials (prefix + fingerprint) here, before anything else sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any, Literal
from urllib.parse import parse_qsl

from mitmproxy import http
from mitmproxy.net.http import url as mitm_url

from pinscope.ratelimit import RateLimitPolicy, parse_ratelimit
from pinscope.redact import (TOKEN_START, Found, loads, mask_pairs, mask_tokens, masked_query, query_tokens,
                             tokens_in)
from pinscope.tokens import Credential, classify_token, parse_authorization

Environment = Literal["production", "sandbox"]
API_HOSTS: dict[str, Environment] = {
    "api.pinterest.com": "production",
    "api-sandbox.pinterest.com": "sandbox",
}
MAX_PARSE_BYTES = 1 << 20  # bodies above 1 MiB are never decoded or parsed
REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
IMAGE_PROXY_AGENT = "Pinterest Image Proxy"  # Pinterest's image fetcher, seen when pinscope fronts a site
# host[:port] with ASCII DNS labels: what mitmproxy's parse_authority accepts without changing it.
PLAIN_AUTHORITY = re.compile(r"([A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?)(?::(\d{1,5}))?")


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
        if (self.status or 0) < 400:  # before parsing: most answers are no errors
            return None
        body = self.response_json
        if not isinstance(body, dict):
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


def _headers(headers: http.Headers) -> tuple[dict[str, str], str | None]:
    """(lower-case header dict, duplicates joined, credentials redacted; the raw Authorization value).

    Reads the raw fields once, decoded as mitmproxy decodes them: its own lookups cost more per header.
    """
    out: dict[str, str] = {}
    authorization: str | None = None
    for raw_name, raw_value in headers.fields:
        name = raw_name.decode("utf-8", "surrogateescape").lower()
        value = raw_value.decode("utf-8", "surrogateescape")
        if name in REDACTED_HEADERS:
            if name == "authorization":
                authorization = value if authorization is None else f"{authorization}, {value}"
            value = "[redacted]"
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out, authorization


def pretty_host(request: http.Request, host_header: str | None = None) -> str:
    """`request.pretty_host` (`host_header`: the Host value, if already read), faster and never raising."""
    if request.is_http2 or request.is_http3:
        try:
            return request.pretty_host
        except Exception:  # noqa: BLE001 - a crafted :authority can break mitmproxy's IDNA decoding
            return request.host
    authority = host_header if host_header is not None else request.headers.get("host")
    return authority_host(authority) if authority else request.host


def authority_host(authority: str) -> str:
    """mitmproxy's `parse_authority(authority, check=False)[0]`, skipping its IDNA round trip (a few
    microseconds) for a plain ASCII name, which that round trip leaves as it is."""
    match = PLAIN_AUTHORITY.fullmatch(authority)
    if match is not None and "xn--" not in authority.lower() and len(match[1]) <= 255 \
            and int(match[2] or 0) <= 65535:
        return match[1]
    try:
        return mitm_url.parse_authority(authority, check=False)[0]
    except Exception:  # noqa: BLE001 - e.g. OverflowError from punycode in `xn--6553565535a`
        return authority  # what parse_authority returns for any other invalid authority


def _body(message: http.Message | None, content_encoding: str | None) -> bytes | None:
    """Decoded body, or None when absent, too large or undecodable."""
    raw = message.raw_content if message is not None else None
    if not raw or len(raw) > MAX_PARSE_BYTES:
        return None
    if not content_encoding:  # what get_content returns without a Content-Encoding
        return raw
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


def candidate(request: http.Request) -> bool:
    """A cheap superset of what the addon reads: False lets it return at once (other traffic).

    True for anything naming Pinterest (API hosts, the image proxy), any v5 token shape, and the
    X-Pinscope-Silence header: raw header bytes joined once, no header parsing.
    """
    data = request.data
    blob = b"\n".join([*chain.from_iterable(data.headers.fields), data.path, data.authority])
    lowered = blob.lower()
    if b"pin" in lowered and (  # each word below starts so: one short search clears most traffic
            b"pinterest" in lowered or b"x-pinscope-silence" in lowered or TOKEN_START.search(blob) is not None):
        return True
    if "pinterest" in data.host.lower():
        return True
    raw = data.content
    return bool(raw) and len(raw) <= MAX_PARSE_BYTES and TOKEN_START.search(raw) is not None


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


# Exchange fields that depend on the request alone: from_flow() may take them from the request phase.
REQUEST_FIELDS = ("timestamp", "method", "scheme", "host", "port", "path", "url", "query", "environment",
                  "api_version", "api_path", "request_headers", "credential", "request_form", "request_body",
                  "leaked", "query_tokens")


def request_key(request: http.Request) -> tuple[object, ...]:
    """Everything about a request that _request_fields() reads (immutable values, cheap to compare)."""
    data = request.data
    return (data.headers.fields, data.content, data.path, data.host, data.port, data.method,
            data.scheme, data.authority, data.http_version, data.timestamp_start)


def unchanged(key: tuple[object, ...], request: http.Request) -> bool:
    """Whether `request` still reads as it did when `key` was taken (identical objects compare at once)."""
    return key == request_key(request)


def _request_fields(req: http.Request) -> dict[str, Any]:
    """The REQUEST_FIELDS of an Exchange."""
    req_headers, authorization = _headers(req.headers)
    shown_host = pretty_host(req, req_headers.get("host"))
    host = shown_host.lower()
    environment = API_HOSTS.get(host)
    raw_path, _, raw_query = req.path.partition("?")
    path = mask_tokens(raw_path)  # a token pasted into the path is shown, like any, by its label
    version, api_path = _split_version(path)
    query_pairs = parse_qsl(raw_query, keep_blank_values=True) if raw_query else []
    req_body = _body(req, req_headers.get("content-encoding"))
    content_type = req_headers.get("content-type", "")
    form: dict[str, str] = {}
    if "x-www-form-urlencoded" in content_type and req_body is not None:
        form = mask_pairs(parse_qsl(req_body.decode("utf-8", "replace"), keep_blank_values=True))
    url = f"{req.scheme}://{shown_host}{'' if req.port in (80, 443) else f':{req.port}'}{path}"
    return dict(
        timestamp=req.timestamp_start,
        method=req.method.upper(),
        scheme=req.scheme,
        host=host,
        port=req.port,
        path=path,
        url=url + (f"?{masked_query(query_pairs)}" if query_pairs else ""),
        query=mask_pairs(query_pairs),
        environment=environment,
        api_version=version if environment else None,
        api_path=api_path if environment else None,
        request_headers=req_headers,
        credential=parse_authorization(authorization),
        request_form=form,
        request_body=req_body if form == {} and "json" in content_type else None,
        leaked=() if environment or not might_leak(req) else _leaks(req, req_body),
        query_tokens=query_tokens(query_pairs) if raw_query else (),
    )


def from_flow(flow: http.HTTPFlow, before: Exchange | None = None) -> Exchange:
    """Build the Exchange for a flow (request only, or request and response).

    `before`: this flow's request-phase Exchange, given only while its request is unchanged (see
    `unchanged()`); its request fields are reused rather than read again.
    """
    req, resp = flow.request, flow.response
    if before is None:
        fields = _request_fields(req)
    else:
        fields = {name: before.__dict__[name] for name in REQUEST_FIELDS}
        fields["request_headers"] = dict(before.request_headers)  # the addon adds to it
    resp_headers = _headers(resp.headers)[0] if resp is not None else {}
    resp_body = _body(resp, resp_headers.get("content-encoding"))
    grant = None
    if fields["environment"] and fields["api_path"].rstrip("/") == "/oauth/token":
        grant = _grant(resp_body) if resp and resp.status_code < 400 else None
        resp_body = resp_body if resp is not None and resp.status_code >= 400 else None
    return Exchange(
        flow_id=flow.id,
        duration_ms=(resp.timestamp_end - req.timestamp_start) * 1000
        if resp is not None and resp.timestamp_end else None,
        status=resp.status_code if resp is not None else None,
        response_headers=resp_headers,
        response_body=resp_body,
        grant=grant,
        error=flow.error.msg if flow.error else None,
        **fields,
    )
