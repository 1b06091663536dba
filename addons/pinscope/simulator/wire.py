"""HTTP plumbing for the simulator: WSGI environ -> SimRequest, Reply -> WSGI response."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

from pinscope.exchange.model import API_HOSTS, Environment

HOSTS = API_HOSTS  # FACTS §3: production api.pinterest.com, sandbox api-sandbox.pinterest.com
MAX_BODY = 1 << 20
REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
           500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
           503: "Service Unavailable"}

StartResponse = Callable[..., Any]


@dataclass
class Reply:
    """A response to send: status, JSON body (None for an empty body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SimRequest:
    """One request as the simulator sees it."""

    method: str
    path: str
    query: dict[str, str]  # repeated parameters joined by ","
    headers: dict[str, str]  # lower-case names
    body: bytes
    environment: Environment

    @cached_property
    def form(self) -> dict[str, str]:
        """The urlencoded body fields (empty for other content types)."""
        if "application/x-www-form-urlencoded" not in self.headers.get("content-type", ""):
            return {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    @cached_property
    def json(self) -> Any:
        """The JSON body, or None."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def params(self) -> dict[str, str]:
        """Query, form and JSON object fields merged (used by the /_sim shortcuts)."""
        merged = dict(self.query)
        merged.update(self.form)
        if isinstance(self.json, dict):
            merged.update({k: str(v) for k, v in self.json.items()})
        return merged

    def bearer(self) -> str | None:
        """The bearer token of the Authorization header, if any."""
        scheme, _, value = self.headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return value.strip() or None


def environment_of(environ: dict[str, Any], default: Environment) -> Environment:
    """The Host header decides when it names a Pinterest API host; otherwise the default."""
    host = (environ.get("HTTP_HOST") or "").rsplit(":", 1)[0].lower()
    return HOSTS.get(host, default)


def read_request(environ: dict[str, Any], default: Environment) -> SimRequest:
    """Build a SimRequest from a WSGI environ."""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    query: dict[str, str] = {}
    for key, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    path = environ.get("PATH_INFO", "") or "/"
    # WSGI hands the path over as latin-1 decoded bytes.
    path = path.encode("latin-1").decode("utf-8", "replace")
    return SimRequest(environ.get("REQUEST_METHOD", "GET").upper(), path, query, headers, body,
                      environment_of(environ, default))


def write_reply(reply: Reply, rid: str, start_response: StartResponse) -> Iterable[bytes]:
    """Send a Reply: JSON content type and `x-pinterest-rid` on every response."""
    payload = b"" if reply.body is None else json.dumps(reply.body).encode()
    headers = {"content-type": "application/json", "x-pinterest-rid": rid, **reply.headers,
               "content-length": str(len(payload))}
    status = f"{reply.status} {REASONS.get(reply.status, 'Unknown')}"
    start_response(status, list(headers.items()))
    return [payload]
