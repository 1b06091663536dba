"""Build an Exchange from a mitmproxy flow: secrets become Credentials here, before anything sees them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mitmproxy import http

from pinscope import bounds
from pinscope.exchange import upstream
from pinscope.exchange.decode import Unread, decode_body
from pinscope.exchange.headers import HeaderView
from pinscope.exchange.model import API_HOSTS, Exchange, TokenGrant
from pinscope.exchange.request import might_leak, pretty_host, request_leaks
from pinscope.redact import loads, mask_pairs, mask_query, mask_tokens, query_tokens
from pinscope.tokens import classify_token, parse_authorization
from pinscope.untrusted import MAX_BODY_BYTES, MAX_QUERY_BYTES, MAX_QUERY_PARAMS, MAX_URL_CHARS

REQUEST_BODY = "request_body"  # how Exchange.unread names each body (Unread.body: a phrase name)
RESPONSE_BODY = "response_body"
FORM = "x-www-form-urlencoded"


def _body(message: http.Message, content_encoding: str | None, what: str) -> tuple[bytes | None, tuple[Unread, ...]]:
    """(decoded body or None, why it was not read: empty when it was, or when there is none).

    Never mitmproxy's get_content(): that decodes the whole body and fills mitmproxy's decode cache.
    """
    raw = message.raw_content
    if raw is None:  # mitmproxy streamed it on (stream_large_bodies): pinscope never sees the bytes
        return None, (Unread("streamed", body=what),)
    if not content_encoding and len(raw) <= MAX_BODY_BYTES:  # most bodies: as they are
        return raw or None, ()
    decoded = decode_body(raw, content_encoding)
    return decoded.body, (() if decoded.reason is None else (decoded.reason._replace(body=what),))


def _pairs(text: str) -> list[tuple[str, str]]:
    """parse_qsl() of at most MAX_QUERY_PARAMS fields (its own max_num_fields raises instead of cutting)."""
    if not text:
        return []
    if text.count("&") >= MAX_QUERY_PARAMS:
        text = "&".join(text.split("&", MAX_QUERY_PARAMS)[:MAX_QUERY_PARAMS])
    return parse_qsl(text, keep_blank_values=True)


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
    """A lifetime in seconds, or None (NaN, inf, 1e300, negative, bool, text: see bounds.lifetime)."""
    return bounds.lifetime(value)


def request_key(request: http.Request) -> tuple[object, ...]:
    """Everything about a request that _request_fields() reads (immutable values, cheap to compare)."""
    data = request.data
    return (data.headers.fields, data.content, data.path, data.host, data.port, data.method,
            data.scheme, data.authority, data.http_version, data.timestamp_start)


def unchanged(key: tuple[object, ...], request: http.Request) -> bool:
    """Whether `request` still reads as it did when `key` was taken (identical objects compare at once)."""
    return key == request_key(request)


def _request_fields(req: http.Request, req_headers: HeaderView | None = None) -> dict[str, Any]:
    """The Exchange fields that depend on the request alone, reading the target, query and headers
    only within the caps.

    The body is read for an API call that sends JSON or a form, and elsewhere only to look for
    leaked tokens (might_leak).
    """
    if req_headers is None:
        req_headers = HeaderView(req.data.headers.fields)
    authorization = req_headers.authorization
    shown_host = pretty_host(req, req_headers.get("host"))
    host = shown_host.lower()
    environment = API_HOSTS.get(host)
    target, _, raw_query = req.data.path[:MAX_URL_CHARS].partition(b"?")
    raw_path = target.decode("utf-8", "surrogateescape")  # as mitmproxy's Request.path decodes it
    path = mask_tokens(raw_path)  # a token pasted into the path is shown, like any, by its label
    version, api_path = _split_version(path)
    data = req.data  # mitmproxy's raw fields: its properties decode on every read
    method = data.method.decode("utf-8", "surrogateescape").upper()  # as Request.method reads it
    calls = environment is not None and method != "CONNECT"  # a tunnel (only diagnosed when it fails)
    query_pairs = _pairs(raw_query[:MAX_QUERY_BYTES].decode("utf-8", "surrogateescape"))
    content_type = req_headers.get("content-type", "")
    leaks = environment is None and might_leak(req)
    req_body, unread = None, ()
    if leaks or (environment is not None and ("json" in content_type or FORM in content_type)):
        req_body, unread = _body(req, req_headers.get("content-encoding"), REQUEST_BODY)
    form: dict[str, str] = {}
    secrets: list[tuple[int, str]] = []  # (length, fingerprint) of each secret read: see KnownSecrets
    if FORM in content_type and req_body is not None:
        form = mask_pairs(_pairs(req_body[:MAX_QUERY_BYTES].decode("utf-8", "replace")), secrets)
    query, shown_query = mask_query(query_pairs, secrets) if query_pairs else ({}, "")
    credential = parse_authorization(authorization)
    if credential is not None and credential.length:
        secrets.append((credential.length, credential.fingerprint))
    scheme, port = data.scheme.decode("utf-8", "surrogateescape"), data.port
    url = f"{scheme}://{shown_host}{'' if port in (80, 443) else f':{port}'}{path}"
    return {  # a literal: building it costs less than dict(**names)
        "timestamp": bounds.timestamp(data.timestamp_start),  # a capture may hold NaN, inf, text
        "method": method,
        "scheme": scheme,
        "host": host,
        "port": port,
        "path": path,
        "url": url + (f"?{shown_query}" if query_pairs else ""),
        "query": query,
        "environment": environment,
        "is_api": environment is not None,
        "api_version": version if calls else None,
        "api_path": api_path if calls else None,  # None: names no operation
        "request_headers": req_headers,
        "credential": credential,
        "secrets": tuple(secrets),
        "request_form": form,
        "request_body": req_body if form == {} and "json" in content_type else None,
        "leaked": request_leaks(req, req_body) if leaks else (),
        "query_tokens": query_tokens(query_pairs) if query_pairs else (),
        "unread": unread if environment else (),  # said only where pinscope diagnoses (API hosts)
    }


def from_flow(flow: http.HTTPFlow, before: Exchange | None = None, *, answered: bool = True,
              headers: HeaderView | None = None) -> Exchange:
    """Build the Exchange for a flow (request only, or request and response).

    `before`: this flow's request-phase Exchange, given only while its request is unchanged (see
    `unchanged()`): it is completed with the answer and returned (its request fields are not read
    again; what it cached without the answer is dropped). `answered=False`: the
    request phase, which reads the request alone even when the flow already holds an answer (a
    replayed flow, or one another addon answered in its request hook; the response hook follows).
    `headers`: the request's HeaderView, when the caller has read it already.
    """
    if before is None:
        fields = _request_fields(flow.request, headers)
    else:  # the request phase's Exchange, completed: its fields and request-only caches as they are
        fields = before.__dict__
        if not fields.keys().isdisjoint(Exchange.RESPONSE_CACHES):  # computed without the answer: read it again
            for name in Exchange.RESPONSE_CACHES:
                fields.pop(name, None)
        if before.unread:
            fields["unread"] = tuple(r for r in before.unread if r.body == REQUEST_BODY)
    fields["flow_id"] = flow.id
    if answered and (flow.response is not None or flow.error):
        _answer(flow, fields)
    else:  # the request phase: no answer yet
        fields.update({"duration_ms": None, "status": None, "response_headers": {}, "response_body": None,
                       "grant": None, "error": None})
    return before if before is not None else Exchange(fields)


def _answer(flow: http.HTTPFlow, fields: dict[str, Any]) -> None:
    """Add the answer's fields (status, headers, body, grant, error, duration) to a request's `fields`."""
    req, resp = flow.request, flow.response
    error = flow.error.msg if flow.error else None
    status = resp.data.status_code if resp is not None else None
    resp_headers = HeaderView(resp.data.headers.fields) if resp is not None else {}
    if status is not None and (status in upstream.PROXY_STATUSES or req.data.method == b"CONNECT") \
            and (made := _proxy_made(req, resp, resp_headers)) is not None:
        resp, status, error = None, None, error or made  # mitmproxy's own 502 page: the server never answered
        resp_headers = {}
    resp_body = None
    if resp is not None and fields["environment"]:  # other hosts' answers are never decoded
        resp_body, unread = _body(resp, resp_headers.get("content-encoding"), RESPONSE_BODY)
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


def _proxy_made(req: http.Request, resp: http.Response, headers: HeaderView) -> str | None:
    """upstream.proxy_made() for a flow's answer and its headers, reading its body only within the cap."""
    body = (resp.raw_content or b"")[:MAX_BODY_BYTES]
    return upstream.proxy_made(req.method.upper(), resp.status_code, headers, body)
