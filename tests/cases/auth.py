"""Cases for scope and token rules."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import error, flow, token_grant

CASES = [
    case("insufficient-scope/hit-grant-unknown", lambda: [
        flow("GET", "/v5/pins/123", status=401, body=error(3, "Not authorized: missing scopes")),
    ], "insufficient-scope"),
    case("insufficient-scope/hit-grant-known", lambda: [
        token_grant("pins:read"),
        flow("GET", "/v5/pins/123", at=5, status=401, body=error(3, "Not authorized: missing scopes")),
    ], "insufficient-scope", "scope-not-granted"),
    case("insufficient-scope/miss-401-code-2", lambda: [
        flow("GET", "/v5/pins/123", status=401, body=error(2, "Authentication failed.")),
    ], "authentication-failed"),
    case("scope-not-granted/hit-before-any-401", lambda: [
        token_grant("pins:read user_accounts:read"),
        flow("GET", "/v5/boards", at=5, status=None),
    ], "scope-not-granted"),
    case("scope-not-granted/miss-grant-covers", lambda: [
        token_grant("boards:read pins:read"),
        flow("GET", "/v5/pins/123", at=5, body={"id": "123"}),
    ]),
    case("scope-not-granted/miss-grant-unknown", lambda: [
        flow("GET", "/v5/boards", body={"items": []}),
    ]),
]
