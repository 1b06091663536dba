"""The Exchange: one request/response pair as plain, secret-free data (no mitmproxy types)."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pinscope.pinterest import API_HOSTS, Environment  # noqa: F401 - re-exported from pinscope.exchange
from pinscope.ratelimit import RateLimitPolicy, parse_ratelimit
from pinscope.redact import loads
from pinscope.exchange.decode import Unread
from pinscope.tokens import Credential
from pinscope.untrusted import MAX_MESSAGE_CHARS, cut


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

    # Cached properties that read the answer: the response phase drops what the request phase cached
    # (build.from_flow); the others (request_json, request_signature) read the request alone and are kept.
    RESPONSE_CACHES = ("response_json", "error_code", "error_message", "rate_limit")

    def __init__(self, fields: dict[str, Any], /) -> None:
        """An Exchange from a dict of its fields (exchange.build's; taken as it is, not copied)."""
        self.__dict__ = fields

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
    is_api: bool  # environment is not None: a plain field, as detectors ask it a dozen times a flow
    api_version: str | None  # "v5", "v3", ... from the first path segment
    api_path: str | None  # path after `/v5` (or the whole path when no version is given)
    request_headers: MutableMapping[str, str]  # a HeaderView: lower-case names; credentials redacted
    credential: Credential | None
    request_form: dict[str, str]  # urlencoded body fields, secrets masked
    request_body: bytes | None  # JSON bodies only (capped); None otherwise
    status: int | None
    response_headers: MutableMapping[str, str]  # a HeaderView, or {} without an answer
    response_body: bytes | None  # capped; None for /oauth/token (it carries tokens)
    grant: TokenGrant | None
    error: str | None  # connection-level error, when there is no response
    leaked: tuple[tuple[str, Credential], ...]  # (where, token) found in request text
    query_tokens: tuple[tuple[str, Credential], ...] = ()  # (query key, token) found in the query string
    unread: tuple[Unread, ...] = ()  # API calls: why a body was not read (rules/body-not-read.toml words it)
    secrets: tuple[tuple[int, str], ...] = ()  # (length, fingerprint) of the request's secrets, never values

    @cached_property
    def request_json(self) -> Any:
        """The request JSON body, or None."""
        return loads(self.request_body)

    @cached_property
    def response_json(self) -> Any:
        """The response JSON body, or None."""
        return loads(self.response_body)

    @cached_property
    def request_signature(self) -> int:
        """What makes two requests the same call (a retry): method, host, path, query and body, hashed."""
        return hash((self.method, self.host, self.path, tuple(sorted(self.query.items())), self.request_body,
                     tuple(sorted(self.request_form.items()))))

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
        return cut(" ".join(p for p in parts if isinstance(p, str)), MAX_MESSAGE_CHARS)

    @cached_property
    def rate_limit(self) -> RateLimitPolicy | None:
        """The rate-limit policy from the response headers."""
        return parse_ratelimit(self.response_headers)

    @property
    def request_id(self) -> str | None:
        """`x-pinterest-rid`, the id Pinterest support asks for."""
        return self.response_headers.get("x-pinterest-rid")
