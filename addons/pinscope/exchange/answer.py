"""The answer's part of an Exchange: status, headers, body, the tokens an /oauth/token answer issued."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mitmproxy import http

from pinscope import bounds
from pinscope.exchange import upstream
from pinscope.exchange.body import RESPONSE_BODY, read_body
from pinscope.exchange.headers import HeaderView
from pinscope.exchange.model import TokenGrant
from pinscope.redact import loads
from pinscope.tokens import classify_token
from pinscope.untrusted import MAX_BODY_BYTES


def answer_fields(flow: http.HTTPFlow, fields: dict[str, Any]) -> None:
    """Add the answer's fields (status, headers, body, grant, error, duration) to a request's `fields`."""
    req, resp = flow.request, flow.response
    error = flow.error.msg if flow.error else None
    status = resp.data.status_code if resp is not None else None
    resp_headers = HeaderView(resp.data.headers.fields) if resp is not None else {}
    if resp is not None and (status in upstream.PROXY_STATUSES or req.data.method == b"CONNECT") \
            and (made := _proxy_made(req, resp, resp_headers)) is not None:
        resp, status, error = None, None, error or made  # mitmproxy's own 502 page: the server never answered
        resp_headers = {}
    resp_body = None
    if resp is not None and fields["environment"]:  # other hosts' answers are never decoded
        resp_body, unread = read_body(resp, resp_headers.get("content-encoding"), RESPONSE_BODY)
        if unread:
            fields["unread"] += unread
    grant = None
    if fields["api_path"] is not None and fields["api_path"].rstrip("/") == "/oauth/token":
        grant = _grant(resp_body) if status is not None and status < 400 else None
        resp_body = resp_body if status is not None and status >= 400 else None
    fields.update({
        "duration_ms": bounds.duration_ms(fields["timestamp"], resp.timestamp_end) if resp is not None else None,
        "status": status,
        "response_headers": resp_headers,
        "response_body": resp_body,
        "grant": grant,
        "error": error,
    })


def _proxy_made(req: http.Request, resp: http.Response, headers: Mapping[str, str]) -> str | None:
    """upstream.proxy_made() for a flow's answer and its headers, reading its body only within the cap."""
    body = (resp.raw_content or b"")[:MAX_BODY_BYTES]
    return upstream.proxy_made(req.method.upper(), resp.status_code, headers, body)


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
    """A lifetime in seconds, or None (NaN, inf, 1e300, negative, bool, text: see bounds.lifetime)."""
    return bounds.lifetime(value)
