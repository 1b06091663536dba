"""Build an Exchange from a mitmproxy flow: secrets become Credentials here, before anything sees them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mitmproxy import http

from pinscope.exchange.model import API_HOSTS, Exchange, TokenGrant
from pinscope.exchange.request import (MAX_PARSE_BYTES, might_leak, pretty_host, read_headers,
                                       request_leaks)
from pinscope.redact import loads, mask_pairs, mask_query, mask_tokens, query_tokens
from pinscope.tokens import classify_token, parse_authorization


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
    req_headers, authorization = read_headers(req.headers)
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
    query, shown_query = mask_query(query_pairs)
    url = f"{req.scheme}://{shown_host}{'' if req.port in (80, 443) else f':{req.port}'}{path}"
    return dict(
        timestamp=req.timestamp_start,
        method=req.method.upper(),
        scheme=req.scheme,
        host=host,
        port=req.port,
        path=path,
        url=url + (f"?{shown_query}" if query_pairs else ""),
        query=query,
        environment=environment,
        api_version=version if environment else None,
        api_path=api_path if environment else None,
        request_headers=req_headers,
        credential=parse_authorization(authorization),
        request_form=form,
        request_body=req_body if form == {} and "json" in content_type else None,
        leaked=() if environment or not might_leak(req) else request_leaks(req, req_body),
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
    resp_headers = read_headers(resp.headers)[0] if resp is not None else {}
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
