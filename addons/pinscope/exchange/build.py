"""Build an Exchange from a mitmproxy flow: secrets become Credentials here, before anything sees them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mitmproxy import http

from pinscope import bounds
from pinscope.exchange.answer import answer_fields
from pinscope.exchange.body import REQUEST_BODY, read_body
from pinscope.exchange.decode import Unread
from pinscope.exchange.headers import HeaderView
from pinscope.exchange.model import API_HOSTS, Exchange
from pinscope.exchange.request import might_leak, pretty_host, request_leaks
from pinscope.redact import mask_pairs, mask_query, mask_tokens, query_tokens
from pinscope.tokens import parse_authorization
from pinscope.untrusted import MAX_QUERY_BYTES, MAX_QUERY_PARAMS, MAX_URL_CHARS

FORM = "x-www-form-urlencoded"


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
    content_type = req_headers.get("content-type") or ""
    leaks = environment is None and might_leak(req)
    req_body: bytes | None = None
    unread: tuple[Unread, ...] = ()
    if leaks or (environment is not None and ("json" in content_type or FORM in content_type)):
        req_body, unread = read_body(req, req_headers.get("content-encoding"), REQUEST_BODY)
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
        answer_fields(flow, fields)
    else:  # the request phase: no answer yet
        fields.update({"duration_ms": None, "status": None, "response_headers": {}, "response_body": None,
                       "grant": None, "error": None})
    return before if before is not None else Exchange(fields)
